/**
 * nn: Module registration and naming, containers, train/eval, stateDict round trips and
 * loadStateDict's errors, to(dtype), the repr, layer initialization, nn.init, the functional
 * forms, loss errors, and gradchecks (float64) of the losses, BatchNorm1d, GELU and the erf /
 * log1p ops that GELU and BCEWithLogits need.
 */
import assert from "node:assert/strict";
import {
  Generator,
  gradcheck,
  manualSeed,
  type NestedArray,
  nn,
  noGrad,
  ones,
  rand,
  randint,
  randn,
  Tensor,
  tensor,
  zeros,
} from "gradiente";
import { erf, log1p } from "../src/ops/mod.ts";

const F = nn.functional;
const f64 = { dtype: "float64" } as const;

function vals(t: Tensor): number[] {
  const flat = (v: NestedArray): number[] =>
    Array.isArray(v) ? (v as readonly NestedArray[]).flatMap(flat) : [Number(v)];
  return flat(t.toArray());
}

function closeVals(actual: Tensor, expected: number[], tol = 1e-6): void {
  const a = vals(actual);
  assert.equal(a.length, expected.length, "length");
  a.forEach((v, i) =>
    assert.ok(
      Math.abs(v - expected[i]) <= tol * (1 + Math.abs(expected[i])),
      `element ${i}: got ${v}, expected ${expected[i]}`,
    )
  );
}

/** A module seen without its type (JavaScript callers): call() on one without forward. */
function untyped(m: nn.Module): { call(): unknown } {
  return m as unknown as { call(): unknown };
}

class Net extends nn.Module {
  flatten = new nn.Flatten();
  stack = new nn.Sequential(
    new nn.Linear(784, 128),
    new nn.ReLU(),
    new nn.Linear(128, 64),
    new nn.ReLU(),
    new nn.Linear(64, 10),
    new nn.LogSoftmax(1),
  );

  forward(x: Tensor): Tensor {
    return this.stack.call(this.flatten.call(x));
  }
}

// ---- registration and naming ---------------------------------------------------------------

Deno.test("fields are discovered in insertion order: names, parameter counts, children", () => {
  manualSeed(0);
  const net = new Net();
  assert.deepEqual(net.namedParameters().map(([n, p]) => [n, [...p.shape]]), [
    ["stack.0.weight", [128, 784]],
    ["stack.0.bias", [128]],
    ["stack.2.weight", [64, 128]],
    ["stack.2.bias", [64]],
    ["stack.4.weight", [10, 64]],
    ["stack.4.bias", [10]],
  ]);
  const count = net.parameters().reduce((n, p) => n + p.numel(), 0);
  assert.equal(count, 784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10);
  assert.deepEqual(net.namedChildren().map(([n]) => n), ["flatten", "stack"]);
  assert.equal(net.modules().length, 1 + 1 + 1 + 6);
  assert.deepEqual(net.namedModules().slice(0, 4).map(([n]) => n), [
    "",
    "flatten",
    "stack",
    "stack.0",
  ]);
  assert.ok(net.parameters().every((p) => p instanceof nn.Parameter && p.requiresGrad && p.isLeaf));
  assert.deepEqual(net.parameters({ recurse: false }), []);
});

Deno.test("Parameters and modules as fields, plain tensors and arrays ignored, shared once", () => {
  class Custom extends nn.Module {
    scale = new nn.Parameter(ones(3));
    plain = zeros(2); // not a Parameter: not learned
    list = [new nn.Linear(2, 2)]; // plain arrays are not searched (use ModuleList)
    shared: nn.Linear;
    again: nn.Linear;
    frozen = new nn.Parameter(zeros(1), false);
    constructor() {
      super();
      this.shared = new nn.Linear(3, 1);
      this.again = this.shared;
    }
  }
  const m = new Custom();
  assert.deepEqual(m.namedParameters().map(([n]) => n), [
    "scale",
    "frozen",
    "shared.weight",
    "shared.bias",
  ]);
  assert.equal(m.children().length, 1, "a module held twice is one child");
  assert.equal(m.frozen.requiresGrad, false);
  // stateDict keeps both names of the shared module, as PyTorch.
  assert.deepEqual(Object.keys(m.stateDict()), [
    "scale",
    "frozen",
    "shared.weight",
    "shared.bias",
  ]);
});

Deno.test("Parameter wraps a tensor's storage as a leaf that requires grad", () => {
  const t = tensor([1, 2, 3]);
  const p = new nn.Parameter(t);
  assert.ok(p instanceof Tensor);
  assert.equal(p.storage, t.storage);
  assert.ok(p.requiresGrad && p.isLeaf);
  assert.equal(String(p), "Parameter containing:\ntensor([1., 2., 3.], requiresGrad=true)");
  assert.throws(() => new nn.Parameter(tensor([1, 2], { dtype: "int32" })), /floating point/);
  const y = p.mul(2).sum();
  y.backward();
  assert.deepEqual(p.grad!.toArray(), [2, 2, 2]);
});

