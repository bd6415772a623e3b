/**
 * Tensor creation, randomness, views (shapes, strides, shared storage), indexing, accessors
 * and printing. Expected values are worked out by hand; printed forms follow PyTorch's repr
 * rules (torch/_tensor_str.py) with the library's JS spellings (true/false, requiresGrad,
 * gradFn, dtype=float64).
 */
import assert from "node:assert/strict";
import {
  arange,
  eye,
  full,
  fullLike,
  Generator,
  linspace,
  manualSeed,
  type NestedArray,
  noGrad,
  ones,
  onesLike,
  rand,
  randint,
  randLike,
  randn,
  randnLike,
  randperm,
  type Tensor,
  tensor,
  zeros,
  zerosLike,
} from "gradiente";
import { build, close } from "./helpers.ts";

// ---- helpers ------------------------------------------------------------------------------

/** Checks shape, dtype (if given) and values. */
function expectT(
  t: Tensor,
  shape: number[],
  values: NestedArray,
  dtype?: string,
): void {
  assert.deepEqual(t.shape, shape, "shape");
  if (dtype) assert.equal(t.dtype, dtype, "dtype");
  close(t.toArray(), values);
}

function flat(t: Tensor): number[] {
  return Array.from(t._values());
}

// ---- tensor() -----------------------------------------------------------------------------

Deno.test("tensor() from numbers and booleans gives 0-d tensors", () => {
  const a = tensor(3);
  assert.deepEqual(a.shape, []);
  assert.equal(a.ndim, 0);
  assert.equal(a.dtype, "float32");
  assert.equal(a.item(), 3);
  const b = tensor(true);
  assert.equal(b.dtype, "bool");
  assert.equal(b.item(), true);
  assert.equal(tensor(2.5, { dtype: "float64" }).dtype, "float64");
  assert.equal(tensor(-4, { dtype: "int32" }).item(), -4);
});

Deno.test("tensor() from nested arrays infers shape; numbers are float32, booleans bool", () => {
  expectT(tensor([1, 2, 3]), [3], [1, 2, 3], "float32");
  expectT(tensor([[1, 2], [3, 4], [5, 6]]), [3, 2], [[1, 2], [3, 4], [5, 6]], "float32");
  expectT(tensor([[[1], [2]]]), [1, 2, 1], [[[1], [2]]]);
  const b = tensor([[true, false], [false, true]]);
  assert.equal(b.dtype, "bool");
  assert.deepEqual(b.toArray(), [[true, false], [false, true]]);
  expectT(tensor([]), [0], [], "float32");
  assert.deepEqual(tensor([[], []]).shape, [2, 0]);
  // float32 storage rounds; float64 keeps the double
  assert.equal(tensor([0.1]).item(), Math.fround(0.1));
  assert.equal(tensor([0.1], { dtype: "float64" }).item(), 0.1);
});

Deno.test("tensor() with an explicit dtype converts (int truncates, bool is non-zero)", () => {
  expectT(tensor([1.7, -1.7, 2], { dtype: "int32" }), [3], [1, -1, 2], "int32");
  assert.deepEqual(tensor([0, 2, -0.5], { dtype: "bool" }).toArray(), [false, true, true]);
  expectT(tensor([true, false], { dtype: "float32" }), [2], [1, 0], "float32");
  expectT(tensor([[1, 2]], { dtype: "float64" }), [1, 2], [[1, 2]], "float64");
});

Deno.test("tensor() from TypedArrays takes their dtype and copies the data", () => {
  const f32 = new Float32Array([1.5, 2]);
  const t = tensor(f32);
  expectT(t, [2], [1.5, 2], "float32");
  f32[0] = 100;
  assert.equal(t.index(0).item(), 1.5);
  expectT(tensor(new Float64Array([0.1, 0.2])), [2], [0.1, 0.2], "float64");
  expectT(tensor(new Int32Array([3, -4])), [2], [3, -4], "int32");
  const u8 = tensor(new Uint8Array([1, 0, 1]));
  assert.equal(u8.dtype, "bool");
  assert.deepEqual(u8.toArray(), [true, false, true]);
  expectT(tensor(new Float64Array([1, 2]), { dtype: "float32" }), [2], [1, 2], "float32");
});

Deno.test("tensor() of a tensor is an independent copy", () => {
  const src = tensor([1, 2, 3], { requiresGrad: true });
  const c = tensor(src);
  assert.notEqual(c.storage, src.storage);
  assert.equal(c.requiresGrad, false);
  noGrad(() => c.fill_(0));
  assert.deepEqual(src.toArray(), [1, 2, 3]);
  const d = tensor(src, { dtype: "float64" });
  expectT(d, [3], [1, 2, 3], "float64");
});

// ---- creation functions -------------------------------------------------------------------

