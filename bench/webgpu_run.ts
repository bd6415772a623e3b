/**
 * One process's WebGPU figures for bench/webgpu.ts: matmul GFLOP/s, conv2d forward + backward
 * (3×3, 32 → 64 channels, padding 1, 28×28, batch `--conv-batch`) and a (partial) MNIST
 * epoch, either ours (`--runner gradiente`, device 'webgpu') or TensorFlow.js's webgpu backend
 * (`--runner tfjs`). Same model, optimizer and batch size as bench/mnist_epoch_ours.ts; the
 * loss is read once at the end (reading per step would time the readback instead).
 * `deno run ... bench/webgpu_run.ts --runner gradiente|tfjs --sizes 256,512 --batches N
 * [--conv-batch 8]`
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-webgpu";
import { conv2d, data, Generator, manualSeed, nn, optim, randn, tensor, webgpu } from "gradiente";
import {
  arg,
  BATCH_SIZE,
  BATCHES_PER_EPOCH,
  LEARNING_RATE,
  makeMnistModel,
  ORDER_SEED,
} from "./mnist_setup.ts";
import { CONV } from "./conv.ts";

export interface WebgpuFigures {
  runner: string;
  adapter: string;
  matmul: Record<string, number>; // "512" -> GFLOP/s
  /** conv2d forward + backward (grads of input, weight and bias): batch and seconds per call. */
  conv: { batch: number; seconds: number };
  batches: number;
  epochSeconds: number;
  meanLoss: number;
}

const runner = arg("runner", "gradiente");
const sizes = arg("sizes", "256,512").split(",").map(Number);
const batches = Number(arg("batches", "50"));
const convBatch = Number(arg("conv-batch", "8"));
const CONV_REPS = 3;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const reps = (n: number) => (n >= 2048 ? 3 : n >= 1024 ? 3 : 7);

async function timeIt(run: () => Promise<void>, n: number): Promise<number> {
  await run(); // warm-up: compiles the kernels
  const ts: number[] = [];
  for (let r = 0; r < n; r++) {
    const t0 = performance.now();
    await run();
    ts.push(performance.now() - t0);
  }
  return median(ts) / 1000;
}

async function ours(): Promise<WebgpuFigures> {
  const adapter = await webgpu.init();
  const matmul: Record<string, number> = {};
  for (const n of sizes) {
    const a = randn(n, n, { device: "webgpu" }), b = randn(n, n, { device: "webgpu" });
    const s = await timeIt(async () => {
      a.matmul(b);
      await webgpu.sync();
    }, reps(n));
    matmul[n] = 2 * n ** 3 / s / 1e9;
  }
  const conv = { batch: convBatch, seconds: await oursConv() };
  const train = await data.datasets.MNIST.load({ train: true });
  // Batches are assembled on the CPU and uploaded, as with PyTorch's .to(device) per batch:
  // the whole 188 MB set can exceed one binding (128 MiB on llvmpipe).
  const ds = new data.TensorDataset(train.data, train.targets);
  manualSeed(0);
  const model = makeMnistModel().to("webgpu");
  const opt = new optim.Adam(model.parameters(), { lr: LEARNING_RATE });
  const lossFn = new nn.NLLLoss();
  const loader = new data.DataLoader(ds, {
    batchSize: BATCH_SIZE,
    shuffle: true,
    generator: new Generator(ORDER_SEED),
  });
  let done = 0, start = 0;
  let sum = tensor(0, { device: "webgpu" });
  for (const [x, y] of loader) {
    if (done === 2) { // two warm-up steps compile every kernel
      await webgpu.sync();
      sum = tensor(0, { device: "webgpu" });
      start = performance.now();
    }
    opt.zeroGrad();
    const loss = lossFn.call(model.call(x.to("webgpu")), y.to("webgpu"));
    loss.backward();
    opt.step();
    sum = sum.add(loss.detach());
    if (++done >= batches + 2) break;
  }
  const total = await sum.itemAsync() as number; // waits for the GPU
  const seconds = (performance.now() - start) / 1000;
  return {
    runner: "gradiente",
    adapter: adapter.description || adapter.vendor,
    matmul,
    conv,
    batches,
    epochSeconds: seconds / batches * BATCHES_PER_EPOCH,
    meanLoss: total / batches,
  };
}

