/**
 * optim: optimizers, lr schedulers and gradient clipping against PyTorch trajectories stored in
 * fixtures/torch_optim.json (made by fixtures/make_torch_optim.py, torch float64), plus state
 * dicts, zeroGrad, parameter groups and errors.
 */
import assert from "node:assert/strict";
import {
  isGradEnabled,
  type NestedArray,
  noGrad,
  optim,
  type Tensor,
  tensor,
  zeros,
} from "gradiente";
import { close } from "./helpers.ts";

const TOL = 1e-9;

interface OptimCase {
  name: string;
  optimizer: string;
  options: Record<string, unknown>;
  groups: Record<string, unknown>[] | null;
  losses: number[];
  params: [NestedArray, NestedArray][];
}

interface SchedCase {
  name: string;
  schedulers: [string, Record<string, unknown>][];
  metrics: number[] | null;
  lrs: number[][];
  lastLr: number[];
}

interface ClipCase {
  kind: "norm" | "value";
  maxNorm?: number;
  normType?: number | "inf";
  clipValue?: number;
  total?: number;
  grads: [NestedArray, NestedArray];
}

interface Fixture {
  header: { torch: string; steps: number; schedSteps: number };
  problem: {
    X: NestedArray;
    Y: NestedArray;
    W0: NestedArray;
    b0: NestedArray;
    startGrads: [NestedArray, NestedArray];
  };
  optim: OptimCase[];
  schedulers: SchedCase[];
  clip: ClipCase[];
}

const fx: Fixture = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/torch_optim.json", import.meta.url)),
);
const f64 = { dtype: "float64" } as const;
const X = tensor(fx.problem.X, f64), Y = tensor(fx.problem.Y, f64);

/** mean((tanh(X @ W + b) - Y)²) + 0.05 · Σ W⁴, as in make_torch_optim.py. */
function lossFn(w: Tensor, b: Tensor): Tensor {
  const x = w.dtype === "float64" ? X : X.float(), y = w.dtype === "float64" ? Y : Y.float();
  return x.matmul(w).add(b).tanh().sub(y).pow(2).mean().add(w.pow(4).sum().mul(0.05));
}

function startParams(dtype: "float32" | "float64" = "float64"): [Tensor, Tensor] {
  return [
    tensor(fx.problem.W0, { dtype, requiresGrad: true }),
    tensor(fx.problem.b0, { dtype, requiresGrad: true }),
  ];
}

type AnyCtor = new (
  params: optim.ParamsInput,
  options?: Record<string, unknown>,
) => optim.Optimizer;

const CTORS: Record<string, AnyCtor> = {
  SGD: optim.SGD as unknown as AnyCtor,
  Adam: optim.Adam as unknown as AnyCtor,
  AdamW: optim.AdamW as unknown as AnyCtor,
  RMSprop: optim.RMSprop as unknown as AnyCtor,
  Adagrad: optim.Adagrad as unknown as AnyCtor,
};

function build(c: OptimCase, w: Tensor, b: Tensor): optim.Optimizer {
  const params = c.groups
    ? [{ params: [w], ...c.groups[0] }, { params: [b], ...c.groups[1] }]
    : [w, b];
  return new CTORS[c.optimizer](params, c.options);
}

/** One training step; returns the loss. */
function trainStep(opt: optim.Optimizer, w: Tensor, b: Tensor): number {
  opt.zeroGrad();
  const loss = lossFn(w, b);
  loss.backward();
  opt.step();
  return loss.item() as number;
}

function caseNamed(name: string): OptimCase {
  const c = fx.optim.find((c) => c.name === name);
  assert.ok(c, `fixture case ${name}`);
  return c;
}

// ---- optimizers against torch ------------------------------------------------------------