Deno.test("zeros, ones, full accept varargs or an array shape, and options", () => {
  expectT(zeros(2, 3), [2, 3], [[0, 0, 0], [0, 0, 0]], "float32");
  expectT(zeros([2, 3]), [2, 3], [[0, 0, 0], [0, 0, 0]]);
  expectT(zeros(2, { dtype: "int32" }), [2], [0, 0], "int32");
  expectT(zeros([]), [], 0);
  expectT(ones(2, 2), [2, 2], [[1, 1], [1, 1]], "float32");
  expectT(ones([3], { dtype: "float64" }), [3], [1, 1, 1], "float64");
  assert.deepEqual(ones(2, 3, { dtype: "bool" }).toArray(), [[true, true, true], [
    true,
    true,
    true,
  ]]);
  expectT(full([2, 2], 7), [2, 2], [[7, 7], [7, 7]], "float32");
  expectT(full([3], -1.5), [3], [-1.5, -1.5, -1.5]);
  expectT(full([2], 3, { dtype: "int32" }), [2], [3, 3], "int32");
  const g = zeros(3, { requiresGrad: true });
  assert.equal(g.requiresGrad, true);
  assert.equal(g.isLeaf, true);
  assert.equal(zeros(3).requiresGrad, false);
});

Deno.test("eye: square, rectangular, with dtype", () => {
  expectT(eye(3), [3, 3], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "float32");
  expectT(eye(2, 3), [2, 3], [[1, 0, 0], [0, 1, 0]]);
  expectT(eye(3, 2), [3, 2], [[1, 0], [0, 1], [0, 0]]);
  expectT(eye(2, { dtype: "int32" }), [2, 2], [[1, 0], [0, 1]], "int32");
});

Deno.test("arange: integer arguments give int32, fractional ones float32", () => {
  expectT(arange(5), [5], [0, 1, 2, 3, 4], "int32");
  expectT(arange(2, 5), [3], [2, 3, 4], "int32");
  expectT(arange(10, 0, -3), [4], [10, 7, 4, 1], "int32");
  expectT(arange(0, 1, 0.25), [4], [0, 0.25, 0.5, 0.75], "float32");
  expectT(arange(1, 2.5), [2], [1, 2], "float32");
  expectT(arange(0.5, 3), [3], [0.5, 1.5, 2.5], "float32");
  expectT(arange(4, { dtype: "float64" }), [4], [0, 1, 2, 3], "float64");
  expectT(arange(1, 3, { dtype: "float32" }), [2], [1, 2], "float32");
  expectT(arange(0), [0], []);
});

Deno.test("linspace includes both ends", () => {
  expectT(linspace(0, 1, 5), [5], [0, 0.25, 0.5, 0.75, 1], "float32");
  expectT(linspace(-1, 1, 3), [3], [-1, 0, 1]);
  expectT(linspace(0, 10, 4), [4], [0, 10 / 3, 20 / 3, 10]);
  expectT(linspace(5, 1, 3), [3], [5, 3, 1]);
  expectT(linspace(2, 3, 1), [1], [2]);
  expectT(linspace(0, 1, 0), [0], []);
  const d = linspace(0, 0.3, 4, { dtype: "float64" });
  assert.equal(d.dtype, "float64");
  const v = d.toArray() as number[];
  assert.equal(v[3], 0.3);
  close(v, [0, 0.1, 0.2, 0.3], 1e-15);
});

Deno.test("zerosLike, onesLike, fullLike keep shape and dtype; options override", () => {
  const i = tensor([[1, 2, 3]], { dtype: "int32" });
  expectT(zerosLike(i), [1, 3], [[0, 0, 0]], "int32");
  expectT(onesLike(i), [1, 3], [[1, 1, 1]], "int32");
  expectT(fullLike(i, 7), [1, 3], [[7, 7, 7]], "int32");
  expectT(onesLike(i, { dtype: "float64" }), [1, 3], [[1, 1, 1]], "float64");
  const t = zerosLike(tensor([1.5]), { requiresGrad: true });
  assert.equal(t.requiresGrad, true);
});

// ---- randomness ---------------------------------------------------------------------------

Deno.test("manualSeed makes random functions reproducible", () => {
  manualSeed(42);
  const a = [rand(5), randn(5), randint(0, 100, [5]), randperm(8)].map(flat);
  manualSeed(42);
  const b = [rand(5), randn(5), randint(0, 100, [5]), randperm(8)].map(flat);
  assert.deepEqual(a, b);
  manualSeed(43);
  const c = flat(rand(5));
  assert.notDeepEqual(c, a[0]);
  // without reseeding the stream moves on
  manualSeed(42);
  const first = flat(randn(5));
  const second = flat(randn(5));
  assert.notDeepEqual(first, second);
});

Deno.test("a Generator is an independent stream that leaves the default one alone", () => {
  manualSeed(1);
  const x1 = flat(rand(4));
  manualSeed(1);
  const g = new Generator(9);
  const fromG = flat(randn(4, { generator: g }));
  const x2 = flat(rand(4));
  assert.deepEqual(x2, x1);
  assert.deepEqual(flat(randn(4, { generator: new Generator(9) })), fromG);
  assert.notDeepEqual(flat(randn(4, { generator: new Generator(10) })), fromG);
});

