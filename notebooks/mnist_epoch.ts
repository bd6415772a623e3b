/**
 * The notes' MNIST model (seed 003 §3) for one full epoch over the 60k training images:
 * 784-128-64-10, ReLU, LogSoftmax, NLLLoss, Adam lr 0.003, batch 64; then test accuracy.
 * Run with `deno task example:mnist`.
 */
import { data, manualSeed, nn, noGrad, optim } from "gradiente";

manualSeed(0);
const train = await data.datasets.MNIST.load({ train: true });
const test = await data.datasets.MNIST.load({ train: false });
const model = new nn.Sequential(
  new nn.Flatten(),
  new nn.Linear(784, 128),
  new nn.ReLU(),
  new nn.Linear(128, 64),
  new nn.ReLU(),
  new nn.Linear(64, 10),
  new nn.LogSoftmax(1),
);
const lossFn = new nn.NLLLoss();
const opt = new optim.Adam(model.parameters(), { lr: 0.003 });
const loader = new data.DataLoader(train, { batchSize: 64, shuffle: true });

const start = performance.now();
let runningLoss = 0;
for (const [images, labels] of loader) {
  opt.zeroGrad();
  const loss = lossFn.call(model.call(images), labels);
  loss.backward();
  opt.step();
  runningLoss += loss.item() as number;
}
const seconds = (performance.now() - start) / 1000;
console.log(
  `epoch 1: running_loss ${(runningLoss / loader.length).toFixed(4)}  (${seconds.toFixed(1)} s)`,
);

model.eval();
const predicted = noGrad(() => model.call(test.data).argmax(1));
const accuracy = (predicted.eq(test.targets).sum().item() as number) / test.targets.numel();
console.log(`test accuracy: ${(100 * accuracy).toFixed(2)}% on ${test.targets.numel()} images`);
