/**
 * Write-style index kernels: scatter (a gather-shaped index; writes, or multiplies with a
 * compare-and-swap loop since WGSL has no atomic multiply) and indexCopy (a 1-D index along
 * one dim). Positions that fall outside the output are skipped: device-side error reporting
 * is still to come, and a wild index must never write out of bounds.
 */
import type { View } from "../backend.ts";
import { contiguousStrides, numelOf } from "../../core/shape.ts";
import { bindings, LINEAR_INDEX, MAIN_ARGS, wgslType, WORKGROUP } from "./wgsl.ts";
import { type GpuRuntime, type GpuStorage, viewBuffer } from "./runtime.ts";
import { copyInto } from "./elementwise.ts";
import { checkIndex, forEachDim } from "./indexing.ts";

type Mode = "set" | "multiply";

function multiplyAt(t: "f32" | "i32"): { element: string; fn: string } {
  const val = `bitcast<${t}>(old)`;
  return {
    element: "atomic<u32>",
    fn: `fn writeAt(p: i32, s: ${t}) {
  var old = atomicLoad(&out[p]);
  loop {
    let v = ${val} * s;
    let r = atomicCompareExchangeWeak(&out[p], old, bitcast<u32>(v));
    if (r.exchanged) { break; }
    old = r.old_value;
  }
}`,
  };
}

function writeFn(mode: Mode, t: "f32" | "i32" | "u32"): { element: string; fn: string } {
  if (mode === "set") return { element: t, fn: `fn writeAt(p: i32, s: ${t}) { out[p] = s; }` };
  if (t === "u32") {
    throw new Error("scatter: bool tensors cannot be multiplied into; convert with .int() first.");
  }
  return multiplyAt(t);
}

/**
 * out = copy of base; for every element e of `over` (index's shape for scatter, src's for
 * indexCopy), out[e's position with dim replaced by the index] = src[e] (or *= src[e]).
 */
function run(
  rt: GpuRuntime,
  op: "scatter" | "indexCopy",
  mode: Mode,
  base: View,
  dim: number,
  index: View,
  src: View,
): GpuStorage {
  checkIndex(op, index);
  const t = wgslType(base.dtype, op);
  const out = rt.alloc(numelOf(base.shape), op);
  copyInto(rt, base, base.dtype, out);
  const over = op === "scatter" ? index.shape : src.shape;
  const n = numelOf(over);
  if (n === 0) return out;
  const nd = over.length;
  const srcType = wgslType(src.dtype, op);
  const w = writeFn(mode, t);
  const indexAt = op === "scatter"
    ? "io += q * prm[5 + nd + d];"
    : "if (d == dim) { io += q * prm[5 + nd]; }";
  const pipeline = rt.pipeline(`${op}:${mode}:${t}:${srcType}`, () => `
${bindings([["src", srcType], ["idx", "i32"], ["out", w.element, "read_write"]])}
${w.fn}
@compute @workgroup_size(${WORKGROUP})
fn main(${MAIN_ARGS}) {
  ${LINEAR_INDEX}
  // prm: n, nd, dim, size, over[nd], idxOff, idxStrides[nd], srcOff, srcStrides[nd], outStrides[nd]
  if (i >= prm[0]) { return; }
  let nd = prm[1];
  let dim = prm[2];
  var io = prm[4 + nd];
  var so = prm[5 + 2 * nd];
  var oo = 0;
  ${
    forEachDim(
      "4",
      `${indexAt}
    so += q * prm[6 + 2 * nd + d];
    if (d != dim) { oo += q * prm[6 + 3 * nd + d]; }`,
    )
  }
  var k = idx[io];
  if (k < 0) { k += prm[3]; }
  if (k < 0 || k >= prm[3]) { return; }
  writeAt(oo + k * prm[6 + 3 * nd + dim], ${t}(src[so]));
}`);
  const idxStrides = op === "scatter"
    ? index.strides
    : [index.shape.length === 0 ? 0 : index.strides[0], ...new Array(nd - 1).fill(0)];
  rt.dispatch(
    pipeline,
    [viewBuffer(src, op), viewBuffer(index, op), out.live(op)],
    [
      n,
      nd,
      dim,
      base.shape[dim] ?? 1,
      ...over,
      index.offset,
      ...idxStrides,
      src.offset,
      ...src.strides,
      ...contiguousStrides(base.shape),
    ],
    [],
    Math.ceil(n / WORKGROUP),
  );
  return out;
}

export function scatterKernel(
  rt: GpuRuntime,
  base: View,
  dim: number,
  index: View,
  src: View,
  reduce: "none" | "multiply",
): GpuStorage {
  return run(rt, "scatter", reduce === "none" ? "set" : "multiply", base, dim, index, src);
}

export function indexCopyKernel(
  rt: GpuRuntime,
  base: View,
  dim: number,
  index: View,
  src: View,
): GpuStorage {
  return run(rt, "indexCopy", "set", base, dim, index, src);
}
