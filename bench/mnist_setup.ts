/**
 * What every MNIST epoch run shares: the notes' hyperparameters, the batch order (a
 * permutation written once to a temp file that every run, ours and the peers', reads), and
 * the figures each run prints.
 */
import process from "node:process";
import { Generator, nn, randperm } from "gradiente";

export const BATCH_SIZE = 64;

/** The notes' model: 784-128-64-10, ReLU, LogSoftmax (trained with NLLLoss). */
export function makeMnistModel(): nn.Sequential {
  return new nn.Sequential(
    new nn.Flatten(),
    new nn.Linear(784, 128),
    new nn.ReLU(),
    new nn.Linear(128, 64),
    new nn.ReLU(),
    new nn.Linear(64, 10),
    new nn.LogSoftmax(1),
  );
}

/**
 * The LeNet-5-style CNN of the lenet_epoch bench: conv 6@5×5 (padding 2, so 28×28 stays 28×28
 * as in LeNet-5's 32×32 input) → ReLU → maxPool 2 → conv 16@5×5 → ReLU → maxPool 2 → 400 →
 * 120 → 84 → 10, LogSoftmax (trained with NLLLoss); the same hyperparameters as the MLP.
 */
export function makeLenetModel(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(6, 16, 5),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(400, 120),
    new nn.ReLU(),
    new nn.Linear(120, 84),
    new nn.ReLU(),
    new nn.Linear(84, 10),
    new nn.LogSoftmax(1),
  );
}

/** Which model a run trains: the notes' MLP or the LeNet-5-style CNN. */
export type ModelName = "mlp" | "lenet";

/** Test images per evaluation chunk: the CNN's im2col over all 10k at once would need ~1 GB. */
export const EVAL_CHUNK = 1000;

export const LEARNING_RATE = 0.003;
export const TRAIN_SIZE = 60000;
export const BATCHES_PER_EPOCH = Math.ceil(TRAIN_SIZE / BATCH_SIZE);
/** The seed of the shuffle: our DataLoader draws its order from a Generator with it. */
export const ORDER_SEED = 2024;

/** What a run prints (one JSON line). */
export interface EpochFigures {
  /** Who ran: "gradiente", "PyTorch 1.13", "TensorFlow.js 4.22.0 (wasm)", ... */
  runner: string;
  version: string;
  /** Timed batches and their seconds (warm-up excluded). */
  batches: number;
  seconds: number;
  /** A full epoch's seconds: measured, or extrapolated from `batches` when fewer than all. */
  epochSeconds: number;
  /** Test accuracy (10k images) after the timed batches. */
  accuracy: number;
  /** Mean training loss over the timed batches. */
  meanLoss: number;
  /** Peak resident memory of the whole process, MiB. */
  peakRssMiB: number;
  /** Extra facts, e.g. our matmul path. */
  detail?: string;
}

/** The shuffled order of one epoch, as our DataLoader with Generator(ORDER_SEED) draws it. */
export function epochOrder(): Int32Array {
  return randperm(TRAIN_SIZE, { generator: new Generator(ORDER_SEED) })._values() as Int32Array;
}

/** Writes the order as little-endian int32 (NumPy: np.fromfile(path, "<i4")). */
export async function writeOrder(order: Int32Array): Promise<string> {
  const path = await Deno.makeTempFile({ prefix: "gradiente-bench-order-", suffix: ".i32" });
  const bytes = new Uint8Array(order.length * 4);
  const view = new DataView(bytes.buffer);
  order.forEach((v, i) => view.setInt32(i * 4, v, true));
  await Deno.writeFile(path, bytes);
  return path;
}

export function readOrder(path: string): Int32Array {
  const bytes = Deno.readFileSync(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Int32Array.from({ length: bytes.length / 4 }, (_, i) => view.getInt32(i * 4, true));
}

/**
 * Peak resident memory of this process so far, MiB: getrusage's ru_maxrss, which is what
 * /proc/self/status calls VmHWM and what the Python peer reads with resource.getrusage. (Deno
 * lets a script read /proc/self/status only with --allow-all, so we ask the kernel this way.)
 */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** `--name value` from the args, or the fallback. */
export function arg(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
}

/** How many batches to time: a number, or "all". */
export function batchCount(value: string): number {
  return value === "all" ? BATCHES_PER_EPOCH : Math.min(BATCHES_PER_EPOCH, Number(value));
}