for (const c of fx.optim) {
  Deno.test(`optim: ${c.name} (${c.optimizer} ${JSON.stringify(c.options)}) matches torch`, () => {
    const [w, b] = startParams();
    const opt = build(c, w, b);
    for (let i = 0; i < fx.header.steps; i++) {
      const loss = trainStep(opt, w, b);
      close(loss, c.losses[i], TOL, `${c.name} loss ${i}`);
      close(w.toArray(), c.params[i][0], TOL, `${c.name} W after step ${i + 1}`);
      close(b.toArray(), c.params[i][1], TOL, `${c.name} b after step ${i + 1}`);
    }
    assert.equal(w.dtype, "float64");
    assert.ok(w.isLeaf && w.requiresGrad, "parameters stay trainable leaves");
  });
}

Deno.test("optim: float32 parameters stay float32 and follow torch's float64 path closely", () => {
  for (const name of ["sgd_nesterov_wd", "adam_amsgrad_wd", "rmsprop_centered_momentum"]) {
    const c = caseNamed(name);
    const [w, b] = startParams("float32");
    const opt = build(c, w, b);
    for (let i = 0; i < fx.header.steps; i++) trainStep(opt, w, b);
    assert.equal(w.dtype, "float32");
    for (const s of opt.state.values()) {
      for (const v of Object.values(s)) if (typeof v !== "number") assert.equal(v.dtype, "float32");
    }
    close(w.toArray(), c.params[9][0], 1e-4, `${name} float32 W`);
    close(b.toArray(), c.params[9][1], 1e-4, `${name} float32 b`);
  }
});

Deno.test("optim: updates are in place, so views and references held by models stay valid", () => {
  const [w, b] = startParams();
  const view = w.reshape(6);
  const storage = w.storage;
  const opt = new optim.Adam([w, b], { lr: 0.05 });
  trainStep(opt, w, b);
  assert.equal(w.storage, storage);
  close(view.toArray(), (caseNamed("adam").params[0][0] as number[][]).flat(), TOL, "view");
});

Deno.test("optim: parameters whose grad is null are skipped and get no state", () => {
  const [w, b] = startParams();
  const opt = new optim.Adam([w, b], { lr: 0.1 });
  const b0 = b.toArray();
  lossFn(w, b.detach()).backward();
  assert.equal(b.grad, null);
  const w0 = w.toArray();
  opt.step();
  assert.deepEqual(b.toArray(), b0);
  assert.notDeepEqual(w.toArray(), w0);
  assert.ok(opt.state.has(w));
  assert.ok(!opt.state.has(b));
  assert.equal(opt.state.get(w)!.step, 1);
});

Deno.test("optim: step(closure) runs the closure with grad on and returns its loss", () => {
  const [w, b] = startParams();
  const opt = new optim.SGD([w, b], { lr: 0.1 });
  let gradMode: boolean | undefined;
  const loss = noGrad(() =>
    opt.step(() => {
      gradMode = isGradEnabled();
      opt.zeroGrad();
      const l = lossFn(w, b);
      l.backward();
      return l;
    })
  );
  assert.equal(gradMode, true);
  close(loss!.item(), caseNamed("sgd").losses[0], TOL);
  close(w.toArray(), caseNamed("sgd").params[0][0], TOL);
  assert.equal(opt.step(), undefined);
});

Deno.test("optim: plain SGD is p - lr * grad per group, each group with its own lr", () => {
  const p = tensor([1, 2], { dtype: "float64", requiresGrad: true });
  const q = tensor([3], { dtype: "float64", requiresGrad: true });
  const opt = new optim.SGD([{ params: [p] }, { params: q, lr: 0.5 }], { lr: 0.1 });
  p.mul(p).sum().add(q.mul(4).sum()).backward(); // grads 2p = [2, 4] and 4
  opt.step();
  close(p.toArray(), [1 - 0.2, 2 - 0.4], 1e-15);
  close(q.toArray(), [3 - 2], 1e-15);
  assert.equal(opt.paramGroups[0].lr, 0.1);
  assert.equal(opt.paramGroups[1].lr, 0.5);
  assert.equal(opt.paramGroups[1].momentum, 0);
  assert.deepEqual(opt.paramGroups[1].params, [q]);
});

