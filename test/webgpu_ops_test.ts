/**
 * Ops, layers, losses and optimizer steps on 'webgpu' against the same code on 'cpu', beyond
 * the torch-fixture expressions: the remaining unary ops, comparisons, integer and bool
 * dtypes, long reductions and softmax rows (the workgroup-tree kernels), odd / batched /
 * transposed matmuls, scatters with repeated indices, casts, RNG, nn layers and optimizers.
 */
import assert from "node:assert/strict";
import {
  cat,
  chunk,
  gather,
  Generator,
  indexAdd,
  indexSelect,
  manualSeed,
  matmul,
  metrics,
  nn,
  optim,
  rand,
  randn,
  scatterAdd,
  stack,
  type Tensor,
  tensor,
  webgpu,
  where,
} from "gradiente";
import { assertSameValues, gpu } from "./webgpu_helpers.ts";

type Device = "cpu" | "webgpu";

/** Seeded float32 values of `shape`, made on the CPU and moved (so both devices agree). */
function input(device: Device, shape: number[], seed: number, grad = true): Tensor {
  const t = randn(shape, { generator: new Generator(seed) }).to(device);
  return grad ? t.requiresGrad_(true) : t;
}

/**
 * Runs `f` on both devices with the same seeded inputs; compares the outputs and, when the
 * output is float, the inputs' gradients of sum(out * w) for a fixed random w.
 */
async function same(
  name: string,
  shapes: number[][],
  f: (xs: Tensor[], device: Device) => Tensor,
  rtol = 2e-4,
): Promise<void> {
  const run = (device: Device) => {
    const xs = shapes.map((s, k) => input(device, s, 100 + k));
    const out = f(xs, device);
    if (out.dtype === "float32" && out.requiresGrad) {
      const w = randn(out.shape, { generator: new Generator(7) }).to(device);
      out.mul(w).sum().backward();
    }
    return { out, grads: xs.map((x) => x.grad) };
  };
  const want = run("cpu"), got = run("webgpu");
  await assertSameValues(`${name}: output`, got.out, want.out, rtol);
  for (const [k, g] of got.grads.entries()) {
    if (want.grads[k] || g) await assertSameValues(`${name}: grad ${k}`, g, want.grads[k], rtol);
  }
}

const UNARY: [string, (x: Tensor) => Tensor][] = [
  ["erf", (x) => x.erf()],
  ["log1p", (x) => x.abs().log1p()],
  ["sign", (x) => x.sign()],
  ["leakyRelu", (x) => x.leakyRelu(0.1)],
  ["clamp min only", (x) => x.clamp(-0.5, null)],
  ["clamp min > max", (x) => x.clamp(1, -1)],
  ["tanh of large values", (x) => x.mul(30).tanh()],
  ["sigmoid of large values", (x) => x.mul(100).sigmoid()],
  ["sqrt", (x) => x.abs().add(0.1).sqrt()],
  ["pow with integer exponent on negatives", (x) => x.pow(3)],
  ["negative power", (x) => x.abs().add(0.5).pow(-1.5)],
];

for (const [name, f] of UNARY) {
  Deno.test({ name: `webgpu ${name}`, ...gpu }, () => same(name, [[5, 7]], ([x]) => f(x)));
}

Deno.test({ name: "webgpu comparisons, logical ops and where on bools", ...gpu }, async () => {
  for (const op of ["eq", "ne", "lt", "le", "gt", "ge"] as const) {
    await same(op, [[4, 6], [6]], ([a, b]) => a.int().detach()[op](b.int().detach()));
  }
  await same("logical", [[4, 6], [4, 6]], ([a, b]) => {
    const p = a.gt(0), q = b.gt(0);
    return p.logicalAnd(q).logicalOr(p.logicalNot()).logicalNot();
  });
  await same("where", [[3, 4], [3, 4]], ([a, b]) => where(a.gt(b), a, b.mul(2)));
  await same("maskedFill", [[3, 4]], ([a]) => a.maskedFill(a.lt(0), -7));
});

Deno.test({ name: "webgpu int32 and bool arithmetic, casts", ...gpu }, async () => {
  await same("int ops", [[5, 5]], ([a]) => {
    const i = a.mul(10).int();
    return i.add(i.mul(3)).sub(2).neg().abs().maximum(i).int();
  });
  await same("float->int truncates toward zero", [[9]], ([a]) => a.mul(7.5).int());
  await same("int->bool->float", [[9]], ([a]) => a.mul(3).int().bool().float());
  await same("sum of bools is int32", [[20, 30]], ([a]) => a.gt(0).sum(1));
  await same("int argmax", [[6, 7]], ([a]) => a.mul(4).int().argmax(1));
});

