/**
 * Activation functions beyond relu/sigmoid/tanh, with PyTorch's formulas, constants and
 * gradients at the kinks. silu, softplus and the elu family run as fused unary kernels; the
 * rest compose exact ops. Every backward is written in tensor ops.
 */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import type { UnaryOp } from "../backend/backend.ts";
import { type BackwardFn, record } from "../autograd/node.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { floatTypeFor } from "../core/dtype.ts";
import { shapeStr } from "../core/shape.ts";
import { checkOptions } from "../core/options.ts";
import { asTensor, fromStorage } from "./operand.ts";
import { add, div, minimum, mul, pow, sub } from "./binary.ts";
import { ge, gt, le, logicalNot, logicalOr, lt } from "./compare.ts";
import { where } from "./where.ts";
import { abs, clamp, erf, exp, log1p, neg, sigmoid, tanh } from "./unary.ts";
import { to } from "./copy.ts";
import { reshape } from "./view.ts";

/** A fused float kernel of x, recorded with `backward` (which receives x back). */
function fused(
  op: UnaryOp,
  input: TensorLike,
  name: string,
  backward: BackwardFn,
  params: number[] = [],
): Tensor {
  const x = asTensor(input);
  const dt = floatTypeFor(x.dtype);
  const out = fromStorage(x._backend.unary(op, x, dt, params), x.shape, dt, x.device);
  return record(out, name, [x], backward, [x]);
}

/** `forward` computed outside autograd, recorded as one node with its own backward. */
function composed(x: Tensor, name: string, forward: () => Tensor, backward: BackwardFn): Tensor {
  return record(noGrad(forward), name, [x], backward, [x]);
}

function asFloat(input: TensorLike): Tensor {
  const x = asTensor(input);
  const dt = floatTypeFor(x.dtype);
  return x.dtype === dt ? x : to(x, dt);
}

function numberOption(op: string, key: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(
      `${op}: ${key} must be a number, got ${String(value)}. E.g. { ${key}: ${fallback} }.`,
    );
  }
  return value;
}

/** SiLU (swish): x·sigmoid(x). */
export function silu(input: TensorLike): Tensor {
  return fused("silu", input, "SiluBackward", (g, [x]) => {
    const s = sigmoid(x);
    return [mul(g, mul(s, add(mul(x, sub(1, s)), 1)))];
  });
}

export interface SoftplusOptions {
  /** Sharpness: softplus is log(1 + exp(beta·x)) / beta (default 1). */
  beta?: number;
  /** Above beta·x > threshold the result is x itself, for stability (default 20). */
  threshold?: number;
}

/** log(1 + exp(beta·x)) / beta, and x where beta·x > threshold, as torch. */
export function softplus(input: TensorLike, options?: SoftplusOptions): Tensor {
  const o = checkOptions("softplus", options, ["beta", "threshold"]);
  const beta = numberOption("softplus", "beta", o.beta, 1);
  const threshold = numberOption("softplus", "threshold", o.threshold, 20);
  return fused("softplus", input, "SoftplusBackward", (g, [x]) => {
    const bx = mul(x, beta);
    return [where(gt(bx, threshold), g, mul(g, sigmoid(bx)))];
  }, [beta, threshold]);
}

/**
 * x for x > 0, alpha·(exp(x·scale) − 1) otherwise. The gradient at 0 is alpha·scale, from the
 * negative side, as torch's elu_backward gives.
 */
function eluKernel(input: TensorLike, alpha: number, scale: number, name: string): Tensor {
  return fused("elu", input, name, (g, [x]) => {
    // 0 where x > 0, so the unselected branch stays finite (no 0·inf = NaN in double backward).
    const e = exp(where(gt(x, 0), 0, mul(x, scale)));
    return [where(gt(x, 0), g, mul(g, mul(e, alpha * scale)))];
  }, [alpha, scale]);
}

export interface EluOptions {
  /** The value the negative side saturates at is −alpha (default 1). */
  alpha?: number;
}

/** ELU: x for x > 0, alpha·(exp(x) − 1) otherwise. */
export function elu(input: TensorLike, options?: EluOptions): Tensor {
  const o = checkOptions("elu", options, ["alpha"]);
  return eluKernel(input, numberOption("elu", "alpha", o.alpha, 1), 1, "EluBackward");
}

/** CELU: x for x > 0, alpha·(exp(x/alpha) − 1) otherwise; alpha must not be 0. */
export function celu(input: TensorLike, options?: EluOptions): Tensor {
  const o = checkOptions("celu", options, ["alpha"]);
  const alpha = numberOption("celu", "alpha", o.alpha, 1);
  if (alpha === 0) {
    throw new Error("celu: alpha cannot be 0 (the formula divides by it). Use e.g. { alpha: 1 }.");
  }
  return eluKernel(input, alpha, 1 / alpha, "CeluBackward");
}

// PyTorch's SELU constants (Klambauer et al. 2017), to the digits torch spells them.
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/** SELU: scale·elu(x, alpha) with the self-normalizing constants. */
export function selu(input: TensorLike): Tensor {
  return mul(eluKernel(input, SELU_ALPHA, 1, "SeluBackward"), SELU_SCALE);
}