Deno.test("Sequential: get, length, iteration, named entries, forward", () => {
  const a = new nn.Linear(3, 4), r = new nn.ReLU(), b = new nn.Linear(4, 2);
  const seq = new nn.Sequential(a, r, b);
  assert.equal(seq.length, 3);
  assert.equal(seq.get(0), a);
  assert.equal(seq.get(-1), b);
  assert.deepEqual([...seq], [a, r, b]);
  assert.throws(() => seq.get(3), /Sequential\.get: index 3 is out of range for 3 module/);
  const x = randn(5, 3);
  closeVals(seq.call(x), vals(b.call(r.call(a.call(x)))), 1e-6);
  const named = new nn.Sequential({ fc: new nn.Linear(2, 2), act: new nn.Tanh() });
  assert.deepEqual(Object.keys(named.stateDict()), ["fc.weight", "fc.bias"]);
  seq.append(new nn.Sigmoid());
  assert.equal(seq.length, 4);
  assert.equal(seq.namedChildren()[3][0], "3");
  assert.throws(
    () => new nn.Sequential(new nn.ReLU(), {} as nn.Module),
    /Sequential: argument 1 is not an nn.Module/,
  );
});

Deno.test("ModuleList and ModuleDict register their items", () => {
  class Stack extends nn.Module {
    layers = new nn.ModuleList([new nn.Linear(2, 3), new nn.Linear(3, 1)]);
    heads = new nn.ModuleDict({ cls: new nn.Linear(1, 4), reg: new nn.Linear(1, 1) });
  }
  const s = new Stack();
  assert.deepEqual(s.namedParameters().map(([n]) => n), [
    "layers.0.weight",
    "layers.0.bias",
    "layers.1.weight",
    "layers.1.bias",
    "heads.cls.weight",
    "heads.cls.bias",
    "heads.reg.weight",
    "heads.reg.bias",
  ]);
  s.layers.append(new nn.Linear(1, 1));
  assert.equal(s.layers.length, 3);
  assert.equal(s.parameters().length, 10);
  assert.deepEqual(s.heads.keys(), ["cls", "reg"]);
  assert.equal(s.heads.get("reg"), s.heads.values()[1]);
  assert.throws(() => s.heads.get("nope"), /no module named 'nope'. Keys: cls, reg/);
  assert.throws(() => untyped(s.layers).call(), /ModuleList: this module has no forward\(\)/);
  s.heads.pop("reg");
  assert.equal(s.parameters().length, 8);
});

Deno.test("registerBuffer: buffers move with the module; non-persistent ones are not saved", () => {
  class WithBuffers extends nn.Module {
    fc = new nn.Linear(2, 2);
    constructor() {
      super();
      this.registerBuffer("stats", zeros(2));
      this.registerBuffer("cache", ones(3), { persistent: false });
    }
  }
  const m = new WithBuffers();
  assert.deepEqual(m.namedBuffers().map(([n]) => n), ["stats", "cache"]);
  assert.deepEqual(Object.keys(m.stateDict()), ["stats", "fc.weight", "fc.bias"]);
  m.to("float64");
  assert.equal((m as unknown as { cache: Tensor }).cache.dtype, "float64");
  assert.throws(() => m.registerBuffer("a.b", zeros(1)), /without dots/);
  assert.throws(
    () => m.registerParameter("p", zeros(1) as nn.Parameter),
    /must be an nn.Parameter/,
  );
});

Deno.test("forward and call: call runs forward with the same arguments", () => {
  class Affine extends nn.Module {
    forward(x: Tensor, shift: number): Tensor {
      return x.mul(2).add(shift);
    }
  }
  const m = new Affine();
  assert.deepEqual(m.call(tensor([1, 2]), 1).toArray(), [3, 5]);
  assert.throws(() => untyped(new nn.Module()).call(), /Module: this module has no forward\(\)/);
  // a Sequential of a module without forward says which one
  assert.throws(
    () => new nn.Sequential(new nn.ModuleDict()).call(zeros(1)),
    /ModuleDict: this module/,
  );
});

Deno.test("apply, zeroGrad and requiresGrad_ reach every submodule", () => {
  const net = new Net();
  const names: string[] = [];
  net.apply((m) => names.push(m.constructor.name));
  assert.equal(names[names.length - 1], "Net");
  assert.equal(names.length, net.modules().length);
  net.apply((m) => {
    if (m instanceof nn.Linear) nn.init.zeros_(m.bias!);
  });
  assert.ok(
    net.parameters().filter((_, i) => i % 2 === 1).every((b) => vals(b).every((v) => v === 0)),
  );
  net.call(randn(2, 1, 28, 28)).sum().backward();
  assert.ok(net.parameters().every((p) => p.grad !== null));
  net.zeroGrad({ setToNone: false });
  assert.ok(net.parameters().every((p) => vals(p.grad!).every((v) => v === 0)));
  net.zeroGrad();
  assert.ok(net.parameters().every((p) => p.grad === null));
  net.requiresGrad_(false);
  assert.ok(net.parameters().every((p) => !p.requiresGrad));
  assert.equal(net.call(randn(1, 784)).requiresGrad, false);
});

// ---- modes -----------------------------------------------------------------------------------