Deno.test({ name: "webgpu long reductions (workgroup trees) and NaN", ...gpu }, async () => {
  await same("sum over 3000", [[3000]], ([a]) => a.sum(), 1e-3);
  await same("mean over dims 0,2 of [40,5,30]", [[40, 5, 30]], ([a]) => a.mean([0, 2]), 1e-3);
  await same("max/min over 500", [[3, 500]], ([a]) => a.max(1).values.sub(a.min(1).values));
  await same("argmax/argmin over 500", [[3, 500]], ([a]) => a.argmax(1).add(a.argmin(1)));
  await same(
    "argmax on ties takes the first",
    [[4, 300]],
    ([a]) => a.clamp(0, 1).int().argmax(1),
  );
  await same("prod over 200", [[200]], ([a]) => a.mul(0.1).add(1).prod(0));
  await same("std over 1000", [[2, 1000]], ([a]) => a.std(1), 1e-3);
  await same("max of rows with NaN", [[2, 100]], ([a]) => {
    const nan = tensor([Number.NaN], { device: a.device });
    return a.detach().index(0).maximum(0).add(nan.mul(0).add(a.detach().index(1).gt(5))).max();
  });
});

Deno.test({ name: "webgpu softmax, logSoftmax and logsumexp on long rows", ...gpu }, async () => {
  await same("softmax 300", [[4, 300]], ([a]) => a.mul(5).softmax(1));
  await same("logSoftmax 300", [[4, 300]], ([a]) => a.mul(5).logSoftmax(1));
  await same("logSoftmax dim 0", [[70, 3]], ([a]) => a.logSoftmax(0));
  await same(
    "softmax of -inf rows",
    [[2, 3]],
    ([a]) => a.detach().mul(Number.NEGATIVE_INFINITY).softmax(1),
  );
});

Deno.test(
  { name: "webgpu matmul shapes: odd, batched, broadcast, transposed, int", ...gpu },
  async () => {
    await same("65x130 @ 130x67", [[65, 130], [130, 67]], ([a, b]) => a.matmul(b), 1e-3);
    await same("batched broadcast", [[3, 1, 5, 7], [4, 7, 2]], ([a, b]) => matmul(a, b), 1e-3);
    await same("a.T @ b.T", [[9, 5], [4, 9]], ([a, b]) => a.T.matmul(b.T), 1e-3);
    await same(
      "vector @ matrix @ vector",
      [[6], [6, 4], [4]],
      ([v, m, w]) => v.matmul(m).matmul(w),
    );
    await same("int32 matmul", [[4, 5], [5, 3]], ([a, b]) => a.mul(5).int().matmul(b.mul(5).int()));
    await same("empty K", [[3, 0], [0, 2]], ([a, b]) => a.matmul(b));
  },
);

Deno.test(
  { name: "webgpu gather/indexSelect and their scatters with repeated indices", ...gpu },
  async () => {
    await same("gather dim 1", [[4, 5]], ([a], d) =>
      gather(
        a,
        1,
        tensor([[0, 0, 4], [1, 1, 1], [3, 2, 0], [4, 4, 4]], { dtype: "int32", device: d }),
      ));
    await same(
      "indexSelect repeated",
      [[5, 3]],
      ([a], d) => indexSelect(a, 0, tensor([4, 0, 4, 4, -1], { dtype: "int32", device: d })),
    );
    await same("scatterAdd", [[3, 4], [2, 4]], ([base, src], d) =>
      scatterAdd(
        base,
        0,
        tensor([[0, 1, 2, 0], [0, 0, 0, 0]], { dtype: "int32", device: d }),
        src,
      ));
    await same(
      "indexAdd",
      [[4, 3], [5, 3]],
      ([base, src], d) =>
        indexAdd(base, 0, tensor([1, 1, 3, 0, 1], { dtype: "int32", device: d }), src),
    );
    await same(
      "embedding with repeated ids",
      [[6, 4]],
      ([w], d) =>
        nn.functional.embedding(tensor([[1, 5, 1], [1, 0, 5]], { dtype: "int32", device: d }), w),
    );
  },
);

Deno.test({ name: "webgpu cat, stack, split, slicing and in-place writes", ...gpu }, async () => {
  await same("cat/stack", [[2, 3], [4, 3]], ([a, b]) => stack([cat([a, b], 0), cat([b, a], 0)], 1));
  await same("chunk + negative-step slice", [[6, 5]], ([a]) => {
    const [p, q] = chunk(a, 2, 0);
    return p.mul(q).index(null, "::-2");
  });
  await same("copy_ into a strided slice", [[4, 6], [2, 6]], ([a, b]) => {
    const t = a.detach().clone();
    t.index("::2").copy_(b.detach().mul(10));
    t.index(null, 1).fill_(3);
    return t;
  });
  await same("add_ on a transposed view", [[3, 3]], ([a]) => {
    const t = a.detach().clone();
    t.T.add_(t.T.clone()); // same data read and written: copies first
    return t;
  });
});

