/**
 * Benchmark 3, the notes' XOR loop (seed 003 §2): a 2-2-1 sigmoid network trained for 10,000
 * epochs by hand-written backprop with tensor ops, no autograd, ours vs PyTorch doing the same
 * ops from the same initial weights (target ≤ PyTorch's time). The final MSE of both shows the
 * runs computed the same thing.
 */
import { sub, type Tensor, tensor } from "gradiente";
import { type Bench, runStandalone } from "./report.ts";
import { median } from "./measure.ts";
import { runPythonPeer } from "./subprocess.ts";

// The same initial weights as peers/xor_manual_loop.py; lr 0.5 as in the notes.
const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const Y = [[0], [1], [1], [0]];
const W1 = [[0.5, -0.6], [-0.4, 0.7]];
const B1 = [[0.1, -0.1]];
const W2 = [[0.6], [-0.5]];
const B2 = [[0.05]];
const LR = 0.5;

function train(epochs: number): { mse: number; output: number[] } {
  const x = tensor(X), y = tensor(Y);
  const w1 = tensor(W1), b1 = tensor(B1), w2 = tensor(W2), b2 = tensor(B2);
  let error: Tensor = y, out: Tensor = y;
  for (let e = 0; e < epochs; e++) {
    const hidden = x.matmul(w1).add(b1).sigmoid();
    out = hidden.matmul(w2).add(b2).sigmoid();
    error = y.sub(out);
    const dOut = error.mul(out.mul(sub(1, out)));
    const dHidden = dOut.matmul(w2.T).mul(hidden.mul(sub(1, hidden)));
    w2.add_(hidden.T.matmul(dOut).mul(LR));
    b2.add_(dOut.sum(0, true).mul(LR));
    w1.add_(x.T.matmul(dHidden).mul(LR));
    b1.add_(dHidden.sum(0, true).mul(LR));
  }
  return {
    mse: error.pow(2).mean().item() as number,
    output: Array.from(out.flatten()._values()),
  };
}

interface TorchFigures {
  version: string;
  seconds: number;
  mse: number;
  output: number[];
}

export const xorManualLoop: Bench = async ({ quick }) => {
  const epochs = quick ? 2000 : 10000;
  const reps = quick ? 3 : 5;
  train(200);
  const times: number[] = [];
  let result = { mse: NaN, output: [] as number[] };
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    result = train(epochs);
    times.push((performance.now() - t0) / 1000);
  }
  const torch = await runPythonPeer<TorchFigures>("xor_manual_loop", [
    String(epochs),
    String(reps),
  ]);
  const show = (o: number[]) => o.map((v) => v.toFixed(3)).join(", ");
  const notes = [
    `2-2-1 sigmoid network, lr ${LR}, ${epochs} epochs, median of ${reps} runs after warm-up`,
    `ours: final MSE ${result.mse.toExponential(3)}, outputs [${show(result.output)}]`,
  ];
  if (torch.ok) {
    notes.push(
      `PyTorch: final MSE ${torch.value.mse.toExponential(3)}, outputs [${
        show(torch.value.output)
      }]`,
    );
  } else notes.push(`PyTorch skipped: ${torch.reason}`);
  return {
    name: "xor_manual_loop",
    title: "XOR manual backprop loop (seconds, lower is better)",
    rows: [{
      measure: `XOR 2-2-1, ${epochs} epochs`,
      unit: "s",
      ours: median(times),
      peer: torch.ok ? torch.value.seconds : null,
      peerName: torch.ok ? `PyTorch ${torch.value.version}` : "PyTorch (skipped)",
      target: { on: "ours/peer", op: "≤", value: 1 },
    }],
    peers: { PyTorch: torch.ok ? torch.value.version : null },
    notes,
  };
};

if (import.meta.main) await runStandalone(xorManualLoop);
