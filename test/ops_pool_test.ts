/**
 * Pooling (issue 15): PyTorch's values and gradients from fixtures/ops_pool.json (CPU float64,
 * WebGPU float32 against the CPU), gradcheck and double backward, the layers, and each error.
 */
import assert from "node:assert/strict";
import {
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  adaptiveMaxPool2d,
  avgPool1d,
  avgPool2d,
  maxPool1d,
  maxPool2d,
  maxUnpool2d,
  nn,
  tensor,
} from "gradiente";
import { checkCases, type OpTable } from "./op_cases.ts";
import { throwsWith } from "./helpers.ts";
import { checkGrad, gradInputs, vjp } from "./grad_helpers.ts";

const table: OpTable = {
  maxPool2d: ([x], [k, o]) => maxPool2d(x, k, o),
  maxPool1d: ([x], [k, o]) => maxPool1d(x, k, o),
  avgPool2d: ([x], [k, o]) => avgPool2d(x, k, o),
  avgPool1d: ([x], [k, o]) => avgPool1d(x, k, o),
  adaptiveAvgPool2d: ([x], [out]) => adaptiveAvgPool2d(x, out),
  adaptiveAvgPool1d: ([x], [out]) => adaptiveAvgPool1d(x, out),
  adaptiveMaxPool2d: ([x], [out]) => adaptiveMaxPool2d(x, out, { returnIndices: true }),
  maxUnpool2d: ([v, i], [k, o]) => maxUnpool2d(v, i, k, o),
  MaxPool2d: ([x]) => new nn.MaxPool2d(3, { stride: 2, padding: 1 }).call(x),
  AvgPool2d: ([x]) =>
    new nn.AvgPool2d(2, { ceilMode: true }).call(x.narrow(2, 0, 7).narrow(3, 0, 7)),
  AdaptiveAvgPool2d: ([x]) => new nn.AdaptiveAvgPool2d([3, null]).call(x),
};

checkCases("ops_pool.json", table);

Deno.test("pool gradcheck: max, avg, adaptive and unpool, several shapes", () => {
  const r = gradInputs(15);
  checkGrad((x) => maxPool2d(x, 2), [r.randn(2, 2, 4, 5)]);
  checkGrad((x) => maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }), [
    r.randn(1, 2, 6, 6),
  ]);
  checkGrad((x) => maxPool2d(x, [2, 3], { dilation: [2, 1] }), [r.randn(3, 5, 6)]);
  checkGrad((x) => maxPool1d(x, 3, { stride: 2, padding: 1 }), [r.randn(2, 3, 7)]);
  checkGrad((x) => avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }), [
    r.randn(1, 2, 5, 6),
  ]);
  checkGrad((x) => avgPool2d(x, 2, { ceilMode: true, divisorOverride: 3 }), [r.randn(2, 5, 5)]);
  checkGrad((x) => avgPool1d(x, 2, { padding: 1 }), [r.randn(2, 2, 5)]);
  checkGrad((x) => adaptiveAvgPool2d(x, [3, 2]), [r.randn(1, 2, 7, 5)]);
  checkGrad((x) => adaptiveAvgPool1d(x, 4), [r.randn(2, 3, 7)]);
  checkGrad((x) => adaptiveMaxPool2d(x, [3, 4]), [r.randn(2, 2, 5, 7)]);
  const [, idx] = maxPool2d(r.randn(1, 2, 6, 6), 2, { returnIndices: true });
  checkGrad((v) => maxUnpool2d(v, idx, 2), [r.randn(1, 2, 3, 3)]);
});

Deno.test("pool double backward: the gradient of the gradient", () => {
  const r = gradInputs(16);
  // Max pool's vjp is linear in v (a scatter to the argmax), so its derivative in v is a gather.
  checkGrad(vjp((x) => maxPool2d(x, 3, { stride: 2, padding: 1 })), [
    r.randn(1, 2, 5, 5),
    r.randn(1, 2, 3, 3),
  ]);
  checkGrad(vjp((x) => avgPool2d(x, 2, { padding: 1 })), [
    r.randn(1, 1, 4, 4),
    r.randn(1, 1, 3, 3),
  ]);
  checkGrad(vjp((x) => adaptiveAvgPool2d(x, 3).pow(2)), [r.randn(1, 1, 5, 4), r.randn(1, 1, 3, 3)]);
});

Deno.test("maxPool2d: kernelSize inside the options, as the positional argument", () => {
  const x = gradInputs(3).randn(1, 1, 4, 6);
  const a = maxPool2d(x, { kernelSize: 2, stride: [2, 3], returnIndices: true });
  const b = maxPool2d(x, 2, { stride: [2, 3], returnIndices: true });
  assert.deepEqual(a.values.toArray(), b.values.toArray());
  assert.deepEqual(a.indices.toArray(), b.indices.toArray());
  assert.deepEqual(avgPool2d(x, { kernelSize: 2 }).toArray(), avgPool2d(x, 2).toArray());
});

