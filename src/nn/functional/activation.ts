/** Activation functions, as torch.nn.functional. */
import type { Tensor, TensorLike } from "../../tensor/tensor.ts";
import * as ops from "../../ops/mod.ts";

export type { EluOptions, GeluOptions, HardtanhOptions, SoftplusOptions } from "../../ops/mod.ts";

export function relu(input: TensorLike): Tensor {
  return ops.relu(input);
}

export function leakyRelu(input: TensorLike, negativeSlope = 0.01): Tensor {
  return ops.leakyRelu(input, negativeSlope);
}

export function sigmoid(input: TensorLike): Tensor {
  return ops.sigmoid(input);
}

export function tanh(input: TensorLike): Tensor {
  return ops.tanh(input);
}

/** GELU: x·Φ(x) = x/2·(1 + erf(x/√2)), or its tanh approximation with { approximate: "tanh" }. */
export function gelu(input: TensorLike, options?: ops.GeluOptions): Tensor {
  return ops.gelu(input, options);
}

/** SiLU (swish): x·sigmoid(x). */
export function silu(input: TensorLike): Tensor {
  return ops.silu(input);
}

/** Mish: x·tanh(softplus(x)). */
export function mish(input: TensorLike): Tensor {
  return ops.mish(input);
}

/** ELU: x for x > 0, alpha·(exp(x) − 1) otherwise (alpha default 1). */
export function elu(input: TensorLike, options?: ops.EluOptions): Tensor {
  return ops.elu(input, options);
}

/** SELU: scale·elu(x, alpha) with PyTorch's self-normalizing constants. */
export function selu(input: TensorLike): Tensor {
  return ops.selu(input);
}

/** CELU: x for x > 0, alpha·(exp(x/alpha) − 1) otherwise. */
export function celu(input: TensorLike, options?: ops.EluOptions): Tensor {
  return ops.celu(input, options);
}

/** log(1 + exp(beta·x)) / beta, and x where beta·x > threshold (defaults 1 and 20). */
export function softplus(input: TensorLike, options?: ops.SoftplusOptions): Tensor {
  return ops.softplus(input, options);
}

/** x / (1 + |x|). */
export function softsign(input: TensorLike): Tensor {
  return ops.softsign(input);
}

/** clamp(x, minVal, maxVal) (defaults −1, 1), with a zero gradient at the bounds. */
export function hardtanh(input: TensorLike, options?: ops.HardtanhOptions): Tensor {
  return ops.hardtanh(input, options);
}

/** min(max(x, 0), 6). */
export function relu6(input: TensorLike): Tensor {
  return ops.relu6(input);
}

/** clamp(x + 3, 0, 6) / 6. */
export function hardsigmoid(input: TensorLike): Tensor {
  return ops.hardsigmoid(input);
}

/** x·clamp(x + 3, 0, 6) / 6. */
export function hardswish(input: TensorLike): Tensor {
  return ops.hardswish(input);
}

/** log(sigmoid(x)), computed without overflow. */
export function logsigmoid(input: TensorLike): Tensor {
  return ops.logsigmoid(input);
}

/** x for x > 0, weight·x otherwise; weight has 1 entry or one per channel (dim 1). */
export function prelu(input: TensorLike, weight: TensorLike): Tensor {
  return ops.prelu(input, weight);
}

export function softmax(input: TensorLike, dim: number): Tensor {
  return ops.softmax(input, dim);
}

export function logSoftmax(input: TensorLike, dim: number): Tensor {
  return ops.logSoftmax(input, dim);
}
