/** Parameter: the tensors a Module learns. */
import { Tensor } from "../tensor/tensor.ts";
import { formatTensor } from "../tensor/format.ts";

/**
 * A leaf tensor that a Module registers as learnable when it is assigned as a field. It shares
 * the storage of the tensor it wraps and requires grad (unless `requiresGrad` is false).
 *
 * @example
 * ```ts
 * this.w = new nn.Parameter(randn(3, 4)); // found by parameters() and stateDict()
 * ```
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    if (!(data instanceof Tensor)) {
      throw new Error(
        "Parameter: expected a Tensor, e.g. new nn.Parameter(zeros(3)) or new nn.Parameter(tensor([1, 2])).",
      );
    }
    super(data.storage, data.shape, data.dtype, data.device, data.strides, data.offset);
    if (requiresGrad) this.requiresGrad_(true);
  }

  override toString(): string {
    return `Parameter containing:\n${formatTensor(this)}`;
  }

  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