Deno.test("pool layers: reprs, stride defaults, returnIndices", () => {
  assert.equal(
    String(new nn.MaxPool2d(2)),
    "MaxPool2d(kernelSize=2, stride=2, padding=0, dilation=1, ceilMode=false)",
  );
  assert.equal(
    String(new nn.MaxPool2d(3, { stride: 2, padding: 1 })),
    "MaxPool2d(kernelSize=3, stride=2, padding=1, dilation=1, ceilMode=false)",
  );
  assert.equal(
    String(new nn.AvgPool2d([2, 3])),
    "AvgPool2d(kernelSize=(2, 3), stride=(2, 3), padding=0)",
  );
  assert.equal(
    String(new nn.AdaptiveAvgPool2d([3, null])),
    "AdaptiveAvgPool2d(outputSize=(3, None))",
  );
  assert.equal(String(new nn.AdaptiveMaxPool2d(1)), "AdaptiveMaxPool2d(outputSize=1)");
  assert.equal(String(new nn.AdaptiveAvgPool1d(4)), "AdaptiveAvgPool1d(outputSize=4)");
  assert.equal(String(new nn.AvgPool1d(3)), "AvgPool1d(kernelSize=3, stride=3, padding=0)");
  assert.equal(
    String(new nn.MaxUnpool2d(2)),
    "MaxUnpool2d(kernelSize=(2, 2), stride=(2, 2), padding=(0, 0))",
  );
  const x = gradInputs(4).randn(2, 3, 6, 6);
  const pool = new nn.MaxPool2d(2, { returnIndices: true });
  const [v, i] = pool.call(x);
  assert.deepEqual(v.shape, [2, 3, 3, 3]);
  const back = new nn.MaxUnpool2d(2).call(v, i);
  assert.deepEqual(back.shape, [2, 3, 6, 6]);
  assert.deepEqual(new nn.MaxPool1d(2).call(x.reshape([2, 3, 36])).shape, [2, 3, 18]);
  assert.deepEqual(new nn.AdaptiveMaxPool2d([2, null]).call(x).shape, [2, 3, 2, 6]);
  throwsWith(() => new nn.MaxPool2d(2, { strides: 2 } as never), "MaxPool2d", "stride");
});

Deno.test("pool errors name the op, the values and the fix", () => {
  const x = tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]);
  throwsWith(() => maxPool2d(x, 2, { padding: 2 }), "maxPool2d", "at most half", "padding=2");
  throwsWith(() => avgPool2d(x, 3, { padding: 2 }), "avgPool2d", "at most half");
  throwsWith(() => maxPool2d(x, 4), "maxPool2d", "too small", "[1, 1, 3, 3]", "[0, 0]");
  throwsWith(() => maxPool1d(tensor([[[1, 2]]]), 3), "maxPool1d", "too small");
  throwsWith(() => maxPool2d(x, 2, { dilation: 3 }), "maxPool2d", "too small");
  throwsWith(() => maxPool2d(x, 0), "maxPool2d", "kernelSize must be an integer >= 1");
  throwsWith(() => maxPool2d(x, [2, 2, 2]), "maxPool2d", "kernelSize", "2 of them");
  throwsWith(() => maxPool2d(x, 2, { stride: 0 }), "maxPool2d", "stride");
  throwsWith(() => maxPool2d(x, 2, { ceil: true } as never), "maxPool2d", "ceil");
  throwsWith(() => maxPool2d(x, {} as never), "maxPool2d", "kernelSize is required");
  throwsWith(() => maxPool2d(x, { kernelSize: 2 }, {}), "maxPool2d", "options once");
  throwsWith(() => avgPool1d(tensor([[[1, 2]]]), 2, { divisorOverride: 2 } as never), "avgPool1d");
  throwsWith(() => avgPool2d(x, 2, { divisorOverride: 0 }), "avgPool2d", "divisorOverride");
  throwsWith(() => maxPool2d(tensor([1, 2, 3]), 2), "maxPool2d", "3-D or 4-D", "[3]");
  throwsWith(() => maxPool2d(tensor([[[[1, 2]]]], { dtype: "int32" }), 1), "maxPool2d", "float");
  throwsWith(() => maxPool2d(tensor([]).reshape([1, 0, 2, 2]), 1), "maxPool2d", "non-empty");
  throwsWith(() => adaptiveAvgPool2d(x, [0, 1]), "adaptiveAvgPool2d", "outputSize", ">= 1");
  throwsWith(() => adaptiveMaxPool2d(x, [1, 2, 3]), "adaptiveMaxPool2d", "outputSize");
  const [v, i] = maxPool2d(x, 2, { returnIndices: true });
  throwsWith(
    () => maxUnpool2d(v, i, 2, { outputSize: [5, 5] }),
    "maxUnpool2d",
    "outputSize [5,5]",
    "[2, 2]",
  );
  throwsWith(() => maxUnpool2d(v, i.float(), 2), "maxUnpool2d", "int32");
  const bad = tensor([[[[-1]]]], { dtype: "int32" });
  throwsWith(() => maxUnpool2d(v, bad, 2), "maxUnpool2d", "index -1", "2x2", "0..3");
  throwsWith(() => maxUnpool2d(v, tensor([[[[9]]]]), 2), "maxUnpool2d", "shape");
});
