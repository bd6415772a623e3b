/**
 * Shape and creation ops of issue 12: values and gradients against PyTorch (ops_shape.json),
 * gradcheck, views that share storage, errors, and the random ops (moments, ranges,
 * reproducibility: their generators differ from PyTorch's, so there are no fixture values).
 */
import assert from "node:assert/strict";
import {
  autograd,
  bernoulli,
  broadcastTo,
  diag,
  diagEmbed,
  diagonal,
  empty,
  emptyLike,
  enableGrad,
  expandAs,
  exponential_,
  flip,
  Generator,
  logspace,
  manualSeed,
  meshgrid,
  movedim,
  multinomial,
  noGrad,
  normal,
  randn,
  repeat,
  repeatInterleave,
  repeatInterleaveAsync,
  reshapeAs,
  roll,
  swapaxes,
  t,
  type Tensor,
  tensor,
  tile,
  trace,
  tril,
  triu,
  unbind,
  unflatten,
  viewAs,
  webgpu,
  zeros,
} from "gradiente";
import { checkGrad as check } from "./grad_helpers.ts";
import { checkCases } from "./op_cases.ts";

// deno-lint-ignore no-explicit-any
const opt = (v: any) => (v === null ? undefined : v);
const counts = (r: number | number[]) => (Array.isArray(r) ? tensor(r, { dtype: "int32" }) : r);

checkCases("ops_shape.json", {
  flip: ([x], [d]) => flip(x, d),
  "flip(x.t())": ([x], [d]) => flip(x.t(), d),
  roll: ([x], [s, d]) => roll(x, s, opt(d)),
  repeat: ([x], [r]) => x.repeat(r),
  tile: ([x], [r]) => tile(x, r),
  repeatInterleave: ([x], [r, d]) => repeatInterleave(x, counts(r), opt(d)),
  t: ([x]) => t(x),
  movedim: ([x], [s, d]) => movedim(x, s, d),
  swapaxes: ([x], [a, b]) => swapaxes(x, a, b),
  unflatten: ([x], [d, s]) => unflatten(x, d, s),
  "unflatten(x.transpose(0, 1))": ([x], [d, s]) => x.transpose(0, 1).unflatten(d, s),
  unbind: ([x], [d]) => unbind(x, d),
  viewAs: ([x], [s]) => viewAs(x, zeros(s)),
  reshapeAs: ([x], [s]) => reshapeAs(x.t(), zeros(s)),
  expandAs: ([x], [s]) => expandAs(x, zeros(s)),
  broadcastTo: ([x], [s]) => broadcastTo(x, s),
  diag: ([x], [k]) => diag(x, k),
  diagEmbed: ([x], [o, a, b]) => diagEmbed(x, o, a, b),
  diagonal: ([x], [o, a, b]) => diagonal(x, o, a, b),
  "diagonal(x.t())": ([x], [o, a, b]) => x.t().diagonal(o, a, b),
  trace: ([x]) => trace(x),
  tril: ([x], [k]) => tril(x, k),
  triu: ([x], [k]) => triu(x, k),
  meshgrid: (xs, [indexing]) => meshgrid(...xs, { indexing }),
  // No inputs carry the device or the float dtype here; the webgpu upload is tested below.
  logspace: {
    fn: (_, [[a, b, n, base]]) => logspace(a, b, n, { base, dtype: "float64" }),
    gpu: false,
  },
});

function leaf(shape: number[], seed: number): Tensor {
  const g = new Generator(seed);
  return noGrad(() => randn(shape, { dtype: "float64", generator: g })).requiresGrad_();
}

Deno.test("gradcheck: flip, roll, repeat, tile, repeatInterleave", () => {
  for (const shape of [[3], [2, 3], [2, 3, 2]]) {
    const x = leaf(shape, shape.length);
    check((a) => flip(a, shape.length > 1 ? [0, -1] : [0]), [x]);
    check((a) => roll(a, 2), [x]);
    check((a) => roll(a, [1], [-1]), [x]);
    check((a) => repeat(a, [2, ...shape.map(() => 2)]), [x]);
    check((a) => tile(a, [3]), [x]);
    check((a) => repeatInterleave(a, 2, 0), [x]);
    check((a) => repeatInterleave(a, [2, 0, 1].slice(0, shape[0]), 0), [x]);
    check((a) => repeatInterleave(a, 3), [x]);
  }
  const x = leaf([2, 3], 9);
  check((a) => flip(a.t(), [1]), [x]);
});

