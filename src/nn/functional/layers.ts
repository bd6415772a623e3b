/** Functional forms of the layers: linear, dropout, embedding, batchNorm, and oneHot. */
import { Tensor, type TensorLike } from "../../tensor/tensor.ts";
import { shapeStr } from "../../core/shape.ts";
import { isFloat } from "../../core/dtype.ts";
import { arange, rand } from "../../tensor/creation.ts";
import type { Generator } from "../../core/random.ts";
import { noGrad } from "../../autograd/grad_mode.ts";
import * as ops from "../../ops/mod.ts";
import * as internal from "../../ops/internal.ts";
import { checkOptions } from "../../core/options.ts";

/** y = x·Wᵀ + b, with weight [outFeatures, inFeatures] and bias [outFeatures]. */
export function linear(input: TensorLike, weight: Tensor, bias?: Tensor | null): Tensor {
  const x = internal.asTensor(input);
  const inFeatures = weight.shape[weight.ndim - 1];
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inFeatures) {
    throw new Error(
      `linear: the input's last dim must be inFeatures=${inFeatures} (weight ${
        shapeStr(weight.shape)
      }), but the input has shape ${shapeStr(x.shape)}. ` +
        (x.ndim > 2
          ? "Flatten the input first (e.g. nn.Flatten() or x.flatten(1))."
          : "Check the layer sizes."),
    );
  }
  const y = ops.matmul(x, weight.T);
  return bias ? ops.add(y, bias) : y;
}

function checkP(op: string, p: number): void {
  if (!(p >= 0 && p <= 1)) {
    throw new Error(`${op}: dropout probability must be between 0 and 1, got ${p}.`);
  }
}

export interface DropoutOptions {
  generator?: Generator;
}

/**
 * Inverted dropout: while training, zeroes each element with probability p and scales the
 * rest by 1/(1-p), so the expected value is unchanged; the identity when not training.
 */
export function dropout(
  input: TensorLike,
  p = 0.5,
  training = true,
  options: DropoutOptions = {},
): Tensor {
  const { generator } = checkOptions("dropout", options, ["generator"]);
  checkP("dropout", p);
  const x = internal.asTensor(input);
  if (!training || p === 0) return x;
  if (p === 1) return ops.mul(x, 0);
  const dtype = isFloat(x.dtype) ? x.dtype : "float32";
  // As PyTorch: noise = bernoulli(1 - p) / (1 - p), in the input's dtype.
  const noise = noGrad(() =>
    ops.div(
      internal.to(ops.ge(rand(x.shape, { dtype, device: x.device, generator }), p), dtype),
      1 - p,
    )
  );
  return ops.mul(x, noise);
}

/**
 * Channel dropout: while training, zeroes whole channels of [N, C, H, W] (or unbatched
 * [C, H, W]) input with probability p and scales the others by 1/(1-p), as F.dropout2d.
 */
export function dropout2d(
  input: TensorLike,
  p = 0.5,
  training = true,
  options: DropoutOptions = {},
): Tensor {
  const { generator } = checkOptions("dropout2d", options, ["generator"]);
  checkP("dropout2d", p);
  const x = internal.asTensor(input);
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new Error(
      `dropout2d: expected a 4-D [N, C, H, W] or 3-D [C, H, W] input, got ${shapeStr(x.shape)}.`,
    );
  }
  if (!training || p === 0) return x;
  if (p === 1) return ops.mul(x, 0);
  const dtype = isFloat(x.dtype) ? x.dtype : "float32";
  // One draw per (sample, channel), broadcast over the plane.
  const noiseShape = x.shape.map((s, i) => (i < x.ndim - 2 ? s : 1));
  const noise = noGrad(() =>
    ops.div(
      internal.to(ops.ge(rand(noiseShape, { dtype, device: x.device, generator }), p), dtype),
      1 - p,
    )
  );
  return ops.mul(x, noise);
}

const negativeClass = (v: number) => `oneHot: class values must be non-negative, got ${v}.`;
const tooLargeClass = (v: number, n: number) =>
  `oneHot: class value ${v} is too large for numClasses=${n}; values must be below ${n}.`;