Deno.test("rand is uniform in [0, 1)", () => {
  manualSeed(7);
  const r = rand(100, 100);
  assert.deepEqual(r.shape, [100, 100]);
  assert.equal(r.dtype, "float32");
  const v = flat(r);
  assert.ok(v.every((x) => x >= 0 && x < 1), "all in [0, 1)");
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  assert.ok(Math.abs(mean - 0.5) < 0.02, `mean ${mean}`);
  // both halves of the interval are hit about equally
  const low = v.filter((x) => x < 0.5).length / v.length;
  assert.ok(Math.abs(low - 0.5) < 0.02, `fraction below 0.5: ${low}`);
  assert.equal(rand(3, { dtype: "float64" }).dtype, "float64");
});

Deno.test("randn has mean ~0 and std ~1 over 10k samples", () => {
  manualSeed(0);
  const v = flat(randn(10000));
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1));
  assert.ok(Math.abs(mean) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(std - 1) < 0.05, `std ${std}`);
  // about 68% within one standard deviation
  const within = v.filter((x) => Math.abs(x) < 1).length / v.length;
  assert.ok(Math.abs(within - 0.6827) < 0.02, `within 1 sd: ${within}`);
  assert.deepEqual(randn([2, 3]).shape, [2, 3]);
});

Deno.test("randint stays in [low, high) and hits every value", () => {
  manualSeed(3);
  const r = randint(-3, 3, [2000]);
  assert.equal(r.dtype, "int32");
  const v = flat(r);
  assert.ok(v.every((x) => Number.isInteger(x) && x >= -3 && x < 3));
  assert.deepEqual([...new Set(v)].sort((a, b) => a - b), [-3, -2, -1, 0, 1, 2]);
  assert.deepEqual(randint(0, 2, [2, 5]).shape, [2, 5]);
  assert.equal(randint(0, 5, [3], { dtype: "float32" }).dtype, "float32");
});

Deno.test("randperm is a permutation of 0..n-1", () => {
  manualSeed(11);
  const p = randperm(20);
  assert.equal(p.dtype, "int32");
  const v = flat(p);
  assert.deepEqual([...v].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
  assert.notDeepEqual(v, Array.from({ length: 20 }, (_, i) => i));
  assert.deepEqual(flat(randperm(1)), [0]);
  assert.deepEqual(randperm(0).shape, [0]);
});

Deno.test("randLike and randnLike keep shape and dtype", () => {
  manualSeed(5);
  const d = zeros(3, 2, { dtype: "float64" });
  const r = randnLike(d);
  assert.deepEqual(r.shape, [3, 2]);
  assert.equal(r.dtype, "float64");
  assert.ok(flat(r).some((x) => x !== 0));
  const u = randLike(ones(4));
  assert.equal(u.dtype, "float32");
  assert.ok(flat(u).every((x) => x >= 0 && x < 1));
});

// ---- views: shared storage ----------------------------------------------------------------

Deno.test("writing through a view (fill_, copy_ under noGrad) changes the base", () => {
  const base = zeros(2, 3);
  noGrad(() => base.index(1).fill_(5));
  assert.deepEqual(base.toArray(), [[0, 0, 0], [5, 5, 5]]);
  noGrad(() => base.index(":", 0).copy_(tensor([1, 2])));
  assert.deepEqual(base.toArray(), [[1, 0, 0], [2, 5, 5]]);
  noGrad(() => base.T.index(2).copy_(tensor([7, 8])));
  assert.deepEqual(base.toArray(), [[1, 0, 7], [2, 5, 8]]);
  noGrad(() => base.reshape(6).index("::2").fill_(-1));
  assert.deepEqual(base.toArray(), [[-1, 0, -1], [2, -1, 8]]);
  noGrad(() => base.view(3, 2).index(2, 1).fill_(9));
  assert.deepEqual(base.toArray(), [[-1, 0, -1], [2, -1, 9]]);
  // copy_ broadcasts its source
  noGrad(() => base.copy_(tensor([1, 2, 3])));
  assert.deepEqual(base.toArray(), [[1, 2, 3], [1, 2, 3]]);
});

Deno.test("views share storage; contiguous() of a strided view and clone() copy", () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  for (
    const v of [
      x.reshape(3, 2),
      x.view(6),
      x.flatten(),
      x.unsqueeze(0),
      x.unsqueeze(0).squeeze(),
      x.transpose(0, 1),
      x.permute(1, 0),
      x.T,
      x.index(0),
      x.narrow(1, 1, 2),
      x.index(null).expand(4, 2, 3),
      x.detach(),
    ]
  ) {
    assert.equal(v.storage, x.storage);
  }
  const c = x.T.contiguous();
  assert.notEqual(c.storage, x.storage);
  noGrad(() => c.fill_(0));
  assert.deepEqual(x.toArray(), [[1, 2, 3], [4, 5, 6]]);
  const k = x.clone();
  assert.notEqual(k.storage, x.storage);
  noGrad(() => k.fill_(0));
  assert.deepEqual(x.toArray(), [[1, 2, 3], [4, 5, 6]]);
  // contiguous() of a contiguous tensor is the tensor itself, as in PyTorch
  assert.equal(x.contiguous(), x);
  // reshape of a non-contiguous tensor must copy, in row-major order of the view
  const r = x.T.reshape(6);
  assert.notEqual(r.storage, x.storage);
  assert.deepEqual(r.toArray(), [1, 4, 2, 5, 3, 6]);
});