Deno.test("gradcheck: t, movedim, swapaxes, unflatten, unbind, viewAs, expandAs, broadcastTo", () => {
  const x = leaf([2, 3, 4], 1);
  check((a) => t(a.sum(0)), [x]);
  check((a) => movedim(a, [0, 2], [2, 0]), [x]);
  check((a) => swapaxes(a, 0, -1), [x]);
  check((a) => unflatten(a.transpose(0, 2), 0, [2, 2]), [x]);
  check((a) => unbind(a, 1), [x]);
  check((a) => viewAs(a, zeros(6, 4)), [x]);
  check((a) => reshapeAs(a.transpose(0, 1), zeros(24)), [x]);
  check((a) => expandAs(a.sum(1, true), zeros(3, 2, 3, 4)), [x]);
  check((a) => broadcastTo(a.sum(0), [2, 3, 4]), [x]);
  check((a, b) => meshgrid(a, b, { indexing: "xy" }), [leaf([3], 2), leaf([2], 3)]);
});

Deno.test("gradcheck: diag, diagEmbed, diagonal, trace, tril, triu (and second order)", () => {
  const v = leaf([4], 1), m = leaf([3, 4], 2), b = leaf([2, 3, 4], 3);
  for (const k of [0, 1, -2]) {
    check((a) => diag(a, k), [v]);
    check((a) => diag(a, k), [m]);
    check((a) => diagonal(a, k, -1, 0), [b]);
    check((a) => diagEmbed(a, k, 0, 2), [m]);
    check((a) => tril(a, k), [b]);
    check((a) => triu(a, k), [m]);
  }
  check((a) => trace(a), [m]);
  check((a) => diagonal(a.transpose(0, 1), 1), [m]);
  // Second order: the backward rules of diagonal, diagEmbed and flip are differentiable too.
  const v2 = leaf([3], 5), v4 = leaf([2, 3, 4], 6);
  const second = (f: (a: Tensor) => Tensor, v: Tensor) => (a: Tensor) =>
    enableGrad(() => autograd.grad(f(a), a, { gradOutputs: [v], createGraph: true })[0]!);
  check(second((a) => diagonal(a.mul(a)), v2), [leaf([3, 3], 4)]);
  check(second((a) => diagEmbed(a.mul(a), 0, 0, 1).sum(0), v2), [leaf([3], 7)]);
  check(second((a) => flip(a.mul(a), [1]), v4), [leaf([2, 3, 4], 8)]);
});

Deno.test("views share storage: diagonal, movedim, swapaxes, unflatten, t, unbind, broadcastTo", () => {
  const x = zeros(3, 4);
  const views = [
    x.diagonal(),
    x.movedim(0, 1),
    x.swapaxes(0, 1),
    x.unflatten(1, [2, 2]),
    x.t(),
    x.unbind(0)[1],
    x.broadcastTo(2, 3, 4),
    ...meshgrid(x.index(0), x.index(1)),
  ];
  for (const v of views) assert.equal(v.storage, x.storage);
  x.diagonal(1).fill_(7);
  assert.deepEqual(x.toArray(), [[0, 7, 0, 0], [0, 0, 7, 0], [0, 0, 0, 7]]);
  x.unbind(1)[0].fill_(2);
  assert.deepEqual(x.index(":", 0).toArray(), [2, 2, 2]);
  // Copies, as in PyTorch: flip, roll, repeat, diag of a matrix, tril.
  const copies = [
    x.flip(0),
    x.roll(0),
    x.repeat(1, 1),
    x.repeatInterleave(1, 0),
    x.diag(),
    x.tril(),
  ];
  for (const c of copies) {
    assert.notEqual(c.storage, x.storage);
  }
});

Deno.test("tensor() takes one-element tensors inside nested arrays, as torch.tensor does", () => {
  assert.deepEqual(tensor([tensor(1), tensor(2.5)]).toArray(), [1, 2.5]);
  assert.deepEqual(tensor([[tensor([1]), 2], [3, 4]]).toArray(), [[1, 2], [3, 4]]);
  const i = tensor(3, { dtype: "int32" });
  assert.equal(tensor([i, i]).dtype, "int32");
  assert.equal(tensor([i, 2]).dtype, "int32");
  assert.equal(tensor([i, 2.5]).dtype, "float32");
  assert.equal(tensor([i, tensor(1, { dtype: "float64" })]).dtype, "float64");
  assert.equal(tensor([i], { dtype: "float32" }).dtype, "float32");
  assert.throws(
    () => tensor([tensor([1, 2]), tensor([3, 4])]),
    /tensor: only one-element tensors can be elements of a nested array, but data\[0\] has shape \[2\]\. Use stack\(\)/,
  );
});