Deno.test({ name: "webgpu rand/randn: reproducible, right moments, dropout", ...gpu }, async () => {
  manualSeed(3);
  const u = rand(200000, { device: "webgpu" });
  manualSeed(3);
  const u2 = rand(200000, { device: "webgpu" });
  const a = await u.data(), b = await u2.data();
  assert.deepEqual(a.slice(0, 50), b.slice(0, 50), "same seed, same draws");
  let lo = 1, hi = 0, sum = 0;
  for (const v of a) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
    sum += v;
  }
  assert.ok(lo >= 0 && hi < 1, `rand in [0, 1): ${lo}..${hi}`);
  assert.ok(Math.abs(sum / a.length - 0.5) < 0.005, `mean ${sum / a.length}`);
  const z = randn(200000, { device: "webgpu" });
  const mean = await z.mean().itemAsync() as number;
  const std = await z.std().itemAsync() as number;
  assert.ok(Math.abs(mean) < 0.01 && Math.abs(std - 1) < 0.01, `randn mean ${mean} std ${std}`);
  const next = await rand(1000, { device: "webgpu" }).data();
  assert.notDeepEqual(next.slice(0, 10), a.slice(0, 10), "the stream moves on");
  const drop = nn.functional.dropout(tensor(new Float32Array(100000).fill(1)).to("webgpu"), 0.3);
  const kept = await drop.data();
  let zeros = 0;
  for (const v of kept) {
    if (v === 0) zeros++;
    else assert.ok(Math.abs(v - 1 / 0.7) < 1e-6);
  }
  assert.ok(Math.abs(zeros / kept.length - 0.3) < 0.01, `dropped ${zeros / kept.length}`);
});

/** The same seeded module on each device; returns [cpu, gpu]. */
function twins<M extends nn.Module>(make: () => M): [M, M] {
  manualSeed(11);
  const a = make();
  manualSeed(11);
  const b = make().to("webgpu");
  return [a, b];
}

Deno.test({ name: "webgpu nn layers and losses match the CPU", ...gpu }, async () => {
  const [cpuNet, gpuNet] = twins(() =>
    new nn.Sequential(
      new nn.Linear(12, 16),
      new nn.BatchNorm1d(16),
      new nn.GELU(),
      new nn.Linear(16, 5),
    )
  );
  const labels = [0, 4, 2, 2, 1, 3, 0, 4];
  for (const device of ["cpu", "webgpu"] as const) {
    const net = device === "cpu" ? cpuNet : gpuNet;
    const x = input(device, [8, 12], 5, false);
    const y = tensor(labels, { dtype: "int32", device });
    const out = net.call(x);
    const loss = nn.functional.crossEntropy(out, y, { labelSmoothing: 0.1 })
      .add(nn.functional.mseLoss(out.softmax(1), nn.functional.oneHot(y, 5).float()))
      .add(nn.functional.binaryCrossEntropyWithLogits(out, out.detach().gt(0).float()));
    loss.backward();
  }
  const cpuParams = cpuNet.parameters(), gpuParams = gpuNet.parameters();
  for (const [k, p] of gpuParams.entries()) {
    await assertSameValues(`param ${k} grad`, p.grad, cpuParams[k].grad, 1e-3);
  }
  const cpuBn = cpuNet.get(1) as nn.BatchNorm1d, gpuBn = gpuNet.get(1) as nn.BatchNorm1d;
  await assertSameValues("running mean", gpuBn.runningMean, cpuBn.runningMean);
  await assertSameValues("running var", gpuBn.runningVar, cpuBn.runningVar);
});

for (
  const [name, make] of [
    [
      "SGD momentum nesterov wd",
      (p: Tensor[]) =>
        new optim.SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
    ],
    ["SGD plain", (p: Tensor[]) => new optim.SGD(p, { lr: 0.05 })],
    ["Adam", (p: Tensor[]) => new optim.Adam(p, { lr: 0.01 })],
    [
      "AdamW maximize",
      (p: Tensor[]) => new optim.AdamW(p, { lr: 0.01, weightDecay: 0.1, maximize: true }),
    ],
    [
      "RMSprop (tensor-op path)",
      (p: Tensor[]) => new optim.RMSprop(p, { lr: 0.01, momentum: 0.5 }),
    ],
  ] as const
) {
  Deno.test({ name: `webgpu optimizer steps: ${name}`, ...gpu }, async () => {
    const [cpuNet, gpuNet] = twins(() => new nn.Linear(6, 3));
    const opts = [make(cpuNet.parameters()), make(gpuNet.parameters())];
    for (let step = 0; step < 5; step++) {
      for (const [i, device] of (["cpu", "webgpu"] as const).entries()) {
        const net = i === 0 ? cpuNet : gpuNet;
        opts[i].zeroGrad();
        net.call(input(device, [4, 6], step, false)).pow(2).mean().backward();
        opts[i].step();
      }
    }
    const want = cpuNet.parameters(), got = gpuNet.parameters();
    for (const [k, p] of got.entries()) {
      await assertSameValues(`param ${k}`, p, want[k], 1e-4);
    }
  });
}

