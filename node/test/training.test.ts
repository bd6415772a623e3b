// A small training run on Node: the 2-2-1 XOR network of the lectures, seeded.
import { expect, it } from "vitest";
import { manualSeed, nn, noGrad, optim, tensor } from "gradiente";

it("a 2-2-1 network learns XOR with Adam (loss < 0.05, all four points right)", () => {
  manualSeed(0);
  const X = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = tensor([[0], [1], [1], [0]]);
  const model = new nn.Sequential(
    new nn.Linear(2, 2),
    new nn.Tanh(),
    new nn.Linear(2, 1),
    new nn.Sigmoid(),
  );
  const opt = new optim.Adam(model.parameters(), { lr: 0.1 });
  const lossFn = new nn.BCELoss();
  const losses: number[] = [];
  for (let epoch = 0; epoch < 500; epoch++) {
    opt.zeroGrad();
    const loss = lossFn.call(model.call(X), y);
    loss.backward();
    opt.step();
    losses.push(loss.item() as number);
  }
  expect(losses[0]).toBeGreaterThan(0.5);
  expect(losses.at(-1)).toBeLessThan(0.05);
  const pred = noGrad(() => model.call(X)).gt(0.5).int().toArray();
  expect(pred).toEqual([[0], [1], [1], [0]]);
  expect(model.parameters().length).toBe(4);
});
