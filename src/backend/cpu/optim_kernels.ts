/** Fused optimizer updates: one loop over the parameter instead of a chain of tensor ops. */
import type { AdamHyper, SgdHyper } from "../backend.ts";
import type { TypedArray } from "../../core/dtype.ts";

/** Adam / AdamW in place, with the same arithmetic as the tensor-op version in optim/adam.ts. */
export function adamStepInto(
  p: TypedArray,
  grad: TypedArray,
  m: TypedArray,
  v: TypedArray,
  h: AdamHyper,
): void {
  const { beta1, beta2, eps, weightDecay, decoupled, maximize, stepSize, bias2Sqrt } = h;
  const c1 = 1 - beta1, c2 = 1 - beta2;
  const coupledWd = decoupled ? 0 : weightDecay;
  const shrink = decoupled ? 1 - h.lr * weightDecay : 1;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    let g = maximize ? -grad[i] : grad[i];
    let w = p[i];
    if (coupledWd !== 0) g += coupledWd * w;
    w *= shrink;
    const mi = m[i] * beta1 + g * c1;
    const vi = v[i] * beta2 + g * g * c2;
    m[i] = mi;
    v[i] = vi;
    p[i] = w - stepSize * (mi / (Math.sqrt(vi) / bias2Sqrt + eps));
  }
}

/** SGD in place, with the arithmetic (and order) of the tensor-op version in optim/sgd.ts. */
export function sgdStepInto(
  p: TypedArray,
  grad: TypedArray,
  buf: TypedArray | null,
  h: SgdHyper,
): void {
  const { lr, momentum, dampening, weightDecay, nesterov, maximize, first } = h;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    let d = maximize ? -grad[i] : grad[i];
    if (weightDecay !== 0) d += weightDecay * p[i];
    if (buf) {
      const b = first ? d : buf[i] * momentum + d * (1 - dampening);
      buf[i] = b;
      d = nesterov ? d + momentum * b : b;
    }
    p[i] -= lr * d;
  }
}