// ---- views: shapes, strides and values ----------------------------------------------------

const X3 = ([i, j, k]: number[]) => 12 * i + 4 * j + k;

Deno.test("contiguous layout and reshape/view strides", () => {
  const x = arange(24).reshape(2, 3, 4);
  assert.deepEqual(x.shape, [2, 3, 4]);
  assert.deepEqual(x.strides, [12, 4, 1]);
  assert.equal(x.isContiguous(), true);
  expectT(x, [2, 3, 4], build([2, 3, 4], X3), "int32");
  const r = x.reshape(6, 4);
  assert.deepEqual(r.strides, [4, 1]);
  expectT(r, [6, 4], build([6, 4], ([a, b]) => 4 * a + b));
  assert.deepEqual(x.reshape(-1, 8).shape, [3, 8]);
  assert.deepEqual(x.reshape([4, 6]).shape, [4, 6]);
  assert.deepEqual(x.view(2, 12).strides, [12, 1]);
  assert.deepEqual(x.view(-1).shape, [24]);
  assert.deepEqual(x.view([3, -1]).shape, [3, 8]);
  assert.deepEqual(tensor(5).reshape(1, 1).shape, [1, 1]);
  assert.deepEqual(tensor([5]).reshape([]).shape, []);
});

Deno.test("flatten with start and end dims", () => {
  const x = arange(24).reshape(2, 3, 4);
  assert.deepEqual(x.flatten().shape, [24]);
  assert.deepEqual(x.flatten(1).shape, [2, 12]);
  assert.deepEqual(x.flatten(0, 1).shape, [6, 4]);
  assert.deepEqual(x.flatten(-2).shape, [2, 12]);
  assert.deepEqual(tensor(3).flatten().shape, [1]);
  expectT(
    x.T.flatten(),
    [24],
    build([24], ([f]) => {
      // x.T[k][j][i] in row-major order: f = 6k + 2j + i
      const k = Math.floor(f / 6), j = Math.floor((f % 6) / 2), i = f % 2;
      return X3([i, j, k]);
    }),
  );
});

Deno.test("squeeze and unsqueeze", () => {
  const x = tensor([[[1], [2]]]); // [1, 2, 1]
  expectT(x.squeeze(), [2], [1, 2]);
  expectT(x.squeeze(0), [2, 1], [[1], [2]]);
  expectT(x.squeeze(1), [1, 2, 1], [[[1], [2]]]); // size 2: unchanged
  expectT(x.squeeze(-1), [1, 2], [[1, 2]]);
  expectT(x.squeeze([0, 2]), [2], [1, 2]);
  const m = tensor([[1, 2, 3], [4, 5, 6]]);
  expectT(m.unsqueeze(0), [1, 2, 3], [[[1, 2, 3], [4, 5, 6]]]);
  expectT(m.unsqueeze(1), [2, 1, 3], [[[1, 2, 3]], [[4, 5, 6]]]);
  expectT(m.unsqueeze(-1), [2, 3, 1], [[[1], [2], [3]], [[4], [5], [6]]]);
  expectT(tensor(7).unsqueeze(0), [1], [7]);
  // unsqueeze of a transposed view keeps its values
  expectT(m.T.unsqueeze(1), [3, 1, 2], [[[1, 4]], [[2, 5]], [[3, 6]]]);
});