async function oursConv(): Promise<number> {
  const { c, o, k, h, w: wd } = CONV; // bench/conv.ts's layer, at batch convBatch
  manualSeed(0);
  const opts = { device: "webgpu", requiresGrad: true } as const;
  const x = randn([convBatch, c, h, wd], opts), w = randn([o, c, k, k], opts);
  const b = randn([o], opts), g = randn([convBatch, o, h, wd], { device: "webgpu" });
  return await timeIt(async () => {
    conv2d(x, w, b, { padding: 1 }).backward(g);
    await webgpu.sync();
    x.grad = null;
    w.grad = null;
    b.grad = null;
  }, CONV_REPS);
}

/** tfjs is channels-last: x [N, H, W, C], filter [k, k, C, O]; "same" is padding 1 at 3×3. */
async function tfjsConv(): Promise<number> {
  const { c, o, k, h, w: wd } = CONV; // bench/conv.ts's layer, at batch convBatch
  const x = tf.randomNormal([convBatch, h, wd, c]) as tf.Tensor4D;
  const w = tf.randomNormal([k, k, c, o]) as tf.Tensor4D;
  const b = tf.randomNormal([o]), dy = tf.randomNormal([convBatch, h, wd, o]);
  const grads = tf.grads((x, w, b) =>
    tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, "same").add(b)
  );
  return await timeIt(async () => {
    const gs = grads([x, w, b], dy);
    // Reading the small bias grad submits the batch and waits for the queue (as sync() does).
    await gs[2].data();
    for (const t of gs) t.dispose();
  }, CONV_REPS);
}

async function tfjs(): Promise<WebgpuFigures> {
  if (!(await tf.setBackend("webgpu"))) throw new Error("tfjs: the webgpu backend did not start");
  await tf.ready();
  const matmul: Record<string, number> = {};
  for (const n of sizes) {
    const a = tf.randomNormal([n, n]), b = tf.randomNormal([n, n]);
    const s = await timeIt(async () => {
      const c = tf.matMul(a, b);
      await c.data(); // tfjs has no sync(): a read waits for the GPU
      c.dispose();
    }, reps(n));
    matmul[n] = 2 * n ** 3 / s / 1e9;
  }
  const conv = { batch: convBatch, seconds: await tfjsConv() };
  // Batches are cut on the host and uploaded, as ours are: the whole training set (188 MB)
  // exceeds one binding on small adapters (128 MiB on llvmpipe), where a gather reads garbage.
  const train = await data.datasets.MNIST.load({ train: true });
  const n = train.targets.numel();
  const images = await train.data.data() as Float32Array;
  const targets = await train.targets.data() as Int32Array;
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 128, activation: "relu" }),
      tf.layers.dense({ units: 64, activation: "relu" }),
      tf.layers.dense({ units: 10 }),
    ],
  });
  const opt = tf.train.adam(LEARNING_RATE);
  const order = new Generator(ORDER_SEED);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = order.nextInt(0, i + 1);
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  let sum = tf.scalar(0), start = 0;
  for (let b = 0; b < batches + 2; b++) {
    if (b === 2) {
      await sum.data();
      sum = tf.scalar(0);
      start = performance.now();
    }
    const rows = perm.subarray(b * BATCH_SIZE, (b + 1) * BATCH_SIZE);
    const batchX = new Float32Array(rows.length * 784), batchY = new Int32Array(rows.length);
    rows.forEach((r, i) => {
      batchX.set(images.subarray(r * 784, (r + 1) * 784), i * 784);
      batchY[i] = targets[r];
    });
    const xb = tf.tensor2d(batchX, [rows.length, 784]), yb = tf.tensor1d(batchY, "int32");
    const loss = opt.minimize(() => {
      const logits = model.apply(xb) as tf.Tensor2D;
      return tf.losses.softmaxCrossEntropy(tf.oneHot(yb, 10).toFloat(), logits);
    }, true) as tf.Scalar;
    const next = sum.add(loss) as tf.Scalar;
    for (const t of [sum, loss, xb, yb]) t.dispose();
    sum = next;
  }
  const total = (await sum.data())[0];
  const seconds = (performance.now() - start) / 1000;
  return {
    runner: `TensorFlow.js ${tf.version.tfjs} (webgpu)`,
    adapter: "",
    matmul,
    conv,
    batches,
    epochSeconds: seconds / batches * BATCHES_PER_EPOCH,
    meanLoss: total / batches,
  };
}

console.log(JSON.stringify(runner === "tfjs" ? await tfjs() : await ours()));