Deno.test("train()/eval() set training everywhere; Dropout is inverted dropout in train only", () => {
  const model = new nn.Sequential(new nn.Linear(4, 4), new nn.Dropout(0.25));
  assert.ok(model.modules().every((m) => m.training));
  assert.equal(model.eval(), model);
  assert.ok(model.modules().every((m) => !m.training));
  model.train();
  assert.ok(model.modules().every((m) => m.training));

  manualSeed(3);
  const drop = new nn.Dropout(0.25);
  const x = ones(200, 50);
  const y = vals(drop.call(x));
  const zerosFrac = y.filter((v) => v === 0).length / y.length;
  assert.ok(Math.abs(zerosFrac - 0.25) < 0.02, `dropped ${zerosFrac}`);
  assert.ok(y.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-6));
  manualSeed(3);
  assert.deepEqual(vals(drop.call(x)), y, "seeded");
  drop.eval();
  assert.equal(drop.call(x), x, "identity in eval");
  assert.deepEqual(vals(F.dropout(x, 1, true)).filter((v) => v !== 0), []);
  assert.equal(F.dropout(x, 0.5, false), x);
  assert.throws(() => new nn.Dropout(1.5), /between 0 and 1/);
  // the gradient flows through the kept elements only, scaled
  const xs = ones(10).requiresGrad_();
  const out = F.dropout(xs, 0.5, true, { generator: new Generator(1) });
  out.sum().backward();
  assert.deepEqual(vals(xs.grad!), vals(out));
});

Deno.test("BatchNorm1d: batch statistics in train, running statistics in eval", () => {
  manualSeed(5);
  const bn = new nn.BatchNorm1d(3);
  const x = randn(8, 3).mul(3).add(2);
  const y = bn.call(x);
  closeVals(y.mean(0), [0, 0, 0], 1e-5);
  closeVals(y.var(0, false), [1, 1, 1], 1e-3);
  const mean = x.mean(0), varU = x.var(0);
  closeVals(bn.runningMean!, vals(mean.mul(0.1)), 1e-5);
  closeVals(bn.runningVar!, vals(varU.mul(0.1).add(0.9)), 1e-5);
  assert.equal(bn.numBatchesTracked!.item(), 1);

  bn.eval();
  const z = randn(4, 3);
  const expected = z.sub(bn.runningMean!).div(bn.runningVar!.add(1e-5).sqrt());
  closeVals(bn.call(z), vals(expected), 1e-5);
  assert.equal(bn.numBatchesTracked!.item(), 1, "eval does not count batches");
  const before = vals(bn.runningMean!);
  bn.call(z);
  assert.deepEqual(vals(bn.runningMean!), before, "eval does not update running stats");
  bn.call(randn(1, 3)); // one sample is fine in eval

  bn.train();
  assert.throws(() => bn.call(randn(1, 3)), /more than 1 value per channel when training/);
  assert.throws(() => bn.call(randn(4, 5)), /expected 3 channels in dim 1.*\[4, 5\]/);
  assert.throws(() => bn.call(randn(4)), /2-D \[N, C\] or 3-D \[N, C, L\]/);

  // 3-D input: statistics over N and L
  const bn3 = new nn.BatchNorm1d(2, { affine: false });
  const y3 = bn3.call(randn(4, 2, 5));
  closeVals(y3.mean([0, 2]), [0, 0], 1e-5);
  assert.deepEqual(bn3.parameters(), []);

  // without running stats, eval normalizes with the batch's statistics
  const free = new nn.BatchNorm1d(2, { trackRunningStats: false }).eval();
  assert.equal(free.runningMean, null);
  assert.deepEqual(Object.keys(free.stateDict()), ["weight", "bias"]);
  closeVals(free.call(x.narrow(1, 0, 2)).mean(0), [0, 0], 1e-5);
});

// ---- state dicts ----------------------------------------------------------------------------

Deno.test("stateDict / loadStateDict round trip (parameters and BatchNorm buffers)", () => {
  const make = () =>
    new nn.Sequential(
      new nn.Linear(4, 8),
      new nn.BatchNorm1d(8),
      new nn.ReLU(),
      new nn.Linear(8, 2),
    );
  manualSeed(1);
  const a = make();
  a.call(randn(16, 4)); // moves the running stats away from their defaults
  const sd = a.stateDict();
  assert.deepEqual(Object.keys(sd), [
    "0.weight",
    "0.bias",
    "1.weight",
    "1.bias",
    "1.running_mean",
    "1.running_var",
    "1.num_batches_tracked",
    "3.weight",
    "3.bias",
  ]);
  assert.equal(sd["0.weight"].storage, a.get(0).parameters()[0].storage, "shares storage");
  assert.equal(sd["0.weight"].requiresGrad, false, "detached");
  manualSeed(2);
  const b = make();
  const x = randn(3, 4);
  a.eval();
  b.eval();
  assert.notDeepEqual(vals(b.call(x)), vals(a.call(x)));
  const refs = b.parameters();
  const result = b.loadStateDict(sd);
  assert.deepEqual(result, { missingKeys: [], unexpectedKeys: [] });
  assert.deepEqual(vals(b.call(x)), vals(a.call(x)));
  assert.ok(b.parameters().every((p, i) => p === refs[i]), "parameters keep their identity");
  assert.equal((b.get(1) as nn.BatchNorm1d).numBatchesTracked!.item(), 1);
  // a Map works too, and values are copied (not aliased)
  b.loadStateDict(new Map(Object.entries(sd)));
  noGrad(() => (a.get(0) as nn.Linear).weight.fill_(7));
  assert.ok(vals((b.get(0) as nn.Linear).weight).every((v) => v !== 7));
});

