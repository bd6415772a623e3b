/** More reductions (issue 12): all, any, amax, amin, nansum, nanmean, countNonzero. */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { record } from "../autograd/node.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { isFloat } from "../core/dtype.ts";
import { asTensor, fromStorage } from "./operand.ts";
import { to } from "./copy.ts";
import { div, mul } from "./binary.ts";
import { eq, logicalNot, ne } from "./compare.ts";
import { where } from "./where.ts";
import { checkNonEmpty, type DimArg, expandBack, outShape, reducedDims, sum } from "./reduce.ts";

/** The dims to reduce; an empty list means all of them, as PyTorch's amax(x, dim=()). */
function dimsOf(op: string, x: Tensor, dim: DimArg): number[] {
  const all = dim === null || dim === undefined || (Array.isArray(dim) && dim.length === 0);
  return reducedDims(op, x, all ? null : dim);
}

/** Whether each element is zero (NaN is not: it counts as true, as in PyTorch). */
function isZero(x: Tensor): Tensor {
  return x.dtype === "bool" ? logicalNot(x) : eq(x, 0);
}

/** Whether every element over `dim` is non-zero; true for an empty reduction. */
export function all(input: TensorLike, dim?: DimArg, keepdim = false): Tensor {
  const x = asTensor(input);
  return eq(sum(isZero(x), dimsOf("all", x, dim), keepdim), 0);
}

/** Whether some element over `dim` is non-zero; false for an empty reduction. */
export function any(input: TensorLike, dim?: DimArg, keepdim = false): Tensor {
  const x = asTensor(input);
  return ne(sum(logicalNot(isZero(x)), dimsOf("any", x, dim), keepdim), 0);
}

/** The number of non-zero elements over `dim` (all dims by default), as int32. */
export function countNonzero(input: TensorLike, dim?: DimArg): Tensor {
  const x = asTensor(input);
  return sum(logicalNot(isZero(x)), dimsOf("countNonzero", x, dim));
}

function extreme(op: "amax" | "amin", input: TensorLike, dim: DimArg, keepdim: boolean): Tensor {
  const x = asTensor(input);
  const dims = dimsOf(op, x, dim);
  checkNonEmpty(op, x, dims.length ? dims : x.shape.map((_, i) => i));
  const storage = x._backend.reduce(op === "amax" ? "max" : "min", x, dims);
  const out = fromStorage(storage, outShape(x, dims, keepdim), x.dtype, x.device);
  const inShape = x.shape;
  // Unlike max(dim), which credits one index, ties share the gradient evenly (PyTorch's amax).
  return record(out, op === "amax" ? "AmaxBackward" : "AminBackward", [x], (g, [xs, o]) => {
    const mask = to(eq(xs, expandBack(o, inShape, dims, keepdim)), g.dtype);
    const share = div(mask, sum(mask, dims, true));
    return [mul(share, expandBack(g, inShape, dims, keepdim))];
  }, [x, out]);
}

/** The largest value over `dim` (several dims allowed; all by default), keeping the dtype. */
export function amax(input: TensorLike, dim?: DimArg, keepdim = false): Tensor {
  return extreme("amax", input, dim, keepdim);
}

/** The smallest value over `dim` (several dims allowed; all by default), keeping the dtype. */
export function amin(input: TensorLike, dim?: DimArg, keepdim = false): Tensor {
  return extreme("amin", input, dim, keepdim);
}

/** sum with NaNs counted as zero; bool and int32 inputs give int32, as sum. */
export function nansum(input: TensorLike, dim?: DimArg, keepdim = false): Tensor {
  const x = asTensor(input);
  const dims = dimsOf("nansum", x, dim);
  if (!isFloat(x.dtype)) return sum(x, dims, keepdim);
  const out = noGrad(() => sum(where(ne(x, x), 0, x), dims, keepdim));
  // The gradient is g times "not NaN" (not a select), as PyTorch's: an infinite g (nanmean of
  // an all-NaN row) gives NaN there.
  return record(out, "NansumBackward", [x], (g, [xs]) => [
    mul(expandBack(g, xs.shape, dims, keepdim), to(eq(xs, xs), g.dtype)),
  ], [x]);
}

/** mean of the non-NaN elements (NaN where there are none); floating point inputs only. */
export function nanmean(input: TensorLike, dim?: DimArg, keepdim = false): Tensor {
  const x = asTensor(input);
  if (!isFloat(x.dtype)) {
    throw new Error(
      `nanmean: expected a floating point tensor, got ${x.dtype} (integers have no NaN). ` +
        "Use mean(x.float()) or convert with .float().",
    );
  }
  const dims = dimsOf("nanmean", x, dim);
  const count = sum(to(eq(x, x), x.dtype), dims, keepdim);
  return div(nansum(x, dims, keepdim), count);
}
