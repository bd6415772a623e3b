/**
 * Parity with PyTorch: random expressions (JSON trees) evaluated by torch in float64, stored in
 * fixtures/torch_parity.json by fixtures/make_torch_parity.py. Each one is rebuilt here with
 * gradiente; the output and the gradients of sum(output * W) must match torch's to 1e-9.
 */
import assert from "node:assert/strict";
import { type Tensor, tensor } from "gradiente";
import { asTensor, evaluate, loadFixture, type Stored } from "./parity_expr.ts";

const fixture = loadFixture();

const RTOL = 1e-9, ATOL = 1e-9;

function load(s: Stored, requiresGrad = false): Tensor {
  return tensor(s.values as number[], { dtype: "float64", requiresGrad });
}

function flat(values: number | unknown[]): number[] {
  return typeof values === "number" ? [values] : (values.flat(Infinity) as number[]);
}

async function assertClose(what: string, actual: Tensor | null, expected: Stored): Promise<void> {
  const want = flat(expected.values);
  // (the generator only keeps expressions where every input gets a nonzero gradient)
  assert.ok(actual !== null, `${what}: gradiente gave no gradient`);
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  assert.equal(actual.dtype, "float64", `${what}: dtype`);
  const got = Array.from(await actual.data());
  assert.equal(got.length, want.length, `${what}: number of values`);
  const bad: string[] = [];
  got.forEach((g, i) => {
    const w = want[i];
    if (!(Math.abs(g - w) <= ATOL + RTOL * Math.abs(w))) bad.push(`[${i}] ${g} vs torch ${w}`);
  });
  assert.ok(
    bad.length === 0,
    `${what}: ${bad.length} values differ: ${bad.slice(0, 5).join(", ")}`,
  );
}

Deno.test("torch parity: fixture header", () => {
  assert.equal(fixture.cases.length, fixture.header.count);
  assert.ok(fixture.cases.length >= 40);
  assert.ok(typeof fixture.header.torch === "string" && typeof fixture.header.seed === "number");
});

fixture.cases.forEach((c, i) => {
  const text = JSON.stringify(c.expr);
  const label = text.length > 140 ? `${text.slice(0, 137)}...` : text;
  Deno.test(`torch parity #${i}: ${label}`, async () => {
    const xs = c.inputs.map((s) => load(s, true));
    xs.forEach((x, k) => assert.deepEqual(x.shape, c.inputs[k].shape, `input ${k} shape`));
    const out = asTensor(evaluate(c.expr, xs), "expression");
    await assertClose("output", out, c.output);
    const w = load(c.weight);
    assert.deepEqual(w.shape, c.weight.shape);
    out.mul(w).sum().backward();
    for (const [k, x] of xs.entries()) await assertClose(`grad of input ${k}`, x.grad, c.grads[k]);
  });
});