Deno.test("optim: addParamGroup adds parameters with their own options", () => {
  const [w, b] = startParams();
  const opt = new optim.Adam([w], { lr: 0.05 });
  opt.addParamGroup({ params: [b], lr: 0.01, name: "bias" });
  assert.equal(opt.paramGroups.length, 2);
  assert.equal(opt.paramGroups[1].lr, 0.01);
  assert.equal(opt.paramGroups[1].name, "bias");
  assert.deepEqual(opt.paramGroups[1].betas, [0.9, 0.999]);
  assert.notEqual(opt.paramGroups[1].betas, opt.defaults.betas, "groups do not share arrays");
  assert.throws(() => opt.addParamGroup({ params: [w] }), /more than one parameter group/);
});

// ---- zeroGrad ---------------------------------------------------------------------------

Deno.test("optim: zeroGrad sets grads to null by default and to fresh zeros on request", () => {
  const [w, b] = startParams();
  const opt = new optim.SGD([w, b], { lr: 0.1 });
  lossFn(w, b).backward();
  opt.zeroGrad();
  assert.equal(w.grad, null);
  assert.equal(b.grad, null);

  // a.grad and b.grad of a + b may share memory: zeroing must not write through it.
  const shared = tensor([5, 6], f64);
  const p = tensor([1, 2], { dtype: "float64", requiresGrad: true });
  const opt2 = new optim.SGD([p], { lr: 0.1 });
  p.backward(shared);
  opt2.zeroGrad({ setToNone: false });
  assert.deepEqual(p.grad!.toArray(), [0, 0]);
  assert.deepEqual(p.grad!.shape, [2]);
  assert.equal(p.grad!.dtype, "float64");
  assert.deepEqual(shared.toArray(), [5, 6], "the incoming gradient is untouched");
  p.backward(tensor([1, 1], f64));
  assert.deepEqual(p.grad!.toArray(), [1, 1], "zeros accumulate like any grad");
});

// ---- state dicts ------------------------------------------------------------------------

const ROUND_TRIP = [
  "sgd_nesterov_wd",
  "sgd_groups",
  "adam_amsgrad_wd",
  "adamw",
  "rmsprop_centered_momentum",
  "adagrad_lrdecay",
];

for (const name of ROUND_TRIP) {
  Deno.test(`optim: ${name} stateDict round trip continues the same trajectory`, () => {
    const c = caseNamed(name);
    const [w, b] = startParams();
    const opt = build(c, w, b);
    for (let i = 0; i < 5; i++) trainStep(opt, w, b);
    const sd = opt.stateDict();
    const snapshot = JSON.stringify(sd, (_k, v) => (v?.toArray ? v.toArray() : v));

    // PyTorch's layout: parameters numbered in group order, state by number.
    assert.deepEqual(sd.paramGroups.map((g) => g.params), c.groups ? [[0], [1]] : [[0, 1]]);
    assert.deepEqual(Object.keys(sd.state).sort(), ["0", "1"]);
    assert.equal(sd.paramGroups[0].lr, c.groups?.[0].lr ?? c.options.lr ?? opt.defaults.lr);
    for (const s of Object.values(sd.state)) {
      for (const v of Object.values(s)) {
        if (typeof v !== "number") {
          assert.ok(![...opt.state.values()].flatMap(Object.values).includes(v), "cloned");
        }
      }
    }

    // A fresh optimizer over fresh parameters with other options picks up where it left off.
    const w2 = tensor(w, { requiresGrad: true }), b2 = tensor(b, { requiresGrad: true });
    const params2 = c.groups ? [{ params: [w2] }, { params: [b2] }] : [w2, b2];
    const opt2 = new CTORS[c.optimizer](params2, { lr: 0.5 });
    opt2.loadStateDict(sd);
    assert.equal(opt2.paramGroups[0].lr, sd.paramGroups[0].lr);
    assert.equal(opt2.paramGroups[0].params[0], w2);
    for (let i = 5; i < fx.header.steps; i++) {
      trainStep(opt, w, b);
      trainStep(opt2, w2, b2);
      close(w2.toArray(), c.params[i][0], TOL, `${name} loaded W after step ${i + 1}`);
      close(b2.toArray(), c.params[i][1], TOL, `${name} loaded b after step ${i + 1}`);
      close(w.toArray(), c.params[i][0], TOL, `${name} original W after step ${i + 1}`);
    }
    const after = JSON.stringify(sd, (_k, v) => (v?.toArray ? v.toArray() : v));
    assert.equal(after, snapshot, "training on does not change a saved state dict");
  });
}