Deno.test("loadStateDict errors list missing keys, unexpected keys and shape mismatches", () => {
  const model = new nn.Sequential(new nn.Linear(4, 3), new nn.Linear(3, 2));
  const sd = model.stateDict();

  const missing = { ...sd };
  delete missing["1.bias"];
  assert.throws(
    () => model.loadStateDict(missing),
    (e: Error) =>
      /loadStateDict: error\(s\) in loading the state dict for Sequential/.test(e.message) &&
      /Missing key\(s\): "1.bias"\./.test(e.message) && /strict: false/.test(e.message),
  );

  const extra = { ...sd, "2.weight": zeros(2, 2), "0.scale": ones(1) };
  assert.throws(
    () => model.loadStateDict(extra),
    /Unexpected key\(s\): "2.weight", "0.scale"\./,
  );

  const wrong = { ...sd, "0.weight": zeros(3, 5) };
  assert.throws(
    () => model.loadStateDict(wrong),
    /Size mismatch for '0.weight': copying a tensor of shape \[3, 5\] into a tensor of shape \[3, 4\]/,
  );
  // shapes must match even when not strict
  assert.throws(() => model.loadStateDict(wrong, { strict: false }), /Size mismatch/);

  const before = vals(model.stateDict()["0.weight"]);
  const res = model.loadStateDict({ ...extra, "0.weight": ones(3, 4) }, { strict: false });
  assert.deepEqual(res, { missingKeys: [], unexpectedKeys: ["2.weight", "0.scale"] });
  assert.notDeepEqual(vals(model.stateDict()["0.weight"]), before);
  const partial = model.loadStateDict({ "1.bias": zeros(2) }, { strict: false });
  assert.deepEqual(partial.missingKeys, ["0.weight", "0.bias", "1.weight"]);
  assert.throws(
    () => model.loadStateDict({ ...sd, "1.bias": [1, 2] as unknown as Tensor }),
    /Value for '1.bias' is not a Tensor/,
  );
});

Deno.test("to('float64') converts parameters, grads and float buffers in place", () => {
  const model = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4));
  const refs = model.parameters();
  model.call(randn(5, 3)).sum().backward();
  assert.equal(model.to("float64"), model);
  const params = model.parameters();
  assert.ok(params.every((p, i) => p === refs[i] && p.dtype === "float64" && p.requiresGrad));
  assert.ok(params.every((p) => p.grad!.dtype === "float64"));
  const bn = model.get(1) as nn.BatchNorm1d;
  assert.equal(bn.runningMean!.dtype, "float64");
  assert.equal(bn.numBatchesTracked!.dtype, "int32", "integer buffers keep their dtype");
  const y = model.call(randn(5, 3, f64));
  assert.equal(y.dtype, "float64");
  y.sum().backward();
  assert.equal(params[0].grad!.dtype, "float64");
  model.float();
  assert.equal(params[0].dtype, "float32");
  assert.throws(() => model.to("int32"), /only floating point dtypes/);
  assert.throws(() => model.to("gpu" as "cpu"), /unknown dtype or device 'gpu'/);
});

// ---- repr -----------------------------------------------------------------------------------

Deno.test("repr follows PyTorch's layout", () => {
  const seq = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU());
  assert.equal(
    String(seq),
    "Sequential(\n  (0): Linear(inFeatures=784, outFeatures=128, bias=true)\n  (1): ReLU()\n)",
  );
  assert.equal(Deno.inspect(seq), String(seq));
  assert.equal(
    String(new Net()),
    [
      "Net(",
      "  (flatten): Flatten(startDim=1, endDim=-1)",
      "  (stack): Sequential(",
      "    (0): Linear(inFeatures=784, outFeatures=128, bias=true)",
      "    (1): ReLU()",
      "    (2): Linear(inFeatures=128, outFeatures=64, bias=true)",
      "    (3): ReLU()",
      "    (4): Linear(inFeatures=64, outFeatures=10, bias=true)",
      "    (5): LogSoftmax(dim=1)",
      "  )",
      ")",
    ].join("\n"),
  );
  const reprs = [
    new nn.Linear(2, 3, { bias: false }),
    new nn.LeakyReLU(0.2),
    new nn.GELU({ approximate: "tanh" }),
    new nn.Softmax(-1),
    new nn.Dropout(0.1),
    new nn.BatchNorm1d(4),
    new nn.Embedding(10, 3),
    new nn.Identity(),
    new nn.CrossEntropyLoss(),
    new nn.ModuleList(),
  ].map(String);
  assert.deepEqual(reprs, [
    "Linear(inFeatures=2, outFeatures=3, bias=false)",
    "LeakyReLU(negativeSlope=0.2)",
    'GELU(approximate="tanh")',
    "Softmax(dim=-1)",
    "Dropout(p=0.1)",
    "BatchNorm1d(4, eps=0.00001, momentum=0.1, affine=true, trackRunningStats=true)",
    "Embedding(10, 3)",
    "Identity()",
    "CrossEntropyLoss()",
    "ModuleList()",
  ]);
});

