/**
 * Loss functions, as torch.nn.functional. Each is defined once here; the loss Modules call them
 * with `named(...)` options so their errors carry the Module's name (e.g. "CrossEntropyLoss").
 */
import { Tensor, type TensorLike } from "../../tensor/tensor.ts";
import { type DType, floatTypeFor, isFloat, promoteTypes } from "../../core/dtype.ts";
import { broadcastShapes, sameShape, shapeStr } from "../../core/shape.ts";
import { flattenNested } from "../../core/nested.ts";
import { record } from "../../autograd/node.ts";
import { noGrad } from "../../autograd/grad_mode.ts";
import * as ops from "../../ops/mod.ts";
import * as internal from "../../ops/internal.ts";
import { checkOptions } from "../../core/options.ts";

export type Reduction = "mean" | "sum" | "none";

export interface LossOptions {
  /** "mean" (the default) averages the per-element losses, "sum" adds them, "none" keeps them. */
  reduction?: Reduction;
}

export interface HuberLossOptions extends LossOptions {
  /** Where the loss switches from quadratic to linear (default 1). */
  delta?: number;
}

export interface BCELossOptions extends LossOptions {
  /** Rescales each element's loss; broadcast to the input's shape. */
  weight?: Tensor | null;
}

export interface BCEWithLogitsLossOptions extends BCELossOptions {
  /** Weight of the positive examples, broadcast along the last dim (one per class). */
  posWeight?: Tensor | null;
}

export interface NLLLossOptions extends LossOptions {
  /** One weight per class, shape [C]. */
  weight?: Tensor | null;
  /** Targets equal to this value contribute nothing (default -100). */
  ignoreIndex?: number;
}

export interface CrossEntropyLossOptions extends NLLLossOptions {
  /** Mixes the target with the uniform distribution: (1 - ε)·target + ε/C (default 0). */
  labelSmoothing?: number;
}

/** Each loss's option keys, shared by the function and its Module's constructor. */
export const LOSS_KEYS = {
  reduction: ["reduction"],
  huber: ["reduction", "delta"],
  bce: ["reduction", "weight"],
  bceWithLogits: ["reduction", "weight", "posWeight"],
  nll: ["reduction", "weight", "ignoreIndex"],
  crossEntropy: ["reduction", "weight", "ignoreIndex", "labelSmoothing"],
} as const;

// ---- the Module's name --------------------------------------------------------------------

/**
 * The key under which a loss Module passes its name. A symbol: checkOptions reads only string
 * keys, so it is neither rejected nor listed among the known options, and no user can pass
 * it by accident (mod.ts does not export it).
 */
const opName: unique symbol = Symbol("opName");

/** `options` with the Module's name, so the loss function's errors begin "`name`: ...". */
export function named<T extends LossOptions>(name: string, options: T): T {
  return { ...options, [opName]: name };
}

/**
 * The common start of every loss: the name for errors (the Module's, else `fn`), the checked
 * options (unknown keys throw) and the reduction.
 */
function lossOptions<T extends LossOptions>(
  fn: string,
  options: T | undefined,
  known: readonly string[],
): { name: string; opts: T; r: Reduction } {
  const name = (options as { [opName]?: string } | null | undefined)?.[opName] ?? fn;
  const opts = checkOptions(name, options, known);
  const { reduction = "mean" } = opts;
  return { name, opts, r: checkReduction(name, reduction) };
}

// ---- helpers ------------------------------------------------------------------------------

export function checkReduction(name: string, reduction: string): Reduction {
  if (reduction !== "mean" && reduction !== "sum" && reduction !== "none") {
    throw new Error(`${name}: reduction must be "mean", "sum" or "none", got "${reduction}".`);
  }
  return reduction;
}

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  return reduction === "none" ? loss : reduction === "sum" ? ops.sum(loss) : ops.mean(loss);
}

/**
 * Reduces per-row class losses: "none" reshapes them to `shape`, "sum" adds them, "mean"
 * divides their sum by `total` (the weight of the rows that count, not their number).
 */
function reduceRows(losses: Tensor, total: () => Tensor, r: Reduction, shape: number[]): Tensor {
  if (r === "none") return ops.reshape(losses, shape);
  if (r === "sum") return ops.sum(losses);
  return ops.div(ops.sum(losses), total());
}

