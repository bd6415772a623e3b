/**
 * The main job until the lecture notebooks land: the two first examples of the lectures,
 * printed to the console. Run with `deno task example`.
 */
import { manualSeed, noGrad, randn, tensor, zeros } from "gradiente";

console.log("d = a·b + a (seed 002)");
const a = tensor([2], { requiresGrad: true });
const b = tensor([3], { requiresGrad: true });
const d = a.mul(b).add(a);
d.backward();
console.log("d      =", d);
console.log("∂d/∂a  =", a.grad, "(b + 1)");
console.log("∂d/∂b  =", b.grad, "(a)");

console.log("\nXOR with a 2-4-1 network, sigmoid, MSE and plain gradient descent (seed 003 §2)");
manualSeed(0);
const X = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const y = tensor([[0], [1], [1], [0]]);
const W1 = randn(2, 4).requiresGrad_();
const b1 = zeros(4, { requiresGrad: true });
const W2 = randn(4, 1).requiresGrad_();
const b2 = zeros(1, { requiresGrad: true });
const lr = 2;
for (let epoch = 0; epoch <= 3000; epoch++) {
  const out = X.matmul(W1).add(b1).sigmoid().matmul(W2).add(b2).sigmoid();
  const loss = out.sub(y).pow(2).mean();
  loss.backward();
  noGrad(() => {
    for (const p of [W1, b1, W2, b2]) {
      p.sub_(p.grad!.mul(lr));
      p.grad = null;
    }
  });
  if (epoch % 500 === 0) {
    console.log(`epoch ${String(epoch).padStart(4)}  loss ${(loss.item() as number).toFixed(6)}`);
  }
}
const pred = noGrad(() => X.matmul(W1).add(b1).sigmoid().matmul(W2).add(b2).sigmoid());
console.log("predictions:", pred.T);
console.log("rounded:    ", pred.gt(0.5).int().T);