// ---- layers and init ------------------------------------------------------------------------

Deno.test("Linear: shapes, PyTorch's default init bounds, seeded, forward = x·Wᵀ + b", () => {
  manualSeed(42);
  const fc = new nn.Linear(100, 30);
  assert.deepEqual(fc.weight.shape, [30, 100]);
  assert.deepEqual(fc.bias!.shape, [30]);
  const bound = 1 / Math.sqrt(100);
  const w = vals(fc.weight), b = vals(fc.bias!);
  assert.ok(w.every((v) => Math.abs(v) <= bound) && b.every((v) => Math.abs(v) <= bound));
  // U(-bound, bound) fills the interval: extremes near the bounds, mean near 0
  assert.ok(Math.max(...w) > 0.95 * bound && Math.min(...w) < -0.95 * bound);
  assert.ok(Math.abs(w.reduce((s, v) => s + v, 0) / w.length) < 0.01 * bound * 10);
  const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
  assert.ok(Math.abs(variance - bound * bound / 3) < 0.1 * bound * bound / 3);
  manualSeed(42);
  assert.deepEqual(vals(new nn.Linear(100, 30).weight), w);

  const x = randn(7, 100);
  closeVals(fc.call(x), vals(x.matmul(fc.weight.T).add(fc.bias!)));
  assert.deepEqual(fc.call(randn(2, 5, 100)).shape, [2, 5, 30], "batched leading dims");
  assert.throws(() => fc.call(randn(7, 99)), /last dim must be inFeatures=100.*\[7, 99\]/);
  assert.throws(() => fc.call(randn(7, 1, 10, 10)), /Flatten the input first/);
  const nb = new nn.Linear(3, 2, { bias: false, dtype: "float64" });
  assert.equal(nb.bias, null);
  assert.equal(nb.weight.dtype, "float64");
  assert.deepEqual(nb.namedParameters().map(([n]) => n), ["weight"]);
});

Deno.test("Flatten, Identity, activations and Embedding", () => {
  const x = randn(2, 3, 4, 5);
  assert.deepEqual(new nn.Flatten().call(x).shape, [2, 60]);
  assert.deepEqual(new nn.Flatten(0, 1).call(x).shape, [6, 4, 5]);
  assert.equal(new nn.Identity().call(x), x);
  const v = tensor([-2, -0.5, 0, 1.5]);
  assert.deepEqual(new nn.ReLU().call(v).toArray(), [0, 0, 0, 1.5]);
  closeVals(new nn.LeakyReLU(0.1).call(v), [-0.2, -0.05, 0, 1.5]);
  closeVals(new nn.Sigmoid().call(v), [-2, -0.5, 0, 1.5].map((a) => 1 / (1 + Math.exp(-a))));
  closeVals(new nn.Tanh().call(v), [-2, -0.5, 0, 1.5].map(Math.tanh));
  // GELU(1) = Φ(1) = 0.8413447460685429; the tanh form gives 0.8411919906082768
  closeVals(new nn.GELU().call(tensor([1, -1, 0], f64)), [
    0.8413447460685429,
    -0.15865525393145707,
    0,
  ], 1e-14);
  closeVals(
    new nn.GELU({ approximate: "tanh" }).call(tensor([1], f64)),
    [0.8411919906082768],
    1e-14,
  );
  assert.throws(() => new nn.GELU({ approximate: "fast" as "tanh" }), /"none" or "tanh"/);
  const sm = new nn.Softmax(1).call(randn(3, 4));
  closeVals(sm.sum(1), [1, 1, 1]);
  closeVals(
    new nn.LogSoftmax(1).call(tensor([[1, 2, 3]])).exp(),
    vals(F.softmax(tensor([[1, 2, 3]]), 1)),
  );

  manualSeed(9);
  const emb = new nn.Embedding(10, 4);
  const idx = tensor([[1, 2], [2, 9]], { dtype: "int32" });
  const out = emb.call(idx);
  assert.deepEqual(out.shape, [2, 2, 4]);
  assert.deepEqual(vals(out.index(1, 0)), vals(emb.weight.index(2)));
  out.sum().backward();
  assert.deepEqual(vals(emb.weight.grad!.sum(1)), [0, 4, 8, 0, 0, 0, 0, 0, 0, 4]);
  assert.throws(
    () => emb.call(tensor([10], { dtype: "int32" })),
    /index 10 is out of range for 10 embeddings/,
  );
  assert.throws(() => emb.call(tensor([1.0])), /indices must be an int32 tensor, got float32/);
  const w = vals(new nn.Embedding(100, 50).weight);
  const mean = w.reduce((s, a) => s + a, 0) / w.length;
  const std = Math.sqrt(w.reduce((s, a) => s + (a - mean) ** 2, 0) / w.length);
  assert.ok(Math.abs(mean) < 0.05 && Math.abs(std - 1) < 0.05, `N(0, 1) init: ${mean}, ${std}`);
});