Deno.test("transpose, permute and T swap shape and strides", () => {
  const x = arange(24).reshape(2, 3, 4);
  const t = x.transpose(0, 2);
  assert.deepEqual(t.shape, [4, 3, 2]);
  assert.deepEqual(t.strides, [1, 4, 12]);
  assert.equal(t.isContiguous(), false);
  expectT(t, [4, 3, 2], build([4, 3, 2], ([k, j, i]) => X3([i, j, k])));
  assert.deepEqual(x.transpose(-1, 1).shape, [2, 4, 3]);
  const p = x.permute(1, 2, 0);
  assert.deepEqual(p.shape, [3, 4, 2]);
  assert.deepEqual(p.strides, [4, 1, 12]);
  expectT(p, [3, 4, 2], build([3, 4, 2], ([j, k, i]) => X3([i, j, k])));
  assert.deepEqual(x.permute([2, 0, 1]).strides, [1, 12, 4]);
  assert.deepEqual(x.T.shape, [4, 3, 2]);
  assert.deepEqual(x.T.strides, [1, 4, 12]);
  const m = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(m.T.strides, [1, 3]);
  expectT(m.T, [3, 2], [[1, 4], [2, 5], [3, 6]]);
  expectT(m.T.T, [2, 3], [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(tensor([1, 2]).T.shape, [2]);
});

Deno.test("expand broadcasts size-1 dims with stride 0", () => {
  const c = tensor([[1], [2]]);
  const e = c.expand(2, 3);
  assert.deepEqual(e.shape, [2, 3]);
  assert.deepEqual(e.strides, [1, 0]);
  expectT(e, [2, 3], [[1, 1, 1], [2, 2, 2]]);
  expectT(c.expand(-1, 2), [2, 2], [[1, 1], [2, 2]]);
  const r = tensor([1, 2]).expand([3, 2]);
  assert.deepEqual(r.strides, [0, 1]);
  expectT(r, [3, 2], [[1, 2], [1, 2], [1, 2]]);
  const l = c.expand(2, 2, 2);
  assert.deepEqual(l.strides, [0, 1, 0]);
  expectT(l, [2, 2, 2], [[[1, 1], [2, 2]], [[1, 1], [2, 2]]]);
  expectT(tensor(4).expand(3), [3], [4, 4, 4]);
  expectT(c.expandAs(zeros(2, 4)), [2, 4], [[1, 1, 1, 1], [2, 2, 2, 2]]);
});

Deno.test("contiguous() and clone() give contiguous copies with equal values", () => {
  const x = arange(24).reshape(2, 3, 4);
  const c = x.transpose(0, 2).contiguous();
  assert.equal(c.isContiguous(), true);
  assert.deepEqual(c.shape, [4, 3, 2]);
  assert.deepEqual(c.strides, [6, 2, 1]);
  expectT(c, [4, 3, 2], build([4, 3, 2], ([k, j, i]) => X3([i, j, k])));
  const k = x.index(":", "::2", "::-1").clone();
  assert.deepEqual(k.strides, [8, 4, 1]);
  expectT(k, [2, 2, 4], build([2, 2, 4], ([i, j, kk]) => X3([i, 2 * j, 3 - kk])));
  assert.equal(k.dtype, "int32");
});

Deno.test("view() of a non-contiguous tensor throws; reshape() works", () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.throws(() => x.T.view(6), /contiguous/);
  assert.throws(() => x.index(":", "::2").view(4), /contiguous/);
  expectT(x.T.reshape(6), [6], [1, 4, 2, 5, 3, 6]);
  // a view of a row slice is still contiguous and allowed
  expectT(x.index(1).view(3, 1), [3, 1], [[4], [5], [6]]);
});

// ---- indexing -----------------------------------------------------------------------------

const X34 = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]];

Deno.test("index with integers, negative integers and several dims", () => {
  const x = tensor(X34);
  expectT(x.index(1), [4], [4, 5, 6, 7]);
  expectT(x.index(-1), [4], [8, 9, 10, 11]);
  expectT(x.index(-3), [4], [0, 1, 2, 3]);
  expectT(x.index(1, 2), [], 6);
  expectT(x.index(-1, -1), [], 11);
  expectT(x.index(":", 0), [3], [0, 4, 8]);
  expectT(x.index(":", -2), [3], [2, 6, 10]);
  assert.equal(x.index(2, 3).item(), 11);
});

Deno.test("index with slice strings: ranges, steps, negative steps", () => {
  const x = tensor(X34);
  expectT(x.index("1:3"), [2, 4], [[4, 5, 6, 7], [8, 9, 10, 11]]);
  expectT(x.index("1:"), [2, 4], [[4, 5, 6, 7], [8, 9, 10, 11]]);
  expectT(x.index(":1"), [1, 4], [[0, 1, 2, 3]]);
  expectT(x.index("-2:"), [2, 4], [[4, 5, 6, 7], [8, 9, 10, 11]]);
  expectT(x.index(":-2"), [1, 4], [[0, 1, 2, 3]]);
  expectT(x.index(":", "::2"), [3, 2], [[0, 2], [4, 6], [8, 10]]);
  expectT(x.index(":", "1::2"), [3, 2], [[1, 3], [5, 7], [9, 11]]);
  expectT(x.index("::-1"), [3, 4], [[8, 9, 10, 11], [4, 5, 6, 7], [0, 1, 2, 3]]);
  const rev = x.index(":", "::-1");
  assert.deepEqual(rev.strides, [4, -1]);
  expectT(rev, [3, 4], [[3, 2, 1, 0], [7, 6, 5, 4], [11, 10, 9, 8]]);
  expectT(x.index(0, "::-2"), [2], [3, 1]);
  expectT(x.index(0, "2:0:-1"), [2], [2, 1]);
  expectT(x.index("1:2", "1:3"), [1, 2], [[5, 6]]);
  // out-of-range bounds clamp, as in Python; an empty range gives a size-0 dim
  expectT(x.index("1:100"), [2, 4], [[4, 5, 6, 7], [8, 9, 10, 11]]);
  assert.deepEqual(x.index("5:").shape, [0, 4]);
  assert.deepEqual(x.index("2:1").shape, [0, 4]);
  expectT(x.index(":").index(":", ":"), [3, 4], X34);
});

