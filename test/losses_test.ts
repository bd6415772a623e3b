/**
 * Parity with PyTorch for the losses and BatchNorm1d: fixtures/torch_losses.json, written by
 * fixtures/make_torch_losses.py with torch in float64, holds loss values and the gradients of
 * sum(loss * W) for every loss × reduction (class weights, ignoreIndex, label smoothing,
 * probability targets, extreme logits), and BatchNorm1d's outputs, gradients and running
 * statistics over a few training steps. Each is rebuilt here through both the Module and the
 * nn.functional form, and must match to 1e-5 relative.
 */
import assert from "node:assert/strict";
import { type NestedArray, nn, noGrad, type Tensor, tensor } from "gradiente";

const F = nn.functional;

interface Stored {
  shape: number[];
  values: NestedArray;
}

interface Result {
  output: Stored;
  gradInput: Stored;
  gradTarget?: Stored;
  W?: Stored;
}

interface LossCase {
  name: string;
  loss: string;
  functional: string;
  options: { delta?: number; ignoreIndex?: number; labelSmoothing?: number };
  input: Stored;
  target: Stored;
  targetDtype: "float64" | "int32";
  weight: Stored | null;
  posWeight: Stored | null;
  results: Record<"mean" | "sum" | "none", Result>;
}

interface BatchNormCase {
  name: string;
  shape: number[];
  momentum: number | null;
  init: { weight: Stored; bias: Stored };
  steps: {
    input: Stored;
    output: Stored;
    W: Stored;
    gradInput: Stored;
    gradWeight: Stored;
    gradBias: Stored;
    runningMean: Stored;
    runningVar: Stored;
  }[];
  evalInput: Stored;
  evalOutput: Stored;
  numBatchesTracked: number;
}

const fixture: {
  header: { torch: string; seed: number; count: number };
  losses: LossCase[];
  batchnorm: BatchNormCase[];
} = JSON.parse(Deno.readTextFileSync(new URL("./fixtures/torch_losses.json", import.meta.url)));

const RTOL = 1e-5;
// Torch and gradiente may round differently where an exact answer is 0 (e.g. 1e-17 vs 0).
const ATOL = 1e-13;

function load(s: Stored, dtype: "float64" | "int32" = "float64"): Tensor {
  return tensor(s.values, { dtype }).reshape(s.shape);
}

function flat(v: NestedArray): number[] {
  return Array.isArray(v) ? (v as NestedArray[]).flatMap(flat) : [Number(v)];
}

function match(actual: Tensor | null, expected: Stored, what: string): void {
  assert.ok(actual, `${what}: missing (null)`);
  assert.deepEqual([...actual.shape], expected.shape, `${what}: shape`);
  const a = flat(actual.toArray()), e = flat(expected.values);
  a.forEach((v, i) => {
    assert.ok(Number.isFinite(v), `${what}[${i}]: got ${v}`);
    assert.ok(
      Math.abs(v - e[i]) <= RTOL * Math.abs(e[i]) + ATOL,
      `${what}[${i}]: got ${v}, torch ${e[i]}`,
    );
  });
}

type AllLossOptions =
  & nn.functional.CrossEntropyLossOptions
  & nn.functional.BCEWithLogitsLossOptions
  & nn.functional.HuberLossOptions;

const MODULES: Record<string, (o: AllLossOptions) => nn.Loss> = {
  MSELoss: (o) => new nn.MSELoss(o),
  L1Loss: (o) => new nn.L1Loss(o),
  HuberLoss: (o) => new nn.HuberLoss(o),
  BCELoss: (o) => new nn.BCELoss(o),
  BCEWithLogitsLoss: (o) => new nn.BCEWithLogitsLoss(o),
  CrossEntropyLoss: (o) => new nn.CrossEntropyLoss(o),
  NLLLoss: (o) => new nn.NLLLoss(o),
};

const FUNCTIONS: Record<string, (x: Tensor, y: Tensor, o: AllLossOptions) => Tensor> = {
  mseLoss: F.mseLoss,
  l1Loss: F.l1Loss,
  huberLoss: F.huberLoss,
  binaryCrossEntropy: F.binaryCrossEntropy,
  binaryCrossEntropyWithLogits: F.binaryCrossEntropyWithLogits,
  crossEntropy: F.crossEntropy,
  nllLoss: F.nllLoss,
};

Deno.test("torch_losses.json covers every loss and reduction", () => {
  const losses = new Set(fixture.losses.map((c) => c.loss));
  assert.deepEqual([...losses].sort(), Object.keys(MODULES).sort());
  for (const c of fixture.losses) {
    assert.deepEqual(Object.keys(c.results).sort(), ["mean", "none", "sum"]);
  }
  assert.equal(fixture.losses.length, fixture.header.count);
});

for (const c of fixture.losses) {
  Deno.test(`${c.name}: ${c.loss} and F.${c.functional} match torch (mean, sum, none)`, () => {
    for (const reduction of ["mean", "sum", "none"] as const) {
      const expected = c.results[reduction];
      const opts: AllLossOptions = {
        ...c.options,
        reduction,
        // Only the options a loss takes: unknown keys throw (weight on MSELoss, say).
        ...(c.weight ? { weight: load(c.weight) } : {}),
        ...(c.posWeight ? { posWeight: load(c.posWeight) } : {}),
      };
      const forms: [string, (x: Tensor, y: Tensor) => Tensor][] = [
        [c.loss, (x, y) => MODULES[c.loss](opts).call(x, y)],
        [`F.${c.functional}`, (x, y) => FUNCTIONS[c.functional](x, y, opts)],
      ];
      for (const [form, fn] of forms) {
        const what = `${c.name} ${form} reduction=${reduction}`;
        const x = load(c.input).requiresGrad_();
        const y = load(c.target, c.targetDtype);
        if (c.targetDtype === "float64") y.requiresGrad_();
        const loss = fn(x, y);
        match(loss, expected.output, `${what} loss`);
        (expected.W ? loss.mul(load(expected.W)).sum() : loss).backward();
        match(x.grad, expected.gradInput, `${what} grad input`);
        if (expected.gradTarget) match(y.grad, expected.gradTarget, `${what} grad target`);
      }
    }
  });
}

for (const c of fixture.batchnorm) {
  Deno.test(`${c.name}: BatchNorm1d ${JSON.stringify(c.shape)} train steps and eval match torch`, () => {
    const bn = new nn.BatchNorm1d(c.shape[1], { momentum: c.momentum, dtype: "float64" });
    noGrad(() => {
      bn.weight!.copy_(load(c.init.weight));
      bn.bias!.copy_(load(c.init.bias));
    });
    c.steps.forEach((s, k) => {
      bn.zeroGrad();
      const x = load(s.input).requiresGrad_();
      const y = bn.call(x);
      match(y, s.output, `step ${k} output`);
      y.mul(load(s.W)).sum().backward();
      match(x.grad, s.gradInput, `step ${k} grad input`);
      match(bn.weight!.grad, s.gradWeight, `step ${k} grad weight`);
      match(bn.bias!.grad, s.gradBias, `step ${k} grad bias`);
      match(bn.runningMean, s.runningMean, `step ${k} runningMean`);
      match(bn.runningVar, s.runningVar, `step ${k} runningVar`);
    });
    bn.eval();
    match(bn.call(load(c.evalInput)), c.evalOutput, "eval output");
    assert.equal(bn.numBatchesTracked!.item(), c.numBatchesTracked);
  });
}
