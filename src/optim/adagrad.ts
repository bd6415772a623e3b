/** Adagrad. */
import type { Tensor } from "../tensor/tensor.ts";
import { fullLike } from "../tensor/creation.ts";
import { Optimizer, type ParamGroup, type ParamsInput, type ParamState } from "./optimizer.ts";

export interface AdagradOptions {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** Learning-rate decay: step t uses lr / (1 + (t - 1) · lrDecay) (default 0). */
  lrDecay: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Starting value of the sum of squared gradients (default 0). */
  initialAccumulatorValue: number;
  /** Added to the denominator for numerical stability (default 1e-10). */
  eps: number;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
}

const DEFAULTS: AdagradOptions = {
  lr: 1e-2,
  lrDecay: 0,
  weightDecay: 0,
  initialAccumulatorValue: 0,
  eps: 1e-10,
  maximize: false,
};

/**
 * PyTorch's Adagrad: s += g², p -= lr / (1 + (t-1) · lrDecay) · g / (√s + eps). As in PyTorch,
 * the state (step 0, s = initialAccumulatorValue) exists from construction.
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsInput<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super("Adagrad", params, options, DEFAULTS);
    for (const g of this.paramGroups) for (const p of g.params) this.#state(p, g);
  }

  protected validate(g: ParamGroup<AdagradOptions>): void {
    this.check(typeof g.lr === "number" && g.lr >= 0, "learning rate", g.lr);
    this.check(g.lrDecay >= 0, "lrDecay value", g.lrDecay);
    this.check(g.weightDecay >= 0, "weightDecay value", g.weightDecay);
    this.check(
      g.initialAccumulatorValue >= 0,
      "initialAccumulatorValue value",
      g.initialAccumulatorValue,
    );
    this.check(g.eps >= 0, "epsilon value", g.eps);
  }

  #state(p: Tensor, g: ParamGroup<AdagradOptions>): ParamState {
    return this.stateOf(p, () => ({ step: 0, sum: fullLike(p, g.initialAccumulatorValue) }));
  }

  protected updateGroup(g: ParamGroup<AdagradOptions>): void {
    const { lr, lrDecay, weightDecay, eps, maximize } = g;
    for (const p of g.params) {
      if (!p.grad) continue;
      let grad: Tensor = maximize ? p.grad.neg() : p.grad;
      const s = this.#state(p, g);
      const step = (s.step as number) + 1;
      s.step = step;
      if (weightDecay !== 0) grad = grad.add(p, weightDecay);
      const clr = lr / (1 + (step - 1) * lrDecay);
      const sum = s.sum as Tensor;
      sum.add_(grad.mul(grad));
      p.sub_(grad.div(sum.sqrt().add(eps)), clr);
    }
  }
}