Deno.test("index with {start, stop, step} objects", () => {
  const x = tensor(X34);
  expectT(x.index({ start: 1, stop: 3 }), [2, 4], [[4, 5, 6, 7], [8, 9, 10, 11]]);
  expectT(x.index({ step: 2 }), [2, 4], [[0, 1, 2, 3], [8, 9, 10, 11]]);
  expectT(x.index(":", { start: -1, step: -1 }), [3, 4], [[3, 2, 1, 0], [7, 6, 5, 4], [
    11,
    10,
    9,
    8,
  ]]);
  expectT(x.index({ start: null, stop: 2, step: null }, { start: 3 }), [2, 1], [[3], [7]]);
  expectT(x.index({}), [3, 4], X34);
});

Deno.test("index with null adds an axis, '...' fills the remaining dims", () => {
  const x = tensor(X34);
  expectT(x.index(null), [1, 3, 4], [X34]);
  expectT(x.index(":", null), [3, 1, 4], X34.map((r) => [r]));
  expectT(x.index("...", null), [3, 4, 1], X34.map((r) => r.map((v) => [v])));
  expectT(x.index("...", 0), [3], [0, 4, 8]);
  expectT(x.index(1, "..."), [4], [4, 5, 6, 7]);
  const y = arange(24).reshape(2, 3, 4);
  expectT(y.index("...", 1), [2, 3], build([2, 3], ([i, j]) => X3([i, j, 1])));
  expectT(y.index(0, "..."), [3, 4], build([3, 4], ([j, k]) => X3([0, j, k])));
  expectT(y.index(1, "...", 2), [3], [14, 18, 22]);
  expectT(y.index("...", null, 0).index(0), [3, 1], [[0], [4], [8]]);
  expectT(y.index(null, 1, null, "::2", -1), [1, 1, 2], [[[15, 23]]]);
});

Deno.test("index with integer lists picks entries (a copy)", () => {
  const x = tensor(X34);
  const rows = x.index([0, 2]);
  expectT(rows, [2, 4], [[0, 1, 2, 3], [8, 9, 10, 11]]);
  assert.notEqual(rows.storage, x.storage);
  expectT(x.index(":", [3, 0]), [3, 2], [[3, 0], [7, 4], [11, 8]]);
  expectT(x.index([2, 2, 1], 0), [3], [8, 8, 4]);
  expectT(x.index(1, [0, -1]), [2], [4, 7]);
  expectT(x.index(tensor([1], { dtype: "int32" })), [1, 4], [[4, 5, 6, 7]]);
  expectT(x.index("::-1", [1]), [3, 1], [[9], [5], [1]]);
});

Deno.test("slicing views share storage with the base", () => {
  const x = zeros(3, 4);
  noGrad(() => x.index(":", 1).fill_(1));
  noGrad(() => x.index("::2", "2:").fill_(2));
  noGrad(() => x.index(-1, "::-1").index(0).fill_(3));
  assert.deepEqual(x.toArray(), [[0, 1, 2, 2], [0, 1, 0, 0], [0, 1, 2, 3]]);
});

Deno.test("narrow", () => {
  const x = tensor(X34);
  expectT(x.narrow(1, 1, 2), [3, 2], [[1, 2], [5, 6], [9, 10]]);
  expectT(x.narrow(0, -1, 1), [1, 4], [[8, 9, 10, 11]]);
  expectT(x.narrow(-1, 3, 1), [3, 1], [[3], [7], [11]]);
  assert.deepEqual(x.narrow(0, 3, 0).shape, [0, 4]);
  expectT(x.T.narrow(0, 2, 2), [2, 3], [[2, 6, 10], [3, 7, 11]]);
});

// ---- accessors ----------------------------------------------------------------------------

Deno.test("shape, ndim, numel, size, dtype, device", () => {
  const x = zeros(2, 3, 4);
  assert.deepEqual(x.shape, [2, 3, 4]);
  assert.equal(x.ndim, 3);
  assert.equal(x.numel(), 24);
  assert.deepEqual(x.size(), [2, 3, 4]);
  assert.equal(x.size(0), 2);
  assert.equal(x.size(-1), 4);
  assert.equal(x.size(1), 3);
  assert.equal(x.dtype, "float32");
  assert.equal(x.device, "cpu");
  assert.equal(tensor(1).numel(), 1);
  assert.equal(tensor(1).ndim, 0);
  assert.equal(zeros(0, 5).numel(), 0);
  assert.ok(Object.isFrozen(x.shape));
});

Deno.test("item() of one-element tensors; bool gives a boolean", () => {
  assert.equal(tensor(5).item(), 5);
  assert.equal(tensor([[7.5]]).item(), 7.5);
  assert.equal(tensor([3], { dtype: "int32" }).item(), 3);
  assert.equal(tensor([false]).item(), false);
  assert.equal(tensor([1, 2]).sum().item(), 3);
  assert.throws(() => tensor([1, 2]).item(), /2 elements/);
});

