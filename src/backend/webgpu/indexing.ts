/**
 * Index kernels: gather, indexSelect, their scatter twins (scatterAdd, indexAdd: the
 * backward of the first two), and assign (strided writes for cat, slicing and in-place ops).
 *
 * WGSL has no float atomics, so the scatters add with a compare-and-swap loop on the bits;
 * sums over repeated indices therefore land in any order, as on CUDA.
 */
import type { View } from "../backend.ts";
import type { DType } from "../../core/dtype.ts";
import { contiguousStrides, numelOf } from "../../core/shape.ts";
import { bindings, LINEAR_INDEX, MAIN_ARGS, store, wgslType, WORKGROUP } from "./wgsl.ts";
import { type GpuRuntime, type GpuStorage, viewBuffer } from "./runtime.ts";
import { copyInto } from "./elementwise.ts";

/** WGSL: decomposes linear index i over shape prm[S..S+nd) into coordinate q per dim d. */
function forEachDim(shapeAt: string, body: string): string {
  return `var rem = i;
  for (var d = nd - 1; d >= 0; d--) {
    let s = prm[${shapeAt} + d];
    let q = rem % s;
    rem = rem / s;
    ${body}
  }`;
}

function checkIndex(op: string, index: View): void {
  if (index.dtype !== "int32") {
    throw new Error(`${op}: indices must be int32 on webgpu, got ${index.dtype}. Use .int().`);
  }
}

export function gatherKernel(rt: GpuRuntime, x: View, dim: number, index: View): GpuStorage {
  checkIndex("gather", index);
  const t = wgslType(x.dtype, "gather");
  const n = numelOf(index.shape);
  const out = rt.alloc(n, "gather");
  if (n === 0) return out;
  const nd = index.shape.length;
  const pipeline = rt.pipeline(`gather:${t}`, () => `
${bindings([["x", t], ["idx", "i32"], ["out", t, "read_write"]])}
@compute @workgroup_size(${WORKGROUP})
fn main(${MAIN_ARGS}) {
  ${LINEAR_INDEX}
  // prm: n, nd, dim, size, shape[nd], idxOff, idxStrides[nd], xOff, xStrides[nd]
  if (i >= prm[0]) { return; }
  let nd = prm[1];
  let dim = prm[2];
  var io = prm[4 + nd];
  var xo = prm[5 + 2 * nd];
  ${
    forEachDim(
      "4",
      "io += q * prm[5 + nd + d];\n    if (d != dim) { xo += q * prm[6 + 2 * nd + d]; }",
    )
  }
  var k = idx[io];
  if (k < 0) { k += prm[3]; }
  out[i] = x[xo + k * prm[6 + 2 * nd + dim]];
}`);
  rt.dispatch(
    pipeline,
    [viewBuffer(x, "gather"), viewBuffer(index, "gather"), out.live("gather")],
    [
      n,
      nd,
      dim,
      x.shape[dim],
      ...index.shape,
      index.offset,
      ...index.strides,
      x.offset,
      ...x.strides,
    ],
    [],
    Math.ceil(n / WORKGROUP),
  );
  return out;
}

export function indexSelectKernel(
  rt: GpuRuntime,
  x: View,
  dim: number,
  index: View,
): GpuStorage {
  checkIndex("indexSelect", index);
  const t = wgslType(x.dtype, "indexSelect");
  const shape = [...x.shape];
  shape[dim] = numelOf(index.shape);
  const n = numelOf(shape);
  const out = rt.alloc(n, "indexSelect");
  if (n === 0) return out;
  const nd = shape.length;
  const pipeline = rt.pipeline(`indexSelect:${t}`, () => `
${bindings([["x", t], ["idx", "i32"], ["out", t, "read_write"]])}
@compute @workgroup_size(${WORKGROUP})
fn main(${MAIN_ARGS}) {
  ${LINEAR_INDEX}
  // prm: n, nd, dim, size, outShape[nd], xOff, xStrides[nd], idxOff, idxStride
  if (i >= prm[0]) { return; }
  let nd = prm[1];
  let dim = prm[2];
  var xo = prm[4 + nd];
  ${
    forEachDim(
      "4",
      `var c = q;
    if (d == dim) {
      c = idx[prm[5 + 2 * nd] + q * prm[6 + 2 * nd]];
      if (c < 0) { c += prm[3]; }
    }
    xo += c * prm[5 + nd + d];`,
    )
  }
  out[i] = x[xo];
}`);
  const idxStride = index.shape.length === 0 ? 0 : index.strides[0];
  rt.dispatch(
    pipeline,
    [viewBuffer(x, "indexSelect"), viewBuffer(index, "indexSelect"), out.live("indexSelect")],
    [n, nd, dim, x.shape[dim], ...shape, x.offset, ...x.strides, index.offset, idxStride],
    [],
    Math.ceil(n / WORKGROUP),
  );
  return out;
}