Deno.test("optim: loadStateDict casts state to the parameters' dtype and checks the layout", () => {
  const [w, b] = startParams();
  const opt = new optim.Adam([w, b], { lr: 0.05 });
  trainStep(opt, w, b);
  const sd = opt.stateDict();

  const w32 = zeros([3, 2], { requiresGrad: true }), b32 = zeros([2], { requiresGrad: true });
  const opt32 = new optim.Adam([w32, b32]);
  opt32.loadStateDict(sd);
  assert.equal((opt32.state.get(w32)!.expAvg as Tensor).dtype, "float32");
  assert.equal(opt32.state.get(w32)!.step, 1);

  assert.throws(
    () => new optim.Adam([w32]).loadStateDict(sd),
    /group 0 of the state dict has 2 parameter\(s\) but the optimizer's has 1/,
  );
  assert.throws(
    () => new optim.Adam([{ params: [w32] }, { params: [b32] }]).loadStateDict(sd),
    /state dict has 1 parameter group\(s\) but the optimizer has 2/,
  );
  assert.throws(
    () => new optim.Adam([b32, w32]).loadStateDict(sd),
    /state 'expAvg' of parameter 0 has shape \[3, 2\] but the parameter has shape \[2\]/,
  );
  assert.throws(
    () => opt.loadStateDict({ ...sd, paramGroups: [{ ...sd.paramGroups[0], lr: -1 }] }),
    /invalid learning rate: -1/,
  );
});