Deno.test("toArray() gives nested values in logical order", () => {
  assert.deepEqual(tensor([[1, 2], [3, 4]]).toArray(), [[1, 2], [3, 4]]);
  assert.deepEqual(tensor([[1, 2], [3, 4]]).T.toArray(), [[1, 3], [2, 4]]);
  assert.deepEqual(tensor(2).toArray(), 2);
  assert.deepEqual(tensor([true, false]).toArray(), [true, false]);
  assert.deepEqual(zeros(2, 0).toArray(), [[], []]);
  assert.deepEqual(tensor([1.5, -2], { dtype: "int32" }).toArray(), [1, -2]);
});

Deno.test("await data() and the async twins work on CPU", async () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  const d = await x.T.data();
  assert.ok(d instanceof Float32Array);
  assert.deepEqual(Array.from(d), [1, 4, 2, 5, 3, 6]);
  d[0] = 100; // a copy: the tensor is unaffected
  assert.equal(x.index(0, 0).item(), 1);
  assert.ok((await tensor([1], { dtype: "float64" }).data()) instanceof Float64Array);
  assert.ok((await tensor([1], { dtype: "int32" }).data()) instanceof Int32Array);
  assert.ok((await tensor([true]).data()) instanceof Uint8Array);
  assert.equal(await tensor(4).itemAsync(), 4);
  assert.equal(await tensor([true]).itemAsync(), true);
  assert.deepEqual(await x.T.toArrayAsync(), [[1, 4], [2, 5], [3, 6]]);
});

Deno.test("to(dtype), float(), double(), int(), bool()", () => {
  const x = tensor([1.7, -1.7, 0, 2.5]);
  assert.equal(x.to("float32"), x);
  assert.equal(x.to("cpu"), x);
  expectT(x.to("float64"), [4], [1.7, -1.7, 0, 2.5], "float64");
  expectT(x.to({ dtype: "int32" }), [4], [1, -1, 0, 2], "int32");
  expectT(x.int(), [4], [1, -1, 0, 2], "int32");
  expectT(x.double(), [4], [1.7, -1.7, 0, 2.5], "float64");
  const b = x.bool();
  assert.equal(b.dtype, "bool");
  assert.deepEqual(b.toArray(), [true, true, false, true]);
  expectT(b.float(), [4], [1, 1, 0, 1], "float32");
  expectT(tensor([3, 4], { dtype: "int32" }).float(), [2], [3, 4], "float32");
  // conversion of a view converts its logical values
  expectT(tensor([[1.5, 2.5], [3.5, 4.5]]).T.int(), [2, 2], [[1, 3], [2, 4]], "int32");
  // a conversion copies
  const c = x.double();
  noGrad(() => c.fill_(0));
  assert.equal(x.index(0).item(), Math.fround(1.7));
});

// ---- printing -----------------------------------------------------------------------------

/** Asserts every text route (String, toString, template, Deno.inspect) gives `expected`. */
function prints(t: Tensor, expected: string): void {
  assert.equal(String(t), expected);
  assert.equal(t.toString(), expected);
  assert.equal(`${t}`, expected);
  assert.equal(Deno.inspect(t), expected);
}

Deno.test("printing floats: integer-valued, fixed 4 decimals, padding to a common width", () => {
  prints(tensor([1, 2]), "tensor([1., 2.])");
  prints(tensor([1.5, 2]), "tensor([1.5000, 2.0000])");
  prints(tensor([-1.5, 2]), "tensor([-1.5000,  2.0000])");
  prints(tensor([0.1, 100]), "tensor([  0.1000, 100.0000])");
  prints(tensor([1, 10, -100]), "tensor([   1.,   10., -100.])");
  prints(tensor([1, 1000]), "tensor([   1., 1000.])");
  prints(tensor([0, 0]), "tensor([0., 0.])");
  prints(tensor([0.12345, 2.5]), "tensor([0.1235, 2.5000])");
});

Deno.test("printing floats: scientific notation for wide or tiny ranges", () => {
  prints(tensor([1e-5, 1]), "tensor([1.0000e-05, 1.0000e+00])");
  prints(tensor([1, 1001]), "tensor([1.0000e+00, 1.0010e+03])");
  prints(tensor([1e9, 1]), "tensor([1.0000e+09, 1.0000e+00])");
  prints(tensor([0.5, 1e-5, -2]), "tensor([ 5.0000e-01,  1.0000e-05, -2.0000e+00])");
  prints(tensor([0.01, 1.5]), "tensor([0.0100, 1.5000])");
  prints(tensor([0, 1e-6]), "tensor([0.0000e+00, 1.0000e-06])");
});

Deno.test("printing nan, inf and -0: width comes from finite non-zero values, as in torch", () => {
  prints(tensor([1, NaN, Infinity, -Infinity]), "tensor([1., nan, inf, -inf])");
  prints(tensor([0.5, NaN]), "tensor([0.5000,    nan])");
  prints(tensor([NaN, NaN]), "tensor([nan, nan])");
  prints(tensor([-0, 5]), "tensor([-0., 5.])");
});

Deno.test("printing int32 and bool tensors", () => {
  prints(tensor([1, -2, 30], { dtype: "int32" }), "tensor([ 1, -2, 30])");
  prints(arange(4), "tensor([0, 1, 2, 3])");
  prints(tensor([true, false]), "tensor([ true, false])");
  prints(tensor([true, true]), "tensor([true, true])");
  prints(tensor([[1, 2], [3, 4]]).gt(2), "tensor([[false, false],\n        [ true,  true]])");
});

