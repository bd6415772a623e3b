/** Inputs and checks shared by the gradcheck tests of the ops. */
import assert from "node:assert/strict";
import {
  autograd,
  enableGrad,
  Generator,
  gradcheck,
  noGrad,
  randn,
  type Tensor,
  tensor,
} from "gradiente";

/**
 * Seeded float64 inputs that require grad: `const r = gradInputs(1); r.randn(2, 3)`. Each
 * maker draws from the one seeded generator, so a test's inputs depend only on its order of
 * calls; `from(f)` makes a maker of f(standard normal values).
 */
export function gradInputs(seed: number) {
  const gen = new Generator(seed);
  const from = (f: (t: Tensor) => Tensor = (t) => t) => (...shape: number[]): Tensor =>
    noGrad(() => f(randn(shape, { dtype: "float64", generator: gen })).contiguous())
      .requiresGrad_();
  return {
    from,
    /** Standard normal values. */
    randn: from(),
    /** Values in [0.5, ~3): safe for log, sqrt, div and pow bases. */
    pos: from((t) => t.abs().add(0.5)),
    /** Normal values pushed at least 0.2 away from 0: safe for abs, sign, relu. */
    away: from((t) => t.add(t.sign().mul(0.2))),
  };
}

/** A fixed float64 tensor that requires grad. */
export function fixed(values: number | number[] | number[][]): Tensor {
  return tensor(values, { dtype: "float64", requiresGrad: true });
}

/**
 * gradcheck, after making sure every output really is part of the graph (gradcheck skips
 * outputs that do not require grad, so an op that forgot to record would pass).
 */
export function checkGrad(fn: (...xs: Tensor[]) => Tensor | readonly Tensor[], xs: Tensor[]): void {
  const out = fn(...xs);
  for (const o of Array.isArray(out) ? out : [out]) {
    assert.ok((o as Tensor).requiresGrad, "the output is not part of the graph");
  }
  assert.equal(gradcheck(fn, xs), true);
}

/** The gradient as a function of x and of the incoming gradient v: gradcheck of it tests double backward. */
export function vjp(f: (x: Tensor) => Tensor): (x: Tensor, v: Tensor) => Tensor {
  return (x, v) =>
    enableGrad(() => autograd.grad(f(x), x, { gradOutputs: [v], createGraph: true })[0]!);
}
