/**
 * Medians: torch's lower median (the element at (n - 1) / 2 of the sorted row), with NaN
 * propagating (median) or skipped (nanmedian). Along a dim the values come from the sorted
 * row at a per-row position, so the gradient flows back through sort's indices; over the
 * whole tensor it is shared by every entry equal to the median, as in torch.
 */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { record } from "../autograd/node.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { isFloat } from "../core/dtype.ts";
import { normalizeDim, shapeStr } from "../core/shape.ts";
import { asTensor, zerosOf } from "./operand.ts";
import { reshape, squeeze } from "./view.ts";
import { to } from "./copy.ts";
import { div, mul, sub } from "./binary.ts";
import { eq, gt, logicalAnd, logicalOr, ne } from "./compare.ts";
import { where } from "./where.ts";
import { sum } from "./reduce.ts";
import { gather } from "./gather.ts";
import { narrow } from "./indexing.ts";
import { sortAlong } from "./sort.ts";
import { type ValuesIndices, valuesIndices } from "./values_indices.ts";

/** NaN entries as a bool mask (x != x). */
export function nanMask(x: Tensor): Tensor {
  return ne(x, x);
}

function medianDim(
  op: string,
  x: Tensor,
  dim: number,
  keepdim: boolean,
  skipNan: boolean,
): ValuesIndices {
  const d = normalizeDim(op, dim, x.ndim);
  if (x.ndim === 0) {
    const r = medianDim(op, reshape(x, [1]), 0, false, skipNan);
    return valuesIndices(r.values, r.indices);
  }
  const n = x.shape[d];
  if (n === 0) {
    throw new Error(
      `${op}: cannot take the median over dimension ${d} of size 0 (shape ${
        shapeStr(x.shape)
      }). Reduce over a non-empty dimension.`,
    );
  }
  const [sorted, order] = sortAlong(x, d, false);
  let values: Tensor, indices: Tensor;
  if (!isFloat(x.dtype)) {
    values = narrow(sorted, d, (n - 1) >> 1, 1);
    indices = narrow(order, d, (n - 1) >> 1, 1);
  } else {
    // NaN sorts last, so a row's first NaN (lowest index, the sort being stable) sits at
    // n - nanCount: median returns it there; nanmedian takes the lower median of the rest.
    const nans = sum(nanMask(x), d, true);
    const pos = skipNan
      ? to(mul(sub(sub(n, nans), 1), 0.5), "int32") // trunc(-0.5) = 0 for an all-NaN row
      : where(gt(nans, 0), sub(n, nans), (n - 1) >> 1);
    values = gather(sorted, d, pos);
    indices = gather(order, d, pos);
  }
  if (keepdim) return valuesIndices(values, indices);
  return valuesIndices(squeeze(values, d), squeeze(indices, d));
}

function medianAll(op: string, x: Tensor, skipNan: boolean): Tensor {
  if (x.numel() === 0) {
    if (!isFloat(x.dtype)) {
      throw new Error(
        `${op}: the median of an empty ${x.dtype} tensor is undefined (torch gives NaN, ` +
          "which an integer cannot hold). Check the tensor is not empty.",
      );
    }
    return div(zerosOf([], x.dtype, x.device), 0); // torch: NaN
  }
  const out = noGrad(() => medianDim(op, reshape(x, [x.numel()]), 0, false, skipNan).values);
  // torch's evenly_distribute_backward: every entry equal to the median (NaN: every NaN)
  // shares the gradient.
  return record(out, `${op === "median" ? "Median" : "Nanmedian"}Backward`, [x], (g, [xs, o]) => {
    const mask = to(
      logicalOr(eq(xs, o), logicalAnd(nanMask(xs), nanMask(o))),
      xs.dtype,
    );
    return [mul(div(mask, sum(mask)), g)];
  }, [x, out]);
}

/**
 * With no dim: the lower median of all entries (NaN if any is NaN). With a dim: the median
 * of each row along it and its index, as torch.median.
 */
export function median(input: TensorLike): Tensor;
export function median(input: TensorLike, dim: number, keepdim?: boolean): ValuesIndices;
export function median(input: TensorLike, dim?: number, keepdim = false): Tensor | ValuesIndices {
  const x = asTensor(input);
  return dim === undefined
    ? medianAll("median", x, false)
    : medianDim("median", x, dim, keepdim, false);
}

/** median that skips NaN entries (NaN only where a row is all NaN), as torch.nanmedian. */
export function nanmedian(input: TensorLike): Tensor;
export function nanmedian(input: TensorLike, dim: number, keepdim?: boolean): ValuesIndices;
export function nanmedian(
  input: TensorLike,
  dim?: number,
  keepdim = false,
): Tensor | ValuesIndices {
  const x = asTensor(input);
  return dim === undefined
    ? medianAll("nanmedian", x, true)
    : medianDim("nanmedian", x, dim, keepdim, true);
}
