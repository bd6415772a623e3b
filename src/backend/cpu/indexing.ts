/**
 * Index reads (gather, indexSelect), the strided write `assign`, and the position lists the
 * index writes in scatter.ts share. Each kernel first lists the memory position of every element of a strided view (one Int32Array
 * per call, no per-element callbacks), then runs a flat loop. Indices are bounds-checked
 * so a bad index is an error, not silent garbage.
 */
import type { TypedArray } from "../../core/dtype.ts";
import { isContiguousLayout, numelOf } from "../../core/shape.ts";
import type { Operand } from "./codegen.ts";
import { outOfBoundsMessage } from "../messages.ts";

function outOfBounds(op: string, i: number, size: number, dim: number): Error {
  return new Error(outOfBoundsMessage(op, i, size, dim));
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

/** `index`'s entries, wrapped (negative counts from the end) and bounds-checked against size. */
export function indexList(op: string, index: Operand, size: number, dim: number): Int32Array {
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

/**
 * For the gather-shaped ops (gather, scatterAdd, scatter): the memory position, in the view
 * (strides, offset) of a tensor whose `dim` has `size` entries, of each element of `index`,
 * with coordinate `dim` replaced by that element's (checked) index.
 */
export function indexedPositions(
  op: string,
  index: Operand,
  strides: readonly number[],
  offset: number,
  size: number,
  dim: number,
): Int32Array {
  // A 0-d tensor has no dim 0 to index; it behaves as one of size 1 (as in PyTorch).
  const st = strides[dim] ?? 0;
  const p = positions(index.shape, withoutDim(strides, dim), offset);
  const list = indexList(op, index, size, dim);
  for (let f = 0; f < p.length; f++) p[f] += list[f] * st;
  return p;
}

/**
 * For the 1-D-index ops (indexSelect, indexAdd, indexCopy): the memory position, in the view
 * (strides, offset), of each element of `shape`, whose coordinate along `dim` selects list's
 * entry (shape[dim] is list.length).
 */
export function selectedPositions(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  dim: number,
  list: Int32Array,
): Int32Array {
  const p = positions(shape, withoutDim(strides, dim), offset);
  const inner = numelOf(shape.slice(dim + 1)), st = strides[dim] ?? 0, L = list.length;
  for (let f = 0; f < p.length; f++) p[f] += list[Math.floor(f / inner) % L] * st;
  return p;
}

export function gatherInto(out: TypedArray, x: Operand, dim: number, index: Operand): void {
  const px = indexedPositions("gather", index, x.strides, x.offset, x.shape[dim] ?? 1, dim);
  const xd = x.data;
  for (let f = 0; f < px.length; f++) out[f] = xd[px[f]];
}

export function indexSelectInto(out: TypedArray, x: Operand, dim: number, index: Operand): void {
  const list = indexList("indexSelect", index, x.shape[dim] ?? 1, dim);
  const shape = [...x.shape];
  shape[dim] = list.length;
  if (x.shape.length > 0 && isContiguousLayout(x.shape, x.strides)) {
    // Contiguous input: each selected slice is one block, copied with set() (a memcpy); the
    // element loop below is ~25x slower, and DataLoader batches of images go through here.
    const inner = numelOf(shape.slice(dim + 1));
    const size = x.shape[dim], outer = numelOf(x.shape.slice(0, dim)), L = list.length;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < L; j++) {
        const from = x.offset + (o * size + list[j]) * inner;
        out.set(x.data.subarray(from, from + inner), (o * L + j) * inner);
      }
    }
    return;
  }
  const px = selectedPositions(shape, x.strides, x.offset, dim, list);
  const xd = x.data;
  for (let f = 0; f < px.length; f++) out[f] = xd[px[f]];
}

export function assignInto(dst: Operand, src: Operand): void {
  const pd = positions(dst.shape, dst.strides, dst.offset);
  const ps = positions(dst.shape, src.strides, src.offset);
  const dd = dst.data, sd = src.data;
  for (let f = 0; f < pd.length; f++) dd[pd[f]] = sd[ps[f]];
}