Deno.test("empty, emptyLike (zero-filled) and logspace", () => {
  assert.deepEqual(empty(2, 3).toArray(), [[0, 0, 0], [0, 0, 0]]);
  assert.deepEqual(empty([2], { dtype: "int32" }).dtype, "int32");
  const e = emptyLike(tensor([[1, 2]], { dtype: "float64" }));
  assert.deepEqual([e.shape, e.dtype], [[1, 2], "float64"]);
  assert.deepEqual(logspace(0, 3, 4).toArray(), [1, 10, 100, 1000]);
  assert.deepEqual(logspace(0, 2, 3, { base: 2, dtype: "int32" }).toArray(), [1, 2, 4]);
  assert.equal(logspace(0, 1, 2, { requiresGrad: true }).requiresGrad, true);
  assert.throws(
    () => empty(2, { requires_grad: true } as never),
    /empty: unknown option 'requires_grad'; did you mean 'requiresGrad'\?/,
  );
  assert.throws(
    () => emptyLike(e, { dtpye: "int32" } as never),
    /emptyLike: unknown option 'dtpye'/,
  );
  assert.throws(
    () => logspace(0, 1, 2, { bsae: 2 } as never),
    /logspace: unknown option 'bsae'\. Known options: base, dtype/,
  );
});

Deno.test("shape op errors name the op, the shapes and the fix", () => {
  const x = zeros(2, 3);
  const cases: [() => unknown, RegExp][] = [
    [
      () => t(zeros(2, 3, 4)),
      /t: expects a tensor with <= 2 dimensions, but got shape \[2, 3, 4\].*transpose/,
    ],
    [() => roll(x, [1, 2], [0]), /roll: shifts \[1, 2\] and dims \[0\] must have the same length/],
    [() => roll(x, [1, 2]), /roll: without dims, shifts must be one number/],
    [() => flip(x, [0, 0]), /flip: dim list \[0, 0\] repeats a dimension/],
    [
      () => repeat(x, [2]),
      /repeat: got 1 repeat counts \[2\] for a tensor of shape \[2, 3\].*tile\(\) pads/,
    ],
    [() => repeat(x, [1, -1]), /repeat: repeat counts must be non-negative integers, got -1/],
    [() => tile(x, [1.5]), /tile: repeat counts must be non-negative integers, got 1.5/],
    [
      () => repeatInterleave(x, [1, 2], 1),
      /repeatInterleave: repeats must have the same size as the input along dim 1: got 2 counts for size 3/,
    ],
    [
      () => repeatInterleave(x, -1),
      /repeatInterleave: repeat counts must be non-negative integers, got -1/,
    ],
    [
      () => repeatInterleave(x, tensor([1, 2])),
      /repeatInterleave: repeats must be an int32 tensor, got float32\. Convert it with \.int\(\)/,
    ],
    [() => movedim(x, [0, 1], [0, 0]), /movedim: repeated dim in destination \[0, 0\]/],
    [
      () => movedim(x, [0, 1], [0]),
      /movedim: source \[0, 1\] and destination \[0\] must have the same number of dims/,
    ],
    [
      () => unflatten(x, 1, [2, 2]),
      /unflatten: sizes \[2, 2\] don't multiply up to the size of dim 1 \(3\) of the input of shape \[2, 3\]/,
    ],
    [() => unflatten(x, 1, [-1, -1]), /unflatten: only one size can be -1/],
    [() => unbind(tensor(1)), /unbind: cannot unbind a 0-d tensor/],
    [() => viewAs(x.t(), zeros(6)), /view: the tensor of shape \[3, 2\] is not contiguous/],
    [() => broadcastTo(x, [3, 3]), /expand: cannot expand shape \[2, 3\] to \[3, 3\]/],
    [() => diag(zeros(2, 2, 2)), /diag: matrix or a vector expected, got shape \[2, 2, 2\]/],
    [
      () => diagonal(x, 0, 1, -1),
      /diagonal: diagonal dimensions cannot be identical \(dim1 1, dim2 -1\)/,
    ],
    [
      () => diagonal(zeros(3)),
      /diagonal: expects a tensor with at least 2 dimensions, got shape \[3\]\. Use diag\(\)/,
    ],
    [() => diagEmbed(zeros(2), 0, 0, -2), /diagEmbed: diagonal dimensions cannot be identical/],
    [
      () => trace(zeros(2, 2, 2)),
      /trace: expected a matrix, but got a tensor with shape \[2, 2, 2\]/,
    ],
    [() => tril(zeros(3)), /tril: input tensor must have at least 2 dimensions, got shape \[3\]/],
    [() => triu(x, 0.5), /triu: diagonal must be an integer, got 0\.5/],
    [
      () => meshgrid(x, zeros(2)),
      /meshgrid: expected 0-D or 1-D tensors, but tensor 0 has shape \[2, 3\]/,
    ],
    [
      () => meshgrid(zeros(2), { indexing: "ab" as never }),
      /meshgrid: indexing must be one of "xy" or "ij", but received: ab/,
    ],
    [
      () => meshgrid(zeros(2), { index: "xy" } as never),
      /meshgrid: unknown option 'index'\. Known options: indexing/,
    ],
    [
      () => meshgrid(zeros(2), zeros(2, { dtype: "int32" })),
      /meshgrid: all tensors must have the same dtype and device, but tensor 1 is int32/,
    ],
  ];
  for (const [fn, re] of cases) assert.throws(fn, re);
});

