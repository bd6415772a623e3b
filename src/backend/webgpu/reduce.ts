/**
 * Reductions and softmax. Long reductions give each output a workgroup whose threads stride
 * over the reduced elements and then combine in a tree in workgroup memory; short ones (most
 * of a training step: bias gradients, per-row losses) give each output one thread.
 */
import type { ReduceOp, View } from "../backend.ts";
import { reduceOutDtype } from "../../core/dtype.ts";
import { numelOf } from "../../core/shape.ts";
import {
  bindings,
  ISNAN_WGSL,
  nanTest,
  perElementShader,
  store,
  wgslType,
  WORKGROUP,
} from "./wgsl.ts";
import { type GpuRuntime, type GpuStorage, viewBuffer } from "./runtime.ts";

/** Reductions this short run one thread per output. */
const SHORT = 64;

type C = "f32" | "i32";

function init(op: ReduceOp, c: C): string {
  const big = c === "f32" ? "bitcast<f32>(0x7f800000u)" : "2147483647";
  const small = c === "f32" ? "bitcast<f32>(0xff800000u)" : "(-2147483647 - 1)";
  switch (op) {
    case "sum":
      return `${c}(0)`;
    case "prod":
      return `${c}(1)`;
    case "max":
    case "argmax":
      return small;
    case "min":
    case "argmin":
      return big;
  }
}

/** WGSL that folds value `v` (index `r`) into (acc, at). NaN wins, as on the CPU. */
function update(op: ReduceOp, c: C): string {
  const nan = nanTest(c);
  switch (op) {
    case "sum":
      return "acc = acc + v;";
    case "prod":
      return "acc = acc * v;";
    case "max":
      return `if (v > acc || ${nan("v")}) { acc = v; }`;
    case "min":
      return `if (v < acc || ${nan("v")}) { acc = v; }`;
    case "argmax":
      return `if (v > acc || (${nan("v")} && !${nan("acc")})) { acc = v; at = r; }`;
    case "argmin":
      return `if (v < acc || (${nan("v")} && !${nan("acc")})) { acc = v; at = r; }`;
  }
}

/** WGSL that merges (v, r) from another thread into (acc, at); ties keep the first index. */
function combine(op: ReduceOp, c: C): string {
  const nan = nanTest(c);
  switch (op) {
    case "sum":
    case "prod":
    case "max":
    case "min":
      return update(op, c);
    case "argmax":
    case "argmin": {
      const better = op === "argmax" ? "v > acc" : "v < acc";
      return `if ((${nan("v")} && (!${nan("acc")} || r < at)) || (!${nan("acc")} && (${better} ` +
        `|| (v == acc && r < at)))) { acc = v; at = r; }`;
    }
  }
}

/**
 * WGSL fn `name`(k) -> i32: `start` plus the memory offset of element k of the shape at
 * prm[shapeAt..) (`count` dims) with strides at prm[stridesAt..); nk and nr are in scope.
 */
function offsetFn(
  name: string,
  count: string,
  shapeAt: string,
  stridesAt: string,
  start: string,
): string {
  return `fn ${name}(k: i32) -> i32 {
  let nk = prm[2];
  let nr = prm[3];
  var rem = k;
  var off = ${start};
  for (var d = ${count} - 1; d >= 0; d--) {
    let s = prm[${shapeAt} + d];
    off += (rem % s) * prm[${stridesAt} + d];
    rem = rem / s;
  }
  return off;
}`;
}