/** Multiplies by an optional elementwise weight. */
function weighting(w: Tensor | null): (t: Tensor) => Tensor {
  return (t) => (w ? ops.mul(t, w) : t);
}

/** Input and target of an elementwise loss, both in one float dtype and of the same shape. */
function pair(name: string, input: TensorLike, target: TensorLike): [Tensor, Tensor, DType] {
  const x0 = internal.asTensor(input);
  const y0 = internal.asTensor(target, x0);
  const dtype = floatTypeFor(promoteTypes(x0.dtype, y0.dtype));
  if (!sameShape(x0.shape, y0.shape)) {
    const hint = x0.numel() === y0.numel()
      ? ` They hold as many elements, so reshape one: e.g. target.reshape(${shapeStr(x0.shape)}) ` +
        `(a [N, 1] output against an [N] target would otherwise broadcast to [N, N]).`
      : "";
    throw new Error(
      `${name}: input has shape ${shapeStr(x0.shape)} but target has shape ${
        shapeStr(y0.shape)
      }; they must be the same.${hint}`,
    );
  }
  return [internal.to(x0, dtype), internal.to(y0, dtype), dtype];
}

/** An optional elementwise weight, constant, in `dtype`, that must broadcast to `shape`. */
function elementWeight(
  name: string,
  what: string,
  w: Tensor | null | undefined,
  shape: readonly number[],
  dtype: DType,
): Tensor | null {
  if (w === null || w === undefined) return null;
  if (!(w instanceof Tensor)) throw new Error(`${name}: ${what} must be a Tensor.`);
  const b = broadcastShapes(name, w.shape, shape);
  if (!sameShape(b, shape)) {
    throw new Error(
      `${name}: ${what} of shape ${shapeStr(w.shape)} must broadcast to the input's shape ${
        shapeStr(shape)
      }.`,
    );
  }
  return internal.to(w.detach(), dtype);
}

// ---- regression ---------------------------------------------------------------------------

/** Mean squared error: (input - target)², reduced. */
export function mseLoss(input: TensorLike, target: TensorLike, options?: LossOptions): Tensor {
  const { name, r } = lossOptions("mseLoss", options, LOSS_KEYS.reduction);
  const [x, y] = pair(name, input, target);
  const d = ops.sub(x, y);
  return reduce(ops.mul(d, d), r);
}

/** Mean absolute error: |input - target|, reduced. */
export function l1Loss(input: TensorLike, target: TensorLike, options?: LossOptions): Tensor {
  const { name, r } = lossOptions("l1Loss", options, LOSS_KEYS.reduction);
  const [x, y] = pair(name, input, target);
  return reduce(ops.abs(ops.sub(x, y)), r);
}

/** Huber loss: ½d² where |d| < delta, delta·(|d| - ½delta) beyond (d = input - target). */
export function huberLoss(
  input: TensorLike,
  target: TensorLike,
  options?: HuberLossOptions,
): Tensor {
  const { name, opts: { delta = 1 }, r } = lossOptions("huberLoss", options, LOSS_KEYS.huber);
  if (!(delta > 0)) throw new Error(`${name}: delta must be positive, got ${delta}.`);
  const [x, y] = pair(name, input, target);
  const d = ops.sub(x, y);
  const ad = ops.abs(d);
  const loss = ops.where(
    ops.lt(ad, delta),
    ops.mul(ops.mul(d, d), 0.5),
    ops.mul(ops.sub(ad, 0.5 * delta), delta),
  );
  return reduce(loss, r);
}

// ---- binary classification ----------------------------------------------------------------

/**
 * Binary cross entropy on probabilities: -w·(y·log x + (1 - y)·log(1 - x)), with each log
 * clamped to ≥ -100 as PyTorch does, so x = 0 or 1 gives a finite loss. The gradient is
 * PyTorch's: (x - y) / max(x(1 - x), 1e-12).
 */
