/**
 * Index reads: gather and indexSelect, and assign (strided writes for cat, slicing and
 * in-place ops). The index writes (scatterAdd, indexAdd, scatter, indexCopy) are scatter.ts.
 */
import type { View } from "../backend.ts";
import { contiguousStrides, numelOf } from "../../core/shape.ts";
import { bindings, forEachDim, perElementShader, store, wgslType } from "./wgsl.ts";
import { type GpuRuntime, type GpuStorage, viewBuffer } from "./runtime.ts";
import { copyInto } from "./elementwise.ts";
import { outOfBoundsMessage } from "../messages.ts";

/**
 * Checks an index's dtype now and its values on the device: one outside -size..size-1 raises
 * the CPU's message at the next read (the kernels clamp or skip it meanwhile).
 */
export function checkIndex(
  rt: GpuRuntime,
  op: string,
  index: View,
  size: number,
  dim: number,
): void {
  if (index.dtype !== "int32") {
    throw new Error(`${op}: indices must be int32 on webgpu, got ${index.dtype}. Use .int().`);
  }
  rt.check(
    index,
    { lo: -size, hi: size - 1 },
    `${op}:${size}:${dim}`,
    (v) => outOfBoundsMessage(op, v, size, dim),
  );
}

export function gatherKernel(rt: GpuRuntime, x: View, dim: number, index: View): GpuStorage {
  checkIndex(rt, "gather", index, x.shape[dim] ?? 1, dim);
  const t = wgslType(x.dtype, "gather");
  const n = numelOf(index.shape);
  const out = rt.alloc(n, "gather");
  if (n === 0) return out;
  const nd = index.shape.length;
  const pipeline = rt.pipeline(`gather:${t}`, () =>
    perElementShader(
      bindings([["x", t], ["idx", "i32"], ["out", t, "read_write"]]),
      `// prm: n, nd, dim, size, shape[nd], idxOff, idxStrides[nd], xOff, xStrides[nd]
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
  k = max(min(k, prm[3] - 1), 0); // a bad index is reported by the check, never read past
  out[i] = x[xo + k * prm[6 + 2 * nd + dim]];`,
    ));
  rt.dispatchElements(
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
    n,
  );
  return out;
}

export function indexSelectKernel(
  rt: GpuRuntime,
  x: View,
  dim: number,
  index: View,
): GpuStorage {
  checkIndex(rt, "indexSelect", index, x.shape[dim] ?? 1, dim);
  const t = wgslType(x.dtype, "indexSelect");
  const shape = [...x.shape];
  shape[dim] = numelOf(index.shape);
  const n = numelOf(shape);
  const out = rt.alloc(n, "indexSelect");
  if (n === 0) return out;
  const nd = shape.length;
  const pipeline = rt.pipeline(`indexSelect:${t}`, () =>
    perElementShader(
      bindings([["x", t], ["idx", "i32"], ["out", t, "read_write"]]),
      `// prm: n, nd, dim, size, outShape[nd], xOff, xStrides[nd], idxOff, idxStride
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
      c = max(min(c, prm[3] - 1), 0); // reported by the check, never read past
    }
    xo += c * prm[5 + nd + d];`,
        )
      }
  out[i] = x[xo];`,
    ));
  const idxStride = index.shape.length === 0 ? 0 : index.strides[0];
  rt.dispatchElements(
    pipeline,
    [viewBuffer(x, "indexSelect"), viewBuffer(index, "indexSelect"), out.live("indexSelect")],
    [n, nd, dim, x.shape[dim], ...shape, x.offset, ...x.strides, index.offset, idxStride],
    n,
  );
  return out;
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
  const pipeline = rt.pipeline(`assign:${st}>${dt}`, () =>
    perElementShader(
      bindings([["src", st], ["out", dt, "read_write"]]),
      `// prm: n, nd, shape[nd], dstOff, dstStrides[nd], srcOff, srcStrides[nd]
  let nd = prm[1];
  var oo = prm[2 + nd];
  var so = prm[3 + 2 * nd];
  ${forEachDim("2", "oo += q * prm[3 + nd + d];\n    so += q * prm[4 + 2 * nd + d];")}
  let v = ${c}(src[so]);
  out[oo] = ${store("v", c, dt)};`,
    ));
  rt.dispatchElements(
    pipeline,
    [viewBuffer(from, "assign"), viewBuffer(dst, "assign")],
    [n, nd, ...dst.shape, dst.offset, ...dst.strides, from.offset, ...from.strides],
    n,
  );
  if (tmp) rt.dispose(tmp); // reusable only after this batch is submitted (see BufferPool)
}