export function reduceKernel(
  rt: GpuRuntime,
  op: ReduceOp,
  x: View,
  dims: readonly number[],
): GpuStorage {
  const outDtype = reduceOutDtype(op, x.dtype);
  const keptDims = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const nOut = numelOf(keptDims.map((d) => x.shape[d]));
  const nRed = numelOf(dims.map((d) => x.shape[d]));
  const out = rt.alloc(nOut, op);
  if (nOut === 0) return out;
  const inType = wgslType(x.dtype, op);
  const outType = wgslType(outDtype, op);
  const c: C = inType === "f32" ? "f32" : "i32";
  const arg = op === "argmax" || op === "argmin";
  const tree = nRed > SHORT;
  const key = `reduce:${op}:${inType}:${tree ? "tree" : "short"}`;
  const pipeline = rt.pipeline(key, () => {
    const result = arg ? "select(at, 0, at == 2147483647)" : "acc";
    // prm: nOut, nRed, nk, nr, offset, keptShape[nk], keptStrides[nk], redShape[nr], redStrides[nr]
    const head = `
${ISNAN_WGSL}
${bindings([["x", inType], ["out", outType, "read_write"]])}
${offsetFn("baseOf", "nk", "5", "5 + nk", "prm[4]")}
${offsetFn("offsetOf", "nr", "5 + 2 * nk", "5 + 2 * nk + nr", "0")}`;
    const fold = (start: string, step: string) => `
  var acc = ${init(op, c)};
  var at = 2147483647;
  for (var r = ${start}; r < nRed; r += ${step}) {
    let v = ${c}(x[base + offsetOf(r)]);
    ${update(op, c)}
  }`;
    if (!tree) {
      return perElementShader(
        head,
        `let nRed = prm[1];
  let base = baseOf(i);
  ${fold("0", "1")}
  out[i] = ${store(result, arg ? "i32" : c, outType)};`,
      );
    }
    return `${head}
var<workgroup> accs: array<${c}, ${WORKGROUP}>;
var<workgroup> ats: array<i32, ${WORKGROUP}>;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let o = i32(wid.x + wid.y * nwg.x);
  let valid = o < prm[0];
  let nRed = select(0, prm[1], valid);
  let base = baseOf(select(0, o, valid));
  ${fold("i32(lid)", `${WORKGROUP}`)}
  accs[lid] = acc;
  ats[lid] = at;
  workgroupBarrier();
  for (var s = ${WORKGROUP / 2}u; s > 0u; s = s / 2u) {
    if (lid < s) {
      acc = accs[lid];
      at = ats[lid];
      let v = accs[lid + s];
      let r = ats[lid + s];
      ${combine(op, c)}
      accs[lid] = acc;
      ats[lid] = at;
    }
    workgroupBarrier();
  }
  if (lid == 0u && valid) {
    acc = accs[0];
    at = ats[0];
    out[o] = ${store(result, arg ? "i32" : c, outType)};
  }
}`;
  });
  const kept = keptDims.map((d) => x.shape[d]);
  const keptStrides = keptDims.map((d) => x.strides[d]);
  const red = dims.map((d) => x.shape[d]);
  const redStrides = dims.map((d) => x.strides[d]);
  rt.dispatch(
    pipeline,
    [viewBuffer(x, op), out.live(op)],
    [nOut, nRed, kept.length, red.length, x.offset, ...kept, ...keptStrides, ...red, ...redStrides],
    [],
    tree ? nOut : Math.ceil(nOut / WORKGROUP),
  );
  return out;
}

/** Softmax / log-softmax along the last dim of a contiguous view (stable: max-shifted). */
export function softmaxKernel(rt: GpuRuntime, x: View, log: boolean): GpuStorage {
  const n = numelOf(x.shape);
  const len = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1];
  const out = rt.alloc(n, "softmax");
  if (n === 0) return out;
  wgslType(x.dtype, "softmax");
  const rows = n / len;
  const tree = len > SHORT;
  const finish = log ? "x[base + j] - m - lse" : "exp(x[base + j] - m) * inv";
  const pipeline = rt.pipeline(`softmax:${log}:${tree}`, () => {
    const head = `
${bindings([["x", "f32"], ["out", "f32", "read_write"]])}
fn negInf() -> f32 { return bitcast<f32>(0xff800000u); }`;
    // One row's three passes; a workgroup's threads stride over the row and combine their
    // partial max and sum in a tree, or one thread walks the whole row.
    const row = (r: string, start: string, step: string) => `
  let base = prm[2] + ${r} * len;
  var m = negInf();
  for (var j = ${start}; j < len; j += ${step}) { m = max(m, x[base + j]); }
  ${tree ? "m = combine(m, lid, true);" : ""}
  if (m == negInf()) { m = 0.0; } // an all -inf row: exp gives 0s, not NaN
  var sum = 0.0;
  for (var j = ${start}; j < len; j += ${step}) { sum += exp(x[base + j] - m); }
  ${tree ? "sum = combine(sum, lid, false);" : ""}
  let lse = log(sum);
  let inv = 1.0 / sum;
  for (var j = ${start}; j < len; j += ${step}) { out[${r} * len + j] = ${finish}; }`;
    if (!tree) return perElementShader(head, `let len = prm[1];${row("i", "0", "1")}`);
    return `${head}
var<workgroup> part: array<f32, ${WORKGROUP}>;
fn combine(v: f32, lid: u32, isMax: bool) -> f32 {
  part[lid] = v;
  workgroupBarrier();
  for (var s = ${WORKGROUP / 2}u; s > 0u; s = s / 2u) {
    if (lid < s) { part[lid] = select(part[lid] + part[lid + s], max(part[lid], part[lid + s]), isMax); }
    workgroupBarrier();
  }
  let r = part[0];
  workgroupBarrier();
  return r;
}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let rowIndex = i32(wid.x + wid.y * nwg.x);
  let len = select(0, prm[1], rowIndex < prm[0]);${row("rowIndex", "i32(lid)", `${WORKGROUP}`)}
}`;
  });
  rt.dispatch(
    pipeline,
    [viewBuffer(x, "softmax"), out.live("softmax")],
    [rows, len, x.offset],
    [],
    tree ? rows : Math.ceil(rows / WORKGROUP),
  );
  return out;
}