Deno.test("optim: toString lists each group's hyper-parameters as PyTorch's repr", () => {
  const [w, b] = startParams();
  const s = String(new optim.SGD([w, b], { lr: 0.1, momentum: 0.9 }));
  assert.match(s, /^SGD \(\nParameter Group 0\n/);
  assert.match(s, /\n {4}lr: 0.1\n/);
  assert.match(s, /\n {4}momentum: 0.9\n/);
  assert.match(String(new optim.Adam([w])), /betas: \[0.9, 0.999\]/);
});

// ---- errors -----------------------------------------------------------------------------

Deno.test("optim: bad parameters and options get clear errors", () => {
  const [w, b] = startParams();
  const cases: [() => unknown, RegExp][] = [
    [() => new optim.SGD([], { lr: 0.1 }), /SGD: got an empty parameter list/],
    [() => new optim.SGD(w as never, { lr: 0.1 }), /single Tensor. Wrap it in an array: \[t\]/],
    [() => new optim.SGD(5 as never, { lr: 0.1 }), /params must be an iterable of tensors/],
    [
      () => new optim.Adam([w.mul(2)]),
      /can't optimize a non-leaf tensor \(params\[0\], produced by MulBackward\)/,
    ],
    [() => new optim.Adam([w, w]), /params\[1\] appears twice/],
    [() => new optim.Adam([w, { params: [b] }] as never), /only tensors or only parameter groups/],
    [() => new optim.Adam([{ params: [] }]), /empty params list/],
    [() => new optim.Adam([tensor([1, 2], f64)]), /none of the 1 parameter\(s\) requires grad/],
    [() => new optim.Adam([tensor([1], { dtype: "int32" })]), /only floating point tensors.*int32/],
    [() => new optim.SGD([w]), /SGD: the learning rate is required/],
    [() => new optim.SGD([{ params: [w], lr: 0.1 }, { params: [b] }]), /learning rate is required/],
    [() => new optim.SGD([w], { lr: -0.1 }), /SGD: invalid learning rate: -0.1/],
    [() => new optim.SGD([w], { lr: NaN }), /invalid learning rate: NaN/],
    [
      () => new optim.SGD([w], { lr: 0.1, nesterov: true }),
      /Nesterov momentum requires a momentum > 0/,
    ],
    [
      () => new optim.SGD([w], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }),
      /zero dampening/,
    ],
    [() => new optim.SGD([w], { lr: 0.1, momentum: -1 }), /invalid momentum value: -1/],
    [() => new optim.Adam([w], { betas: [1, 0.999] }), /invalid beta parameter at index 0: 1/],
    [() => new optim.Adam([w], { betas: [0.9, -0.1] }), /invalid beta parameter at index 1/],
    [() => new optim.Adam([w], { eps: -1 }), /invalid epsilon value/],
    [
      () => new optim.AdamW([{ params: [w], weightDecay: -1 }]),
      /AdamW: invalid weightDecay value: -1/,
    ],
    [() => new optim.RMSprop([w], { alpha: -0.5 }), /invalid alpha value/],
    [() => new optim.Adagrad([w], { lrDecay: -1 }), /invalid lrDecay value/],
    [
      () => new optim.Adam([w], { weight_decay: 0.1 } as never),
      /unknown option 'weight_decay'; did you mean 'weightDecay'\?/,
    ],
    [
      () => new optim.Adam([w], { momentum: 0.9 } as never),
      /unknown option 'momentum'. +Known options: lr, betas/,
    ],
    [() => new optim.Adam([{ params: [w], weight_decay: 0.1 }]), /did you mean 'weightDecay'/],
  ];
  for (const [fn, re] of cases) assert.throws(fn, re);
});

Deno.test("optim: parameters that do not require grad are accepted beside trainable ones", () => {
  // Fine-tuning: a frozen tensor next to trainable ones is kept, and skipped (no grad).
  const [w, b] = startParams();
  const frozen = tensor([1, 2], f64);
  const opt = new optim.SGD([w, frozen, b], { lr: 0.1 });
  trainStep(opt, w, b);
  assert.deepEqual(frozen.toArray(), [1, 2]);
  close(w.toArray(), caseNamed("sgd").params[0][0], TOL);
});

// ---- lr schedulers ----------------------------------------------------------------------

type SchedulerLike = { step(metric?: number): void; getLastLr(): number[] };

function twoGroupSGD(): optim.SGD {
  const p = zeros([2], { dtype: "float64", requiresGrad: true });
  const q = zeros([1], { dtype: "float64", requiresGrad: true });
  return new optim.SGD([{ params: [p] }, { params: [q], lr: 0.05 }], { lr: 0.1 });
}

function makeScheduler(opt: optim.SGD, cls: string, o: Record<string, unknown>): SchedulerLike {
  // deno-lint-ignore no-explicit-any
  const Ctor = (optim as any)[cls];
  assert.ok(Ctor, cls);
  return new Ctor(opt, o);
}

for (const c of fx.schedulers) {
  Deno.test(`lr scheduler: ${c.name} matches torch's lr sequence`, () => {
    const opt = twoGroupSGD();
    const scheds = c.schedulers.map(([cls, o]) => makeScheduler(opt, cls, o));
    const lrs = [opt.paramGroups.map((g) => g.lr)];
    for (let i = 0; i < fx.header.schedSteps; i++) {
      opt.step();
      for (const s of scheds) c.metrics ? s.step(c.metrics[i]) : s.step();
      lrs.push(opt.paramGroups.map((g) => g.lr));
    }
    close(lrs, c.lrs, 1e-12, c.name);
    close(scheds.at(-1)!.getLastLr(), c.lastLr, 1e-12, `${c.name} getLastLr`);
  });
}

