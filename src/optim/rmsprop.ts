/** RMSprop (Hinton's), with PyTorch's centered and momentum variants. */
import type { Tensor } from "../tensor/tensor.ts";
import { zerosLike } from "../tensor/creation.ts";
import { Optimizer, type ParamGroup, type ParamsInput, type ParamState } from "./optimizer.ts";

export interface RMSpropOptions {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** Smoothing constant of the running average of squared gradients (default 0.99). */
  alpha: number;
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Normalize by an estimate of the gradient's variance instead of its second moment. */
  centered: boolean;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
}

const DEFAULTS: RMSpropOptions = {
  lr: 1e-2,
  alpha: 0.99,
  eps: 1e-8,
  weightDecay: 0,
  momentum: 0,
  centered: false,
  maximize: false,
};

/**
 * PyTorch's RMSprop: v = α v + (1-α) g², the denominator is √v + eps (√(v - ḡ²) + eps when
 * centered, ḡ the running mean of g); then p -= lr · g / denom, or with momentum
 * b = momentum · b + g / denom and p -= lr · b.
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsInput<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super("RMSprop", params, options, DEFAULTS);
  }

  protected validate(g: ParamGroup<RMSpropOptions>): void {
    this.check(typeof g.lr === "number" && g.lr >= 0, "learning rate", g.lr);
    this.check(g.eps >= 0, "epsilon value", g.eps);
    this.check(g.momentum >= 0, "momentum value", g.momentum);
    this.check(g.weightDecay >= 0, "weightDecay value", g.weightDecay);
    this.check(g.alpha >= 0, "alpha value", g.alpha);
  }

  protected updateGroup(g: ParamGroup<RMSpropOptions>): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = g;
    for (const p of g.params) {
      if (!p.grad) continue;
      let grad: Tensor = maximize ? p.grad.neg() : p.grad;
      const s: ParamState = this.stateOf(p, () => ({ step: 0, squareAvg: zerosLike(p) }));
      s.step = (s.step as number) + 1;
      if (weightDecay !== 0) grad = grad.add(p, weightDecay);
      const squareAvg = s.squareAvg as Tensor;
      squareAvg.mul_(alpha).add_(grad.mul(grad), 1 - alpha);
      let avg: Tensor;
      if (centered) {
        const gradAvg = (s.gradAvg ??= zerosLike(p)) as Tensor;
        gradAvg.mul_(alpha).add_(grad, 1 - alpha);
        avg = squareAvg.sub(gradAvg.mul(gradAvg)).sqrt();
      } else {
        avg = squareAvg.sqrt();
      }
      avg = avg.add(eps);
      if (momentum > 0) {
        const buf = (s.momentumBuffer ??= zerosLike(p)) as Tensor;
        buf.mul_(momentum).add_(grad.div(avg));
        p.sub_(buf, lr);
      } else {
        p.sub_(grad.div(avg), lr);
      }
    }
  }
}
