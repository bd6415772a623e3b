/**
 * TensorFlow.js on the MNIST epoch of mnist_epoch_ours.ts: the same model (784-128-64-10, ReLU,
 * softmax cross-entropy = LogSoftmax + NLLLoss), Adam lr 0.003, batch 64, the same batch order,
 * batches assembled with tf.gather. The IDX files are read with gradiente's loader (untimed).
 * `--model lenet` trains the LeNet-5-style CNN of mnist_setup.ts instead, channels-last (NHWC,
 * tfjs's native layout; with one input channel the images' bytes are the same).
 * `deno run ... bench/mnist_epoch_tfjs.ts --backend cpu|wasm --order FILE [--model mlp|lenet]
 * [--batches N|all]`
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
  EVAL_CHUNK,
  LEARNING_RATE,
  type ModelName,
  peakRssMiB,
  readOrder,
} from "./mnist_setup.ts";
import { registerWasmConv2dBackpropFilter } from "./tfjs_wasm_conv_grad.ts";

const backend = arg("backend", "cpu");
const modelName = arg("model", "mlp") as ModelName;
if (backend === "wasm") {
  // The .wasm binaries ship in the npm package, next to its entry point.
  setWasmPaths(fileURLToPath(new URL("./", import.meta.resolve("@tensorflow/tfjs-backend-wasm"))));
  // The one kernel the wasm backend lacks for training a CNN.
  if (modelName === "lenet") registerWasmConv2dBackpropFilter();
}
if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to start`);
await tf.ready();

async function tensors(train: boolean): Promise<[tf.Tensor, tf.Tensor1D]> {
  const ds = await data.datasets.MNIST.load({ train });
  const n = ds.targets.numel();
  const shape = modelName === "lenet" ? [n, 28, 28, 1] : [n, 784];
  return [
    tf.tensor(await ds.data.data() as Float32Array, shape),
    tf.tensor1d(await ds.targets.data() as Int32Array, "int32"),
  ];
}

function makeLenet(): tf.Sequential {
  return tf.sequential({
    layers: [
      // "same" = padding 2 on each side for 5×5 at stride 1, as ours and PyTorch's padding: 2.
      tf.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 6,
        kernelSize: 5,
        padding: "same",
        activation: "relu",
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 120, activation: "relu" }),
      tf.layers.dense({ units: 84, activation: "relu" }),
      tf.layers.dense({ units: 10 }),
    ],
  });
}

function makeModel(): tf.Sequential {
  if (modelName === "lenet") return makeLenet();
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

const predicted = tf.tidy(() =>
  (model.predict(testX, modelName === "lenet" ? { batchSize: EVAL_CHUNK } : {}) as tf.Tensor)
    .argMax(1)
);
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
    }${
      modelName === "lenet"
        ? ", Conv2DBackpropFilter (missing from tfjs wasm) built from its own PadV2/Transpose/" +
          "Conv2D kernels by bench/tfjs_wasm_conv_grad.ts"
        : ""
    }`
    : undefined,
};
console.log(JSON.stringify(figures));