/** Mish: x·tanh(softplus(x)). */
export function mish(input: TensorLike): Tensor {
  const x = asFloat(input);
  return mul(x, tanh(softplus(x)));
}

/** x / (1 + |x|). */
export function softsign(input: TensorLike): Tensor {
  const x = asFloat(input);
  return div(x, add(abs(x), 1));
}

export interface HardtanhOptions {
  /** Lower bound (default −1). */
  minVal?: number;
  /** Upper bound (default 1). */
  maxVal?: number;
}

/**
 * clamp(x, minVal, maxVal), whose gradient (unlike clamp's) is 0 at the bounds themselves, as
 * torch's hardtanh_backward (x <= min || x >= max ? 0 : g).
 */
export function hardtanh(input: TensorLike, options?: HardtanhOptions): Tensor {
  const o = checkOptions("hardtanh", options, ["minVal", "maxVal"]);
  const lo = numberOption("hardtanh", "minVal", o.minVal, -1);
  const hi = numberOption("hardtanh", "maxVal", o.maxVal, 1);
  return hardtanhOf(asTensor(input), lo, hi, "HardtanhBackward");
}

function hardtanhOf(x: Tensor, lo: number, hi: number, name: string): Tensor {
  return composed(x, name, () => clamp(x, lo, hi), (g, [xs]) => [
    mul(g, logicalNot(logicalOr(le(xs, lo), ge(xs, hi)))),
  ]);
}

/** min(max(x, 0), 6): hardtanh on [0, 6] (so its gradient at 0 and 6 is 0, as torch). */
export function relu6(input: TensorLike): Tensor {
  return hardtanhOf(asTensor(input), 0, 6, "Relu6Backward");
}

/** clamp(x + 3, 0, 6) / 6; the gradient is 1/6 strictly inside (−3, 3), else 0. */
export function hardsigmoid(input: TensorLike): Tensor {
  const x = asFloat(input);
  return composed(x, "HardsigmoidBackward", () => div(clamp(add(x, 3), 0, 6), 6), (g, [xs]) => [
    mul(div(g, 6), logicalNot(logicalOr(le(xs, -3), ge(xs, 3)))),
  ]);
}

/** x·clamp(x + 3, 0, 6) / 6; the gradient is 0 below −3, x/3 + 1/2 up to 3 included, then 1. */
export function hardswish(input: TensorLike): Tensor {
  const x = asFloat(input);
  return composed(
    x,
    "HardswishBackward",
    () => div(mul(x, clamp(add(x, 3), 0, 6)), 6),
    (g, [xs]) => [
      mul(g, where(lt(xs, -3), 0, where(le(xs, 3), add(div(xs, 3), 0.5), 1))),
    ],
  );
}

/** log(sigmoid(x)) = min(x, 0) − log1p(exp(−|x|)): no overflow for large |x|. */
export function logsigmoid(input: TensorLike): Tensor {
  const x = asFloat(input);
  return composed(
    x,
    "LogSigmoidBackward",
    () => sub(minimum(x, 0), log1p(exp(neg(abs(x))))),
    (g, [xs]) => [mul(g, sigmoid(neg(xs)))],
  );
}

/**
 * PReLU: x for x > 0, weight·x otherwise. weight is a scalar or 1-D tensor with one entry
 * or one per channel (dim 1 of the input; a 0-D or 1-D input has a single channel).
 */
export function prelu(input: TensorLike, weight: TensorLike): Tensor {
  const x = asFloat(input);
  const w = asTensor(weight, x);
  const channels = x.ndim >= 2 ? x.shape[1] : 1;
  if (w.ndim > 1 || (w.numel() !== 1 && w.numel() !== channels)) {
    throw new Error(
      `prelu: weight of shape ${shapeStr(w.shape)} does not fit an input of shape ${
        shapeStr(x.shape)
      }, which has ${channels} channel(s) (dim 1). Give a 1-D weight of 1 or ${channels} entries.`,
    );
  }
  const wb = w.numel() === 1
    ? reshape(w, [])
    : reshape(w, [channels, ...x.shape.slice(2).map(() => 1)]);
  return where(gt(x, 0), x, mul(wb, x));
}

export interface GeluOptions {
  /** "none" (the default): x·Φ(x) with the exact erf; "tanh": the tanh approximation. */
  approximate?: "none" | "tanh";
}

/** GELU: x·Φ(x) = x/2·(1 + erf(x/√2)), or its tanh approximation with { approximate: "tanh" }. */
export function gelu(input: TensorLike, options?: GeluOptions): Tensor {
  const { approximate = "none" } = checkOptions("gelu", options, ["approximate"]);
  const x = asFloat(input);
  if (approximate === "tanh") {
    // x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³))), torch's kBeta·(x + kKappa·x³)
    const inner = mul(add(x, mul(pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
    return mul(mul(x, 0.5), add(tanh(inner), 1));
  }
  if (approximate !== "none") {
    throw new Error(
      `gelu: approximate must be "none" or "tanh", got ${JSON.stringify(approximate)}.`,
    );
  }
  return mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1));
}
