/**
 * Issue 12, section 3: semantics that differed from PyTorch 1.13. Values PyTorch computes come
 * from test/fixtures/semantics.json (make_semantics.py); dtype rules and errors, which the case
 * harness cannot express (it casts every float to one dtype), are asserted here directly, with
 * PyTorch's result beside each.
 */
import assert from "node:assert/strict";
import {
  autograd,
  data,
  metrics,
  nn,
  optim,
  preprocessing,
  type Tensor,
  tensor,
  webgpu,
  where,
  zeros,
} from "gradiente";
import { checkCases, type OpTable } from "./op_cases.ts";

const f64 = { dtype: "float64" } as const;
const i32 = { dtype: "int32" } as const;

function close(got: unknown, want: number[], tol = 1e-6) {
  const g = (got as number[]).flat(4) as number[];
  assert.equal(g.length, want.length);
  g.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= tol, `[${i}]: got ${v}, want ${want[i]}`));
}

function expectValues(t: Tensor, values: unknown, dtype: string) {
  assert.equal(t.dtype, dtype);
  assert.deepEqual(t.toArray(), values);
}

// ---- values and gradients against PyTorch ------------------------------------------------

const table: OpTable = {
  prod: ([x]) => x.prod(),
  prodDim: ([x], [d, k]) => x.prod(d, k),
  var: ([x], [d, u, k]) => x.var(d, u, k),
  std: ([x], [d, u, k]) => x.std(d, u, k),
  varCorrection: ([x], [d, c]) => x.var(d, { correction: c, keepdim: true }),
  varUnbiased: ([x], [u]) => x.var(u),
  pow: ([a, b]) => a.pow(b),
  add: ([a, b]) => a.add(b),
  mul: ([a, b]) => a.mul(b),
  maximum: ([a, b]) => a.maximum(b),
  minimum: ([a, b]) => a.minimum(b),
  addScalar: ([a], [s]) => a.add(s),
  where: ([m], [a, b]) => where(m, a, b),
};
checkCases("semantics.json", table);

const gpuStatus = await webgpu.available();
if (gpuStatus.available) await webgpu.init();
const devices = gpuStatus.available ? ["cpu", "webgpu"] as const : ["cpu"] as const;
const gpuOpts = { sanitizeResources: false, sanitizeOps: false };

// ---- integer powers -------------------------------------------------------------------

for (const device of devices) {
  Deno.test({
    name: `pow: an integer tensor to a negative integer scalar raises, as PyTorch (${device})`,
    ...gpuOpts,
    fn: async () => {
      const x = tensor([1, 2, 3], i32).to(device);
      for (const t of [x, tensor([true, false]).to(device)]) {
        assert.throws(
          () => t.pow(-1),
          /pow: integers to negative integer powers are not allowed .*x\.float\(\)\.pow\(-1\)/,
        );
      }
      // A float base, a tensor exponent and pow(0) are fine. (JS cannot tell -1.0 from -1.)
      close(await x.float().pow(-1).toArrayAsync(), [1, 0.5, 1 / 3]);
      assert.deepEqual(await x.pow(tensor(-1, i32).to(device)).toArrayAsync(), [1, 0, 0]);
      assert.deepEqual(await x.pow(0).toArrayAsync(), [1, 1, 1]);
    },
  });
}

// ---- clamp ------------------------------------------------------------------------------

Deno.test("clamp: a fractional bound lifts an int tensor to float32 (torch.clamp's result type)", () => {
  const x = tensor([0, 1, 2, 3], i32);
  expectValues(x.clamp(0.5), [0.5, 1, 2, 3], "float32"); // torch: float32 [0.5, 1, 2, 3]
  expectValues(x.clamp(null, 2.5), [0, 1, 2, 2.5], "float32");
  expectValues(x.clamp(0.5, 2.5), [0.5, 1, 2, 2.5], "float32");
  expectValues(x.clamp(1, 2), [1, 1, 2, 2], "int32"); // torch: int64
  expectValues(x.clamp(1), [1, 1, 2, 3], "int32");
});

// ---- in-place ops cast like PyTorch ----------------------------------------------------

