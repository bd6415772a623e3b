/** Activation functions, as torch.nn.functional. */
import type { Tensor, TensorLike } from "../../tensor/tensor.ts";
import * as ops from "../../ops/mod.ts";
import * as internal from "../../ops/internal.ts";

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

export interface GeluOptions {
  /** "none" (the default): x·Φ(x) with the exact erf; "tanh": the tanh approximation. */
  approximate?: "none" | "tanh";
}

/** GELU: x·Φ(x) = x/2·(1 + erf(x/√2)), or its tanh approximation with { approximate: "tanh" }. */
export function gelu(input: TensorLike, { approximate = "none" }: GeluOptions = {}): Tensor {
  const x = internal.asTensor(input);
  if (approximate === "tanh") {
    // x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
    const inner = ops.mul(ops.add(x, ops.mul(ops.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
    return ops.mul(ops.mul(x, 0.5), ops.add(ops.tanh(inner), 1));
  }
  if (approximate !== "none") {
    throw new Error(`gelu: approximate must be "none" or "tanh", got "${approximate}".`);
  }
  return ops.mul(ops.mul(x, 0.5), ops.add(ops.erf(ops.mul(x, Math.SQRT1_2)), 1));
}

export function softmax(input: TensorLike, dim: number): Tensor {
  return ops.softmax(input, dim);
}

export function logSoftmax(input: TensorLike, dim: number): Tensor {
  return ops.logSoftmax(input, dim);
}