export function binaryCrossEntropy(
  input: TensorLike,
  target: TensorLike,
  options?: BCELossOptions,
): Tensor {
  const { name, opts, r } = lossOptions("binaryCrossEntropy", options, LOSS_KEYS.bce);
  const [x, y, dtype] = pair(name, input, target);
  const weighted = weighting(elementWeight(name, "weight", opts.weight, x.shape, dtype));
  internal.checkValues(
    x,
    { lo: 0, hi: 1 },
    name,
    (v) =>
      `${name}: input values must be probabilities in [0, 1], got ${v}. Apply sigmoid first, ` +
      "or use BCEWithLogitsLoss (binaryCrossEntropyWithLogits) on the raw scores: it is more stable.",
  );
  const logs = (
    xs: Tensor,
  ) => [ops.clamp(ops.log(xs), -100), ops.clamp(ops.log(ops.sub(1, xs)), -100)];
  const out = noGrad(() => {
    const [lx, l1x] = logs(x);
    return weighted(ops.neg(ops.add(ops.mul(y, lx), ops.mul(ops.sub(1, y), l1x))));
  });
  const loss = record(out, "BinaryCrossEntropyBackward", [x, y], (g, [xs, ys]) => {
    const gx = ops.div(ops.sub(xs, ys), ops.clamp(ops.mul(xs, ops.sub(1, xs)), 1e-12));
    const [lx, l1x] = logs(xs);
    return [weighted(ops.mul(g, gx)), weighted(ops.mul(g, ops.sub(l1x, lx)))];
  }, [x, y]);
  return reduce(loss, r);
}

/**
 * Binary cross entropy on raw scores (logits), stable for any magnitude:
 * max(x, 0) - x·y + log(1 + exp(-|x|)). With posWeight p the positive term is scaled:
 * (1 - y)·x + (1 + (p - 1)·y)·softplus(-x).
 */
export function binaryCrossEntropyWithLogits(
  input: TensorLike,
  target: TensorLike,
  options?: BCEWithLogitsLossOptions,
): Tensor {
  const { name, opts, r } = lossOptions(
    "binaryCrossEntropyWithLogits",
    options,
    LOSS_KEYS.bceWithLogits,
  );
  const [x, y, dtype] = pair(name, input, target);
  const weighted = weighting(elementWeight(name, "weight", opts.weight, x.shape, dtype));
  const pw = elementWeight(name, "posWeight", opts.posWeight, x.shape, dtype);
  // softplus(-x) = max(-x, 0) + log1p(exp(-|x|)): no overflow for any x.
  const softplusNeg = (xs: Tensor) =>
    ops.add(ops.relu(ops.neg(xs)), ops.log1p(ops.exp(ops.neg(ops.abs(xs)))));
  // (1 + (p - 1)·y): how much each element's positive term counts.
  const logWeight = (ys: Tensor) => (pw ? ops.add(ops.mul(ops.sub(pw, 1), ys), 1) : null);
  const out = noGrad(() => {
    const lw = logWeight(y);
    const sp = softplusNeg(x);
    return weighted(ops.add(ops.mul(ops.sub(1, y), x), lw ? ops.mul(lw, sp) : sp));
  });
  const loss = record(out, "BinaryCrossEntropyWithLogitsBackward", [x, y], (g, [xs, ys]) => {
    const lw = logWeight(ys);
    const s = ops.sigmoid(xs);
    // d/dx = lw·σ(x) - p·y;  d/dy = (p - 1)·softplus(-x) - x  (p = 1 without posWeight)
    const gx = lw ? ops.sub(ops.mul(lw, s), ops.mul(pw!, ys)) : ops.sub(s, ys);
    const gy = pw ? ops.sub(ops.mul(ops.sub(pw, 1), softplusNeg(xs)), xs) : ops.neg(xs);
    return [weighted(ops.mul(g, gx)), weighted(ops.mul(g, gy))];
  }, [x, y]);
  return reduce(loss, r);
}

// ---- multi-class classification -----------------------------------------------------------

/** A float input with a class dim: [C], [N, C] or [N, C, d1, ...]. */
function classInput(name: string, input: TensorLike): Tensor {
  const x = internal.asTensor(input);
  if (!isFloat(x.dtype)) {
    throw new Error(
      `${name}: input must be floating point (scores or log-probabilities), got ${x.dtype}. ` +
        "Convert it with .float().",
    );
  }
  if (x.ndim === 0) {
    throw new Error(
      `${name}: input must have a class dim ([C], [N, C] or [N, C, d1, ...]), got a scalar.`,
    );
  }
  return x;
}

