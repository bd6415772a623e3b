/** BatchNorm1d and BatchNorm2d: one implementation, each checking its input rank. */
import type { Tensor } from "../tensor/tensor.ts";
import { shapeStr } from "../core/shape.ts";
import { ones, tensor, zeros } from "../tensor/creation.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { factory, type FactoryOptions } from "./util.ts";
import * as F from "./functional/layers.ts";
import * as ops from "../ops/mod.ts";
import * as internal from "../ops/internal.ts";
import { checkOptions } from "../core/options.ts";

export interface BatchNormOptions extends FactoryOptions {
  eps?: number;
  /** Weight of the newest batch in the running statistics; null: a cumulative average. */
  momentum?: number | null;
  /** Learn a per-channel scale (weight) and shift (bias). */
  affine?: boolean;
  /** Keep running mean and variance for eval mode (else eval uses the batch's statistics). */
  trackRunningStats?: boolean;
}

/**
 * The shared batch norm: normalizes each channel (dim 1) over every other dim to zero mean and
 * unit variance, then scales and shifts it (weight, bias). Training mode uses the batch's
 * statistics and updates runningMean / runningVar (unbiased variance); eval mode uses the
 * running statistics.
 */
abstract class BatchNormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  // The buffers are registered under PyTorch's names (running_mean, ...), so stateDict() keys
  // and safetensors files match torch's; the camelCase accessors are the JS-side names.
  get runningMean(): Tensor | null {
    return this.buffer("running_mean");
  }
  get runningVar(): Tensor | null {
    return this.buffer("running_var");
  }
  get numBatchesTracked(): Tensor | null {
    return this.buffer("num_batches_tracked");
  }

  private buffer(name: string): Tensor | null {
    return (this as unknown as Record<string, Tensor | null>)[name];
  }

  /** The class name for errors, and the input ranks it accepts with their layout. */
  protected abstract get layer(): string;
  protected abstract get ranks(): readonly number[];
  protected abstract get layout(): string;

  constructor(numFeatures: number, opts: BatchNormOptions, layer: string) {
    super();
    const { eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true } = checkOptions(
      layer,
      opts,
      ["eps", "momentum", "affine", "trackRunningStats", "dtype", "device"],
    );
    if (!Number.isInteger(numFeatures) || numFeatures < 1) {
      throw new Error(`${layer}: numFeatures must be a positive integer, got ${numFeatures}.`);
    }
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    const { dtype, device } = factory(layer, opts);
    this.weight = affine ? new Parameter(ones([numFeatures], { dtype, device })) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures], { dtype, device })) : null;
    if (trackRunningStats) {
      this.registerBuffer("running_mean", zeros([numFeatures], { dtype, device }));
      this.registerBuffer("running_var", ones([numFeatures], { dtype, device }));
      this.registerBuffer("num_batches_tracked", tensor(0, { dtype: "int32", device }));
    } else {
      this.registerBuffer("running_mean", null);
      this.registerBuffer("running_var", null);
      this.registerBuffer("num_batches_tracked", null);
    }
  }

  /** Running mean 0, running variance 1, no batches seen. */
  resetRunningStats(): void {
    noGrad(() => {
      this.runningMean?.zero_();
      this.runningVar?.fill_(1);
      this.numBatchesTracked?.zero_();
    });
  }

  forward(input: Tensor): Tensor {
    if (!this.ranks.includes(input.ndim)) {
      throw new Error(
        `${this.layer}: expected ${this.layout} input, got ${shapeStr(input.shape)}.`,
      );
    }
    if (input.shape[1] !== this.numFeatures) {
      throw new Error(
        `${this.layer}: expected ${this.numFeatures} channels in dim 1, but the input has shape ${
          shapeStr(input.shape)
        }.`,
      );
    }
    let factor: number | Tensor = this.momentum ?? 0;
    if (this.training && this.numBatchesTracked) {
      const count = this.numBatchesTracked;
      noGrad(() => count.add_(1));
      // Cumulative average: 1 / batches seen, computed where the count lives (no readback).
      if (this.momentum === null) {
        const dtype = this.runningMean?.dtype ?? "float32";
        factor = noGrad(() => ops.div(1, internal.to(count, dtype)));
      }
    }
    return F.batchNorm(input, this.runningMean, this.runningVar, {
      weight: this.weight,
      bias: this.bias,
      // Without running statistics, eval mode normalizes with the batch's, as PyTorch.
      training: this.training || (this.runningMean === null && this.runningVar === null),
      momentum: factor,
      eps: this.eps,
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, ` +
      `trackRunningStats=${this.trackRunningStats}`;
  }
}

/** Batch norm of [N, C] or [N, C, L] input, per channel (over N, or N and L). */
export class BatchNorm1d extends BatchNormBase {
  protected get layer(): string {
    return "BatchNorm1d";
  }
  protected get ranks(): readonly number[] {
    return [2, 3];
  }
  protected get layout(): string {
    return "2-D [N, C] or 3-D [N, C, L]";
  }

  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super(numFeatures, opts, "BatchNorm1d");
  }
}

/** Batch norm of [N, C, H, W] images, per channel over N, H and W. */
export class BatchNorm2d extends BatchNormBase {
  protected get layer(): string {
    return "BatchNorm2d";
  }
  protected get ranks(): readonly number[] {
    return [4];
  }
  protected get layout(): string {
    return "4-D [N, C, H, W]";
  }

  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super(numFeatures, opts, "BatchNorm2d");
  }
}
