/** Transforms for inputs and labels: scaling to [0, 1], per-channel normalization, one-hot. */
import { Tensor } from "../tensor/tensor.ts";
import { arange, tensor } from "../tensor/creation.ts";
import type { DType } from "../core/dtype.ts";
import { shapeStr } from "../core/shape.ts";

/** Byte value v as float32 v / 255, precomputed for the 256 values. */
const UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/** @internal Bytes 0..255 to float32 values in [0, 1] (how the MNIST loaders scale images). */
export function bytesToUnit(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = UNIT[bytes[i]];
  return out;
}

/**
 * Scales 8-bit pixel values 0..255 to float32 values in [0, 1] (torchvision's ToTensor scaling):
 * a tensor keeps its shape, a Uint8Array becomes a 1-D tensor.
 */
export function scaleTo01(x: Tensor | Uint8Array): Tensor {
  if (x instanceof Uint8Array) return tensor(bytesToUnit(x));
  if (!(x instanceof Tensor)) {
    throw new Error(`scaleTo01: expected a tensor or a Uint8Array, got ${typeof x}.`);
  }
  return x.to("float32").div(255);
}

/** Another name for scaleTo01. */
export const toUnitRange: typeof scaleTo01 = scaleTo01;

type Stat = number | readonly number[] | Tensor;

/**
 * (x - mean) / std per channel, as torchvision's Normalize. mean and std are numbers, or one
 * value per channel: the channel dim is -3 for images ([C, H, W] or [N, C, H, W]) and the last
 * dim for 1-D and 2-D inputs (features). A tensor mean/std broadcasts as it is.
 * @example
 * normalize(images, [0.1307], [0.3081]); // MNIST's usual statistics
 */
export function normalize(x: Tensor, mean: Stat, std: Stat): Tensor {
  if (!(x instanceof Tensor)) {
    throw new Error(`normalize: expected a tensor, got ${typeof x}.`);
  }
  if (typeof std === "number" ? std === 0 : Array.isArray(std) && std.includes(0)) {
    throw new Error("normalize: std has a zero entry, which would divide by zero.");
  }
  const m = statTensor("mean", mean, x);
  const s = statTensor("std", std, x);
  return x.to(x.dtype === "float64" ? "float64" : "float32").sub(m).div(s);
}

function statTensor(name: string, value: Stat, x: Tensor): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value === "number") return tensor(value);
  if (x.ndim === 0) {
    throw new Error(
      `normalize: per-channel ${name} needs an input with a channel dim, got a scalar.`,
    );
  }
  const channelDim = x.ndim >= 3 ? x.ndim - 3 : x.ndim - 1;
  const channels = x.shape[channelDim];
  if (value.length !== channels && value.length !== 1) {
    throw new Error(
      `normalize: ${name} has ${value.length} values but the input of shape ${
        shapeStr(x.shape)
      } has ${channels} channels (dim ${channelDim - x.ndim}); give one value per channel.`,
    );
  }
  const trailing = x.ndim - 1 - channelDim;
  return tensor(value as number[]).reshape([value.length, ...Array(trailing).fill(1)]);
}

/**
 * One-hot encodes integer labels: shape [...labels.shape, numClasses], 1 at each label.
 * numClasses defaults to the largest label + 1; dtype defaults to int32 (PyTorch gives int64);
 * pass { dtype: "float32" } to compare against probabilities.
 * @example
 * oneHot(tensor([0, 2], { dtype: "int32" }), 3); // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(
  labels: Tensor | readonly number[],
  numClasses = -1,
  options: { dtype?: DType } = {},
): Tensor {
  const y = labels instanceof Tensor ? labels : tensor(labels, { dtype: "int32" });
  if (y.dtype !== "int32") {
    throw new Error(
      `oneHot: labels must be an int32 tensor of class indices, got ${y.dtype}. Convert with .int().`,
    );
  }
  const values = y._values();
  let max = -1, min = 0;
  for (const v of values) {
    if (v > max) max = v;
    if (v < min) min = v;
  }
  const n = numClasses === -1 ? max + 1 : numClasses;
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`oneHot: numClasses must be a positive integer (or -1), got ${numClasses}.`);
  }
  if (min < 0 || max >= n) {
    throw new Error(
      `oneHot: labels must be in 0..${n - 1} for ${n} classes, but they range over ${min}..${max}.`,
    );
  }
  return y.unsqueeze(-1).eq(arange(n)).to(options.dtype ?? "int32");
}