/** The shape a class-index target must have for this input: the input's without dim 1. */
function indexShape(x: Tensor): number[] {
  return x.ndim === 1 ? [] : x.shape.filter((_, i) => i !== 1);
}

/** Per-class weights [C], constant, in the input's dtype. */
function classWeight(name: string, weight: Tensor | null | undefined, x: Tensor): Tensor | null {
  if (weight === null || weight === undefined) return null;
  const c = x.shape[x.ndim === 1 ? 0 : 1];
  if (!(weight instanceof Tensor) || weight.ndim !== 1 || weight.shape[0] !== c) {
    throw new Error(
      `${name}: weight must be a 1-D tensor with one entry per class, shape [${c}], got ${
        weight instanceof Tensor ? shapeStr(weight.shape) : typeof weight
      }.`,
    );
  }
  return internal.to(weight.detach(), x.dtype);
}

/** Moves the class dim last and flattens the rest: [M, C]. */
function rowsOf(x: Tensor): Tensor {
  if (x.ndim === 1) return ops.reshape(x, [1, x.shape[0]]);
  if (x.ndim === 2) return x;
  const dims = [0, ...x.shape.map((_, i) => i).slice(2), 1];
  return ops.reshape(ops.permute(x, dims), [-1, x.shape[1]]);
}

/** Checks an int32 class-index target's shape and values; returns it flattened to [M]. */
function indexTarget(name: string, x: Tensor, t: Tensor, ignoreIndex: number): Tensor {
  const expected = indexShape(x);
  const c = x.shape[x.ndim === 1 ? 0 : 1];
  if (!sameShape(t.shape, expected)) {
    const hint = t.numel() === expected.reduce((a, b) => a * b, 1)
      ? ` Reshape it: target.reshape(${shapeStr(expected)}).`
      : "";
    throw new Error(
      `${name}: for an input of shape ${shapeStr(x.shape)} the class-index target must have shape ${
        shapeStr(expected)
      }, got ${shapeStr(t.shape)}.${hint}`,
    );
  }
  internal.checkValues(
    t,
    { lo: 0, hi: c - 1, except: ignoreIndex },
    `${name}:${shapeStr(x.shape)}:${ignoreIndex}`,
    (v) =>
      `${name}: target ${v} is out of bounds for ${c} classes (input ${
        shapeStr(x.shape)
      }); class indices must be in 0..${c - 1}` +
      (ignoreIndex < 0 || ignoreIndex >= c ? ` (or ignoreIndex=${ignoreIndex})` : "") +
      ". Check the labels, or the layer's output size.",
  );
  return ops.reshape(t, [-1]);
}

/** The common core of nllLoss and crossEntropy: per-row losses and weights (0 where ignored). */
function nllRows(
  logp: Tensor,
  t: Tensor,
  weight: Tensor | null,
  ignoreIndex: number,
): { losses: Tensor; weights: Tensor; keep: Tensor } {
  const ignored = ops.eq(t, ignoreIndex);
  const safe = ops.where(ignored, 0, t);
  const picked = ops.reshape(ops.gather(logp, 1, ops.unsqueeze(safe, 1)), [-1]);
  const keep = internal.to(ops.logicalNot(ignored), logp.dtype);
  const weights = weight ? ops.mul(ops.indexSelect(weight, 0, safe), keep) : keep;
  return { losses: ops.neg(ops.mul(picked, weights)), weights, keep };
}

/** A class-index target: int32 as given, or an integer array converted to int32. */
function asIndexTarget(name: string, target: TensorLike): Tensor {
  if (target instanceof Tensor) {
    if (target.dtype !== "int32") {
      throw new Error(
        `${name}: the target must hold class indices as int32, got ${target.dtype} of shape ${
          shapeStr(target.shape)
        }. Convert it with target.int().`,
      );
    }
    return target;
  }
  return internal.asTensor(target, undefined, "int32");
}

/**
 * Negative log-likelihood of log-probabilities (e.g. a LogSoftmax output): -w[y]·input[y],
 * per sample. The mean divides by the sum of the weights of the non-ignored targets.
 */