Deno.test("nn.init: gains, fans, bounds and spreads, generators, errors", () => {
  const { init } = nn;
  assert.equal(init.calculateGain("relu"), Math.SQRT2);
  assert.equal(init.calculateGain("tanh"), 5 / 3);
  assert.equal(init.calculateGain("sigmoid"), 1);
  assert.equal(init.calculateGain("selu"), 0.75);
  assert.equal(init.calculateGain("leakyRelu"), Math.sqrt(2 / (1 + 0.01 ** 2)));
  assert.equal(init.calculateGain("leakyRelu", 0.2), Math.sqrt(2 / 1.04));
  assert.throws(() => init.calculateGain("swish" as "relu"), /unsupported nonlinearity 'swish'/);

  const w = zeros(200, 300, f64);
  assert.deepEqual(init.calculateFanInAndFanOut(w), { fanIn: 300, fanOut: 200 });
  assert.deepEqual(init.calculateFanInAndFanOut(zeros(8, 4, 3, 3)), { fanIn: 36, fanOut: 72 });

  const stdOf = (t: Tensor) => Math.sqrt(vals(t).reduce((s, v) => s + v * v, 0) / t.numel());
  const maxAbs = (t: Tensor) => Math.max(...vals(t).map(Math.abs));
  const a = Math.sqrt(6 / 500);
  init.xavierUniform_(w);
  assert.ok(maxAbs(w) <= a && maxAbs(w) > 0.99 * a);
  init.xavierNormal_(w, 2);
  assert.ok(Math.abs(stdOf(w) / (2 * Math.sqrt(2 / 500)) - 1) < 0.02);
  init.kaimingNormal_(w, { mode: "fanOut", nonlinearity: "relu" });
  assert.ok(Math.abs(stdOf(w) / (Math.SQRT2 / Math.sqrt(200)) - 1) < 0.02);
  init.kaimingUniform_(w);
  const b = Math.SQRT2 * Math.sqrt(3 / 300);
  assert.ok(maxAbs(w) <= b && maxAbs(w) > 0.99 * b);
  init.uniform_(w, 2, 3);
  assert.ok(vals(w).every((v) => v >= 2 && v < 3));
  init.normal_(w, 5, 0.1);
  assert.ok(Math.abs(vals(w.mean())[0] - 5) < 0.01);
  init.constant_(w, 0.5);
  assert.ok(vals(w).every((v) => v === 0.5));
  assert.equal(init.ones_(w), w);
  assert.ok(vals(w).every((v) => v === 1));

  const p = new nn.Parameter(zeros(3, 4));
  const g1 = vals(init.normal_(p, 0, 1, { generator: new Generator(7) }));
  const g2 = vals(init.normal_(p, 0, 1, { generator: new Generator(7) }));
  assert.deepEqual(g1, g2, "a generator makes it reproducible");
  assert.ok(p.requiresGrad && p.isLeaf && p.gradFn === null, "in place, outside autograd");
  assert.throws(() => init.kaimingUniform_(zeros(5)), /fewer than 2 dims.*\[5\]/);
  assert.throws(
    () => init.kaimingUniform_(w, { mode: "fan_in" as "fanIn" }),
    /"fanIn" or "fanOut"/,
  );
  assert.throws(() => init.uniform_(zeros(2, { dtype: "int32" })), /floating point/);
});

// ---- functional -----------------------------------------------------------------------------

