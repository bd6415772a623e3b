/**
 * TensorFlow.js on the MNIST epoch of mnist_epoch_ours.ts: the same model (784-128-64-10, ReLU,
 * softmax cross-entropy = LogSoftmax + NLLLoss), Adam lr 0.003, batch 64, the same batch order,
 * batches assembled with tf.gather. The IDX files are read with gradiente's loader (untimed).
 * `deno run ... bench/mnist_epoch_tfjs.ts --backend cpu|wasm --order FILE [--batches N|all]`
 */
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { fileURLToPath } from "node:url";
import { data } from "gradiente";
import {
  arg,
  BATCH_SIZE,
  batchCount,
  BATCHES_PER_EPOCH,
  type EpochFigures,
  LEARNING_RATE,
  peakRssMiB,
  readOrder,
} from "./mnist_setup.ts";

const backend = arg("backend", "cpu");
if (backend === "wasm") {
  // The .wasm binaries ship in the npm package, next to its entry point.
  setWasmPaths(fileURLToPath(new URL("./", import.meta.resolve("@tensorflow/tfjs-backend-wasm"))));
}
if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to start`);
await tf.ready();

async function tensors(train: boolean): Promise<[tf.Tensor2D, tf.Tensor1D]> {
  const ds = await data.datasets.MNIST.load({ train });
  const n = ds.targets.numel();
  return [
    tf.tensor2d(await ds.data.data() as Float32Array, [n, 784]),
    tf.tensor1d(await ds.targets.data() as Int32Array, "int32"),
  ];
}

function makeModel(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 128, activation: "relu" }),
      tf.layers.dense({ units: 64, activation: "relu" }),
      tf.layers.dense({ units: 10 }),
    ],
  });
}

const [trainX, trainY] = await tensors(true);
const [testX, testY] = await tensors(false);
const order = readOrder(arg("order", ""));
const batches = batchCount(arg("batches", "all"));
const warmup = Number(arg("warmup", "5"));

/** Trains `count` batches in the file's order; returns the summed loss. */
async function trainBatches(model: tf.Sequential, opt: tf.Optimizer, count: number) {
  let total = 0;
  for (let b = 0; b < count; b++) {
    const loss = tf.tidy(() => {
      const idx = tf.tensor1d(order.subarray(b * BATCH_SIZE, (b + 1) * BATCH_SIZE), "int32");
      const images = tf.gather(trainX, idx);
      const labels = tf.oneHot(tf.gather(trainY, idx), 10);
      return opt.minimize(
        () => tf.losses.softmaxCrossEntropy(labels, model.apply(images) as tf.Tensor),
        true,
      )!;
    });
    total += (await loss.data())[0];
    loss.dispose();
  }
  return total;
}

await trainBatches(makeModel(), tf.train.adam(LEARNING_RATE), warmup);
const model = makeModel();
const opt = tf.train.adam(LEARNING_RATE);
const start = performance.now();
const totalLoss = await trainBatches(model, opt, batches);
const seconds = (performance.now() - start) / 1000;

const predicted = tf.tidy(() => (model.predict(testX) as tf.Tensor).argMax(1));
const correct = tf.tidy(() => predicted.equal(testY).sum());
const accuracy = (await correct.data())[0] / testY.shape[0];
const figures: EpochFigures = {
  runner: `TensorFlow.js (${backend})`,
  version: tf.version.tfjs,
  batches,
  seconds,
  epochSeconds: seconds / batches * BATCHES_PER_EPOCH,
  accuracy,
  meanLoss: totalLoss / batches,
  peakRssMiB: peakRssMiB(),
  detail: backend === "wasm"
    ? `SIMD ${tf.env().getBool("WASM_HAS_SIMD_SUPPORT")}, threads ${
      tf.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT")
    }`
    : undefined,
};
console.log(JSON.stringify(figures));