Deno.test({ name: "webgpu losses: every option the CPU has", ...gpu }, async () => {
  const F = nn.functional;
  const labels = (d: Device) => tensor([0, 3, 1, 3, 2, 0], { dtype: "int32", device: d });
  const w = (d: Device) => tensor([1, 0.5, 2, 1.5], { device: d });
  await same(
    "crossEntropy weight + ignoreIndex",
    [[6, 4]],
    ([x], d) => F.crossEntropy(x, labels(d), { weight: w(d), ignoreIndex: 3 }),
  );
  // The plain index case runs the fused kernel on the GPU (logSoftmax + gather on the CPU).
  for (const reduction of ["mean", "sum", "none"] as const) {
    await same(
      `crossEntropy fused, ignoreIndex, ${reduction}`,
      [[6, 4]],
      ([x], d) => F.crossEntropy(x.mul(3), labels(d), { ignoreIndex: 3, reduction }),
    );
  }
  const fused = F.crossEntropy(
    input("webgpu", [4, 3], 1),
    tensor([0, 2, 1, 1], {
      dtype: "int32",
      device: "webgpu",
    }),
    { reduction: "none" },
  );
  assert.equal(fused.gradFn?.nextFunctions[0]?.name, "CrossEntropyBackward");
  await same(
    "crossEntropy fused on [N, C, L]",
    [[2, 4, 3]],
    ([x], d) => F.crossEntropy(x, tensor([[0, 3, 1], [2, 2, 0]], { dtype: "int32", device: d })),
  );
  await same(
    "crossEntropy fused, 1-D input",
    [[5]],
    ([x], d) => F.crossEntropy(x, tensor(4, { dtype: "int32", device: d })),
  );
  await same(
    "crossEntropy probability targets + smoothing",
    [[6, 4], [6, 4]],
    ([x, t]) => F.crossEntropy(x, t.detach().softmax(1), { labelSmoothing: 0.2 }),
  );
  await same(
    "nllLoss weight, sum",
    [[6, 4]],
    ([x], d) => F.nllLoss(x.logSoftmax(1), labels(d), { weight: w(d), reduction: "sum" }),
  );
  await same(
    "huber / l1 / mse none",
    [[5, 3], [5, 3]],
    ([x, y]) =>
      F.huberLoss(x, y, { delta: 0.5 }).add(F.l1Loss(x, y, { reduction: "none" }).mean())
        .add(F.mseLoss(x, y, { reduction: "sum" })),
  );
  await same(
    "binaryCrossEntropy (no range check on the GPU)",
    [[8], [8]],
    ([x, y]) => F.binaryCrossEntropy(x.sigmoid(), y.detach().gt(0).float()),
  );
  await same(
    "BCE with logits, posWeight",
    [[4, 3], [4, 3]],
    ([x, y], d) =>
      F.binaryCrossEntropyWithLogits(x.mul(20), y.detach().gt(0).float(), {
        posWeight: tensor([1, 2, 3], { device: d }),
      }),
  );
});

Deno.test({ name: "webgpu clipGradNorm and the metrics' error", ...gpu }, async () => {
  const norms: number[] = [];
  for (const device of ["cpu", "webgpu"] as const) {
    const p = input(device, [10, 10], 1);
    p.mul(p).sum().backward();
    const total = optim.clipGradNorm([p], 1.0);
    norms.push(await total.itemAsync() as number);
    const clipped = await p.grad!.pow(2).sum().sqrt().itemAsync() as number;
    assert.ok(Math.abs(clipped - 1) < 1e-4, `${device}: clipped norm ${clipped}`);
  }
  assert.ok(Math.abs(norms[0] - norms[1]) < 1e-3 * norms[0], `norms ${norms}`);
  const yp = tensor([1, 0, 1], { device: "webgpu" });
  assert.throws(
    () => metrics.accuracy(tensor([1, 0, 0]), yp),
    /yPred lives on .webgpu.*await yPred\.cpu\(\)/,
  );
  assert.equal(metrics.accuracy(tensor([1, 0, 0]), await yp.cpu()), 2 / 3);
});

Deno.test(
  { name: "webgpu: no internal (validation) errors were raised by any kernel", ...gpu },
  () => {
    assert.deepEqual(webgpu.internalErrors(), []);
  },
);