Deno.test("lr scheduler: stateDict / loadStateDict resume the schedule", () => {
  for (const name of ["cosine", "linearlr", "plateau", "steplr"]) {
    const c = fx.schedulers.find((s) => s.name === name)!;
    const [cls, o] = c.schedulers[0];
    const opt = twoGroupSGD();
    const s = makeScheduler(opt, cls, o) as SchedulerLike & {
      stateDict(): optim.SchedulerStateDict;
    };
    const step = (sch: SchedulerLike, i: number) => c.metrics ? sch.step(c.metrics[i]) : sch.step();
    for (let i = 0; i < 7; i++) step(s, i);
    const optSd = opt.stateDict(), schedSd = s.stateDict();

    const opt2 = twoGroupSGD();
    const s2 = makeScheduler(opt2, cls, cls === "ReduceLROnPlateau" ? {} : o) as SchedulerLike & {
      loadStateDict(sd: optim.SchedulerStateDict): void;
    };
    opt2.loadStateDict(optSd);
    s2.loadStateDict(schedSd);
    for (let i = 7; i < fx.header.schedSteps; i++) {
      step(s2, i);
      close(opt2.paramGroups.map((g) => g.lr), c.lrs[i + 1], 1e-12, `${name} resumed ${i}`);
    }
  }
});

Deno.test("lr scheduler: the first scheduler records initialLr; schedulers expose lrScheduler", () => {
  const opt = twoGroupSGD();
  const s = new optim.lrScheduler.LinearLR(opt, { startFactor: 0.5 });
  assert.equal(opt.paramGroups[0].initialLr, 0.1);
  assert.deepEqual(s.baseLrs, [0.1, 0.05]);
  close(s.getLastLr(), [0.05, 0.025], 1e-15);
  assert.ok(s instanceof optim.LRScheduler);
  assert.equal(optim.lrScheduler.ReduceLROnPlateau, optim.ReduceLROnPlateau);
  const p = new optim.ReduceLROnPlateau(opt);
  assert.deepEqual(p.getLastLr(), [0.05, 0.025]);
  p.step(tensor(3));
  assert.equal(p.best, 3);
});

Deno.test("lr scheduler: bad arguments get clear errors", () => {
  const opt = twoGroupSGD();
  const cases: [() => unknown, RegExp][] = [
    [() => new optim.StepLR({} as never, { stepSize: 2 }), /StepLR: expected an optimizer/],
    [() => new optim.StepLR(opt, { stepSize: 0 }), /stepSize must be a positive integer, got 0/],
    [
      () => new optim.ExponentialLR(opt, {} as never),
      /gamma must be a finite number, got undefined/,
    ],
    [() => new optim.CosineAnnealingLR(opt, { tMax: 0 }), /tMax must be > 0/],
    [() => new optim.LinearLR(opt, { startFactor: 0 }), /startFactor must be in \(0, 1\]/],
    [() => new optim.LinearLR(opt, { endFactor: 2 }), /endFactor must be in \[0, 1\]/],
    [() => new optim.ReduceLROnPlateau(opt, { factor: 1 }), /factor should be < 1.0/],
    [() => new optim.ReduceLROnPlateau(opt, { minLr: [0.1] }), /expected 2 minLr values/],
    [
      () => new optim.ReduceLROnPlateau(opt, { mode: "up" as never }),
      /mode must be "min" or "max"/,
    ],
    [() => new optim.ReduceLROnPlateau(opt).step(undefined as never), /expected the metric/],
    [() => new optim.StepLR(opt, { stepSize: 2 }).loadStateDict({ foo: 1 }), /unknown field 'foo'/],
  ];
  for (const [fn, re] of cases) assert.throws(fn, re);
});

// ---- gradient clipping ------------------------------------------------------------------

