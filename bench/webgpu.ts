/**
 * Benchmark 6, WebGPU: matmul GFLOP/s, conv2d forward + backward and the MNIST epoch on
 * device 'webgpu', side by side with our CPU path and with TensorFlow.js's webgpu backend in
 * the same run. The issue's
 * targets (4096² ≥ 10 TFLOP/s, epoch ≤ 0.5× our CPU) are for a real GPU (H100/H200); on a
 * software adapter (Mesa llvmpipe) the figures only show that everything runs.
 */
import { randn } from "gradiente";
import type { Bench, Row } from "./report.ts";
import { runDenoScript } from "./subprocess.ts";
import { mnistRun } from "./mnist_runs.ts";
import type { WebgpuFigures } from "./webgpu_run.ts";
import { CONV } from "./conv.ts";

function cpuGflops(n: number): number {
  const a = randn(n, n), b = randn(n, n);
  a.matmul(b);
  const ts: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    a.matmul(b);
    ts.push(performance.now() - t0);
  }
  return 2 * n ** 3 / ([...ts].sort((x, y) => x - y)[2] / 1000) / 1e9;
}

export const webgpuBench: Bench = async ({ quick }) => {
  const sizes = quick ? [256] : [256, 512, 1024];
  const batches = quick ? "10" : "40";
  const args = ["--sizes", sizes.join(","), "--batches", batches];
  const ours = await runDenoScript<WebgpuFigures>("webgpu_run.ts", [
    "--runner",
    "gradiente",
    ...args,
  ]);
  const peers: Record<string, string | null> = {};
  const notes: string[] = [];
  if (!ours.ok) {
    return {
      name: "webgpu",
      title: "WebGPU (skipped)",
      rows: [],
      peers,
      notes: [`no WebGPU here: ${ours.reason}`],
    };
  }
  const fallback = /llvmpipe|swiftshader|lavapipe/i.test(ours.value.adapter);
  // A real GPU also gets the 4096² figure.
  const big = fallback || quick ? [] : [4096];
  const tfjs = await runDenoScript<WebgpuFigures>("webgpu_run.ts", ["--runner", "tfjs", ...args]);
  const tfName = tfjs.ok ? tfjs.value.runner : "TensorFlow.js webgpu (skipped)";
  peers["TensorFlow.js webgpu"] = tfjs.ok ? tfjs.value.runner.split(" ")[1] : null;
  if (!tfjs.ok) notes.push(`TensorFlow.js webgpu skipped: ${tfjs.reason}`);
  const cpuEpoch = await mnistRun("ours", quick);
  const rows: Row[] = [];
  for (const n of sizes) {
    rows.push({
      measure: `webgpu sgemm ${n}² vs tfjs webgpu`,
      unit: "GFLOP/s",
      ours: ours.value.matmul[n],
      peer: tfjs.ok ? tfjs.value.matmul[n] : null,
      peerName: tfName,
    });
    rows.push({
      measure: `webgpu sgemm ${n}² vs our CPU`,
      unit: "GFLOP/s",
      ours: ours.value.matmul[n],
      peer: cpuGflops(n),
      peerName: "gradiente cpu",
    });
  }
  if (big.length) {
    const r = await runDenoScript<WebgpuFigures>("webgpu_run.ts", [
      "--runner",
      "gradiente",
      "--sizes",
      "4096",
      "--batches",
      "1",
    ]);
    rows.push({
      measure: "webgpu sgemm 4096²",
      unit: "GFLOP/s",
      ours: r.ok ? r.value.matmul[4096] : null,
      peer: null,
      peerName: "–",
      target: { on: "ours", op: "≥", value: 10_000 },
    });
  } else notes.push("4096² skipped: software adapter (its target is for an H100/H200).");
  const { c, o, k, h, w } = CONV; // at the webgpu run's own batch
  const convFlops = 3 * 2 * ours.value.conv.batch * o * c * k * k * h * w;
  const convMs = (f: WebgpuFigures) => f.conv.seconds * 1e3;
  const convRatio = tfjs.ok ? ours.value.conv.seconds / tfjs.value.conv.seconds : null;
  rows.push({
    measure: `webgpu conv2d forward + backward ${ours.value.conv.batch}×${c}→${o}, ${k}×${k}, ` +
      `pad 1, ${h}×${w} vs tfjs webgpu`,
    unit: "ms",
    ours: convMs(ours.value),
    peer: tfjs.ok ? convMs(tfjs.value) : null,
    peerName: tfName,
    note: convRatio === null
      ? undefined
      : `ours/peer = ${convRatio.toFixed(2)}, ours ${
        (convFlops / ours.value.conv.seconds / 1e9).toFixed(2)
      } GFLOP/s`,
  });
  rows.push({
    measure: "MNIST epoch webgpu vs our CPU",
    unit: "s",
    ours: ours.value.epochSeconds,
    peer: cpuEpoch.ok ? cpuEpoch.value.epochSeconds : null,
    peerName: "gradiente cpu",
    target: fallback ? undefined : { on: "ours/peer", op: "≤", value: 0.5 },
    note: `webgpu: ${batches} batches timed, extrapolated`,
  });
  rows.push({
    measure: "MNIST epoch webgpu vs tfjs webgpu",
    unit: "s",
    ours: ours.value.epochSeconds,
    peer: tfjs.ok ? tfjs.value.epochSeconds : null,
    peerName: tfName,
    note: `${batches} batches each, extrapolated`,
  });
  notes.push(
    `adapter: ${ours.value.adapter}${fallback ? " (software: the GPU targets do not apply)" : ""}`,
    "conv2d: grads of input, weight and bias from out.backward(g), median of 3 after a " +
      "warm-up; tfjs is channels-last (NHWC, its layout) and waits by reading the bias grad",
    `mean loss over the timed batches: ours ${ours.value.meanLoss.toFixed(4)}` +
      (tfjs.ok ? `, tfjs ${tfjs.value.meanLoss.toFixed(4)}` : ""),
  );
  return {
    name: "webgpu",
    title: "WebGPU: matmul, conv2d and the MNIST epoch",
    rows,
    peers,
    notes,
  };
};
