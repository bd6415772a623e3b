/**
 * Benchmark 5, memory: peak RSS of the process that ran the MNIST epoch (data, model,
 * training and test evaluation), ours vs PyTorch (target ≤ PyTorch's). Both read getrusage's
 * ru_maxrss at the end. Reuses the runs of mnist_epoch.ts when it ran in the same process.
 */
import { type Bench, type Row, runStandalone } from "./report.ts";
import { cleanUpMnistRuns, howMeasured, mnistRun } from "./mnist_runs.ts";

export const memory: Bench = async ({ quick }) => {
  const ours = await mnistRun("ours", quick);
  const torch = await mnistRun("torch", quick);
  const oursNoBlas = await mnistRun("oursNoBlas", quick);
  await cleanUpMnistRuns();
  const peerName = torch.ok ? `PyTorch ${torch.value.version}` : "PyTorch (skipped)";
  const peer = torch.ok ? torch.value.peakRssMiB : null;
  const partial = (ours.ok && howMeasured(ours.value))
    ? `${ours.value.batches} batches`
    : undefined;
  const rows: Row[] = [
    {
      measure: "peak RSS, MNIST epoch",
      unit: "MiB",
      ours: ours.ok ? ours.value.peakRssMiB : null,
      peer,
      peerName,
      target: { on: "ours/peer", op: "≤", value: 1 },
      note: partial,
    },
    {
      measure: "peak RSS, MNIST epoch, GRADIENTE_BLAS=off",
      unit: "MiB",
      ours: oursNoBlas.ok ? oursNoBlas.value.peakRssMiB : null,
      peer,
      peerName,
      note: partial,
    },
  ];
  const notes = [
    "the whole process: runtime, 60k+10k images as float32, model, optimizer state, test pass",
  ];
  if (!ours.ok) notes.push(`ours failed: ${ours.reason}`);
  if (!oursNoBlas.ok) notes.push(`ours (GRADIENTE_BLAS=off) failed: ${oursNoBlas.reason}`);
  if (!torch.ok) notes.push(`PyTorch skipped: ${torch.reason}`);
  return {
    name: "memory",
    title: "memory: peak RSS of the MNIST epoch (MiB, lower is better)",
    rows,
    peers: { PyTorch: torch.ok ? torch.value.version : null },
    notes,
  };
};

if (import.meta.main) await runStandalone(memory);
