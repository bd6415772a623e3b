/**
 * torch.nn.init: fill a tensor in place (outside autograd) with values from a distribution
 * scaled for the layer's fan-in/fan-out. Random fills use the seeded default generator, or
 * `{ generator }`. Each returns the tensor.
 *
 * @example
 * ```ts
 * nn.init.kaimingNormal_(layer.weight, { mode: "fanOut", nonlinearity: "relu" });
 * nn.init.zeros_(layer.bias!);
 * ```
 * @module
 */
import type { Tensor } from "../tensor/tensor.ts";
import { isFloat } from "../core/dtype.ts";
import { shapeStr } from "../core/shape.ts";
import { rand, randn } from "../tensor/creation.ts";
import type { Generator } from "../core/random.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { checkOptions } from "../core/options.ts";

export type Nonlinearity =
  | "linear"
  | "conv1d"
  | "conv2d"
  | "conv3d"
  | "sigmoid"
  | "tanh"
  | "relu"
  | "leakyRelu"
  | "selu";

export type FanMode = "fanIn" | "fanOut";

export interface InitOptions {
  generator?: Generator;
}

export interface KaimingOptions extends InitOptions {
  /** The negative slope of the leaky ReLU that follows (only with "leakyRelu"); default 0. */
  a?: number;
  /** "fanIn" (default) keeps the forward pass's variance, "fanOut" the backward's. */
  mode?: FanMode;
  /** Default "leakyRelu" (with a = 0, the same gain as "relu"), as PyTorch. */
  nonlinearity?: Nonlinearity;
}

/**
 * The recommended gain for a nonlinearity: 1 for linear/conv/sigmoid, 5/3 for tanh, √2 for
 * relu, √(2 / (1 + slope²)) for leakyRelu (slope default 0.01), 3/4 for selu.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case "linear":
    case "conv1d":
    case "conv2d":
    case "conv3d":
    case "sigmoid":
      return 1;
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leakyRelu": {
      const slope = param ?? 0.01;
      if (typeof slope !== "number" || !Number.isFinite(slope)) {
        throw new Error(`calculateGain: negative slope ${param} is not a valid number.`);
      }
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu":
      return 3 / 4;
    default:
      throw new Error(
        `calculateGain: unsupported nonlinearity '${nonlinearity}'. Use one of linear, conv1d, ` +
          "conv2d, conv3d, sigmoid, tanh, relu, leakyRelu, selu.",
      );
  }
}

function checkFloat(op: string, t: Tensor): void {
  if (!isFloat(t.dtype)) {
    throw new Error(`${op}: the tensor must be floating point, got ${t.dtype}.`);
  }
}

/** Writes `values` (same shape) into t without recording a graph. */
function fill(t: Tensor, values: () => Tensor): Tensor {
  noGrad(() => t.copy_(values()));
  return t;
}

/** fanIn = size(1)·receptive field, fanOut = size(0)·receptive field (needs ≥ 2 dims). */
export function calculateFanInAndFanOut(t: Tensor, op = "calculateFanInAndFanOut"): {
  fanIn: number;
  fanOut: number;
} {
  if (t.ndim < 2) {
    throw new Error(
      `${op}: fan in and fan out cannot be computed for a tensor with fewer than 2 dims ` +
        `(shape ${shapeStr(t.shape)}); use uniform_ or normal_ with explicit bounds.`,
    );
  }
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.shape[1] * receptive, fanOut: t.shape[0] * receptive };
}

/** Samples from U(a, b). */
export function uniform_(t: Tensor, a = 0, b = 1, options: InitOptions = {}): Tensor {
  const { generator } = checkOptions("uniform_", options, ["generator"]);
  checkFloat("uniform_", t);
  return fill(
    t,
    () => rand(t.shape, { dtype: t.dtype, device: t.device, generator }).mul(b - a).add(a),
  );
}

/** Samples from N(mean, std²). */
export function normal_(t: Tensor, mean = 0, std = 1, options: InitOptions = {}): Tensor {
  const { generator } = checkOptions("normal_", options, ["generator"]);
  checkFloat("normal_", t);
  return fill(
    t,
    () => randn(t.shape, { dtype: t.dtype, device: t.device, generator }).mul(std).add(mean),
  );
}

export function constant_(t: Tensor, value: number): Tensor {
  noGrad(() => t.fill_(value));
  return t;
}

export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

/** Glorot uniform: U(-a, a) with a = gain·√(6 / (fanIn + fanOut)). */
export function xavierUniform_(t: Tensor, gain = 1, opts: InitOptions = {}): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t, "xavierUniform_");
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -a, a, opts);
}

/** Glorot normal: N(0, std²) with std = gain·√(2 / (fanIn + fanOut)). */
export function xavierNormal_(t: Tensor, gain = 1, opts: InitOptions = {}): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t, "xavierNormal_");
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), opts);
}

function kaimingStd(op: string, t: Tensor, opts: KaimingOptions): number {
  const { a = 0, mode = "fanIn", nonlinearity = "leakyRelu" } = checkOptions(op, opts, [
    "a",
    "mode",
    "nonlinearity",
    "generator",
  ]);
  if (mode !== "fanIn" && mode !== "fanOut") {
    throw new Error(`${op}: mode must be "fanIn" or "fanOut", got "${mode}".`);
  }
  const fans = calculateFanInAndFanOut(t, op);
  const fan = mode === "fanIn" ? fans.fanIn : fans.fanOut;
  if (fan === 0) {
    throw new Error(
      `${op}: cannot initialize a tensor with zero elements (shape ${shapeStr(t.shape)}).`,
    );
  }
  return calculateGain(nonlinearity, a) / Math.sqrt(fan);
}

/** He uniform: U(-b, b) with b = gain·√(3 / fan). */
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd("kaimingUniform_", t, opts);
  return uniform_(t, -bound, bound, { generator: opts.generator });
}

/** He normal: N(0, std²) with std = gain / √fan. */
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  return normal_(t, 0, kaimingStd("kaimingNormal_", t, opts), { generator: opts.generator });
}
