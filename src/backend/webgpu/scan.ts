/**
 * Inclusive scans along one dim (cumsum, cumprod, logcumsumexp, cummax, cummin). One thread
 * owns one row and walks it in order: a scan is a chain of dependent steps, and the rows these
 * ops see (sequence lengths, a few thousand at most) are short next to the number of rows, so
 * a parallel prefix sum's extra passes and workgroup barriers would cost more than they save.
 */
import type { ScanOp, View } from "../backend.ts";
import { scanOutDtype } from "../../core/dtype.ts";
import { contiguousStrides, numelOf } from "../../core/shape.ts";
import {
  bindings,
  forEachDim,
  MATH_HELPERS,
  nanTest,
  perElementShader,
  store,
  wgslType,
} from "./wgsl.ts";
import { type GpuRuntime, type GpuStorage, viewBuffer } from "./runtime.ts";

function step(op: ScanOp, c: "f32" | "i32"): string {
  const nan = nanTest(c);
  switch (op) {
    case "cumsum":
      return "acc = acc + v;";
    case "cumprod":
      return "acc = acc * v;";
    case "logcumsumexp":
      return "acc = logaddexp_(acc, v);";
    case "cummax":
    case "cummin": {
      // Ties move to the latest index and a NaN sticks once seen, as in torch.
      const cmp = op === "cummax" ? ">=" : "<=";
      return `if (${nan("v")} || (!${nan("acc")} && v ${cmp} acc)) { acc = v; at = j; }`;
    }
  }
}

const LOGADDEXP = /* wgsl */ `
fn logaddexp_(a: f32, b: f32) -> f32 {
  let ninf = bitcast<f32>(0xff800000u);
  if (a == ninf) { return b; }
  if (b == ninf) { return a; }
  if (isnan_(a) || isnan_(b)) { return bitcast<f32>(0x7fc00000u); }
  let m = max(a, b);
  if (m == -ninf) { return m; }
  return m + log1p_(exp(-abs(a - b)));
}`;

export function scanKernel(
  rt: GpuRuntime,
  op: ScanOp,
  x: View,
  dim: number,
  reverse: boolean,
): GpuStorage {
  const n = numelOf(x.shape);
  const out = rt.alloc(n, op);
  const len = x.shape[dim];
  if (n === 0) return out;
  const inType = wgslType(x.dtype, op);
  const outType = wgslType(scanOutDtype(op, x.dtype), op);
  const c = inType === "f32" ? "f32" : "i32";
  const arg = op === "cummax" || op === "cummin";
  const pipeline = rt.pipeline(`scan:${op}:${inType}`, () =>
    perElementShader(
      `${MATH_HELPERS}
${c === "f32" && op === "logcumsumexp" ? LOGADDEXP : ""}
${bindings([["x", inType], ["out", outType, "read_write"]])}`,
      `// prm: rows, len, nk, offset, inStride, outStride, reverse, shape[nk], inStrides[nk], outStrides[nk]
  let len = prm[1];
  let nk = prm[2];
  var ib = prm[3];
  var ob = 0;
  ${forEachDim("7", "ib += q * prm[7 + nk + d];\n    ob += q * prm[7 + 2 * nk + d];", "nk")}
  let rev = prm[6] != 0;
  let first = select(0, len - 1, rev);
  let dj = select(1, -1, rev);
  var acc = ${c}(x[ib + first * prm[4]]);
  var at = first;
  for (var t = 0; t < len; t++) {
    let j = first + t * dj;
    let v = ${c}(x[ib + j * prm[4]]);
    if (t > 0) { ${step(op, c)} }
    out[ob + j * prm[5]] = ${arg ? "at" : store("acc", c, outType)};
  }`,
    ));
  const outStrides = contiguousStrides(x.shape);
  const kept = x.shape.map((_, d) => d).filter((d) => d !== dim);
  const rows = n / len;
  rt.dispatchElements(
    pipeline,
    [viewBuffer(x, op), out.live(op)],
    [
      rows,
      len,
      kept.length,
      x.offset,
      x.strides[dim],
      outStrides[dim],
      reverse ? 1 : 0,
      ...kept.map((d) => x.shape[d]),
      ...kept.map((d) => x.strides[d]),
      ...kept.map((d) => outStrides[d]),
    ],
    rows,
  );
  return out;
}