function paramsWithStartGrads(): [Tensor, Tensor] {
  const [w, b] = startParams();
  lossFn(w, b).mul(5).backward();
  close(w.grad!.toArray(), fx.problem.startGrads[0], TOL, "start grad W");
  return [w, b];
}

for (const c of fx.clip) {
  const label = c.kind === "norm"
    ? `clipGradNorm(maxNorm ${c.maxNorm}, normType ${c.normType})`
    : `clipGradValue(${c.clipValue})`;
  Deno.test(`clip: ${label} matches torch`, () => {
    const [w, b] = paramsWithStartGrads();
    if (c.kind === "norm") {
      const total = optim.clipGradNorm([w, b], c.maxNorm!, c.normType!);
      assert.deepEqual(total.shape, []);
      close(total.item(), c.total!, TOL, "total norm");
    } else {
      optim.clipGradValue([w, b], c.clipValue!);
    }
    close(w.grad!.toArray(), c.grads[0], TOL, "W grad");
    close(b.grad!.toArray(), c.grads[1], TOL, "b grad");
  });
}

Deno.test("clip: Infinity norm, single tensors, shared grads, no grads and errors", () => {
  const [w, b] = paramsWithStartGrads();
  const inf = fx.clip.find((c) => c.normType === "inf" && c.maxNorm! < 1)!;
  close(optim.clipGradNorm([w, b], inf.maxNorm!, Infinity).item(), inf.total!, TOL);
  close(w.grad!.toArray(), inf.grads[0], TOL);

  // A single tensor is accepted; its norm alone is used.
  const p = tensor([3, 4], { dtype: "float64", requiresGrad: true });
  p.backward(tensor([3, 4], f64));
  close(optim.clipGradNorm(p, 1).item(), 5, 1e-15);
  close(p.grad!.toArray(), [3 / (5 + 1e-6), 4 / (5 + 1e-6)], 1e-12);

  // a + b hands both leaves the same (broadcast) gradient memory; clipping must still work.
  const a = tensor([1, 2], { dtype: "float64", requiresGrad: true });
  const c = tensor([3, 4], { dtype: "float64", requiresGrad: true });
  a.add(c).sum().mul(2).backward();
  const total = optim.clipGradNorm([a, c], 2);
  close(total.item(), 4, 1e-15);
  close(a.grad!.toArray(), [1, 1].map((x) => x * 2 * 2 / (4 + 1e-6)), 1e-12);
  close(c.grad!.toArray(), [1, 1].map((x) => x * 2 * 2 / (4 + 1e-6)), 1e-12);
  optim.clipGradValue([a, c], 0.5);
  assert.deepEqual(a.grad!.toArray(), [0.5, 0.5]);

  // float32 grads keep their dtype.
  const f = tensor([1, 1], { requiresGrad: true });
  f.backward(tensor([30, 40]));
  optim.clipGradNorm([f], 5);
  assert.equal(f.grad!.dtype, "float32");
  close(f.grad!.toArray(), [3, 4], 1e-6);

  // No gradients at all: the norm is 0.
  const none = tensor([1], { requiresGrad: true });
  assert.equal(optim.clipGradNorm([none], 1).item(), 0);
  assert.equal(none.grad, null);

  const nan = tensor([1], { dtype: "float64", requiresGrad: true });
  nan.backward(tensor([NaN], f64));
  assert.throws(
    () => optim.clipGradNorm([nan], 1, 2, { errorIfNonfinite: true }),
    /total norm of order 2 of the gradients is NaN/,
  );
  assert.throws(() => optim.clipGradNorm([nan], 1, 0), /normType must be a number > 0 or Infinity/);
  assert.throws(() => optim.clipGradNorm([nan], -1), /maxNorm must be a number >= 0/);
  assert.throws(() => optim.clipGradNorm(3 as never, 1), /expected a tensor or an iterable/);
  assert.throws(() => optim.clipGradValue([nan], -1), /clipValue must be a number >= 0/);
});
