/**
 * Benchmark: conv2d forward + backward at batch 64, 32 → 64 channels, 3×3, padding 1, 28×28,
 * float32, ours vs PyTorch (a resident peer, 2 threads; target ≤ 1.0×), samples alternating
 * between the two. Beside it, the convolution's GFLOP/s (forward plus the two backward GEMMs,
 * grad input and grad weight, each as many FLOPs as the forward) and the sgemm GFLOP/s of one
 * GEMM the size of the whole forward, measured in the same run: how close the convolution
 * comes to the BLAS it runs on.
 */
import { conv2d, cpuMatmulInfo, manualSeed, noGrad, randn } from "gradiente";
import { type Bench, type Row, runStandalone } from "./report.ts";
import { callsToFill, median, secondsPerCall } from "./measure.ts";
import { PeerSession } from "./subprocess.ts";

export const CONV = { n: 64, c: 32, o: 64, k: 3, h: 28, w: 28 } as const;
const { n: N, c: C, o: O, k: K, h: H, w: W } = CONV;
/** FLOPs of the forward (2·N·O·C·k²·H·W at padding 1, stride 1); each backward GEMM the same. */
export const FORWARD_FLOPS = 2 * N * O * C * K * K * H * W;
const CASES = ["fwdbwd", "fwd", "gemm"] as const;
type Case = typeof CASES[number];

function bodies(): Record<Case, () => void> {
  manualSeed(0);
  const x = randn([N, C, H, W], { requiresGrad: true });
  const w = randn([O, C, K, K], { requiresGrad: true });
  const b = randn([O], { requiresGrad: true });
  const g = randn([N, O, H, W]);
  const a = randn([O, C * K * K]), cols = randn([C * K * K, N * H * W]);
  return {
    fwdbwd: () => {
      conv2d(x, w, b, { padding: 1 }).backward(g);
      x.grad = null;
      w.grad = null;
      b.grad = null;
    },
    fwd: () => noGrad(() => void conv2d(x, w, b, { padding: 1 })),
    gemm: () => void a.matmul(cols),
  };
}

export const conv: Bench = async ({ quick }) => {
  const peer = await PeerSession.start("conv");
  const fill = quick ? 0.1 : 0.4, rounds = quick ? 3 : 7;
  const ours: Record<string, number> = {}, theirs: Record<string, number> = {};
  const run = bodies();
  try {
    for (const c of CASES) {
      const body = run[c];
      for (let i = 0; i < 2; i++) body(); // warm-up
      const inner = callsToFill(body, fill);
      const peerInner = peer.ok
        ? (await peer.value.ask<{ inner: number }>(`fill ${c} ${fill}`)).inner
        : 0;
      const mine: number[] = [], peers: number[] = [];
      for (let r = 0; r < rounds; r++) {
        mine.push(secondsPerCall(body, { warmup: 0, reps: 1, inner }));
        if (peer.ok) {
          peers.push((await peer.value.ask<{ seconds: number }>(`time ${c} ${peerInner}`)).seconds);
        }
      }
      ours[c] = median(mine);
      if (peer.ok) theirs[c] = median(peers);
    }
  } finally {
    if (peer.ok) await peer.value.close();
  }
  const peerName = peer.ok ? `PyTorch ${peer.value.version}` : "PyTorch (skipped)";
  const p = (c: Case) => (peer.ok ? theirs[c] : null);
  const gflops = (flops: number, s: number | null) => (s ? flops / s / 1e9 : null);
  const shape = `${N}×${C}→${O}, ${K}×${K}, pad 1, ${H}×${W}`;
  const gemm = `${O}×${C * K * K} · ${C * K * K}×${N * H * W}`;
  const ratio = (o: number | null, q: number | null) =>
    o !== null && q ? `ours/peer = ${(o / q).toFixed(2)}` : undefined;
  const rows: Row[] = [
    {
      measure: `conv2d forward + backward ${shape}`,
      unit: "ms",
      ours: ours.fwdbwd * 1e3,
      peer: peer.ok ? theirs.fwdbwd * 1e3 : null,
      peerName,
      target: { on: "ours/peer", op: "≤", value: 1 },
    },
    {
      measure: `conv2d forward only (no grad) ${shape}`,
      unit: "ms",
      ours: ours.fwd * 1e3,
      peer: peer.ok ? theirs.fwd * 1e3 : null,
      peerName,
      note: ratio(ours.fwd, p("fwd")),
    },
    {
      measure: "conv2d forward + backward throughput",
      unit: "GFLOP/s",
      ours: gflops(3 * FORWARD_FLOPS, ours.fwdbwd),
      peer: gflops(3 * FORWARD_FLOPS, p("fwdbwd")),
      peerName,
      note: ratio(gflops(3 * FORWARD_FLOPS, ours.fwdbwd), gflops(3 * FORWARD_FLOPS, p("fwdbwd"))),
    },
    {
      measure: `sgemm ${gemm} (the forward as one GEMM)`,
      unit: "GFLOP/s",
      ours: gflops(FORWARD_FLOPS, ours.gemm),
      peer: gflops(FORWARD_FLOPS, p("gemm")),
      peerName,
      note: ratio(gflops(FORWARD_FLOPS, ours.gemm), gflops(FORWARD_FLOPS, p("gemm"))),
    },
  ];
  const path = cpuMatmulInfo();
  const notes = [
    `FLOPs: forward ${(FORWARD_FLOPS / 1e9).toFixed(2)} G (2·N·O·C·k²·H·W); forward + ` +
    "backward counts 3× that (grad input and grad weight are each a GEMM of the forward's " +
    "size; the bias is left out)",
    `the sgemm row is ours on matmul path ${path.kind} (${path.detail}) and torch.mm, at the ` +
    "size of the whole forward as one GEMM: the ceiling an im2col convolution could reach",
    "ours and PyTorch (a resident peer process, torch.set_num_threads(2)) alternate sample by " +
    "sample; figures are medians of the samples; backward is out.backward(g) with a fixed g " +
    "into input, weight and bias, grads cleared each call",
  ];
  if (!peer.ok) notes.push(`PyTorch skipped: ${peer.reason}`);
  return {
    name: "conv",
    title: "conv2d forward + backward, float32 (ms, lower is better; GFLOP/s, higher is better)",
    rows,
    peers: { PyTorch: peer.ok ? peer.value.version : null },
    notes,
    raw: { oursSeconds: ours, peerSeconds: peer.ok ? theirs : null, forwardFlops: FORWARD_FLOPS },
  };
};

if (import.meta.main) await runStandalone(conv);