for (const device of devices) {
  Deno.test({
    name: `in place: a result that can't be cast to the tensor's dtype raises (${device})`,
    ...gpuOpts,
    fn: async () => {
      const x = tensor([1, 2, 3], i32).to(device);
      assert.throws(
        () => x.add_(0.5),
        /add_: the result type float32 can't be cast to the int32 tensor.*x\.add\(/,
      );
      assert.throws(() => x.div_(2), /div_: the result type float32 can't be cast to the int32/);
      assert.throws(() => x.mul_(tensor([0.5, 1, 2]).to(device)), /mul_: .*float32 can't be cast/);
      assert.throws(
        () => tensor([true, false]).to(device).add_(1),
        /add_: the result type int32 can't be cast to the bool tensor/,
      );
      assert.deepEqual(await x.toArrayAsync(), [1, 2, 3]); // left untouched
      // Same category or upwards is fine: int into int, float64 into float32, bool into int.
      assert.deepEqual(await x.add_(1).toArrayAsync(), [2, 3, 4]);
      assert.deepEqual(await x.add_(tensor([true, false, true]).to(device)).toArrayAsync(), [
        3,
        3,
        5,
      ]);
      const b = tensor([true, false]).to(device);
      assert.deepEqual(await b.add_(true).toArrayAsync(), [true, true]);
      if (device === "cpu") {
        const f = tensor([1, 2]);
        f.add_(tensor([0.5, 0.25], f64));
        assert.deepEqual(f.toArray(), [1.5, 2.25]);
      }
    },
  });
}

// ---- prod backward at zeros, higher order ------------------------------------------------

Deno.test("prod: gradients at zeros are exact to second order (createGraph)", () => {
  // torch: g = [0, 6, 0]; grad of g.sum() = [3, 5, 2].
  const x = tensor([2, 0, 3], { ...f64, requiresGrad: true });
  const [g] = autograd.grad(x.prod(), x, { createGraph: true });
  assert.deepEqual(g!.toArray(), [0, 6, 0]);
  const [h] = autograd.grad(g!.sum(), x);
  assert.deepEqual(h!.toArray(), [3, 5, 2]);
  // Two zeros: the first derivative is 0 everywhere, the second is the product of the others.
  const y = tensor([2, 0, 3, 0], { ...f64, requiresGrad: true });
  const [gy] = autograd.grad(y.prod(), y, { createGraph: true });
  assert.deepEqual(gy!.toArray(), [0, 0, 0, 0]);
  assert.deepEqual(autograd.grad(gy!.sum(), y)[0]!.toArray(), [0, 6, 0, 6]);
  // Along a dim, with keepdim.
  const z = tensor([[0, 2], [3, 4]], { ...f64, requiresGrad: true });
  const [gz] = autograd.grad(z.prod(1, true), z, {
    gradOutputs: tensor([[1], [1]], f64),
    createGraph: true,
  });
  assert.deepEqual(gz!.toArray(), [[2, 0], [4, 3]]);
  close(autograd.grad(gz!.sum(), z)[0]!.toArray(), [1, 1, 1, 1], 1e-12);
});

// ---- .grad owns its memory ---------------------------------------------------------------

Deno.test(".grad: zero_() works after sum()'s expand backward", () => {
  const w = tensor([[1, 2], [3, 4]], { requiresGrad: true });
  w.sum().backward();
  assert.ok(w.grad!.isContiguous());
  w.grad!.zero_();
  assert.deepEqual(w.grad!.toArray(), [[0, 0], [0, 0]]);
  w.mean().backward(); // accumulates into the zeroed tensor
  assert.deepEqual(w.grad!.toArray(), [[0.25, 0.25], [0.25, 0.25]]);
});

Deno.test(".grad: two leaves never share a gradient tensor, nor share it with `gradient`", () => {
  const a = tensor([1, 2], { requiresGrad: true }), b = tensor([3, 4], { requiresGrad: true });
  a.add(b).sum().backward(); // add's backward hands the same tensor to a and b
  assert.notEqual(a.grad, b.grad);
  a.grad!.zero_();
  assert.deepEqual(b.grad!.toArray(), [1, 1]);

  const x = tensor([1, 2], { requiresGrad: true });
  const v = tensor([5, 6]);
  x.backward(v); // a leaf's own gradient argument
  v.fill_(0);
  assert.deepEqual(x.grad!.toArray(), [5, 6]);
  const y = tensor([1, 2], { requiresGrad: true });
  const u = tensor([7, 8]);
  y.mul(1).backward(u);
  u.fill_(0);
  assert.deepEqual(y.grad!.toArray(), [7, 8]);
});

Deno.test(".grad: clipGradNorm, clipGradValue and zeroGrad(setToNone: false) write in place", () => {
  const w = tensor([3, 4], { requiresGrad: true });
  w.mul(tensor([3, 4])).sum().backward();
  const g = w.grad!;
  optim.clipGradNorm([w], 1);
  assert.equal(w.grad, g);
  assert.ok(Math.abs((g.toArray() as number[])[0] - 0.6) < 1e-5);
  optim.clipGradValue([w], 0.5);
  assert.equal(w.grad, g);
  assert.ok(Math.abs((g.toArray() as number[])[0] - 0.5) < 1e-6);
  const opt = new optim.SGD([w], { lr: 0.1 });
  opt.zeroGrad({ setToNone: false });
  assert.equal(w.grad, g);
  assert.deepEqual(g.toArray(), [0, 0]);

  const lin = new nn.Linear(2, 1);
  lin.call(tensor([[1, 2]])).sum().backward();
  const lw = lin.weight.grad!;
  lin.zeroGrad({ setToNone: false });
  assert.equal(lin.weight.grad, lw);
  assert.deepEqual(lw.toArray(), [[0, 0]]);
});

// ---- var / std ---------------------------------------------------------------------------

Deno.test("var/std: PyTorch's (dim, unbiased, keepdim) order and the options form", () => {
  const x = tensor([[1, 2, 3, 4], [2, 4, 6, 8]], f64);
  assert.deepEqual(x.var(1, true, true).shape, [2, 1]); // the old order read true as keepdim
  assert.deepEqual(x.var(1, false).toArray(), [1.25, 5]);
  assert.deepEqual(x.var(1, { correction: 0, keepdim: true }).toArray(), [[1.25], [5]]);
  assert.deepEqual(x.var(1, { unbiased: false }).toArray(), [1.25, 5]);
  assert.deepEqual(x.var({ keepdim: true }).shape, [1, 1]);
  assert.equal(x.std(false).item(), Math.sqrt(x.var(false).item() as number));
  assert.throws(() => x.var(1, { correction: 0, unbiased: false }), /var: give either/);
  assert.throws(() => x.std(1, { keep_dim: true } as never), /std: unknown option 'keep_dim'/);
  assert.throws(() => x.var(1, { correction: 0 } as never, true), /keepdim inside the options/);
});

// ---- unknown option keys -----------------------------------------------------------------

Deno.test("options: snake_case keys throw with the camelCase spelling", () => {
  const didYouMean = (fn: () => unknown, op: string, key: string, camel: string) =>
    assert.throws(
      fn,
      new RegExp(`${op}: unknown option '${key}'; did you mean '${camel}'\\?`),
    );
  // deno-lint-ignore no-explicit-any
  const any = (o: unknown) => o as any;
  didYouMean(
    () => tensor([1], any({ requires_grad: true })),
    "tensor",
    "requires_grad",
    "requiresGrad",
  );
  didYouMean(
    () => zeros(2, any({ requires_grad: true })),
    "zeros",
    "requires_grad",
    "requiresGrad",
  );
  didYouMean(
    () => new nn.CrossEntropyLoss(any({ label_smoothing: 0.1 })),
    "CrossEntropyLoss",
    "label_smoothing",
    "labelSmoothing",
  );
  didYouMean(
    () =>
      nn.functional.crossEntropy(tensor([[1, 2]]), tensor([0], i32), any({ label_smoothing: 0.1 })),
    "crossEntropy",
    "label_smoothing",
    "labelSmoothing",
  );
  assert.throws(() => new nn.MSELoss(any({ weight: null })), /MSELoss: unknown option 'weight'/);
  didYouMean(
    () => new nn.BatchNorm1d(2, any({ track_running_stats: false })),
    "BatchNorm1d",
    "track_running_stats",
    "trackRunningStats",
  );
  assert.throws(() => new nn.Linear(2, 2, any({ bias_: false })), /Linear: unknown option 'bias_'/);
  const ds = new data.TensorDataset(zeros(4, 2));
  didYouMean(
    () => new data.DataLoader(ds, any({ batch_size: 4 })),
    "DataLoader",
    "batch_size",
    "batchSize",
  );
  assert.throws(
    () => new data.DataLoader(ds, any({ numWorkers: 2 })),
    /DataLoader: 'numWorkers' is not supported here\. gradiente loads batches in one thread.*no worker pool/,
  );
  assert.throws(() => new data.DataLoader(ds, any({ num_workers: 2 })), /no worker pool/);
  const w = tensor([1], { requiresGrad: true });
  didYouMean(
    () => new optim.SGD([w], any({ lr: 0.1, weight_decay: 0 })),
    "SGD",
    "weight_decay",
    "weightDecay",
  );
  const opt = new optim.SGD([w], { lr: 0.1 });
  didYouMean(
    () => new optim.lrScheduler.StepLR(opt, any({ step_size: 2 })),
    "StepLR",
    "step_size",
    "stepSize",
  );
  didYouMean(
    () => opt.zeroGrad(any({ set_to_none: false })),
    "SGD.zeroGrad",
    "set_to_none",
    "setToNone",
  );
  didYouMean(
    () => metrics.f1([0, 1], [0, 1], any({ pos_label: 1 })),
    "f1",
    "pos_label",
    "posLabel",
  );
  didYouMean(
    () => new preprocessing.StandardScaler(any({ with_mean: false })),
    "StandardScaler",
    "with_mean",
    "withMean",
  );
  didYouMean(() => data.makeBlobs(any({ n_samples: 10 })), "makeBlobs", "n_samples", "nSamples");
  didYouMean(
    () =>
      tensor([1], { requiresGrad: true }).mul(2).backward(undefined, any({ retain_graph: true })),
    "backward",
    "retain_graph",
    "retainGraph",
  );
});

// ---- result types --------------------------------------------------------------------------

for (const device of devices) {
  Deno.test({
    name: `bool: sub and neg raise as PyTorch; add/mul/maximum stay bool (${device})`,
    ...gpuOpts,
    fn: async () => {
      const p = tensor([true, false]).to(device), q = tensor([true, true]).to(device);
      assert.throws(
        () => p.sub(q),
        /sub: subtraction of two bool tensors is not supported.*logicalXor\(a, b\)/,
      );
      assert.throws(() => p.sub(1), /sub: subtraction with a bool tensor .*logicalNot\(\)/);
      assert.throws(() => tensor([1, 2], i32).to(device).sub(p), /logicalNot\(\)/);
      assert.throws(
        () => p.neg(),
        /neg: negation of a bool tensor is not supported.*logicalNot\(\)/,
      );
      const sum = p.add(q);
      assert.equal(sum.dtype, "bool");
      assert.deepEqual(await sum.toArrayAsync(), [true, true]);
      assert.deepEqual(await p.mul(q).toArrayAsync(), [true, false]);
      assert.equal(p.add(1).dtype, "int32"); // torch: int64 [2, 1]
      assert.deepEqual(await p.add(1).toArrayAsync(), [2, 1]);
    },
  });

  Deno.test({
    name: `where(mask, 1, 0) is int32 (torch: int64), 1.5 makes it float32 (${device})`,
    ...gpuOpts,
    fn: async () => {
      const m = tensor([true, false]).to(device);
      const w = where(m, 1, 0);
      assert.equal(w.dtype, "int32");
      assert.deepEqual(await w.toArrayAsync(), [1, 0]);
      assert.equal(where(m, 1.5, 0).dtype, "float32");
      assert.equal(where(m, true, false).dtype, "bool");
    },
  });

  Deno.test({
    name: `a 0-d tensor does not upcast a dimensioned tensor of its category (${device})`,
    ...gpuOpts,
    fn: () => {
      const on = (t: Tensor) => t.to(device);
      const f32 = on(tensor([1, 2])), i = on(tensor([1, 2], i32)), b = on(tensor([true, false]));
      // torch.result_type: int 0-d + float 1-d is float32, float 0-d + int 1-d is float32,
      // int 0-d + bool 1-d is int, bool 0-d + int 1-d is int.
      assert.equal(on(tensor(1, i32)).add(f32).dtype, "float32");
      assert.equal(on(tensor(1.5)).add(i).dtype, "float32");
      assert.equal(i.mul(on(tensor(2.5))).dtype, "float32");
      assert.equal(on(tensor(3, i32)).add(b).dtype, "int32");
      assert.equal(b.add(on(tensor(true))).dtype, "bool");
      assert.equal(i.add(on(tensor(true))).dtype, "int32");
      if (device === "cpu") {
        // float64 0-d + float32 1-d is float32; a float64 0-d with an int 1-d is float64.
        assert.equal(tensor(1, f64).add(f32).dtype, "float32");
        assert.equal(f32.mul(tensor(2, f64)).dtype, "float32");
        assert.equal(where(tensor([true, false]), tensor(1, f64), f32).dtype, "float32");
        assert.equal(tensor(1, f64).add(i).dtype, "float64");
        assert.equal(tensor(1, f64).add(tensor(1)).dtype, "float64"); // both 0-d: promote
        assert.equal(tensor([1], f64).add(f32).dtype, "float64"); // both dimensioned
      }
    },
  });
}

Deno.test("repr: an empty tensor names its dtype when it is not float32", () => {
  assert.equal(String(tensor([], i32)), "tensor([], dtype=int32)"); // torch: dtype=torch.int32
  assert.equal(String(tensor([], { dtype: "bool" })), "tensor([], dtype=bool)");
  assert.equal(String(tensor([], f64)), "tensor([], dtype=float64)");
  assert.equal(String(tensor([])), "tensor([])");
  assert.equal(String(zeros([0, 2], i32)), "tensor([], size=[0, 2], dtype=int32)");
});