export function nllLoss(input: TensorLike, target: TensorLike, options?: NLLLossOptions): Tensor {
  const { name, opts: { weight, ignoreIndex = -100 }, r } = lossOptions(
    "nllLoss",
    options,
    LOSS_KEYS.nll,
  );
  const x = classInput(name, input);
  const w = classWeight(name, weight, x);
  const t = indexTarget(name, x, asIndexTarget(name, target), ignoreIndex);
  const { losses, weights } = nllRows(rowsOf(x), t, w, ignoreIndex);
  return reduceRows(losses, () => ops.sum(weights), r, indexShape(x));
}

/**
 * Cross entropy of raw scores (logits) against class indices (int32, shape [N] for an [N, C]
 * input) or class probabilities (float, the input's shape): logSoftmax and nllLoss fused, so
 * any logits, even ±1e4, give finite values. Supports weight, ignoreIndex and labelSmoothing
 * with PyTorch's definitions.
 */
export function crossEntropy(
  input: TensorLike,
  target: TensorLike,
  options?: CrossEntropyLossOptions,
): Tensor {
  const { name, opts: { weight, ignoreIndex = -100, labelSmoothing = 0 }, r } = lossOptions(
    "crossEntropy",
    options,
    LOSS_KEYS.crossEntropy,
  );
  const x = classInput(name, input);
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new Error(`${name}: labelSmoothing must be between 0 and 1, got ${labelSmoothing}.`);
  }
  const classDim = x.ndim === 1 ? 0 : 1;
  const c = x.shape[classDim];
  const w = classWeight(name, weight, x);
  const probabilities = target instanceof Tensor
    ? isFloat(target.dtype)
    : sameShape(flattenNested(target as never).shape, x.shape);
  if (!probabilities && !w && labelSmoothing === 0 && x._backend.crossEntropyRows) {
    // The plain case in one kernel where the backend has it (webgpu): fewer dispatches.
    const t = indexTarget(name, x, asIndexTarget(name, target), ignoreIndex);
    const losses = internal.crossEntropyRows(rowsOf(x), t, ignoreIndex);
    const kept = () => ops.sum(internal.to(ops.ne(t, ignoreIndex), x.dtype));
    return reduceRows(losses, kept, r, indexShape(x));
  }
  const logp = ops.logSoftmax(x, classDim);
  if (probabilities) {
    const y = internal.asTensor(target, x, x.dtype);
    if (!sameShape(y.shape, x.shape)) {
      throw new Error(
        `${name}: got a ${y.dtype} target of shape ${
          shapeStr(y.shape)
        }. Class-probability targets must have the input's shape ${shapeStr(x.shape)}; ` +
          `class-index targets must be int32 of shape ${
            shapeStr(indexShape(x))
          } (convert labels with target.int()).`,
      );
    }
    const smoothed = labelSmoothing > 0
      ? ops.add(ops.mul(internal.to(y, x.dtype), 1 - labelSmoothing), labelSmoothing / c)
      : internal.to(y, x.dtype);
    const wShape = x.shape.map((s, i) => (i === classDim ? s : 1));
    let terms = ops.mul(logp, smoothed);
    if (w) terms = ops.mul(terms, ops.reshape(w, wShape));
    const perSample = ops.neg(ops.sum(terms, classDim));
    if (r === "none") return perSample;
    if (r === "sum") return ops.sum(perSample);
    return ops.div(ops.sum(perSample), x.numel() / c);
  }
  const t = indexTarget(name, x, asIndexTarget(name, target), ignoreIndex);
  const rows = rowsOf(logp);
  const { losses, weights, keep } = nllRows(rows, t, w, ignoreIndex);
  const shape = indexShape(x);
  if (labelSmoothing === 0) return reduceRows(losses, () => ops.sum(weights), r, shape);
  // PyTorch's definition: (1 - ε)·nll + ε/C·Σ_c -w_c·logp_c, ignored targets contributing 0;
  // the mean divides both parts by the same sum of target weights.
  const smooth = ops.mul(ops.neg(ops.sum(w ? ops.mul(rows, w) : rows, 1)), keep);
  const mix = (nll: Tensor, sm: Tensor) =>
    ops.add(ops.mul(nll, 1 - labelSmoothing), ops.mul(sm, labelSmoothing / c));
  if (r === "none") return ops.reshape(mix(losses, smooth), shape);
  if (r === "sum") return mix(ops.sum(losses), ops.sum(smooth));
  const total = ops.sum(weights);
  return mix(ops.div(ops.sum(losses), total), ops.div(ops.sum(smooth), total));
}
