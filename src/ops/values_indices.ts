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

/** PyTorch's namedtuple repr, instead of the array with both tensors listed twice. */
function repr(this: ValuesIndices): string {
  const indent = (t: Tensor) => String(t).replaceAll("\n", "\n  ");
  return `ValuesIndices(\n  values=${indent(this.values)},\n  indices=${indent(this.indices)})`;
}

export function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  const r = Object.assign([values, indices] as const, { values, indices });
  for (
    const key of [
      "toString",
      Symbol.for("Deno.customInspect"),
      Symbol.for("nodejs.util.inspect.custom"),
    ]
  ) {
    Object.defineProperty(r, key, { value: repr, enumerable: false });
  }
  return Object.freeze(r);
}