// ---- random ops -------------------------------------------------------------------------

function moments(v: ArrayLike<number>): { mean: number; std: number; min: number; max: number } {
  const a = Array.from(v, Number);
  const mean = a.reduce((s, x) => s + x, 0) / a.length;
  const std = Math.sqrt(a.reduce((s, x) => s + (x - mean) ** 2, 0) / (a.length - 1));
  return { mean, std, min: Math.min(...a), max: Math.max(...a) };
}

/** Checks the moments of samples, at a tolerance of ~5 standard errors for n samples. */
function assertMoments(v: ArrayLike<number>, mean: number, std: number, what: string): void {
  const m = moments(v), se = std / Math.sqrt(v.length);
  assert.ok(Math.abs(m.mean - mean) < 5 * se + 1e-12, `${what}: mean ${m.mean}, want ${mean}`);
  assert.ok(Math.abs(m.std - std) < 0.05 * std + 1e-12, `${what}: std ${m.std}, want ${std}`);
}

/** Each random op, on `device`, as a function of a generator: for moments and reproducibility. */
function randomSuite(device: "cpu" | "webgpu") {
  const n = 20000;
  const z = () => zeros(n, { device });
  return {
    uniform: (g: Generator) => z().uniform_(-2, 4, { generator: g }),
    normal_: (g: Generator) => z().normal_(3, 0.5, { generator: g }),
    exponential: (g: Generator) => exponential_(z(), 4, { generator: g }),
    bernoulli_: (g: Generator) => z().bernoulli_(0.3, { generator: g }),
    bernoulli: (g: Generator) => bernoulli(zeros(n, { device }).add(0.7), { generator: g }),
    normal: (g: Generator) => normal(zeros(n, { device }).add(-1), 2, { generator: g }),
    multinomial: (g: Generator) =>
      multinomial(tensor([1, 0, 3], { device }), n, { replacement: true, generator: g }),
  };
}

