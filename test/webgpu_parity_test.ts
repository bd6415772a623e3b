/**
 * The same op on 'webgpu' and on 'cpu' gives the same values and gradients (float32
 * tolerance): every expression of the torch parity fixture (45 ops, broadcasting, views,
 * reductions, matmul, indexing), rebuilt with float32 inputs on each device.
 */
import assert from "node:assert/strict";
import { type Tensor, tensor } from "gradiente";
import { asTensor, evaluate, loadFixture, type Stored } from "./parity_expr.ts";
import { assertSameValues, gpu } from "./webgpu_helpers.ts";

const fixture = loadFixture();

function load(s: Stored, device: "cpu" | "webgpu", requiresGrad = false): Tensor {
  return tensor(s.values as number[], { dtype: "float32", device, requiresGrad });
}

fixture.cases.forEach((c, i) => {
  const text = JSON.stringify(c.expr);
  const label = text.length > 120 ? `${text.slice(0, 117)}...` : text;
  Deno.test({ name: `webgpu parity #${i}: ${label}`, ...gpu }, async () => {
    const run = (device: "cpu" | "webgpu") => {
      const xs = c.inputs.map((s) => load(s, device, true));
      const out = asTensor(evaluate(c.expr, xs), "expression");
      out.mul(load(c.weight, device)).sum().backward();
      return { out, grads: xs.map((x) => x.grad) };
    };
    const want = run("cpu"), got = run("webgpu");
    // exp/pow chains amplify float32 rounding differences between JS math and WGSL's.
    const rtol = /"(exp|pow|var|std|prod|logsumexp)"/.test(text) ? 2e-3 : 2e-4;
    await assertSameValues("output", got.out, want.out, rtol, 1e-5);
    assert.equal(got.grads.length, want.grads.length);
    for (const [k, g] of got.grads.entries()) {
      await assertSameValues(`grad of input ${k}`, g, want.grads[k], rtol, 1e-5);
    }
  });
});
