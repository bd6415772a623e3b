/** Adam and AdamW. */
import type { Tensor } from "../tensor/tensor.ts";
import { zerosLike } from "../tensor/creation.ts";
import { maximum } from "../ops/binary.ts";
import { Optimizer, type ParamGroup, type ParamsInput } from "./optimizer.ts";

export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Decay rates of the running averages of the gradient and of its square (0.9, 0.999). */
  betas: [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** Adam: L2 penalty added to the gradient (default 0). AdamW: decoupled decay (default 1e-2). */
  weightDecay: number;
  /** Use the maximum of past squared-gradient averages (AMSGrad). */
  amsgrad: boolean;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
}

export type AdamWOptions = AdamOptions;

const ADAM_DEFAULTS: AdamOptions = {
  lr: 1e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 0,
  amsgrad: false,
  maximize: false,
};

/** What Adam and AdamW share; they differ only in how weight decay enters. */
abstract class AdamBase extends Optimizer<AdamOptions> {
  readonly #decoupled: boolean;

  protected constructor(
    name: string,
    params: ParamsInput<AdamOptions>,
    options: Partial<AdamOptions>,
    defaults: AdamOptions,
    decoupled: boolean,
  ) {
    super(name, params, options, defaults);
    this.#decoupled = decoupled;
  }

  protected validate(g: ParamGroup<AdamOptions>): void {
    this.check(typeof g.lr === "number" && g.lr >= 0, "learning rate", g.lr);
    this.check(g.eps >= 0, "epsilon value", g.eps);
    const b = g.betas;
    this.check(Array.isArray(b) && b.length === 2, "betas (expected [beta1, beta2])", b);
    this.check(b[0] >= 0 && b[0] < 1, "beta parameter at index 0", b[0]);
    this.check(b[1] >= 0 && b[1] < 1, "beta parameter at index 1", b[1]);
    this.check(g.weightDecay >= 0, "weightDecay value", g.weightDecay);
  }

  protected updateGroup(g: ParamGroup<AdamOptions>): void {
    const { lr, betas: [beta1, beta2], eps, weightDecay, amsgrad, maximize } = g;
    for (const p of g.params) {
      if (!p.grad) continue;
      let grad: Tensor = maximize ? p.grad.neg() : p.grad;
      const s = this.stateOf(p, () => ({
        step: 0,
        expAvg: zerosLike(p),
        expAvgSq: zerosLike(p),
        ...(amsgrad ? { maxExpAvgSq: zerosLike(p) } : {}),
      }));
      const step = (s.step as number) + 1;
      s.step = step;
      const expAvg0 = s.expAvg as Tensor, expAvgSq0 = s.expAvgSq as Tensor;
      const fused = p._backend.adamStep;
      if (
        fused && !amsgrad && p.isContiguous() && expAvg0.isContiguous() && expAvgSq0.isContiguous()
      ) {
        const g = p.grad.isContiguous() && p.grad.dtype === p.dtype
          ? p.grad
          : p.grad.contiguous().to(p.dtype);
        fused.call(p._backend, p, g, expAvg0, expAvgSq0, {
          lr,
          beta1,
          beta2,
          eps,
          weightDecay,
          decoupled: this.#decoupled,
          maximize,
          stepSize: lr / (1 - beta1 ** step),
          bias2Sqrt: Math.sqrt(1 - beta2 ** step),
        });
        for (const t of [p, expAvg0, expAvgSq0]) t._bumpVersion();
        continue;
      }
      if (weightDecay !== 0) {
        if (this.#decoupled) p.mul_(1 - lr * weightDecay);
        else grad = grad.add(p, weightDecay);
      }
      const expAvg = s.expAvg as Tensor, expAvgSq = s.expAvgSq as Tensor;
      expAvg.mul_(beta1).add_(grad, 1 - beta1);
      expAvgSq.mul_(beta2).add_(grad.mul(grad), 1 - beta2);
      const stepSize = lr / (1 - beta1 ** step);
      const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
      let second = expAvgSq;
      if (amsgrad) {
        // Created here too when amsgrad is switched on after the first steps.
        const maxSq = (s.maxExpAvgSq ??= zerosLike(p)) as Tensor;
        maxSq.copy_(maximum(maxSq, expAvgSq));
        second = maxSq;
      }
      const denom = second.sqrt().div(bc2Sqrt).add(eps);
      p.sub_(expAvg.div(denom), stepSize);
    }
  }
}

/**
 * PyTorch's Adam: m = β1 m + (1-β1) g, v = β2 v + (1-β2) g², and
 * p -= lr / (1-β1ᵗ) · m / (√v / √(1-β2ᵗ) + eps), with g += weightDecay · p (an L2 penalty) and
 * v replaced by its running maximum with amsgrad.
 */
export class Adam extends AdamBase {
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super("Adam", params, options, ADAM_DEFAULTS, false);
  }
}

/**
 * PyTorch's AdamW: Adam with decoupled weight decay (Loshchilov & Hutter): before the Adam
 * update, p *= 1 - lr · weightDecay (default weightDecay 1e-2), and the gradient is left alone.
 */
export class AdamW extends AdamBase {
  constructor(params: ParamsInput<AdamWOptions>, options: Partial<AdamWOptions> = {}) {
    super("AdamW", params, options, { ...ADAM_DEFAULTS, weightDecay: 1e-2 }, true);
  }
}