async function checkDistributions(device: "cpu" | "webgpu") {
  const s = randomSuite(device), g = new Generator(5);
  const u = await s.uniform(g).data();
  assertMoments(u, 1, 6 / Math.sqrt(12), `${device} uniform_`);
  const um = moments(u);
  assert.ok(um.min >= -2 && um.max < 4, `${device} uniform_ range [${um.min}, ${um.max}]`);
  assertMoments(await s.normal_(g).data(), 3, 0.5, `${device} normal_`);
  const e = await s.exponential(g).data();
  assertMoments(e, 0.25, 0.25, `${device} exponential_`);
  assert.ok(moments(e).min >= 0 && Array.from(e).every(Number.isFinite));
  for (const [name, p] of [["bernoulli_", 0.3], ["bernoulli", 0.7]] as const) {
    const b = await s[name](g).data();
    assert.ok(Array.from(b).every((x) => x === 0 || x === 1), `${device} ${name}: only 0/1`);
    assertMoments(b, p, Math.sqrt(p * (1 - p)), `${device} ${name}`);
  }
  assertMoments(await s.normal(g).data(), -1, 2, `${device} normal`);
  const m = s.multinomial(g);
  assert.equal(m.dtype, "int32");
  const idx = Array.from(await m.data());
  assert.ok(!idx.includes(1), `${device} multinomial picked a zero-weight category`);
  const frac2 = idx.filter((i) => i === 2).length / idx.length;
  assert.ok(Math.abs(frac2 - 0.75) < 5 * Math.sqrt(0.75 * 0.25 / idx.length), `${frac2}`);
  // Ten categories, weights 0..9: each frequency within 5 standard errors.
  const ten = Array.from(
    await multinomial(tensor([...Array(10).keys()], { device }), 20000, {
      replacement: true,
      generator: g,
    }).data(),
  );
  for (let k = 0; k < 10; k++) {
    const f = ten.filter((i) => i === k).length / ten.length, p = k / 45;
    assert.ok(
      Math.abs(f - p) <= 5 * Math.sqrt(p * (1 - p) / ten.length),
      `${device} cat ${k}: ${f}`,
    );
  }
  // Without replacement: every row's picks are distinct, all of the non-zero categories.
  const w = tensor([[0, 1, 2, 3, 0], [5, 0, 0, 1, 1]], { device });
  const rows = await multinomial(w, 3, { generator: g }).toArrayAsync() as number[][];
  assert.deepEqual(rows.map((r) => [...r].sort()), [[1, 2, 3], [0, 3, 4]]);
  // Without replacement, the first pick follows the weights.
  const first = await multinomial(tensor([1, 3], { device }).reshape(1, 2).expand(4000, 2), 1, {
    generator: g,
  }).data();
  const f1 = Array.from(first).filter((i) => i === 1).length / first.length;
  assert.ok(Math.abs(f1 - 0.75) < 0.04, `${device} multinomial without replacement: ${f1}`);
}

Deno.test("random ops on the cpu: moments, ranges, 0/1 values", () => checkDistributions("cpu"));

Deno.test("random ops on the cpu are reproducible under a seed (Generator and manualSeed)", () => {
  const s = randomSuite("cpu");
  for (const [name, fn] of Object.entries(s)) {
    const a = fn(new Generator(7))._values(), b = fn(new Generator(7))._values();
    const c = fn(new Generator(8))._values();
    assert.deepEqual(a, b, `${name}: same seed, same values`);
    assert.notDeepEqual(a, c, `${name}: another seed, other values`);
  }
  manualSeed(3);
  const a = [zeros(5).uniform_()._values(), multinomial(tensor([1, 1, 1, 1]), 3)._values()];
  manualSeed(3);
  const b = [zeros(5).uniform_()._values(), multinomial(tensor([1, 1, 1, 1]), 3)._values()];
  assert.deepEqual(a, b);
  const x = zeros(3, { dtype: "float64" });
  assert.equal(x.normal_(), x, "in-place fills return the tensor");
});

