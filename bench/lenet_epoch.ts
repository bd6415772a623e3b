/**
 * Benchmark: one MNIST epoch of a LeNet-5-style CNN (conv 6@5×5 → ReLU → maxPool 2 → conv
 * 16@5×5 → ReLU → maxPool 2 → 120 → 84 → 10, LogSoftmax, NLLLoss, Adam lr 0.003, batch 64;
 * makeLenetModel in mnist_setup.ts), batch assembly included, every run in the same batch
 * order. Ours vs PyTorch CPU (2 threads; target ≤ 1.0×) and vs TensorFlow.js wasm (target ≥ 3×
 * faster). Test accuracy shows the runs are comparable. The runs are the MNIST epoch's
 * scripts with `--model lenet` (mnist_runs.ts).
 */
import { type Bench, type Row, runStandalone } from "./report.ts";
import { cleanUpMnistRuns, describeRun, howMeasured, mnistRun } from "./mnist_runs.ts";
import type { EpochFigures } from "./mnist_setup.ts";
import type { Outcome } from "./subprocess.ts";

type Run = Outcome<EpochFigures>;

const epoch = (r: Run) => (r.ok ? r.value.epochSeconds : null);
const accuracy = (r: Run) => (r.ok ? 100 * r.value.accuracy : null);
const peerName = (r: Run, fallback: string) =>
  r.ok ? `${r.value.runner} ${r.value.version}` : `${fallback} (skipped)`;

/** How a pair was measured, when either side timed only part of the epoch. */
function pairNote(ours: Run, peer: Run): string | undefined {
  const part = (r: Run) => r.ok && howMeasured(r.value) ? howMeasured(r.value) : undefined;
  const [o, p] = [part(ours), part(peer)];
  if (!o && !p) return undefined;
  return `ours ${o ?? "full epoch"}, peer ${p ?? "full epoch"}`;
}

export const lenetEpoch: Bench = async ({ quick }) => {
  const ours = await mnistRun("lenetOurs", quick);
  const torch = await mnistRun("lenetTorch", quick);
  const tfjsWasm = await mnistRun("lenetTfjsWasm", quick);
  await cleanUpMnistRuns();

  const rows: Row[] = [
    {
      measure: "LeNet epoch",
      unit: "s",
      ours: epoch(ours),
      peer: epoch(torch),
      peerName: peerName(torch, "PyTorch"),
      target: { on: "ours/peer", op: "≤", value: 1 },
      note: pairNote(ours, torch),
    },
    {
      measure: "LeNet epoch vs tfjs wasm",
      unit: "s",
      ours: epoch(ours),
      peer: epoch(tfjsWasm),
      peerName: peerName(tfjsWasm, "TensorFlow.js (wasm)"),
      target: { on: "peer/ours", op: "≥", value: 3 },
      note: pairNote(ours, tfjsWasm),
    },
    {
      measure: "test accuracy after the run",
      unit: "%",
      ours: accuracy(ours),
      peer: accuracy(torch),
      peerName: peerName(torch, "PyTorch"),
      note: pairNote(ours, torch),
    },
    {
      measure: "test accuracy after the run",
      unit: "%",
      ours: accuracy(ours),
      peer: accuracy(tfjsWasm),
      peerName: peerName(tfjsWasm, "TensorFlow.js (wasm)"),
      note: pairNote(ours, tfjsWasm),
    },
  ];
  const runs: [string, Run][] = [
    ["ours", ours],
    ["PyTorch", torch],
    ["TensorFlow.js wasm", tfjsWasm],
  ];
  const notes = runs.map(([label, run]) =>
    run.ok
      ? `${label}: ${describeRun(run.value)}`
      : `${label} ${label === "ours" ? "failed" : "skipped"}: ${run.reason}`
  );
  notes.push(
    "each side its own default initialization (seeded); tfjs runs channels-last (NHWC), " +
      "ours and PyTorch NCHW",
    "the timed loop starts after a few warm-up batches on a throwaway model; accuracy is on " +
      "the 10k test images (in chunks of 1000) after the timed batches (so partial runs score " +
      "lower)",
  );
  return {
    name: "lenet_epoch",
    title: "MNIST epoch, LeNet-5-style CNN + Adam, batch 64 (seconds, lower is better)",
    rows,
    peers: {
      PyTorch: torch.ok ? torch.value.version : null,
      "TensorFlow.js wasm": tfjsWasm.ok ? tfjsWasm.value.version : null,
    },
    notes,
    raw: Object.fromEntries(runs.map(([label, r]) => [label, r.ok ? r.value : r.reason])),
  };
};

if (import.meta.main) await runStandalone(lenetEpoch);
