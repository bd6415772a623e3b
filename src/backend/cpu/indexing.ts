/**
 * Index kernels (gather, scatterAdd, indexSelect, indexAdd) and the strided write `assign`.
 * Each first lists the memory position of every element of a strided view (one Int32Array
 * per call, no per-element callbacks), then runs a flat loop. Indices are bounds-checked
 * so a bad index is an error, not silent garbage.
 */
import type { TypedArray } from "../../core/dtype.ts";
import { contiguousStrides, isContiguousLayout, numelOf } from "../../core/shape.ts";
import type { Operand } from "./codegen.ts";

function outOfBounds(op: string, i: number, size: number, dim: number): Error {
  return new Error(
    `${op}: index ${i} is out of bounds for dimension ${dim} with size ${size} ` +
      `(valid indices are ${-size}..${size - 1}).`,
  );
}

/** Memory position of each element of (shape, strides, offset), in row-major order. */
export function positions(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): Int32Array {
  const n = numelOf(shape);
  const out = new Int32Array(n);
  const nd = shape.length;
  const idx = new Int32Array(nd);
  let p = offset;
  for (let f = 0; f < n; f++) {
    out[f] = p;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      p += strides[d];
      if (idx[d] < shape[d]) break;
      p -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

function withoutDim(strides: readonly number[], dim: number): number[] {
  const s = [...strides];
  s[dim] = 0;
  return s;
}

export function gatherInto(out: TypedArray, x: Operand, dim: number, index: Operand): void {
  // A 0-d tensor has no dim 0 to index; it behaves as one of size 1 (as in PyTorch).
  const size = x.shape[dim] ?? 1, st = x.strides[dim] ?? 0;
  const px = positions(index.shape, withoutDim(x.strides, dim), x.offset);
  const pi = positions(index.shape, index.strides, index.offset);
  const xd = x.data, id = index.data;
  for (let f = 0; f < px.length; f++) {
    let i = id[pi[f]];
    if (i < 0) i += size;
    if (i < 0 || i >= size) throw outOfBounds("gather", id[pi[f]], size, dim);
    out[f] = xd[px[f] + i * st];
  }
}

/** out (contiguous, outShape, pre-filled with the base) += src at index along dim. */
export function scatterAddInto(
  out: TypedArray,
  outShape: readonly number[],
  dim: number,
  index: Operand,
  src: Operand,
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
    if (i < 0 || i >= size) throw outOfBounds("scatterAdd", id[pi[f]], size, dim);
    out[po[f] + i * st] += sd[ps[f]];
  }
}

function indexList(op: string, index: Operand, size: number, dim: number): Int32Array {
  const p = positions(index.shape, index.strides, index.offset);
  const list = new Int32Array(p.length);
  for (let j = 0; j < p.length; j++) {
    let i = index.data[p[j]];
    if (i < 0) i += size;
    if (i < 0 || i >= size) throw outOfBounds(op, index.data[p[j]], size, dim);
    list[j] = i;
  }
  return list;
}

export function indexSelectInto(out: TypedArray, x: Operand, dim: number, index: Operand): void {
  const list = indexList("indexSelect", index, x.shape[dim] ?? 1, dim);
  const shape = [...x.shape];
  shape[dim] = list.length;
  const inner = numelOf(shape.slice(dim + 1)), st = x.strides[dim] ?? 0;
  if (x.shape.length > 0 && isContiguousLayout(x.shape, x.strides)) {
    // Contiguous input: each selected slice is one block, copied with set() (a memcpy); the
    // element loop below is ~25x slower, and DataLoader batches of images go through here.
    const size = x.shape[dim], outer = numelOf(x.shape.slice(0, dim)), L = list.length;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < L; j++) {
        const from = x.offset + (o * size + list[j]) * inner;
        out.set(x.data.subarray(from, from + inner), (o * L + j) * inner);
      }
    }
    return;
  }
  const px = positions(shape, withoutDim(x.strides, dim), x.offset);
  const xd = x.data, L = list.length;
  for (let f = 0; f < px.length; f++) out[f] = xd[px[f] + list[Math.floor(f / inner) % L] * st];
}

/** out (contiguous, outShape, pre-filled with the base) gets src's slices added at index. */
export function indexAddInto(
  out: TypedArray,
  outShape: readonly number[],
  dim: number,
  index: Operand,
  src: Operand,
): void {
  const list = indexList("indexAdd", index, outShape[dim] ?? 1, dim);
  const strides = contiguousStrides(outShape);
  const srcShape = [...outShape];
  srcShape[dim] = list.length;
  const inner = strides[dim] ?? 1, L = list.length;
  const po = positions(srcShape, withoutDim(strides, dim), 0);
  const ps = positions(srcShape, src.strides, src.offset);
  const sd = src.data;
  for (let f = 0; f < po.length; f++) {
    out[po[f] + list[Math.floor(f / inner) % L] * inner] += sd[ps[f]];
  }
}

export function assignInto(dst: Operand, src: Operand): void {
  const pd = positions(dst.shape, dst.strides, dst.offset);
  const ps = positions(dst.shape, src.strides, src.offset);
  const dd = dst.data, sd = src.data;
  for (let f = 0; f < pd.length; f++) dd[pd[f]] = sd[ps[f]];
}