Deno.test("random op errors, as PyTorch's", () => {
  const x = zeros(3);
  const cases: [() => unknown, RegExp][] = [
    [
      () => multinomial(tensor([1, 0, 0]), 2),
      /multinomial: invalid multinomial distribution \(with replacement=False, not enough non-zero categories to sample\): row 0 has 1 non-zero weights for 2 samples/,
    ],
    [
      () => multinomial(tensor([1, -1, 0]), 1),
      /multinomial: probability tensor contains either `inf`, `nan` or element < 0 \(row 0, category 1: -1\)/,
    ],
    [
      () => multinomial(tensor([1, NaN]), 1),
      /multinomial: probability tensor contains either `inf`, `nan` or element < 0/,
    ],
    [
      () => multinomial(tensor([1, Infinity]), 1, { replacement: true }),
      /element < 0 \(row 0, category 1: Infinity\)/,
    ],
    [
      () => multinomial(tensor([[1, 1], [0, 0]]), 1),
      /multinomial: invalid multinomial distribution \(sum of probabilities <= 0\) in row 1/,
    ],
    [
      () => multinomial(tensor([1, 1, 1]), 4),
      /multinomial: cannot sample n_sample \(4\) > prob_dist.size\(-1\) \(3\) samples without replacement/,
    ],
    [
      () => multinomial(zeros(2, 2, 2), 1),
      /multinomial: prob_dist must be 1 or 2 dim, got shape \[2, 2, 2\]/,
    ],
    [() => multinomial(tensor([1, 1]), 0), /multinomial: cannot sample n_sample <= 0 samples/],
    [
      () => multinomial(tensor([1, 2], { dtype: "int32" }), 1),
      /multinomial: only supports floating-point probabilities, got int32/,
    ],
    [
      () => multinomial(tensor([1, 2]), 1, { replace: true } as never),
      /multinomial: unknown option 'replace'\. Known options: replacement, generator/,
    ],
    [() => x.uniform_(2, 1), /uniform_: expects a \[from, to\) range, but found from=2 > to=1/],
    [
      () => zeros(3, { dtype: "int32" }).uniform_(),
      /uniform_: fills a floating-point tensor, but this one is int32/,
    ],
    [() => x.normal_(0, -1), /normal_: expects std >= 0.0, but found std -1/],
    [() => x.exponential_(-1), /exponential_: expects lambda >= 0.0, but found lambda=-1/],
    [() => x.bernoulli_(1.5), /bernoulli_: expects p to be in \[0, 1\], but got p=1.5/],
    [
      () => x.bernoulli_(tensor([0.5, 2, 0])),
      /bernoulli_: expected every probability in \[0, 1\], but element 1 is 2/,
    ],
    [
      () => bernoulli(tensor([-0.5])),
      /bernoulli: expected every probability in \[0, 1\], but element 0 is -0.5.*sigmoid/,
    ],
    [() => normal(tensor([0]), -1), /normal: expects std >= 0.0, but found std -1/],
    [() => normal(0, 1), /normal: with a number mean and a number std, give the output size/],
    [() => normal(tensor([0]), 1, [2]), /normal: size is only for number mean and std/],
    [() => normal(0, 1, [2], { generater: 1 } as never), /normal: unknown option 'generater'/],
    [
      () => x.uniform_(0, 1, { seed: 1 } as never),
      /uniform_: unknown option 'seed'\. Known options: generator/,
    ],
    [() => {
      const p = zeros(2).requiresGrad_();
      p.normal_();
    }, /normal_: a leaf tensor that requires grad cannot be modified in place/],
  ];
  for (const [fn, re] of cases) assert.throws(fn, re);
  assert.deepEqual(zeros(2).exponential_(0).toArray(), [Infinity, Infinity]);
  assert.deepEqual(normal(0, 1, [2, 3], { dtype: "float64" }).shape, [2, 3]);
  assert.deepEqual(normal(1, tensor([[1], [2]]), {}).shape, [2, 1]);
  assert.deepEqual(normal(tensor([1, 2]), tensor([[1], [2]])).shape, [2, 2]);
  assert.equal(normal(tensor([0], { requiresGrad: true }), 1).requiresGrad, false);
});

const gpuStatus = await webgpu.available();
const gpu = { ignore: !gpuStatus.available, sanitizeResources: false, sanitizeOps: false };

Deno.test({
  name: "random ops on webgpu: moments, ranges, reproducibility",
  ...gpu,
  fn: async () => {
    await checkDistributions("webgpu");
    const s = randomSuite("webgpu");
    for (const [name, fn] of Object.entries(s)) {
      const a = await fn(new Generator(7)).data(), b = await fn(new Generator(7)).data();
      assert.deepEqual(a, b, `${name}: same seed, same values on webgpu`);
    }
  },
});

Deno.test({
  name: "webgpu: logspace, tensor counts for repeatInterleave need the async twin",
  ...gpu,
  fn: async () => {
    const l = logspace(0, 2, 3, { device: "webgpu" });
    assert.equal(l.device, "webgpu");
    assert.deepEqual(Array.from(await l.data()), [1, 10, 100]);
    const x = tensor([[1, 2], [3, 4]], { device: "webgpu" });
    const r = tensor([2, 1], { dtype: "int32", device: "webgpu" });
    assert.throws(
      () => repeatInterleave(x, r, 0),
      /repeatInterleave: repeats lives on 'webgpu'.*await repeatInterleaveAsync\(x, repeats, dim\)/,
    );
    const y = await repeatInterleaveAsync(x, r, 0);
    assert.deepEqual(await y.toArrayAsync(), [[1, 2], [1, 2], [3, 4]]);
    assert.deepEqual(await x.repeatInterleaveAsync([0, 3], 1).then((t) => t.toArrayAsync()), [[
      2,
      2,
      2,
    ], [4, 4, 4]]);
    assert.throws(
      () => tensor([tensor(1, { device: "webgpu" })]),
      /tensor: data\[0\] is a tensor on 'webgpu'.*stack\(\)/,
    );
  },
});
