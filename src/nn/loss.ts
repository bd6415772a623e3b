/**
 * Loss Modules: each keeps its options and calls the one definition in nn.functional.
 * `lossFn.forward(input, target)` or `lossFn.call(input, target)` returns the loss.
 */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { Module } from "./module.ts";
import * as F from "./functional/loss.ts";
import { checkOptions } from "../core/options.ts";

/** The base of the losses: holds the reduction ("mean", "sum" or "none"). */
export class Loss extends Module {
  readonly reduction: F.Reduction;

  /** `known`: every option the subclass takes, so unknown keys throw (e.g. label_smoothing). */
  constructor(options: F.LossOptions = {}, known: readonly string[] = ["reduction"]) {
    super();
    const { reduction = "mean" } = checkOptions(this.constructor.name, options, known);
    this.reduction = F.checkReduction(this.constructor.name, reduction);
  }

  forward(_input: Tensor, _target: TensorLike): Tensor {
    throw new Error(`${this.constructor.name}: a loss must define forward(input, target).`);
  }
}

/** (input - target)², averaged (or summed, or kept per element). */
export class MSELoss extends Loss {
  override forward(input: Tensor, target: TensorLike): Tensor {
    return F.mseLossAs("MSELoss", input, target, { reduction: this.reduction });
  }
}

/** |input - target|, averaged (or summed, or kept per element). */
export class L1Loss extends Loss {
  override forward(input: Tensor, target: TensorLike): Tensor {
    return F.l1LossAs("L1Loss", input, target, { reduction: this.reduction });
  }
}

/** Quadratic for |input - target| < delta, linear beyond: robust to outliers. */
export class HuberLoss extends Loss {
  readonly delta: number;

  constructor(opts: F.HuberLossOptions = {}) {
    super(opts, ["reduction", "delta"]);
    this.delta = opts.delta ?? 1;
    if (!(this.delta > 0)) throw new Error(`HuberLoss: delta must be positive, got ${this.delta}.`);
  }

  override forward(input: Tensor, target: TensorLike): Tensor {
    return F.huberLossAs("HuberLoss", input, target, {
      reduction: this.reduction,
      delta: this.delta,
    });
  }
}

/** Binary cross entropy on probabilities (after a sigmoid). */
export class BCELoss extends Loss {
  weight!: Tensor | null;

  constructor(opts: F.BCELossOptions = {}) {
    super(opts, ["reduction", "weight"]);
    this.registerBuffer("weight", opts.weight ?? null);
  }

  override forward(input: Tensor, target: TensorLike): Tensor {
    return F.binaryCrossEntropyAs("BCELoss", input, target, {
      reduction: this.reduction,
      weight: this.weight,
    });
  }
}

/** Binary cross entropy on raw scores (logits): a sigmoid and BCELoss in one stable step. */
export class BCEWithLogitsLoss extends Loss {
  weight!: Tensor | null;
  posWeight!: Tensor | null;

  constructor(opts: F.BCEWithLogitsLossOptions = {}) {
    super(opts, ["reduction", "weight", "posWeight"]);
    this.registerBuffer("weight", opts.weight ?? null);
    this.registerBuffer("posWeight", opts.posWeight ?? null);
  }

  override forward(input: Tensor, target: TensorLike): Tensor {
    return F.binaryCrossEntropyWithLogitsAs("BCEWithLogitsLoss", input, target, {
      reduction: this.reduction,
      weight: this.weight,
      posWeight: this.posWeight,
    });
  }
}

/** Negative log-likelihood of log-probabilities (after LogSoftmax) against int32 class indices. */
export class NLLLoss extends Loss {
  weight!: Tensor | null;
  readonly ignoreIndex: number;

  constructor(opts: F.NLLLossOptions = {}) {
    super(opts, ["reduction", "weight", "ignoreIndex"]);
    this.registerBuffer("weight", opts.weight ?? null);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
  }

  override forward(input: Tensor, target: TensorLike): Tensor {
    return F.nllLossAs("NLLLoss", input, target, {
      reduction: this.reduction,
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
    });
  }
}

/**
 * Cross entropy of raw scores (logits) against int32 class indices or class probabilities:
 * LogSoftmax and NLLLoss fused. Options: weight (per class), ignoreIndex, labelSmoothing.
 */
export class CrossEntropyLoss extends Loss {
  weight!: Tensor | null;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(opts: F.CrossEntropyLossOptions = {}) {
    super(opts, ["reduction", "weight", "ignoreIndex", "labelSmoothing"]);
    this.registerBuffer("weight", opts.weight ?? null);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
    this.labelSmoothing = opts.labelSmoothing ?? 0;
    if (!(this.labelSmoothing >= 0 && this.labelSmoothing <= 1)) {
      throw new Error(
        `CrossEntropyLoss: labelSmoothing must be between 0 and 1, got ${this.labelSmoothing}.`,
      );
    }
  }

  override forward(input: Tensor, target: TensorLike): Tensor {
    return F.crossEntropyAs("CrossEntropyLoss", input, target, {
      reduction: this.reduction,
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      labelSmoothing: this.labelSmoothing,
    });
  }
}