/** Int class labels [...] -> one-hot int32 [..., numClasses] (numClasses -1: max label + 1). */
export function oneHot(indices: TensorLike, numClasses = -1): Tensor {
  const idx = indices instanceof Tensor ? indices : internal.asTensor(indices, undefined, "int32");
  if (idx.dtype !== "int32") {
    throw new Error(
      `oneHot: indices must be an int32 tensor, got ${idx.dtype}. Convert them with .int().`,
    );
  }
  if (!idx._backend.readSync) {
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new Error(
        `oneHot: on '${idx.device}' numClasses must be given (got ${numClasses}), since finding ` +
          "the largest label would need an asynchronous read. Pass oneHot(labels, numClasses).",
      );
    }
    // The labels are checked on the device; a bad one raises the CPU's message at the next read.
    idx._backend.checkValues?.(idx, { lo: 0, hi: Infinity }, "oneHot", negativeClass);
    idx._backend.checkValues?.(
      idx,
      { lo: -Infinity, hi: numClasses - 1 },
      `oneHot:${numClasses}`,
      (v) => tooLargeClass(v, numClasses),
    );
    return internal.to(
      ops.eq(ops.unsqueeze(idx, -1), arange(numClasses, { device: idx.device })),
      "int32",
    );
  }
  const values = idx._values();
  let max = -1;
  for (const v of values) {
    if (v < 0) throw new Error(negativeClass(v));
    if (v > max) max = v;
  }
  const n = numClasses === -1 ? max + 1 : numClasses;
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`oneHot: numClasses must be a positive integer (or -1), got ${numClasses}.`);
  }
  // The first too-large value, as the device check reports it.
  if (max >= n) throw new Error(tooLargeClass(values.find((v) => v >= n)!, n));
  return internal.to(ops.eq(ops.unsqueeze(idx, -1), arange(n, { device: idx.device })), "int32");
}

/** Checks integer indices against [0, num): at once on the CPU, at the next read on WebGPU. */
function checkIndices(op: string, idx: Tensor, num: number): void {
  internal.checkValues(
    idx,
    { lo: 0, hi: num - 1 },
    `${op}:${num}`,
    (v) =>
      `${op}: index ${v} is out of range for ${num} embeddings; indices must be in 0..${num - 1}.`,
  );
}

/** Rows of weight [num, dim] picked by int32 indices of any shape: output [...indices, dim]. */
export function embedding(input: TensorLike, weight: Tensor): Tensor {
  const idx = input instanceof Tensor ? input : internal.asTensor(input, undefined, "int32");
  if (idx.dtype !== "int32") {
    throw new Error(
      `embedding: indices must be an int32 tensor, got ${idx.dtype} of shape ${
        shapeStr(idx.shape)
      }. Convert them with .int().`,
    );
  }
  checkIndices("embedding", idx, weight.shape[0]);
  const rows = ops.indexSelect(weight, 0, ops.reshape(idx, [-1]));
  return ops.reshape(rows, [...idx.shape, weight.shape[1]]);
}

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Use the batch's statistics (and update the running ones) rather than the running ones. */
  training?: boolean;
  /**
   * Weight of this batch in the running statistics (default 0.1); a 0-d tensor also works,
   * which lets BatchNorm's cumulative average (1 / batches seen) stay on the device.
   */
  momentum?: number | Tensor;
  eps?: number;
}

/**
 * Batch normalization over every dim but dim 1 (the channels), as F.batch_norm. In training,
 * normalizes with the batch mean and biased variance and, when given, updates runningMean and
 * runningVar in place: r = (1 - momentum)·r + momentum·stat, with the unbiased variance.
 * Otherwise it normalizes with the running statistics.
 */
export function batchNorm(
  input: TensorLike,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  options: BatchNormOptions = {},
): Tensor {
  const { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } = checkOptions(
    "batchNorm",
    options,
    ["weight", "bias", "training", "momentum", "eps"],
  );
  const x = internal.asTensor(input);
  if (x.ndim < 2) {
    throw new Error(
      `batchNorm: expected an input with a batch and a channel dim ([N, C] or [N, C, L]), got ${
        shapeStr(x.shape)
      }.`,
    );
  }
  const c = x.shape[1];
  const statShape = x.shape.map((s, i) => (i === 1 ? s : 1));
  const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
  let mean: Tensor, variance: Tensor;
  if (training) {
    const n = x.numel() / c;
    if (n <= 1) {
      throw new Error(
        `batchNorm: expected more than 1 value per channel when training, got input of shape ${
          shapeStr(x.shape)
        }. Use a batch of 2 or more, or call model.eval() to use the running statistics.`,
      );
    }
    mean = ops.mean(x, dims, true);
    variance = ops.variance(x, dims, { correction: 0, keepdim: true });
    noGrad(() => {
      const update = (r: Tensor, stat: Tensor) => {
        if (typeof momentum === "number") r.mul_(1 - momentum).add_(stat, momentum);
        else r.add_(ops.mul(ops.sub(stat, r), momentum)); // r + m·(stat - r), m on the device
      };
      if (runningMean) update(runningMean, ops.reshape(mean, [c]));
      if (runningVar) update(runningVar, ops.mul(ops.reshape(variance, [c]), n / (n - 1)));
    });
  } else {
    if (!runningMean || !runningVar) {
      throw new Error(
        "batchNorm: runningMean and runningVar are needed when not training (pass training: true " +
          "to normalize with the batch statistics).",
      );
    }
    mean = ops.reshape(runningMean, statShape);
    variance = ops.reshape(runningVar, statShape);
  }
  let y = ops.div(ops.sub(x, mean), ops.sqrt(ops.add(variance, eps)));
  if (weight) y = ops.mul(y, ops.reshape(weight, statShape));
  if (bias) y = ops.add(y, ops.reshape(bias, statShape));
  return y;
}
