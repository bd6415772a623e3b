/** ReduceLROnPlateau: lowers the lr when a monitored metric stops improving. */
import { Tensor } from "../tensor/tensor.ts";
import type { Optimizer, OptimizerOptions } from "./optimizer.ts";
import { assignState, checkOptimizer, type SchedulerStateDict } from "./scheduler.ts";
import { checkOptions } from "../core/options.ts";

export interface ReduceLROnPlateauOptions {
  /** "min": the metric should decrease (a loss); "max": increase (an accuracy). */
  mode?: "min" | "max";
  /** Multiplies the lr on a reduction (default 0.1; must be < 1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** How much better counts as better (default 1e-4). */
  threshold?: number;
  /** "rel": better than best · (1 ∓ threshold); "abs": better than best ∓ threshold. */
  thresholdMode?: "rel" | "abs";
  /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
  cooldown?: number;
  /** Lower bound on the lr: one for all groups or one per group (default 0). */
  minLr?: number | number[];
  /** Reductions smaller than eps are skipped (default 1e-8). */
  eps?: number;
}

/**
 * Multiplies each group's lr by `factor` once the metric passed to step(metric) has not
 * improved for more than `patience` epochs, as PyTorch's ReduceLROnPlateau.
 */
export class ReduceLROnPlateau {
  readonly optimizer: Optimizer<OptimizerOptions>;
  mode: "min" | "max";
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: "rel" | "abs";
  cooldown: number;
  minLrs: number[];
  eps: number;
  /** The best metric so far (±Infinity before the first step). */
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  protected lastLr: number[];

  constructor(
    optimizer: Optimizer<OptimizerOptions>,
    options: ReduceLROnPlateauOptions = {},
  ) {
    const {
      mode = "min",
      factor = 0.1,
      patience = 10,
      threshold = 1e-4,
      thresholdMode = "rel",
      cooldown = 0,
      minLr = 0,
      eps = 1e-8,
    } = checkOptions("ReduceLROnPlateau", options, [
      "mode",
      "factor",
      "patience",
      "threshold",
      "thresholdMode",
      "cooldown",
      "minLr",
      "eps",
    ]);
    const name = "ReduceLROnPlateau";
    checkOptimizer(name, optimizer);
    if (!(factor < 1)) throw new RangeError(`${name}: factor should be < 1.0, got ${factor}.`);
    if (mode !== "min" && mode !== "max") {
      throw new RangeError(`${name}: mode must be "min" or "max", got '${mode}'.`);
    }
    if (thresholdMode !== "rel" && thresholdMode !== "abs") {
      throw new RangeError(
        `${name}: thresholdMode must be "rel" or "abs", got '${thresholdMode}'.`,
      );
    }
    const groups = optimizer.paramGroups.length;
    if (Array.isArray(minLr)) {
      if (minLr.length !== groups) {
        throw new RangeError(
          `${name}: expected ${groups} minLr values (one per parameter group), got ${minLr.length}.`,
        );
      }
      this.minLrs = [...minLr];
    } else {
      this.minLrs = Array(groups).fill(minLr);
    }
    this.optimizer = optimizer;
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.eps = eps;
    this.best = mode === "min" ? Infinity : -Infinity;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /** Records the epoch's metric (a number or a one-element CPU tensor) and maybe reduces the lr. */
  step(metric: number | Tensor): void {
    const current = metric instanceof Tensor ? Number(metric.item()) : metric;
    if (typeof current !== "number") {
      throw new TypeError(
        `ReduceLROnPlateau.step: expected the metric to monitor (a number), got ${typeof metric}.`,
      );
    }
    this.lastEpoch++;
    if (this.isBetter(current)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const newLr = Math.max(g.lr * this.factor, this.minLrs[i]);
        if (g.lr - newLr > this.eps) g.lr = newLr;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Whether `a` improves on the best metric by more than the threshold. */
  isBetter(a: number): boolean {
    const { best, threshold } = this;
    if (this.mode === "min") {
      return this.thresholdMode === "rel" ? a < best * (1 - threshold) : a < best - threshold;
    }
    return this.thresholdMode === "rel" ? a > best * (1 + threshold) : a > best + threshold;
  }

  /** The lr of each group after the last step() (the current lrs before any). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): SchedulerStateDict {
    return Object.fromEntries(
      Object.entries(this).filter(([k]) => k !== "optimizer").map((
        [k, v],
      ) => [k, Array.isArray(v) ? [...v] : v]),
    );
  }

  loadStateDict(state: SchedulerStateDict): void {
    assignState("ReduceLROnPlateau", this, state);
  }
}
