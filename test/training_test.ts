/**
 * End-to-end training on the lectures' problems: nn + optim + data + autograd together.
 * All seeded, so the outcomes are deterministic.
 */
import assert from "node:assert/strict";
import {
  data,
  eye,
  linalg,
  manualSeed,
  nn,
  noGrad,
  ones,
  optim,
  type Tensor,
  tensor,
  zeros,
} from "gradiente";
import { mnistModel, xorModel } from "./models.ts";

Deno.test("XOR: a 2-2-1 sigmoid MLP trained with SGD classifies all four cases", () => {
  manualSeed(1);
  const [x, y] = data.toy.xor();
  const model = xorModel();
  const lossFn = new nn.MSELoss();
  const opt = new optim.SGD(model.parameters(), { lr: 2 });
  let first = 0, last = 0;
  for (let epoch = 0; epoch < 3000; epoch++) {
    opt.zeroGrad();
    const loss = lossFn.call(model.call(x), y);
    loss.backward();
    opt.step();
    if (epoch === 0) first = loss.item() as number;
    last = loss.item() as number;
  }
  assert.ok(last < first / 10, `loss should fall by 10x: ${first} -> ${last}`);
  const predicted = noGrad(() => model.call(x).gt(0.5).int());
  assert.deepEqual(predicted.toArray(), [[0], [1], [1], [0]]);
});

/** Rosenblatt's rule with a step activation: w += η (y − ŷ) x, b += η (y − ŷ). */
function trainPerceptron(x: Tensor, y: Tensor, epochs = 20, eta = 0.1): (x: Tensor) => Tensor {
  let w = zeros(2), b = tensor(0);
  const step = (z: Tensor) => z.ge(0).float();
  for (let e = 0; e < epochs; e++) {
    for (let i = 0; i < x.shape[0]; i++) {
      const xi = x.index(i), yi = y.index(i, 0);
      const err = yi.sub(step(xi.dot(w).add(b)));
      w = w.add(xi.mul(err).mul(eta));
      b = b.add(err.mul(eta));
    }
  }
  return (inputs: Tensor) => step(inputs.matmul(w).add(b));
}

Deno.test("the perceptron learns AND and OR (and not XOR)", () => {
  for (const [name, [x, y]] of [["AND", data.toy.and()], ["OR", data.toy.or()]] as const) {
    const predict = trainPerceptron(x, y);
    assert.deepEqual(predict(x).toArray(), y.reshape(4).toArray(), name);
  }
  const [x, y] = data.toy.xor();
  const wrong = trainPerceptron(x, y)(x).ne(y.reshape(4)).sum().item() as number;
  assert.ok(wrong > 0, "a single perceptron cannot separate XOR");
});

Deno.test("linear regression by gradient descent converges to the OLS closed form (float64)", () => {
  manualSeed(3);
  const [x, y] = data.makeRegression({ nSamples: 200, nFeatures: 3, noise: 0.5, bias: 2 });
  const X = x.double(), Y = y.double();
  const n = X.shape[0];
  // Sorix's closed form: w* = (XᵀHX)⁻¹XᵀHy with H = I − 11ᵀ/n, b* = ȳ − w*ᵀx̄.
  const onesN = ones([n, 1], { dtype: "float64" });
  const centering = eye(n, { dtype: "float64" }).sub(onesN.matmul(onesN.T).div(n));
  const wStar = linalg.solve(X.T.matmul(centering).matmul(X), X.T.matmul(centering).matmul(Y));
  const bStar = Y.mean().sub(wStar.T.matmul(X.mean(0, true).T).reshape([]));

  const w = zeros([3, 1], { dtype: "float64", requiresGrad: true });
  const b = zeros([1], { dtype: "float64", requiresGrad: true });
  const opt = new optim.SGD([w, b], { lr: 0.1 });
  for (let i = 0; i < 2000; i++) {
    opt.zeroGrad();
    const loss = X.matmul(w).add(b).sub(Y).pow(2).mean();
    loss.backward();
    opt.step();
  }
  const dw = w.sub(wStar).abs().max().item() as number;
  const db = Math.abs((b.item() as number) - (bStar.item() as number));
  assert.ok(dw < 1e-4, `w differs from the OLS solution by ${dw}`);
  assert.ok(db < 1e-4, `b differs from the OLS solution by ${db}`);
});

Deno.test("MNIST subset: the notes' 784-128-64-10 model with Adam learns in one pass", async () => {
  manualSeed(0);
  const train = await data.datasets.MNIST.load({ train: true });
  const test = await data.datasets.MNIST.load({ train: false });
  const subset = new data.TensorDataset(
    train.data.narrow(0, 0, 6000),
    train.targets.narrow(0, 0, 6000),
  );
  const model = mnistModel();
  const lossFn = new nn.NLLLoss();
  const opt = new optim.Adam(model.parameters(), { lr: 0.003 });
  const losses: number[] = [];
  for (const [images, labels] of new data.DataLoader(subset, { batchSize: 64, shuffle: true })) {
    opt.zeroGrad();
    const loss = lossFn.call(model.call(images), labels);
    loss.backward();
    opt.step();
    losses.push(loss.item() as number);
  }
  const early = losses.slice(0, 10).reduce((a, b) => a + b) / 10;
  const late = losses.slice(-10).reduce((a, b) => a + b) / 10;
  assert.ok(late < early / 3, `loss should drop: first batches ${early}, last ${late}`);
  const images = test.data.narrow(0, 0, 2000), labels = test.targets.narrow(0, 0, 2000);
  const accuracy = noGrad(() =>
    model.call(images).argmax(1).eq(labels).float().mean().item() as number
  );
  // 94 batches of 64 give ~87% here (a full epoch gives ~96%: deno task example:mnist).
  assert.ok(accuracy > 0.85, `test accuracy ${accuracy} after 6000 images`);
});