/** The atomic add for one element type, on `out` declared as an atomic array. */
function atomicAdd(t: "f32" | "i32"): { element: string; fn: string } {
  if (t === "i32") {
    return {
      element: "atomic<i32>",
      fn: "fn addAt(p: i32, v: i32) { atomicAdd(&out[p], v); }",
    };
  }
  return {
    element: "atomic<u32>",
    fn: `fn addAt(p: i32, v: f32) {
  var old = atomicLoad(&out[p]);
  loop {
    let r = atomicCompareExchangeWeak(&out[p], old, bitcast<u32>(bitcast<f32>(old) + v));
    if (r.exchanged) { break; }
    old = r.old_value;
  }
}`,
  };
}

function scatterType(op: string, dtype: DType): "f32" | "i32" {
  const t = wgslType(dtype, op);
  if (t === "u32") {
    throw new Error(
      `${op}: bool tensors cannot be summed into on webgpu; convert to .int() first.`,
    );
  }
  return t;
}

/**
 * out = copy of base; then for every element e of `over` (index's shape for scatterAdd,
 * src's for indexAdd) out[position with dim replaced by the index] += src[e].
 */
function scatter(
  rt: GpuRuntime,
  op: "scatterAdd" | "indexAdd",
  base: View,
  dim: number,
  index: View,
  src: View,
): GpuStorage {
  checkIndex(op, index);
  const t = scatterType(op, base.dtype);
  const out = rt.alloc(numelOf(base.shape), op);
  copyInto(rt, base, base.dtype, out);
  const over = op === "scatterAdd" ? index.shape : src.shape;
  const n = numelOf(over);
  if (n === 0) return out;
  const nd = over.length;
  const srcType = wgslType(src.dtype, op);
  const add = atomicAdd(t);
  // scatterAdd reads its index at each element's coordinates; indexAdd at the dim coordinate.
  const indexAt = op === "scatterAdd"
    ? "io += q * prm[5 + nd + d];"
    : "if (d == dim) { io += q * prm[5 + nd]; }";
  const pipeline = rt.pipeline(`${op}:${t}:${srcType}`, () => `
${bindings([["src", srcType], ["idx", "i32"], ["out", add.element, "read_write"]])}
${add.fn}
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
  addAt(oo + k * prm[6 + 3 * nd + dim], ${t}(src[so]));
}`);
  const idxStrides = op === "scatterAdd"
    ? index.strides
    : [index.shape.length === 0 ? 0 : index.strides[0], ...new Array(nd - 1).fill(0)];
  rt.dispatch(
    pipeline,
    [viewBuffer(src, op), viewBuffer(index, op), out.live(op)],
    [
      n,
      nd,
      dim,
      base.shape[dim],
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

export function scatterAddKernel(
  rt: GpuRuntime,
  base: View,
  dim: number,
  index: View,
  src: View,
): GpuStorage {
  return scatter(rt, "scatterAdd", base, dim, index, src);
}

export function indexAddKernel(
  rt: GpuRuntime,
  base: View,
  dim: number,
  index: View,
  src: View,
): GpuStorage {
  return scatter(rt, "indexAdd", base, dim, index, src);
}

/** Writes src (same shape) through the strided view dst, casting to dst's dtype. */
export function assignKernel(rt: GpuRuntime, dst: View, src: View): void {
  const n = numelOf(dst.shape);
  if (n === 0) return;
  let from = src;
  let tmp: GpuStorage | undefined;
  if (src.storage === dst.storage) {
    // A buffer cannot be bound for reading and writing in one dispatch: copy the source.
    tmp = rt.alloc(n, "assign");
    copyInto(rt, src, src.dtype, tmp);
    from = {
      storage: tmp,
      dtype: src.dtype,
      shape: src.shape,
      strides: contiguousStrides(src.shape),
      offset: 0,
    };
  }
  const dt = wgslType(dst.dtype, "assign");
  const st = wgslType(from.dtype, "assign");
  const c = dt === "f32" || st === "f32" ? "f32" : "i32";
  const nd = dst.shape.length;
  const pipeline = rt.pipeline(`assign:${st}>${dt}`, () => `
${bindings([["src", st], ["out", dt, "read_write"]])}
@compute @workgroup_size(${WORKGROUP})
fn main(${MAIN_ARGS}) {
  ${LINEAR_INDEX}
  // prm: n, nd, shape[nd], dstOff, dstStrides[nd], srcOff, srcStrides[nd]
  if (i >= prm[0]) { return; }
  let nd = prm[1];
  var oo = prm[2 + nd];
  var so = prm[3 + 2 * nd];
  ${forEachDim("2", "oo += q * prm[3 + nd + d];\n    so += q * prm[4 + 2 * nd + d];")}
  let v = ${c}(src[so]);
  out[oo] = ${store("v", c, dt)};
}`);
  rt.dispatch(
    pipeline,
    [viewBuffer(from, "assign"), viewBuffer(dst, "assign")],
    [n, nd, ...dst.shape, dst.offset, ...dst.strides, from.offset, ...from.strides],
    [],
    Math.ceil(n / WORKGROUP),
  );
  if (tmp) rt.dispose(tmp); // reusable only after this batch is submitted (see BufferPool)
}