Deno.test("functional: oneHot, linear, activations", () => {
  const oh = F.oneHot(tensor([0, 2, 1], { dtype: "int32" }));
  assert.equal(oh.dtype, "int32");
  assert.deepEqual(oh.toArray(), [[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
  assert.deepEqual(F.oneHot(tensor([[1], [0]], { dtype: "int32" }), 4).shape, [2, 1, 4]);
  assert.deepEqual(F.oneHot([1, 0], 2).toArray(), [[0, 1], [1, 0]]);
  assert.throws(
    () => F.oneHot(tensor([3], { dtype: "int32" }), 3),
    /class value 3 is too large for numClasses=3/,
  );
  assert.throws(() => F.oneHot(tensor([1.5])), /int32/);
  assert.throws(() => F.oneHot(tensor([-1], { dtype: "int32" })), /non-negative/);
  const x = randn(4, 3), w = randn(2, 3), b = randn(2);
  closeVals(F.linear(x, w, b), vals(x.matmul(w.T).add(b)));
  closeVals(F.linear(x, w), vals(x.matmul(w.T)));
  assert.deepEqual(F.relu(tensor([-1, 2])).toArray(), [0, 2]);
  closeVals(F.leakyRelu(tensor([-1, 2]), 0.5), [-0.5, 2]);
  closeVals(F.gelu(tensor([3], f64)), [2.99595030590511], 1e-14);
});

Deno.test("erf and log1p ops: accurate values (the kernels GELU and BCEWithLogits use)", () => {
  // reference values from Python's math.erf / math.log1p
  closeVals(
    erf(tensor([0, 0.1, -0.5, 1, 2.4999, 2.5, 3, -4.5, 6.5, 1e-10], f64)),
    [
      0,
      0.1124629160182849,
      -0.5204998778130465,
      0.8427007929497149,
      0.9995928300996666,
      0.999593047982555,
      0.9999779095030014,
      -0.9999999998033839,
      1,
      1.1283791670955126e-10,
    ],
    1e-14,
  );
  assert.equal(vals(erf(tensor([1e-10], f64)))[0], 1.1283791670955126e-10);
  assert.ok(Number.isNaN(vals(erf(tensor([NaN], f64)))[0]));
  assert.equal(vals(log1p(tensor([1e-20], f64)))[0], 1e-20);
  closeVals(log1p(tensor([1, -0.5], f64)), [Math.LN2, Math.log(0.5)], 1e-15);
  const xs = randn(6, f64).requiresGrad_();
  assert.equal(gradcheck((t) => erf(t), [xs]), true);
  assert.equal(gradcheck((t) => log1p(t.abs()), [xs]), true);
});

// ---- loss errors and edge cases -------------------------------------------------------------

Deno.test("loss errors name the loss, the shapes and the fix", () => {
  const ce = new nn.CrossEntropyLoss();
  const logits = randn(4, 3);
  assert.throws(
    () => ce.call(logits, tensor([0, 1, 3, 2], { dtype: "int32" })),
    /CrossEntropyLoss: target 3 is out of bounds for 3 classes \(input \[4, 3\]\); class indices must be in 0\.\.2 \(or ignoreIndex=-100\)/,
  );
  assert.throws(
    () => ce.call(logits, tensor([0, 1, 2, 1])),
    /CrossEntropyLoss: got a float32 target of shape \[4\].*input's shape \[4, 3\].*int32 of shape \[4\].*target\.int\(\)/,
  );
  assert.throws(
    () => ce.call(logits, tensor([[0], [1], [2], [1]], { dtype: "int32" })),
    /CrossEntropyLoss: for an input of shape \[4, 3\] the class-index target must have shape \[4\], got \[4, 1\]\. Reshape it: target\.reshape\(\[4\]\)/,
  );
  assert.throws(
    () => ce.call(tensor([[1, 2]], { dtype: "int32" }), tensor([0], { dtype: "int32" })),
    /must be floating point/,
  );
  assert.throws(
    () => new nn.NLLLoss().call(logits.logSoftmax(1), tensor([0, 1, 2, 1])),
    /NLLLoss: the target must hold class indices as int32, got float32 of shape \[4\]\. Convert it with target\.int\(\)/,
  );
  assert.throws(
    () => F.crossEntropy(logits, tensor([0, 1, 2, 1], { dtype: "int32" }), { weight: ones(4) }),
    /crossEntropy: weight must be a 1-D tensor with one entry per class, shape \[3\], got \[4\]/,
  );
  assert.throws(
    () => new nn.MSELoss().call(randn(5, 1), randn(5)),
    /MSELoss: input has shape \[5, 1\] but target has shape \[5\]; they must be the same\. .*target\.reshape\(\[5, 1\]\)/,
  );
  assert.throws(
    () => new nn.BCELoss().call(tensor([0.5, 1.2]), tensor([0, 1])),
    /BCELoss: input values must be probabilities in \[0, 1\], got 1\.2.*BCEWithLogitsLoss/,
  );
  assert.throws(
    () => new nn.L1Loss({ reduction: "avg" as "mean" }),
    /L1Loss: reduction must be "mean", "sum" or "none", got "avg"/,
  );
  assert.throws(() => new nn.HuberLoss({ delta: 0 }), /delta must be positive/);
  assert.throws(
    () => new nn.CrossEntropyLoss({ labelSmoothing: 1.5 }),
    /labelSmoothing must be between 0 and 1/,
  );
});

Deno.test("losses: all-ignored mean is NaN (as PyTorch), extreme logits stay finite, float32 default", () => {
  const allIgnored = F.crossEntropy(randn(2, 3), tensor([-100, -100], { dtype: "int32" }));
  assert.ok(Number.isNaN(allIgnored.item()));
  const x = tensor([[1e4, -1e4], [-1e4, 1e4]]).requiresGrad_();
  const loss = new nn.CrossEntropyLoss().call(x, tensor([1, 1], { dtype: "int32" }));
  closeVals(loss, [1e4]);
  loss.backward();
  assert.ok(vals(x.grad!).every(Number.isFinite));
  assert.equal(loss.dtype, "float32");
  const bl = new nn.BCEWithLogitsLoss({ reduction: "none" }).call(
    tensor([1e4, -1e4, 1000]),
    tensor([0, 1, 1]),
  );
  closeVals(bl, [1e4, 1e4, 0]);
  // nested arrays work as targets: integer labels, or probabilities of the input's shape
  closeVals(F.crossEntropy(tensor([[0, 0]]), [1]), [Math.LN2]);
  closeVals(F.crossEntropy(tensor([[0, 0]]), [[0.5, 0.5]]), [Math.LN2]);
  // a loss holds its class weight as a buffer, so it moves with to()
  const weighted = new nn.CrossEntropyLoss({ weight: tensor([1, 2]) }).to("float64");
  assert.deepEqual(Object.keys(weighted.stateDict()), ["weight"]);
  assert.equal(weighted.weight!.dtype, "float64");
});

// ---- gradchecks -----------------------------------------------------------------------------

Deno.test("gradcheck: regression and binary losses (input and target), every reduction", () => {
  const g = new Generator(11);
  const r = (...s: number[]) => randn(s, { ...f64, generator: g });
  for (const reduction of ["mean", "sum", "none"] as const) {
    const x = r(3, 2).requiresGrad_(), y = r(3, 2).requiresGrad_();
    assert.ok(gradcheck((a, b) => F.mseLoss(a, b, { reduction }), [x, y]));
    assert.ok(gradcheck((a, b) => F.l1Loss(a, b, { reduction }), [x, y]));
    assert.ok(gradcheck((a, b) => F.huberLoss(a, b, { reduction, delta: 0.7 }), [x, y]));
    const p = rand([3, 2], { ...f64, generator: g }).mul(0.8).add(0.1).requiresGrad_();
    const t = rand([3, 2], { ...f64, generator: g }).requiresGrad_();
    const w = tensor([0.5, 2], f64);
    assert.ok(gradcheck((a, b) => F.binaryCrossEntropy(a, b, { reduction, weight: w }), [p, t]));
    const z = r(3, 2).mul(3).requiresGrad_();
    assert.ok(gradcheck((a, b) => F.binaryCrossEntropyWithLogits(a, b, { reduction }), [z, t]));
    assert.ok(
      gradcheck(
        (a, b) =>
          F.binaryCrossEntropyWithLogits(a, b, {
            reduction,
            weight: w,
            posWeight: tensor([3, 0.5], f64),
          }),
        [z, t],
      ),
    );
  }
});

Deno.test("gradcheck: crossEntropy and nllLoss with weights, ignoreIndex, smoothing, probabilities", () => {
  const g = new Generator(12);
  const z = randn([5, 4], { ...f64, generator: g }).requiresGrad_();
  const labels = tensor([0, 3, -100, 1, 3], { dtype: "int32" });
  const w = tensor([1, 0.5, 2, 1.5], f64);
  const probs = rand([5, 4], { ...f64, generator: g }).requiresGrad_();
  const z3 = randn([2, 3, 2], { ...f64, generator: g }).requiresGrad_();
  const l3 = randint(0, 3, [2, 2], { generator: g });
  for (const reduction of ["mean", "sum", "none"] as const) {
    assert.ok(
      gradcheck((a) => F.crossEntropy(a, labels, { reduction, weight: w, labelSmoothing: 0.2 }), [
        z,
      ]),
    );
    assert.ok(gradcheck((a) => F.nllLoss(a, labels, { reduction, weight: w }), [z]));
    assert.ok(
      gradcheck((a, b) => F.crossEntropy(a, b, { reduction, weight: w, labelSmoothing: 0.1 }), [
        z,
        probs,
      ]),
    );
    assert.ok(gradcheck((a) => F.crossEntropy(a, l3, { reduction, labelSmoothing: 0.1 }), [z3]));
  }
});

Deno.test("gradcheck: BatchNorm1d in training mode (input, weight, bias), 2-D and 3-D; GELU; Linear", () => {
  manualSeed(13);
  for (const shape of [[4, 3], [3, 3, 2]]) {
    const bn = new nn.BatchNorm1d(3, { dtype: "float64" });
    nn.init.uniform_(bn.weight!, 0.5, 1.5);
    nn.init.normal_(bn.bias!);
    const x = randn(shape, f64).requiresGrad_();
    assert.ok(
      gradcheck(
        (a, wt, bs) => F.batchNorm(a, null, null, { weight: wt, bias: bs, training: true }),
        [x, bn.weight!, bn.bias!],
      ),
    );
    assert.ok(gradcheck((a) => bn.call(a), [x]));
    bn.eval();
    assert.ok(gradcheck((a) => bn.call(a), [x]));
  }
  const x = randn([7], f64).mul(2).requiresGrad_();
  assert.ok(gradcheck((a) => F.gelu(a), [x]));
  assert.ok(gradcheck((a) => F.gelu(a, { approximate: "tanh" }), [x]));
  const fc = new nn.Linear(3, 2, { dtype: "float64" });
  assert.ok(
    gradcheck((a, w, b) => F.linear(a, w, b), [
      randn([4, 3], f64).requiresGrad_(),
      fc.weight,
      fc.bias!,
    ]),
  );
});

// ---- end to end -------------------------------------------------------------------------------

Deno.test("an MLP learns XOR with CrossEntropyLoss and plain gradient steps", () => {
  manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 2));
  const lossFn = new nn.CrossEntropyLoss();
  const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = tensor([0, 1, 1, 0], { dtype: "int32" });
  const first = lossFn.call(model.call(x), y).item() as number;
  let last = first;
  for (let step = 0; step < 300; step++) {
    model.zeroGrad();
    const loss = lossFn.call(model.call(x), y);
    loss.backward();
    noGrad(() => model.parameters().forEach((p) => p.sub_(p.grad!.mul(0.5))));
    last = loss.item() as number;
  }
  assert.ok(last < 0.05 && last < first / 10, `loss ${first} -> ${last}`);
  assert.deepEqual(model.call(x).argmax(1).toArray(), [0, 1, 1, 0]);
});
