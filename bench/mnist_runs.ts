/**
 * The MNIST epoch runs, each in its own process, shared by mnist_epoch.ts (time) and
 * memory.ts (peak RSS) so that `deno task bench` trains each only once, and the LeNet runs of
 * lenet_epoch.ts. Every run reads the same batch order from a temp file.
 */
import { data } from "gradiente";
import { BATCHES_PER_EPOCH, type EpochFigures, epochOrder, writeOrder } from "./mnist_setup.ts";
import { type Outcome, runDenoScript, runPythonPeer } from "./subprocess.ts";

export type RunName =
  | "ours"
  | "oursNoBlas"
  | "torch"
  | "tfjsWasm"
  | "tfjsCpu"
  | "lenetOurs"
  | "lenetTorch"
  | "lenetTfjsWasm";

/** Batches timed per run; the others are extrapolated to a full epoch. */
function batchesFor(name: RunName, quick: boolean): number {
  const full: Record<RunName, number> = {
    ours: BATCHES_PER_EPOCH,
    oursNoBlas: BATCHES_PER_EPOCH,
    torch: BATCHES_PER_EPOCH,
    tfjsWasm: BATCHES_PER_EPOCH,
    // The cpu backend needs minutes for an epoch: a fixed fraction of it, extrapolated.
    tfjsCpu: 100,
    lenetOurs: BATCHES_PER_EPOCH,
    lenetTorch: BATCHES_PER_EPOCH,
    lenetTfjsWasm: BATCHES_PER_EPOCH,
  };
  const short: Record<RunName, number> = {
    ours: 60,
    oursNoBlas: 30,
    torch: 60,
    tfjsWasm: 30,
    tfjsCpu: 10,
    lenetOurs: 30,
    lenetTorch: 30,
    lenetTfjsWasm: 20,
  };
  return (quick ? short : full)[name];
}

const cache = new Map<string, Promise<Outcome<EpochFigures>>>();
let orderFile: Promise<string> | undefined;

/** The folder of the IDX files, for the Python peer. */
async function idxDir(): Promise<string> {
  const test = await data.datasets.MNIST.load({ train: false });
  if (!test.source) throw new Error("MNIST.load gave no source folder");
  return test.source;
}

function start(name: RunName, quick: boolean, order: string): Promise<Outcome<EpochFigures>> {
  const batches = String(batchesFor(name, quick));
  const common = ["--order", order, "--batches", batches];
  const lenet = ["--model", "lenet"];
  switch (name) {
    case "ours":
      return runDenoScript("mnist_epoch_ours.ts", common);
    case "oursNoBlas":
      return runDenoScript("mnist_epoch_ours.ts", common, { GRADIENTE_BLAS: "off" });
    case "torch":
      return idxDir().then((dir) => runPythonPeer("mnist_epoch", ["--idx", dir, ...common]));
    case "tfjsWasm":
      return runDenoScript("mnist_epoch_tfjs.ts", ["--backend", "wasm", ...common]);
    case "tfjsCpu":
      return runDenoScript("mnist_epoch_tfjs.ts", ["--backend", "cpu", ...common]);
    case "lenetOurs":
      return runDenoScript("mnist_epoch_ours.ts", [...lenet, ...common]);
    case "lenetTorch":
      return idxDir().then((dir) =>
        runPythonPeer("mnist_epoch", ["--idx", dir, ...lenet, ...common])
      );
    case "lenetTfjsWasm":
      return runDenoScript("mnist_epoch_tfjs.ts", ["--backend", "wasm", ...lenet, ...common]);
  }
}

/** One run's figures (run once per process and mode, then remembered); runs never overlap. */
export function mnistRun(name: RunName, quick: boolean): Promise<Outcome<EpochFigures>> {
  const key = `${name}:${quick}`;
  if (!cache.has(key)) {
    const order = orderFile ??= writeOrder(epochOrder());
    const previous = [...cache.values()];
    // Sequential: two runs side by side on 2 cores would slow each other down.
    cache.set(key, Promise.allSettled(previous).then(async () => start(name, quick, await order)));
  }
  return cache.get(key)!;
}

/** Removes the order file once every run is done. */
export async function cleanUpMnistRuns(): Promise<void> {
  await Promise.allSettled([...cache.values()]);
  if (orderFile) await Deno.remove(await orderFile).catch(() => {});
  orderFile = undefined;
}

/** How a run's figure was obtained, for the table. */
export function howMeasured(f: EpochFigures): string | undefined {
  return f.batches < BATCHES_PER_EPOCH
    ? `${f.batches}/${BATCHES_PER_EPOCH} batches, extrapolated`
    : undefined;
}

export function describeRun(f: EpochFigures): string {
  return `${f.runner} ${f.version}: ${f.batches} batches in ${f.seconds.toFixed(2)} s, ` +
    `mean loss ${f.meanLoss.toFixed(4)}, test accuracy ${(100 * f.accuracy).toFixed(2)}%, ` +
    `peak RSS ${f.peakRssMiB.toFixed(0)} MiB${f.detail ? `, ${f.detail}` : ""}`;
}
