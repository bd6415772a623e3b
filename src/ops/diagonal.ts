/**
 * Diagonals: diagonal (a strided view, as in PyTorch), diagEmbed and diag (zeros with values
 * written through that view), trace, and the triangles tril / triu (a where() over a mask of
 * two aranges, batched over leading dims).
 */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { record } from "../autograd/node.ts";
import { contiguousStrides, normalizeDim, shapeStr } from "../core/shape.ts";
import { asTensor, zerosOf } from "./operand.ts";
import { clone } from "./copy.ts";
import { unsqueeze } from "./view.ts";
import { sum } from "./reduce.ts";
import { sub } from "./binary.ts";
import { ge, le } from "./compare.ts";
import { where } from "./where.ts";

interface Layout {
  shape: number[];
  strides: number[];
  offset: number;
}

/** The layout of diagonal(offset, d1, d2) over a (shape, strides, offset) layout. */
function diagonalLayout(
  shape: readonly number[],
  strides: readonly number[],
  base: number,
  offset: number,
  d1: number,
  d2: number,
): Layout {
  const n1 = shape[d1], n2 = shape[d2];
  const len = Math.max(0, offset >= 0 ? Math.min(n1, n2 - offset) : Math.min(n1 + offset, n2));
  const keep = shape.map((_, i) => i).filter((i) => i !== d1 && i !== d2);
  return {
    shape: [...keep.map((i) => shape[i]), len],
    strides: [...keep.map((i) => strides[i]), strides[d1] + strides[d2]],
    offset: base + (len === 0 ? 0 : offset >= 0 ? offset * strides[d2] : -offset * strides[d1]),
  };
}

function diagDims(op: string, offset: number, dim1: number, dim2: number, ndim: number) {
  if (!Number.isInteger(offset)) {
    throw new Error(`${op}: the diagonal offset must be an integer, got ${offset}.`);
  }
  const d1 = normalizeDim(op, dim1, ndim), d2 = normalizeDim(op, dim2, ndim);
  if (d1 === d2) {
    throw new Error(
      `${op}: diagonal dimensions cannot be identical (dim1 ${dim1}, dim2 ${dim2}); ` +
        "give two different dims.",
    );
  }
  return [d1, d2];
}

/**
 * The diagonal `offset` (above the main one when positive) of the matrices spanned by dim1
 * and dim2, as a view: those dims are dropped and the diagonal is appended as the last dim.
 */
export function diagonal(input: TensorLike, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  const x = asTensor(input);
  if (x.ndim < 2) {
    throw new Error(
      `diagonal: expects a tensor with at least 2 dimensions, got shape ${shapeStr(x.shape)}. ` +
        "Use diag() to build a matrix from a vector.",
    );
  }
  const [d1, d2] = diagDims("diagonal", offset, dim1, dim2, x.ndim);
  const l = diagonalLayout(x.shape, x.strides, x.offset, offset, d1, d2);
  const inShape = x.shape;
  return record(
    x._view(l.shape, l.strides, l.offset),
    "DiagonalBackward",
    [x],
    (g) => [diagonalScatter(g, inShape, offset, d1, d2)],
  );
}

/** zeros(shape) with g written into its diagonal: diagonal's gradient, and diagEmbed itself. */
function diagonalScatter(
  g: Tensor,
  shape: readonly number[],
  offset: number,
  d1: number,
  d2: number,
): Tensor {
  const out = zerosOf(shape, g.dtype, g.device);
  const l = diagonalLayout(shape, contiguousStrides(shape), 0, offset, d1, d2);
  out._backend.assign(out._view(l.shape, l.strides, l.offset), g);
  return record(out, "DiagonalScatterBackward", [g], (gg) => [diagonal(gg, offset, d1, d2)]);
}

/**
 * Matrices whose diagonal (offset, dim1, dim2) holds the last dim of input; the other dims
 * of input are batch dims, in order.
 */
export function diagEmbed(input: TensorLike, offset = 0, dim1 = -2, dim2 = -1): Tensor {
  const x = asTensor(input);
  if (x.ndim === 0) {
    throw new Error("diagEmbed: expects a tensor with at least 1 dimension, got a 0-d tensor.");
  }
  const [d1, d2] = diagDims("diagEmbed", offset, dim1, dim2, x.ndim + 1);
  const n = x.shape[x.ndim - 1] + Math.abs(offset);
  const batch = x.shape.slice(0, -1);
  const shape: number[] = [];
  for (let i = 0, k = 0; i <= x.ndim; i++) shape.push(i === d1 || i === d2 ? n : batch[k++]);
  return diagonalScatter(x, shape, offset, d1, d2);
}

/** A vector's diagonal matrix, or a copy of a matrix's diagonal `offset`. */
export function diag(input: TensorLike, offset = 0): Tensor {
  const x = asTensor(input);
  if (x.ndim === 1) return diagEmbed(x, offset, 0, 1);
  if (x.ndim === 2) return clone(diagonal(x, offset, 0, 1));
  throw new Error(
    `diag: matrix or a vector expected, got shape ${shapeStr(x.shape)}. ` +
      "Use diagonal(x, offset, dim1, dim2) or diagEmbed for batches.",
  );
}

/** Sum of a matrix's main diagonal. */
export function trace(input: TensorLike): Tensor {
  const x = asTensor(input);
  if (x.ndim !== 2) {
    throw new Error(
      `trace: expected a matrix, but got a tensor with shape ${shapeStr(x.shape)}. ` +
        "For batches use diagonal(x, 0, -2, -1).sum(-1).",
    );
  }
  return sum(diagonal(x));
}

function triangle(op: string, input: TensorLike, k: number, lower: boolean): Tensor {
  const x = asTensor(input);
  if (x.ndim < 2) {
    throw new Error(
      `${op}: input tensor must have at least 2 dimensions, got shape ${shapeStr(x.shape)}.`,
    );
  }
  if (!Number.isInteger(k)) throw new Error(`${op}: diagonal must be an integer, got ${k}.`);
  const m = x.shape[x.ndim - 2], n = x.shape[x.ndim - 1];
  const rows = unsqueeze(indices(m, x), 1);
  const cols = unsqueeze(indices(n, x), 0);
  const delta = sub(cols, rows); // j - i: which diagonal each entry lies on
  const mask = lower ? le(delta, k) : ge(delta, k);
  return where(mask, x, zerosOf([], x.dtype, x.device));
}

/** 0..n-1 as int32 on like's device. */
function indices(n: number, like: Tensor): Tensor {
  return asTensor(Array.from({ length: n }, (_, i) => i), like, "int32");
}

/** The lower triangle (entries on or below diagonal k) of the last two dims; zeros elsewhere. */
export function tril(input: TensorLike, diagonal = 0): Tensor {
  return triangle("tril", input, diagonal, true);
}

/** The upper triangle (entries on or above diagonal k) of the last two dims; zeros elsewhere. */
export function triu(input: TensorLike, diagonal = 0): Tensor {
  return triangle("triu", input, diagonal, false);
}
