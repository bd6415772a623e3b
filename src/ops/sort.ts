/**
 * Sorting: sort, argsort, msort, topk, kthvalue. One backend kernel (a stable sort with NaN
 * as the largest value) serves them all; the gradient of the values scatters back through
 * the indices, as torch's value_selecting_reduction_backward.
 */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { record } from "../autograd/node.ts";
import { normalizeDim, shapeStr } from "../core/shape.ts";
import { checkOptions } from "../core/options.ts";
import { asTensor, fromStorage, likeOf, zerosOf } from "./operand.ts";
import { reshape, squeeze } from "./view.ts";
import { narrow } from "./indexing.ts";
import { scatterAdd } from "./gather.ts";
import { type ValuesIndices, valuesIndices } from "./values_indices.ts";

export interface SortOptions {
  dim?: number;
  descending?: boolean;
  /** Accepted for torch's signature; gradiente's sort is always stable. */
  stable?: boolean;
}

export interface TopkOptions {
  dim?: number;
  largest?: boolean;
  /** Accepted for torch's signature; the k values always come sorted. */
  sorted?: boolean;
}

/** Sorts along dim d (already normalized); a 0-d tensor sorts as one element. */
export function sortAlong(x: Tensor, d: number, descending: boolean): [Tensor, Tensor] {
  if (x.ndim === 0) {
    const [v, i] = sortAlong(reshape(x, [1]), 0, descending);
    return [reshape(v, []), reshape(i, [])];
  }
  const [vs, is] = x._backend.sort(x, d, descending);
  const indices = fromStorage(is, x.shape, "int32", x.device);
  const values = likeOf(x, vs);
  const shape = x.shape, dtype = x.dtype, device = x.device;
  record(values, "SortBackward", [x], (g, [idx]) => [
    scatterAdd(zerosOf(shape, dtype, device), d, idx, g),
  ], [indices]);
  return [values, indices];
}

/** x sorted for sort and argsort, given `{ dim, descending }` or torch's positional form. */
function sortBy(
  op: string,
  input: TensorLike,
  dimOrOptions: number | SortOptions | undefined,
  descending: boolean | undefined,
): [Tensor, Tensor] {
  const x = asTensor(input);
  const o = typeof dimOrOptions === "object"
    ? checkOptions(op, dimOrOptions, ["dim", "descending", "stable"])
    : { dim: dimOrOptions, descending };
  return sortAlong(x, normalizeDim(op, o.dim ?? -1, x.ndim), o.descending ?? false);
}

/**
 * Sorts along `dim` (default the last): `sort(x, { dim, descending })` or torch's positional
 * `sort(x, dim, descending)`. Stable; NaN sorts as the largest value.
 */
export function sort(
  input: TensorLike,
  dimOrOptions?: number | SortOptions,
  descending?: boolean,
): ValuesIndices {
  return valuesIndices(...sortBy("sort", input, dimOrOptions, descending));
}

export function argsort(
  input: TensorLike,
  dimOrOptions?: number | SortOptions,
  descending?: boolean,
): Tensor {
  return sortBy("argsort", input, dimOrOptions, descending)[1];
}

/** Sorts along the first dim (values only), as torch.msort. */
export function msort(input: TensorLike): Tensor {
  const x = asTensor(input);
  return sortAlong(x, normalizeDim("msort", 0, x.ndim), false)[0];
}

function checkK(op: string, x: Tensor, d: number, k: number, lo: number): void {
  const size = x.ndim === 0 ? 1 : x.shape[d];
  if (!Number.isInteger(k) || k < lo || k > size) {
    throw new Error(
      `${op}: k = ${k} is out of range for dimension ${d} of size ${size} (shape ${
        shapeStr(x.shape)
      }). Pick an integer k in [${lo}, ${size}].`,
    );
  }
}

/**
 * The k largest (or, with largest: false, smallest) entries along `dim`, sorted, with their
 * indices: `topk(x, k, { dim, largest })` or torch's positional `topk(x, k, dim, largest)`.
 */
export function topk(
  input: TensorLike,
  k: number,
  dimOrOptions?: number | TopkOptions,
  largest?: boolean,
  sorted?: boolean,
): ValuesIndices {
  const x = asTensor(input);
  let o: TopkOptions;
  if (typeof dimOrOptions === "object") {
    o = checkOptions("topk", dimOrOptions, ["dim", "largest", "sorted"]);
  } else o = { dim: dimOrOptions, largest, sorted };
  const d = normalizeDim("topk", o.dim ?? -1, x.ndim);
  checkK("topk", x, d, k, 0);
  const [values, indices] = sortAlong(x, d, o.largest ?? true);
  if (x.ndim === 0) return valuesIndices(values, indices);
  return valuesIndices(narrow(values, d, 0, k), narrow(indices, d, 0, k));
}

/** The k-th smallest entry (k from 1) along `dim` and its index, as torch.kthvalue. */
export function kthvalue(input: TensorLike, k: number, dim = -1, keepdim = false): ValuesIndices {
  const x = asTensor(input);
  const d = normalizeDim("kthvalue", dim, x.ndim);
  checkK("kthvalue", x, d, k, 1);
  const [values, indices] = sortAlong(x, d, false);
  if (x.ndim === 0) return valuesIndices(values, indices);
  const pick = (t: Tensor) => {
    const one = narrow(t, d, k - 1, 1);
    return keepdim ? one : squeeze(one, d);
  };
  return valuesIndices(pick(values), pick(indices));
}
