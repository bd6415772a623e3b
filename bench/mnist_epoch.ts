/**
 * Benchmark 4, the MNIST epoch: the notes' model (784-128-64-10, ReLU, LogSoftmax, NLLLoss,
 * Adam lr 0.003, batch 64), one epoch over the 60k training images, batch assembly included,
 * every run in the same batch order. Ours vs PyTorch CPU (2 threads; target ≤ 1.0×), vs
 * TensorFlow.js wasm and cpu (target ≥ 3× faster), and ours with GRADIENTE_BLAS=off vs
 * PyTorch (target ≤ 5×). Test accuracy shows the runs are comparable.
 */
import { type Bench, type Row, runStandalone } from "./report.ts";
import { cleanUpMnistRuns, describeRun, howMeasured, mnistRun } from "./mnist_runs.ts";
import type { EpochFigures } from "./mnist_setup.ts";
import type { Outcome } from "./subprocess.ts";

type Run = Outcome<EpochFigures>;

function figure(run: Run, pick: (f: EpochFigures) => number): number | null {
  return run.ok ? pick(run.value) : null;
}

function peerName(run: Run, fallback: string): string {
  return run.ok ? `${run.value.runner} ${run.value.version}` : `${fallback} (skipped)`;
}

/** How a pair was measured, when either side timed only part of the epoch. */
function pairNote(ours: Run, peer: Run): string | undefined {
  const part = (r: Run) => r.ok && howMeasured(r.value) ? howMeasured(r.value) : undefined;
  const [o, p] = [part(ours), part(peer)];
  if (!o && !p) return undefined;
  return `ours ${o ?? "full epoch"}, peer ${p ?? "full epoch"}`;
}

export const mnistEpoch: Bench = async ({ quick }) => {
  const ours = await mnistRun("ours", quick);
  const torch = await mnistRun("torch", quick);
  const oursNoBlas = await mnistRun("oursNoBlas", quick);
  const tfjsWasm = await mnistRun("tfjsWasm", quick);
  const tfjsCpu = await mnistRun("tfjsCpu", quick);
  await cleanUpMnistRuns();

  const epoch = (r: Run) => figure(r, (f) => f.epochSeconds);
  const accuracy = (r: Run) => figure(r, (f) => 100 * f.accuracy);
  const rows: Row[] = [
    {
      measure: "epoch",
      unit: "s",
      ours: epoch(ours),
      peer: epoch(torch),
      peerName: peerName(torch, "PyTorch"),
      target: { on: "ours/peer", op: "≤", value: 1 },
      note: pairNote(ours, torch),
    },
    {
      measure: "epoch vs tfjs wasm",
      unit: "s",
      ours: epoch(ours),
      peer: epoch(tfjsWasm),
      peerName: peerName(tfjsWasm, "TensorFlow.js (wasm)"),
      target: { on: "peer/ours", op: "≥", value: 3 },
      note: pairNote(ours, tfjsWasm),
    },
    {
      measure: "epoch vs tfjs cpu",
      unit: "s",
      ours: epoch(ours),
      peer: epoch(tfjsCpu),
      peerName: peerName(tfjsCpu, "TensorFlow.js (cpu)"),
      target: { on: "peer/ours", op: "≥", value: 3 },
      note: pairNote(ours, tfjsCpu),
    },
    {
      measure: "epoch, GRADIENTE_BLAS=off",
      unit: "s",
      ours: epoch(oursNoBlas),
      peer: epoch(torch),
      peerName: peerName(torch, "PyTorch"),
      target: { on: "ours/peer", op: "≤", value: 5 },
      note: pairNote(oursNoBlas, torch),
    },
    {
      measure: "test accuracy after the run",
      unit: "%",
      ours: accuracy(ours),
      peer: accuracy(torch),
      peerName: peerName(torch, "PyTorch"),
      note: pairNote(ours, torch),
    },
  ];
  const notes: string[] = [];
  const runs: [string, Run][] = [
    ["ours", ours],
    ["ours, GRADIENTE_BLAS=off", oursNoBlas],
    ["PyTorch", torch],
    ["TensorFlow.js wasm", tfjsWasm],
    ["TensorFlow.js cpu", tfjsCpu],
  ];
  for (const [label, run] of runs) {
    const failed = label.startsWith("ours") ? "failed" : "skipped";
    notes.push(
      run.ok ? `${label}: ${describeRun(run.value)}` : `${label} ${failed}: ${run.reason}`,
    );
  }
  notes.push(
    "the timed loop starts after a few warm-up batches on a throwaway model; accuracy is on " +
      "the 10k test images after the timed batches (so partial runs score lower)",
  );
  return {
    name: "mnist_epoch",
    title: "MNIST epoch, 784-128-64-10 + Adam, batch 64 (seconds, lower is better)",
    rows,
    peers: {
      PyTorch: torch.ok ? torch.value.version : null,
      "TensorFlow.js wasm": tfjsWasm.ok ? tfjsWasm.value.version : null,
      "TensorFlow.js cpu": tfjsCpu.ok ? tfjsCpu.value.version : null,
    },
    notes,
    raw: Object.fromEntries(runs.map(([label, r]) => [label, r.ok ? r.value : r.reason])),
  };
};

if (import.meta.main) await runStandalone(mnistEpoch);
