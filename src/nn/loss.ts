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
  constructor(options: F.LossOptions = {}, known: readonly string[] = F.LOSS_KEYS.reduction) {
    super();
    const { reduction = "mean" } = checkOptions(this.constructor.name, options, known);
    this.reduction = F.checkReduction(this.constructor.name, reduction);
  }

  /**
   * The options a subclass's forward passes to its nn.functional loss: this reduction, `rest`,
   * and the Module's name, so the function's errors begin "`name`: ...".
   */
  protected lossOptions<T extends object>(name: string, rest = {} as T): T & F.LossOptions {
    return F.named(name, { ...rest, reduction: this.reduction });
  }

  forward(_input: Tensor, _target: TensorLike): Tensor {
    throw new Error(`${this.constructor.name}: a loss must define forward(input, target).`);
  }
}

/** (input - target)², averaged (or summed, or kept per element). */
export class MSELoss extends Loss {
  override forward(input: Tensor, target: TensorLike): Tensor {
    return F.mseLoss(input, target, this.lossOptions("MSELoss"));
  }
}

/** |input - target|, averaged (or summed, or kept per element). */
export class L1Loss extends Loss {
  override forward(input: Tensor, target: TensorLike): Tensor {
    return F.l1Loss(input, target, this.lossOptions("L1Loss"));
  }
}

/** Quadratic for |input - target| < delta, linear beyond: robust to outliers. */
export class HuberLoss extends Loss {
  readonly delta: number;

  constructor(opts: F.HuberLossOptions = {}) {
    super(opts, F.LOSS_KEYS.huber);
    this.delta = opts.delta ?? 1;
    if (!(this.delta > 0)) throw new Error(`HuberLoss: delta must be positive, got ${this.delta}.`);
  }

  override forward(input: Tensor, target: TensorLike): Tensor {
    const options = this.lossOptions("HuberLoss", { delta: this.delta });
    return F.huberLoss(input, target, options);
  }
}

/** Binary cross entropy on probabilities (after a sigmoid). */
export class BCELoss extends Loss {
  weight!: Tensor | null;

  constructor(opts: F.BCELossOptions = {}) {
    super(opts, F.LOSS_KEYS.bce);
    this.registerBuffer("weight", opts.weight ?? null);
  }

  override forward(input: Tensor, target: TensorLike): Tensor {
    const options = this.lossOptions("BCELoss", { weight: this.weight });
    return F.binaryCrossEntropy(input, target, options);
  }
}

/** Binary cross entropy on raw scores (logits): a sigmoid and BCELoss in one stable step. */
export class BCEWithLogitsLoss extends Loss {
  weight!: Tensor | null;
  posWeight!: Tensor | null;

  constructor(opts: F.BCEWithLogitsLossOptions = {}) {
    super(opts, F.LOSS_KEYS.bceWithLogits);
    this.registerBuffer("weight", opts.weight ?? null);
    this.registerBuffer("posWeight", opts.posWeight ?? null);
  }

  override forward(input: Tensor, target: TensorLike): Tensor {
    const options = this.lossOptions("BCEWithLogitsLoss", {
      weight: this.weight,
      posWeight: this.posWeight,
    });
    return F.binaryCrossEntropyWithLogits(input, target, options);
  }
}

/** Negative log-likelihood of log-probabilities (after LogSoftmax) against int32 class indices. */
export class NLLLoss extends Loss {
  weight!: Tensor | null;
  readonly ignoreIndex: number;

  constructor(opts: F.NLLLossOptions = {}) {
    super(opts, F.LOSS_KEYS.nll);
    this.registerBuffer("weight", opts.weight ?? null);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
  }

  override forward(input: Tensor, target: TensorLike): Tensor {
    const options = this.lossOptions("NLLLoss", {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
    });
    return F.nllLoss(input, target, options);
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
    super(opts, F.LOSS_KEYS.crossEntropy);
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
    const options = this.lossOptions("CrossEntropyLoss", {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      labelSmoothing: this.labelSmoothing,
    });
    return F.crossEntropy(input, target, options);
  }
}
