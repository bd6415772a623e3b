/**
 * Learning-rate schedulers (PyTorch's torch.optim.lr_scheduler; also `optim.lrScheduler`). Call
 * `scheduler.step()` after `optimizer.step()`, once per epoch (or per iteration).
 */
import { type AnyOptimizer, LRScheduler } from "./scheduler.ts";
import { checkOptions } from "../core/options.ts";

export { LRScheduler, type SchedulerStateDict } from "./scheduler.ts";
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from "./reduce_lr_on_plateau.ts";

function positiveInt(name: string, what: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) {
    throw new RangeError(`${name}: ${what} must be a positive integer, got ${String(v)}.`);
  }
  return v;
}

function finite(name: string, what: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new RangeError(`${name}: ${what} must be a finite number, got ${String(v)}.`);
  }
  return v;
}

/** Multiplies each group's lr by `gamma` every `stepSize` epochs. */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(
    optimizer: AnyOptimizer,
    options: { stepSize: number; gamma?: number },
  ) {
    super("StepLR", optimizer);
    const { stepSize, gamma = 0.1 } = checkOptions("StepLR", options, ["stepSize", "gamma"]);
    this.stepSize = positiveInt("StepLR", "stepSize", stepSize);
    this.gamma = finite("StepLR", "gamma", gamma);
    this.initialStep();
  }

  protected computeLr(): number[] {
    const lrs = this.groupLrs();
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }
}

/** Multiplies each group's lr by `gamma` every epoch. */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: AnyOptimizer, options: { gamma: number }) {
    super("ExponentialLR", optimizer);
    const { gamma } = checkOptions("ExponentialLR", options, ["gamma"]);
    this.gamma = finite("ExponentialLR", "gamma", gamma);
    this.initialStep();
  }

  protected computeLr(): number[] {
    const lrs = this.groupLrs();
    return this.lastEpoch === 0 ? lrs : lrs.map((lr) => lr * this.gamma);
  }
}

/**
 * Cosine annealing (SGDR without restarts): lr goes from the base lr down to `etaMin` over
 * `tMax` epochs along half a cosine, then back up, with period 2·tMax, as PyTorch's recursive
 * form does.
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  constructor(optimizer: AnyOptimizer, options: { tMax: number; etaMin?: number }) {
    super("CosineAnnealingLR", optimizer);
    const { tMax, etaMin = 0 } = checkOptions("CosineAnnealingLR", options, ["tMax", "etaMin"]);
    this.tMax = finite("CosineAnnealingLR", "tMax", tMax);
    if (tMax <= 0) throw new RangeError(`CosineAnnealingLR: tMax must be > 0, got ${tMax}.`);
    this.etaMin = finite("CosineAnnealingLR", "etaMin", etaMin);
    this.initialStep();
  }

  protected computeLr(): number[] {
    const e = this.lastEpoch, T = this.tMax, etaMin = this.etaMin;
    const lrs = this.groupLrs();
    if (e === 0) return lrs;
    if ((e - 1 - T) % (2 * T) === 0) {
      return lrs.map((lr, i) => lr + (this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / T)) / 2);
    }
    const ratio = (1 + Math.cos(Math.PI * e / T)) / (1 + Math.cos(Math.PI * (e - 1) / T));
    return lrs.map((lr) => ratio * (lr - etaMin) + etaMin);
  }
}

/**
 * Scales each group's lr by a factor going linearly from `startFactor` to `endFactor` over
 * `totalIters` epochs (a warm-up with the defaults), then leaves it.
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;

  constructor(
    optimizer: AnyOptimizer,
    options: { startFactor?: number; endFactor?: number; totalIters?: number } = {},
  ) {
    super("LinearLR", optimizer);
    const { startFactor = 1 / 3, endFactor = 1, totalIters = 5 } = checkOptions(
      "LinearLR",
      options,
      ["startFactor", "endFactor", "totalIters"],
    );
    if (!(startFactor > 0 && startFactor <= 1)) {
      throw new RangeError(
        `LinearLR: startFactor must be in (0, 1], got ${startFactor}.`,
      );
    }
    if (!(endFactor >= 0 && endFactor <= 1)) {
      throw new RangeError(`LinearLR: endFactor must be in [0, 1], got ${endFactor}.`);
    }
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = positiveInt("LinearLR", "totalIters", totalIters);
    this.initialStep();
  }

  protected computeLr(): number[] {
    const e = this.lastEpoch, s = this.startFactor, d = this.endFactor - this.startFactor;
    const lrs = this.groupLrs();
    if (e === 0) return lrs.map((lr) => lr * s);
    if (e > this.totalIters) return lrs;
    return lrs.map((lr) => lr * (1 + d / (this.totalIters * s + (e - 1) * d)));
  }
}