Deno.test("printing 0-d and empty tensors", () => {
  prints(tensor(3), "tensor(3.)");
  prints(tensor(2.5), "tensor(2.5000)");
  prints(tensor(-1e-6), "tensor(-1.0000e-06)");
  prints(tensor(7, { dtype: "int32" }), "tensor(7)");
  prints(tensor(true), "tensor(true)");
  prints(tensor(0), "tensor(0.)");
  prints(tensor([]), "tensor([])");
  prints(zeros(0, 3), "tensor([], size=[0, 3])");
});

Deno.test("printing suffixes: dtype=float64, requiresGrad=true, gradFn=<...>", () => {
  prints(tensor([1, 2], { dtype: "float64" }), "tensor([1., 2.], dtype=float64)");
  const a = tensor([1, 2], { requiresGrad: true });
  prints(a, "tensor([1., 2.], requiresGrad=true)");
  prints(a.mul(2), "tensor([2., 4.], gradFn=<MulBackward>)");
  prints(a.add(1), "tensor([2., 3.], gradFn=<AddBackward>)");
  prints(a.sum(), "tensor(3., gradFn=<SumBackward>)");
  prints(noGrad(() => a.mul(2)), "tensor([2., 4.])");
  prints(a.detach(), "tensor([1., 2.])");
  prints(
    tensor([0.5], { dtype: "float64", requiresGrad: true }),
    "tensor([0.5000], dtype=float64, requiresGrad=true)",
  );
  prints(tensor(3, { requiresGrad: true }), "tensor(3., requiresGrad=true)");
});

Deno.test("printing: a suffix that would overflow the line goes on its own line", () => {
  const v = tensor([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], { requiresGrad: true });
  prints(
    v,
    "tensor([0.1000, 0.2000, 0.3000, 0.4000, 0.5000, 0.6000, 0.7000, 0.8000],\n" +
      "       requiresGrad=true)",
  );
  prints(
    tensor([[1.5, 2.5], [3.5, 4.5]], { dtype: "float64" }),
    "tensor([[1.5000, 2.5000],\n        [3.5000, 4.5000]], dtype=float64)",
  );
});

Deno.test("printing 2-D and 3-D tensors over several lines; views print logical values", () => {
  prints(tensor([[1, 2], [3, 4]]), "tensor([[1., 2.],\n        [3., 4.]])");
  prints(tensor([[1, 2], [3, 4]]).T, "tensor([[1., 3.],\n        [2., 4.]])");
  prints(
    tensor([[1, -2.5], [10, 4]]),
    "tensor([[ 1.0000, -2.5000],\n        [10.0000,  4.0000]])",
  );
  prints(
    tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]),
    "tensor([[[1., 2.],\n         [3., 4.]],\n\n        [[5., 6.],\n         [7., 8.]]])",
  );
  prints(arange(6).reshape(2, 3), "tensor([[0, 1, 2],\n        [3, 4, 5]])");
});

Deno.test("printing wraps long rows at 80 columns", () => {
  prints(
    arange(30).float(),
    "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n" +
      "        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n" +
      "        28., 29.])",
  );
});

Deno.test("printing summarises more than 1000 elements with ...", () => {
  prints(arange(1001), "tensor([   0,    1,    2,  ...,  998,  999, 1000])");
  const whole = String(arange(1000));
  assert.ok(!whole.includes("..."));
  assert.ok(whole.includes(" 500,"));
  const row = "[0., 0., 0.,  ..., 0., 0., 0.]";
  prints(
    zeros(100, 100),
    `tensor([${row},\n        ${row},\n        ${row},\n        ...,\n        ${row},\n` +
      `        ${row},\n        ${row}])`,
  );
});

Deno.test("printing a summarised tensor formats only the values it shows, as torch does", () => {
  const x = ones(2000);
  noGrad(() => x.index(1000).fill_(1e-5));
  prints(x, "tensor([1., 1., 1.,  ..., 1., 1., 1.])");
  const y = zeros(50, 50);
  noGrad(() => y.index(25, 25).fill_(123456.5));
  const row = "[0., 0., 0.,  ..., 0., 0., 0.]";
  prints(
    y,
    `tensor([${row},\n        ${row},\n        ${row},\n        ...,\n        ${row},\n` +
      `        ${row},\n        ${row}])`,
  );
});

Deno.test("console.log of a tensor inside an object uses the custom inspect", () => {
  const s = Deno.inspect({ w: tensor([1, 2]) });
  assert.ok(s.includes("w: tensor([1., 2.])"), s);
});

Deno.test("indexing a 0-d tensor", () => {
  const s = tensor(5);
  expectT(s.index(), [], 5);
  expectT(s.index("..."), [], 5);
  expectT(s.index(null), [1], [5]);
  expectT(s.index(null, null), [1, 1], [[5]]);
});
