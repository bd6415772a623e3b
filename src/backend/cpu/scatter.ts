/**
 * Write-style index kernels: scatter (gather-shaped index, writing or multiplying) and
 * indexCopy (a 1-D index along one dim). Both fill a copy of the base that the caller made.
 */
import type { TypedArray } from "../../core/dtype.ts";
import { contiguousStrides } from "../../core/shape.ts";
import type { Operand } from "./codegen.ts";
import { positions } from "./indexing.ts";

function outOfBounds(op: string, i: number, size: number, dim: number): Error {
  return new Error(
    `${op}: index ${i} is out of bounds for dimension ${dim} with size ${size} ` +
      `(valid indices are ${-size}..${size - 1}).`,
  );
}

function withoutDim(strides: readonly number[], dim: number): number[] {
  const s = [...strides];
  s[dim] = 0;
  return s;
}

/** out (contiguous, outShape, pre-filled with the base): out[.. index ..] = src or *= src. */
export function scatterInto(
  out: TypedArray,
  outShape: readonly number[],
  dim: number,
  index: Operand,
  src: Operand,
  reduce: "none" | "multiply",
): void {
  const strides = contiguousStrides(outShape);
  const size = outShape[dim] ?? 1, st = strides[dim] ?? 0;
  const po = positions(index.shape, withoutDim(strides, dim), 0);
  const pi = positions(index.shape, index.strides, index.offset);
  const ps = positions(index.shape, src.strides, src.offset);
  const id = index.data, sd = src.data;
  for (let f = 0; f < po.length; f++) {
    let i = id[pi[f]];
    if (i < 0) i += size;
    if (i < 0 || i >= size) throw outOfBounds("scatter", id[pi[f]], size, dim);
    if (reduce === "none") out[po[f] + i * st] = sd[ps[f]];
    else out[po[f] + i * st] *= sd[ps[f]];
  }
}

/** out (contiguous, outShape, pre-filled with the base) gets src's slices written at index. */
export function indexCopyInto(
  out: TypedArray,
  outShape: readonly number[],
  dim: number,
  index: Operand,
  src: Operand,
): void {
  const size = outShape[dim] ?? 1;
  const pl = positions(index.shape, index.strides, index.offset);
  const list = new Int32Array(pl.length);
  for (let j = 0; j < pl.length; j++) {
    let i = index.data[pl[j]];
    if (i < 0) i += size;
    if (i < 0 || i >= size) throw outOfBounds("indexCopy", index.data[pl[j]], size, dim);
    list[j] = i;
  }
  const strides = contiguousStrides(outShape);
  const srcShape = [...outShape];
  if (srcShape.length > 0) srcShape[dim] = list.length;
  const inner = strides[dim] ?? 1, L = list.length;
  const po = positions(srcShape, withoutDim(strides, dim), 0);
  const ps = positions(srcShape, src.strides, src.offset);
  const sd = src.data;
  for (let f = 0; f < po.length; f++) {
    out[po[f] + list[Math.floor(f / inner) % L] * inner] = sd[ps[f]];
  }
}
