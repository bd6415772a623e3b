/**
 * The result of ops that return values and their indices (max/min along a dim, sort, topk,
 * ...): readable by name, `r.values` / `r.indices`, and destructurable as PyTorch's namedtuple,
 * `const [values, indices] = x.max(1)`.
 */
import type { Tensor } from "../tensor/tensor.ts";

export type ValuesIndices = readonly [values: Tensor, indices: Tensor] & {
  readonly values: Tensor;
  readonly indices: Tensor;
};

export function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  return Object.freeze(Object.assign([values, indices] as const, { values, indices }));
}
