/** Stochastic gradient descent, with momentum, dampening, Nesterov momentum and weight decay. */
import type { Tensor } from "../tensor/tensor.ts";
import { zerosLike } from "../tensor/creation.ts";
import { Optimizer, type ParamGroup, type ParamsInput } from "./optimizer.ts";

export interface SGDOptions {
  /** Learning rate; required (in the options or in every parameter group). */
  lr: number;
  /** Momentum factor (default 0: plain SGD). */
  momentum: number;
  /** Dampening of the momentum: the new gradient enters the buffer scaled by 1 - dampening. */
  dampening: number;
  /** L2 penalty: weightDecay * p is added to the gradient (default 0). */
  weightDecay: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). */
  nesterov: boolean;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
}

const DEFAULTS: Partial<SGDOptions> = {
  lr: undefined,
  momentum: 0,
  dampening: 0,
  weightDecay: 0,
  nesterov: false,
  maximize: false,
};

/**
 * PyTorch's SGD: with g the gradient (negated to maximize), g += weightDecay * p; with momentum
 * the buffer b = g on the first step, then b = momentum * b + (1 - dampening) * g, and g = b
 * (or g + momentum * b for Nesterov); finally p -= lr * g.
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super("SGD", params, options, DEFAULTS);
  }

  protected validate(g: ParamGroup<SGDOptions>): void {
    this.check(typeof g.lr === "number" && g.lr >= 0, "learning rate", g.lr);
    this.check(g.momentum >= 0, "momentum value", g.momentum);
    this.check(g.weightDecay >= 0, "weightDecay value", g.weightDecay);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
      throw new RangeError(
        `SGD: Nesterov momentum requires a momentum > 0 and zero dampening, got momentum ` +
          `${g.momentum} and dampening ${g.dampening}.`,
      );
    }
  }

  /** One fused backend pass where the backend has it and the layouts allow; else false. */
  #fusedStep(p: Tensor, g: ParamGroup<SGDOptions>): boolean {
    const fused = p._backend.sgdStep;
    const grad = p.grad!;
    if (!fused || !p.isContiguous() || !grad.isContiguous() || grad.dtype !== p.dtype) {
      return false;
    }
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = g;
    let buf: Tensor | null = null, first = false;
    if (momentum !== 0) {
      const s = this.stateOf(p, () => ({}));
      buf = (s.momentumBuffer as Tensor | undefined) ?? null;
      if (!buf) {
        buf = zerosLike(p);
        s.momentumBuffer = buf;
        first = true;
      }
      if (!buf.isContiguous()) return false;
    }
    const h = { lr, momentum, dampening, weightDecay, nesterov, maximize, first };
    fused.call(p._backend, p, grad, buf, h);
    p._bumpVersion();
    buf?._bumpVersion();
    return true;
  }

  protected updateGroup(g: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = g;
    for (const p of g.params) {
      if (!p.grad) continue;
      if (this.#fusedStep(p, g)) continue;
      let d: Tensor = maximize ? p.grad.neg() : p.grad;
      if (weightDecay !== 0) d = d.add(p, weightDecay);
      if (momentum !== 0) {
        const s = this.stateOf(p, () => ({}));
        let buf = s.momentumBuffer as Tensor | undefined;
        if (!buf) {
          buf = d.clone();
          s.momentumBuffer = buf;
        } else {
          buf.mul_(momentum).add_(d, 1 - dampening);
        }
        d = nesterov ? d.add(buf, momentum) : buf;
      }
      p.sub_(d, lr);
    }
  }
}
