/**
 * Benchmark 2, per-op overhead: chains of tiny (8×8) add / mul / matmul with autograd, forward
 * then backward, in µs per op (chain time / chain length), ours vs PyTorch doing the same
 * (target ≤ 0.5× PyTorch). At 8×8 the arithmetic is nothing: this times dispatch, graph
 * recording and the backward engine.
 */
import { type Tensor, tensor } from "gradiente";
import { type Bench, type Row, runStandalone } from "./report.ts";
import { callsToFill, median, secondsPerCall } from "./measure.ts";
import { type Outcome, PeerSession } from "./subprocess.ts";

export const CHAIN_LENGTH = 48;
export const OPS = ["add", "mul", "matmul", "mixed"] as const;
type OpName = typeof OPS[number];

/** 8×8 values base + 0.01·sin(k): the Python peer builds the same, so chains stay bounded. */
function matrix(base: "zero" | "one" | "eye"): number[][] {
  return Array.from({ length: 8 }, (_, i) =>
    Array.from({ length: 8 }, (_, j) => {
      const b = base === "zero" ? 0 : base === "one" ? 1 : i === j ? 1 : 0;
      return b + 0.01 * Math.sin(i * 8 + j);
    }));
}

const STEP: Record<Exclude<OpName, "mixed">, (y: Tensor, w: Tensor) => Tensor> = {
  add: (y, w) => y.add(w),
  mul: (y, w) => y.mul(w),
  matmul: (y, w) => y.matmul(w),
};

function chainRunner(op: OpName): () => void {
  const x = tensor(matrix("one"), { requiresGrad: true });
  const w = {
    add: tensor(matrix("zero"), { requiresGrad: true }),
    mul: tensor(matrix("one"), { requiresGrad: true }),
    matmul: tensor(matrix("eye"), { requiresGrad: true }),
  };
  const kinds = ["add", "mul", "matmul"] as const;
  return () => {
    let y = x;
    for (let i = 0; i < CHAIN_LENGTH; i++) {
      const kind = op === "mixed" ? kinds[i % 3] : op;
      y = STEP[kind](y, w[kind]);
    }
    y.sum().backward();
    x.grad = null;
    for (const k of kinds) w[k].grad = null;
  };
}

interface TorchFigures {
  version: string;
  usPerOp: Record<OpName, number>;
}

export const opOverhead: Bench = async ({ quick }) => {
  // Ours and PyTorch (a resident peer process) alternate sample by sample, so load from
  // elsewhere on the machine lands on both alike.
  const peer = await PeerSession.start("op_overhead");
  const fill = quick ? 0.05 : 0.2, rounds = quick ? 3 : 7;
  const ours: Record<string, number> = {}, theirs: Record<string, number> = {};
  try {
    for (const op of OPS) {
      const run = chainRunner(op);
      for (let i = 0; i < 20; i++) run();
      const inner = callsToFill(run, fill);
      for (let i = 0; i < 5; i++) run();
      const peerInner = peer.ok
        ? (await peer.value.ask<{ inner: number }>(`fill ${op} ${CHAIN_LENGTH} ${fill}`)).inner
        : 0;
      const mine: number[] = [], peers: number[] = [];
      for (let r = 0; r < rounds; r++) {
        mine.push(secondsPerCall(run, { warmup: 0, reps: 1, inner }));
        if (peer.ok) {
          const t = await peer.value.ask<{ seconds: number }>(
            `time ${op} ${CHAIN_LENGTH} ${peerInner}`,
          );
          peers.push(t.seconds);
        }
      }
      ours[op] = median(mine) / CHAIN_LENGTH * 1e6;
      if (peer.ok) theirs[op] = median(peers) / CHAIN_LENGTH * 1e6;
    }
  } finally {
    if (peer.ok) await peer.value.close();
  }
  const torch: Outcome<TorchFigures> = peer.ok
    ? {
      ok: true,
      value: { version: peer.value.version, usPerOp: theirs as TorchFigures["usPerOp"] },
    }
    : peer;
  const notes = [
    `a chain is ${CHAIN_LENGTH} ops on 8×8 float32, then sum().backward() and clearing the ` +
    "grads; µs/op = chain time / chain length (forward + backward per op)",
    "ours and PyTorch (a resident peer process) alternate sample by sample; medians of the samples",
  ];
  if (!torch.ok) notes.push(`PyTorch skipped: ${torch.reason}`);
  const rows: Row[] = OPS.map((op) => ({
    measure: op === "mixed" ? "add/mul/matmul mixed chain" : `${op} chain`,
    unit: "µs/op",
    ours: ours[op],
    peer: torch.ok ? torch.value.usPerOp[op] : null,
    peerName: torch.ok ? `PyTorch ${torch.value.version}` : "PyTorch (skipped)",
    target: { on: "ours/peer", op: "≤", value: 0.5 },
  }));
  return {
    name: "op_overhead",
    title: "per-op overhead with autograd, 8×8 (µs per op, lower is better)",
    rows,
    peers: { PyTorch: torch.ok ? torch.value.version : null },
    notes,
  };
};

if (import.meta.main) await runStandalone(opOverhead);
