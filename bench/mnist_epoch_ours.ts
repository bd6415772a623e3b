/**
 * Our run of the MNIST epoch, in its own process so its peak RSS and BLAS setting are its own:
 * the notes' model (784-128-64-10, ReLU, LogSoftmax, NLLLoss, Adam lr 0.003, batch 64) trained
 * with DataLoader batches as notebooks/mnist_epoch.ts does; `--model lenet` trains the
 * LeNet-5-style CNN of mnist_setup.ts instead, with the same loss, optimizer and batches.
 * `deno run ... bench/mnist_epoch_ours.ts --order FILE [--model mlp|lenet] [--batches N|all]
 * [--warmup N]`
 */
import { cat, cpuMatmulInfo, data, Generator, manualSeed, nn, noGrad, optim } from "gradiente";
import {
  arg,
  BATCH_SIZE,
  batchCount,
  BATCHES_PER_EPOCH,
  type EpochFigures,
  EVAL_CHUNK,
  LEARNING_RATE,
  makeLenetModel,
  makeMnistModel,
  type ModelName,
  ORDER_SEED,
  peakRssMiB,
  readOrder,
} from "./mnist_setup.ts";
import denoJson from "../deno.json" with { type: "json" };

const train = await data.datasets.MNIST.load({ train: true });
const test = await data.datasets.MNIST.load({ train: false });
const batches = batchCount(arg("batches", "all"));
const warmup = Number(arg("warmup", "10"));
const modelName = arg("model", "mlp") as ModelName;
const makeModel = modelName === "lenet" ? makeLenetModel : makeMnistModel;
const lossFn = new nn.NLLLoss();
const loader = () =>
  new data.DataLoader(train, {
    batchSize: BATCH_SIZE,
    shuffle: true,
    generator: new Generator(ORDER_SEED),
  });

// The peers follow the order file: check that our DataLoader draws the same order.
const order = readOrder(arg("order", ""));
const [, firstLabels] = loader()[Symbol.iterator]().next().value!;
const expected = train.targets.indexSelect(0, Array.from(order.subarray(0, BATCH_SIZE)));
if (firstLabels.ne(expected).sum().item() !== 0) {
  throw new Error("mnist_epoch_ours: the DataLoader's order differs from the order file");
}

// Warm-up on a throwaway model, so the JIT has seen every kernel before the timed epoch.
{
  const model = makeModel();
  const opt = new optim.Adam(model.parameters(), { lr: LEARNING_RATE });
  let i = 0;
  for (const [images, labels] of loader()) {
    if (i++ >= warmup) break;
    opt.zeroGrad();
    lossFn.call(model.call(images), labels).backward();
    opt.step();
  }
}

manualSeed(0);
const model = makeModel();
const opt = new optim.Adam(model.parameters(), { lr: LEARNING_RATE });
let runningLoss = 0;
let done = 0;
const start = performance.now();
for (const [images, labels] of loader()) {
  opt.zeroGrad();
  const loss = lossFn.call(model.call(images), labels);
  loss.backward();
  opt.step();
  runningLoss += loss.item() as number;
  if (++done >= batches) break;
}
const seconds = (performance.now() - start) / 1000;

model.eval();
// The CNN goes through the test set in chunks (its im2col over all 10k images needs ~1 GB).
const predicted = noGrad(() =>
  modelName === "lenet"
    ? cat(test.data.split(EVAL_CHUNK).map((x) => model.call(x).argmax(1)))
    : model.call(test.data).argmax(1)
);
const accuracy = (predicted.eq(test.targets).sum().item() as number) / test.targets.numel();
const path = cpuMatmulInfo();
const figures: EpochFigures = {
  runner: "gradiente",
  version: denoJson.version,
  batches: done,
  seconds,
  epochSeconds: seconds / done * BATCHES_PER_EPOCH,
  accuracy,
  meanLoss: runningLoss / done,
  peakRssMiB: peakRssMiB(),
  detail: `matmul ${path.kind} (${path.detail})`,
};
console.log(JSON.stringify(figures));
