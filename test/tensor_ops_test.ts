/**
 * Forward values of every tensor op, checked against values worked out by hand (or from the
 * formula) rather than against the library's own output.
 */
import assert from "node:assert/strict";
import {
  abs,
  add,
  argmax,
  argmin,
  cat,
  chunk,
  clamp,
  cos,
  div,
  dot,
  eq,
  erf,
  exp,
  gather,
  ge,
  gt,
  indexAdd,
  indexSelect,
  le,
  leakyRelu,
  log,
  log1p,
  logicalAnd,
  logicalNot,
  logicalOr,
  logSoftmax,
  logsumexp,
  lt,
  manualSeed,
  maskedFill,
  matmul,
  max,
  maximum,
  mean,
  min,
  minimum,
  mm,
  mul,
  ne,
  neg,
  type NestedArray,
  ones,
  outer,
  pow,
  prod,
  randn,
  relu,
  scatterAdd,
  sigmoid,
  sign,
  sin,
  softmax,
  split,
  sqrt,
  stack,
  std,
  sub,
  sum,
  tanh,
  type Tensor,
  tensor,
  variance,
  where,
  zeros,
} from "gradiente";
import { build, close as closeTo } from "./helpers.ts";

const close = (actual: unknown, expected: unknown, tol = 1e-5) => closeTo(actual, expected, tol);

// ---- helpers ------------------------------------------------------------------------------

function shapeOf(x: NestedArray): number[] {
  const shape: number[] = [];
  let d: NestedArray = x;
  while (Array.isArray(d)) {
    shape.push(d.length);
    d = (d as NestedArray[])[0];
  }
  return shape;
}

/** Checks shape (inferred from `expected` unless given), dtype and values of t. */
function expectT(
  t: Tensor,
  expected: NestedArray,
  opts: { dtype?: string; shape?: number[]; tol?: number } = {},
): void {
  assert.deepEqual(t.shape, opts.shape ?? shapeOf(expected), "shape");
  if (opts.dtype) assert.equal(t.dtype, opts.dtype, "dtype");
  close(t.toArray(), expected, opts.tol ?? 1e-5);
}

/** Plain triple-loop matrix product, the reference for matmul. */
function refMm(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, aik, k) => s + aik * b[k][j], 0)));
}

const E = Math.E;

// ---- elementwise arithmetic ---------------------------------------------------------------

Deno.test("add, sub, mul, div on same-shaped tensors", () => {
  const a = tensor([1, 2, 3]), b = tensor([4, 5, 6]);
  expectT(a.add(b), [5, 7, 9], { dtype: "float32" });
  expectT(a.sub(b), [-3, -3, -3]);
  expectT(a.mul(b), [4, 10, 18]);
  expectT(a.div(b), [0.25, 0.4, 0.5]);
  expectT(add(a, b), [5, 7, 9]);
  expectT(sub(b, a), [3, 3, 3]);
  expectT(mul(a, a), [1, 4, 9]);
  expectT(div(b, a), [4, 2.5, 2]);
});

Deno.test("add and sub with alpha scale the second operand", () => {
  const a = tensor([1, 2, 3]), b = tensor([4, 5, 6]);
  expectT(a.add(b, 2), [9, 12, 15]);
  expectT(a.sub(b, 2), [-7, -8, -9]);
  expectT(add(a, b, 0.5), [3, 4.5, 6]);
  expectT(sub(a, b, -1), [5, 7, 9]);
});

Deno.test("division by zero gives inf and nan as IEEE says", () => {
  expectT(tensor([1, -1, 0]).div(0), [Infinity, -Infinity, NaN]);
});

Deno.test("neg, pow", () => {
  expectT(tensor([1, -2, 0]).neg(), [-1, 2, -0]);
  expectT(neg(tensor([3])), [-3]);
  expectT(tensor([1, 2, 3]).pow(2), [1, 4, 9]);
  expectT(tensor([4, 9, 0.25]).pow(0.5), [2, 3, 0.5]);
  expectT(tensor([2, 3]).pow(tensor([3, 2])), [8, 9]);
  expectT(pow(2, tensor([0, 1, 2, 3])), [1, 2, 4, 8]);
  expectT(pow(tensor([2, 4]), -1), [0.5, 0.25]);
  expectT(tensor([0, 5]).pow(0), [1, 1]);
});

Deno.test("exp, log, sqrt", () => {
  expectT(tensor([0, 1, -1, 2]).exp(), [1, E, 1 / E, E * E]);
  expectT(exp(tensor([-Infinity])), [0]);
  expectT(tensor([1, E, E * E, 0]).log(), [0, 1, 2, -Infinity]);
  expectT(log(tensor([-1])), [NaN]);
  expectT(tensor([0, 4, 2, 0.25]).sqrt(), [0, 2, Math.SQRT2, 0.5]);
  expectT(sqrt(tensor([-1])), [NaN]);
});

Deno.test("abs, sign", () => {
  expectT(tensor([-2, 0, 3.5]).abs(), [2, 0, 3.5]);
  expectT(abs(tensor([-1.25])), [1.25]);
  expectT(tensor([-2, 0, 3.5, -0.001]).sign(), [-1, 0, 1, -1]);
  expectT(sign(tensor([7, -7], { dtype: "int32" })), [1, -1], { dtype: "int32" });
});

Deno.test("clamp with both, only min and only max bounds", () => {
  const x = tensor([-2, -0.5, 0.5, 2]);
  expectT(x.clamp(-1, 1), [-1, -0.5, 0.5, 1]);
  expectT(x.clamp(0), [0, 0, 0.5, 2]);
  expectT(x.clamp(null, 0), [-2, -0.5, 0, 0]);
  expectT(clamp(x, -0.25, 0.25), [-0.25, -0.25, 0.25, 0.25]);
  // integer bounds keep an int tensor int; a fractional bound makes it float
  const i = tensor([-5, 0, 5], { dtype: "int32" });
  expectT(i.clamp(-1, 1), [-1, 0, 1], { dtype: "int32" });
  expectT(i.clamp(-0.5, 0.5), [-0.5, 0, 0.5], { dtype: "float32" });
});

Deno.test("maximum, minimum (NaN propagates)", () => {
  const a = tensor([1, 5, 3, -1]), b = tensor([4, 2, 3, -2]);
  expectT(a.maximum(b), [4, 5, 3, -1]);
  expectT(a.minimum(b), [1, 2, 3, -2]);
  expectT(maximum(a, 2), [2, 5, 3, 2]);
  expectT(minimum(2, a), [1, 2, 2, -1]);
  expectT(maximum(tensor([NaN, 1]), tensor([0, NaN])), [NaN, NaN]);
  expectT(minimum(tensor([NaN, 1]), tensor([0, NaN])), [NaN, NaN]);
});

Deno.test("sin, cos, tanh, sigmoid", () => {
  const h = Math.PI / 2;
  expectT(tensor([0, h, Math.PI, -h]).sin(), [0, 1, 0, -1]);
  expectT(tensor([0, h, Math.PI]).cos(), [1, 0, -1]);
  expectT(sin(tensor([Math.PI / 6])), [0.5]);
  expectT(cos(tensor([Math.PI / 3])), [0.5]);
  expectT(tensor([0, 1, -1, 100]).tanh(), [0, 0.7615941559557649, -0.7615941559557649, 1]);
  expectT(tanh(tensor([0.5])), [0.46211715726000974]);
  expectT(
    tensor([0, 2, -2]).sigmoid(),
    [0.5, 0.8807970779778823, 0.11920292202211755],
  );
  // saturates cleanly, no NaN, at extreme inputs
  expectT(sigmoid(tensor([-1000, 1000])), [0, 1]);
});

Deno.test("relu, leakyRelu", () => {
  expectT(tensor([-1, 0, 2]).relu(), [0, 0, 2]);
  expectT(relu(tensor([-3.5, 3.5])), [0, 3.5]);
  expectT(tensor([-1, 0, 2]).leakyRelu(), [-0.01, 0, 2]);
  expectT(tensor([-1, 0, 2]).leakyRelu(0.2), [-0.2, 0, 2]);
  expectT(leakyRelu(tensor([-10]), 0.5), [-5]);
});

Deno.test("unary ops keep the input's shape, including 2-D and non-contiguous views", () => {
  const x = tensor([[1, -2, 3], [-4, 5, -6]]);
  expectT(x.abs(), [[1, 2, 3], [4, 5, 6]]);
  expectT(x.T.relu(), [[1, 0], [0, 5], [3, 0]]);
  expectT(x.index(":", "::2").neg(), [[-1, -3], [4, 6]]);
});

// ---- comparisons and logic ----------------------------------------------------------------

Deno.test("comparisons eq ne lt le gt ge give bool tensors", () => {
  const a = tensor([1, 2, 3]), b = tensor([3, 2, 1]);
  const cases: [Tensor, boolean[]][] = [
    [a.eq(b), [false, true, false]],
    [a.ne(b), [true, false, true]],
    [a.lt(b), [true, false, false]],
    [a.le(b), [true, true, false]],
    [a.gt(b), [false, false, true]],
    [a.ge(b), [false, true, true]],
    [eq(a, 2), [false, true, false]],
    [ne(a, 2), [true, false, true]],
    [lt(a, 2.5), [true, true, false]],
    [le(2, a), [false, true, true]],
    [gt(a, 1.5), [false, true, true]],
    [ge(a, [3, 2, 1]), [false, true, true]],
  ];
  for (const [t, expected] of cases) {
    assert.equal(t.dtype, "bool");
    assert.deepEqual(t.toArray(), expected);
  }
});

Deno.test("comparisons broadcast and promote (int32 vs fractional scalar)", () => {
  const col = tensor([[1], [2], [3]]), row = tensor([1, 2, 3]);
  assert.deepEqual(col.lt(row).toArray(), [
    [false, true, true],
    [false, false, true],
    [false, false, false],
  ]);
  const i = tensor([0, 1], { dtype: "int32" });
  // 0.5 must not be truncated to 0 before comparing
  assert.deepEqual(i.lt(0.5).toArray(), [true, false]);
  assert.deepEqual(i.eq(0.5).toArray(), [false, false]);
  // NaN compares unequal to everything, itself included
  assert.deepEqual(tensor([NaN]).eq(tensor([NaN])).toArray(), [false]);
  assert.deepEqual(tensor([NaN]).ne(tensor([NaN])).toArray(), [true]);
});

Deno.test("logicalAnd, logicalOr, logicalNot", () => {
  const p = tensor([true, true, false, false]), q = tensor([true, false, true, false]);
  assert.deepEqual(p.logicalAnd(q).toArray(), [true, false, false, false]);
  assert.deepEqual(p.logicalOr(q).toArray(), [true, true, true, false]);
  assert.deepEqual(p.logicalNot().toArray(), [false, false, true, true]);
  assert.deepEqual(logicalAnd(p, q).toArray(), [true, false, false, false]);
  assert.deepEqual(logicalOr(p, q).toArray(), [true, true, true, false]);
  assert.deepEqual(logicalNot(q).toArray(), [false, true, false, true]);
  // non-bool inputs: non-zero is true
  const n = logicalAnd(tensor([0, 2, -0.5]), tensor([1, 0, 3]));
  assert.equal(n.dtype, "bool");
  assert.deepEqual(n.toArray(), [false, false, true]);
  assert.deepEqual(logicalNot(tensor([0, 2])).toArray(), [true, false]);
});

// ---- broadcasting -------------------------------------------------------------------------

Deno.test("broadcasting [3,1] with [1,4]", () => {
  const col = tensor([[0], [10], [20]]), row = tensor([[1, 2, 3, 4]]);
  expectT(col.add(row), [[1, 2, 3, 4], [11, 12, 13, 14], [21, 22, 23, 24]]);
  expectT(row.mul(col), [[0, 0, 0, 0], [10, 20, 30, 40], [20, 40, 60, 80]]);
  expectT(col.sub(row), [[-1, -2, -3, -4], [9, 8, 7, 6], [19, 18, 17, 16]]);
});

Deno.test("broadcasting [2,3] with [3] and with [2,1]", () => {
  const m = tensor([[1, 2, 3], [4, 5, 6]]);
  expectT(m.add(tensor([10, 20, 30])), [[11, 22, 33], [14, 25, 36]]);
  expectT(m.div(tensor([1, 2, 3])), [[1, 1, 1], [4, 2.5, 2]]);
  expectT(m.mul(tensor([[1], [-1]])), [[1, 2, 3], [-4, -5, -6]]);
  expectT(tensor([10, 20, 30]).sub(m), [[9, 18, 27], [6, 15, 24]]);
});

Deno.test("broadcasting with leading dims: [2,1,3] with [4,1]", () => {
  const a = tensor(build([2, 1, 3], ([i, , k]) => 100 * i + k));
  const b = tensor(build([4, 1], ([j]) => 10 * j));
  expectT(a.add(b), build([2, 4, 3], ([i, j, k]) => 100 * i + 10 * j + k));
});

Deno.test("scalars and nested arrays on either side, via free functions", () => {
  const t = tensor([1, 2, 4]);
  expectT(add(2, t), [3, 4, 6]);
  expectT(add(t, 2), [3, 4, 6]);
  expectT(sub(10, t), [9, 8, 6]);
  expectT(sub(t, 10), [-9, -8, -6]);
  expectT(mul(3, t), [3, 6, 12]);
  expectT(div(1, t), [1, 0.5, 0.25]);
  expectT(div(t, 4), [0.25, 0.5, 1]);
  expectT(sub([10, 20, 30], t), [9, 18, 26]);
  expectT(mul(t, [[1], [2]]), [[1, 2, 4], [2, 4, 8]]);
  // two plain numbers still make a 0-d tensor
  const s = add(2, 3);
  assert.deepEqual(s.shape, []);
  assert.equal(s.item(), 5);
});

// ---- dtype promotion ----------------------------------------------------------------------

Deno.test("dtype promotion: int32 with scalars", () => {
  const i = tensor([1, 2], { dtype: "int32" });
  expectT(i.add(0.5), [1.5, 2.5], { dtype: "float32" });
  expectT(i.add(1), [2, 3], { dtype: "int32" });
  expectT(i.mul(3), [3, 6], { dtype: "int32" });
  expectT(i.mul(1.5), [1.5, 3], { dtype: "float32" });
  expectT(add(0.5, i), [1.5, 2.5], { dtype: "float32" });
  expectT(i.div(2), [0.5, 1], { dtype: "float32" });
  expectT(i.sub(5), [-4, -3], { dtype: "int32" });
});

Deno.test("dtype promotion: int32 / int32 is float32 true division", () => {
  const a = tensor([1, 3, -7], { dtype: "int32" }), b = tensor([2, 2, 2], { dtype: "int32" });
  expectT(a.div(b), [0.5, 1.5, -3.5], { dtype: "float32" });
  expectT(a.add(b), [3, 5, -5], { dtype: "int32" });
  expectT(a.mul(b), [2, 6, -14], { dtype: "int32" });
});

Deno.test("dtype promotion between tensors: int32 < float32 < float64", () => {
  const i = tensor([1, 2], { dtype: "int32" });
  const f = tensor([0.5, 0.25]);
  const d = tensor([0.1, 0.2], { dtype: "float64" });
  expectT(i.add(f), [1.5, 2.25], { dtype: "float32" });
  expectT(f.add(d), [0.6, 0.45], { dtype: "float64" });
  expectT(d.add(i), [1.1, 2.2], { dtype: "float64" });
  // float64 keeps full double precision: 0.1 + 0.2 is exactly the JS double
  assert.equal(d.index(0).add(0.2).item(), 0.1 + 0.2);
  // a float32 result is rounded to float32
  assert.equal(tensor([0.1]).add(0.2).item(), Math.fround(Math.fround(0.1) + Math.fround(0.2)));
});

Deno.test("dtype promotion: bool with numbers counts as int32, bool with bool stays bool", () => {
  const p = tensor([true, false, true]), q = tensor([true, true, false]);
  expectT(p.add(q), [true, true, true], { dtype: "bool" }); // torch: bool + bool is bool (or)
  expectT(p.add(1), [2, 1, 2], { dtype: "int32" });
  expectT(p.mul(2.5), [2.5, 0, 2.5], { dtype: "float32" });
  expectT(p.add(tensor([0.5, 0.5, 0.5])), [1.5, 0.5, 1.5], { dtype: "float32" });
  expectT(p.add([1, 2, 3]), [2, 2, 4]);
  expectT(p.sum(), 2, { dtype: "int32" });
});

Deno.test("float functions of int tensors give float32", () => {
  const i = tensor([1, 4], { dtype: "int32" });
  expectT(i.sqrt(), [1, 2], { dtype: "float32" });
  expectT(i.exp(), [E, E ** 4], { dtype: "float32" });
  expectT(i.sigmoid(), [1 / (1 + 1 / E), 1 / (1 + E ** -4)], { dtype: "float32" });
  expectT(i.neg(), [-1, -4], { dtype: "int32" });
  expectT(i.abs(), [1, 4], { dtype: "int32" });
  expectT(tensor([2, 3], { dtype: "int32" }).pow(2), [4, 9], { dtype: "int32" });
});

// ---- 0-d and empty tensors ----------------------------------------------------------------

Deno.test("0-d tensors", () => {
  const s = tensor(3), t = tensor(4);
  const r = s.mul(t);
  assert.deepEqual(r.shape, []);
  assert.equal(r.item(), 12);
  expectT(s.mul(tensor([1, 2, 3])), [3, 6, 9]);
  expectT(tensor([[1], [2]]).add(s), [[4], [5]]);
  const e = s.exp();
  assert.deepEqual(e.shape, []);
  close(e.item(), E ** 3);
  assert.equal(s.sum().item(), 3);
  assert.deepEqual(s.sum().shape, []);
  assert.equal(tensor(-2).abs().item(), 2);
  assert.equal(tensor(2).gt(1).item(), true);
});

Deno.test("size-0 dims: elementwise keeps them, reductions give identities", () => {
  const z = zeros(0, 3);
  assert.deepEqual(z.add(1).shape, [0, 3]);
  assert.deepEqual(z.add(ones(3)).shape, [0, 3]);
  expectT(z.sum(0), [0, 0, 0]);
  expectT(z.sum(1), [], { shape: [0] });
  expectT(z.sum(), 0);
  expectT(z.prod(0), [1, 1, 1]);
  expectT(z.sum(0, true), [[0, 0, 0]]);
  expectT(z.mean(0), [NaN, NaN, NaN]);
  assert.deepEqual(tensor([]).exp().shape, [0]);
});

// ---- reductions ---------------------------------------------------------------------------

const M = [[1, 2, 3], [4, 5, 6]];

Deno.test("sum with and without dim, keepdim, negative and multiple dims", () => {
  const x = tensor(M);
  expectT(x.sum(), 21);
  expectT(x.sum(0), [5, 7, 9]);
  expectT(x.sum(1), [6, 15]);
  expectT(x.sum(-1), [6, 15]);
  expectT(x.sum(1, true), [[6], [15]]);
  expectT(x.sum(0, true), [[5, 7, 9]]);
  expectT(x.sum([0, 1]), 21);
  expectT(x.sum([0, 1], true), [[21]]);
  expectT(sum(x, 0), [5, 7, 9]);
  // a strided view reduces the same as its copy
  expectT(x.T.sum(0), [6, 15]);
  expectT(tensor(M, { dtype: "int32" }).sum(0), [5, 7, 9], { dtype: "int32" });
});

Deno.test("sum over the middle dim of a 3-D tensor", () => {
  const x = tensor(build([2, 3, 2], ([i, j, k]) => 100 * i + 10 * j + k));
  // sum_j (100 i + 10 j + k) = 300 i + 30 + 3 k
  expectT(x.sum(1), build([2, 2], ([i, k]) => 300 * i + 30 + 3 * k));
  expectT(x.sum([0, 2]), build([3], ([j]) => 2 * (20 * j) + 200 + 2 * 1));
});

Deno.test("mean with and without dim; int input gives float32", () => {
  const x = tensor(M);
  expectT(x.mean(), 3.5);
  expectT(x.mean(0), [2.5, 3.5, 4.5]);
  expectT(x.mean(1), [2, 5]);
  expectT(x.mean(1, true), [[2], [5]]);
  expectT(mean(x, [0, 1]), 3.5);
  expectT(tensor([1, 2], { dtype: "int32" }).mean(), 1.5, { dtype: "float32" });
});

Deno.test("prod with and without dim", () => {
  const x = tensor(M);
  expectT(x.prod(), 720);
  expectT(x.prod(0), [4, 10, 18]);
  expectT(x.prod(1), [6, 120]);
  expectT(x.prod(1, true), [[6], [120]]);
  expectT(prod(tensor([2, -3, 0.5])), -3);
});

Deno.test("max and min: scalar without dim, {values, indices} with dim", () => {
  const y = tensor([[3, 7, 1], [9, 2, 8]]);
  expectT(y.max(), 9);
  expectT(y.min(), 1);
  const m0 = y.max(0);
  expectT(m0.values, [9, 7, 8]);
  expectT(m0.indices, [1, 0, 1], { dtype: "int32" });
  const m1 = y.max(1);
  expectT(m1.values, [7, 9]);
  expectT(m1.indices, [1, 0], { dtype: "int32" });
  const m1k = y.max(1, true);
  expectT(m1k.values, [[7], [9]]);
  expectT(m1k.indices, [[1], [0]]);
  const n0 = y.min(0);
  expectT(n0.values, [3, 2, 1]);
  expectT(n0.indices, [0, 1, 0]);
  const n1 = min(y, -1);
  expectT(n1.values, [1, 2]);
  expectT(n1.indices, [2, 1]);
  expectT(max(y), 9);
  expectT(tensor([5, 3], { dtype: "int32" }).max(), 5, { dtype: "int32" });
});

Deno.test("argmax and argmin: flat without dim, per dim with keepdim, first of ties", () => {
  const y = tensor([[3, 7, 1], [9, 2, 8]]);
  expectT(y.argmax(), 3, { dtype: "int32" });
  expectT(y.argmin(), 2, { dtype: "int32" });
  expectT(y.argmax(0), [1, 0, 1]);
  expectT(y.argmax(1), [1, 0]);
  expectT(y.argmin(0), [0, 1, 0]);
  expectT(y.argmin(1), [2, 1]);
  expectT(y.argmax(1, true), [[1], [0]]);
  expectT(argmax(y, -1), [1, 0]);
  expectT(argmin(y, 0, true), [[0, 1, 0]]);
  expectT(tensor([1, 3, 3, 0]).argmax(), 1);
  expectT(tensor([2, 0, 5, 0]).argmin(), 1);
  expectT(tensor([[1, 5], [5, 1]]).T.argmax(1), [1, 0]);
});

Deno.test("var and std use Bessel's correction by default; correction=0 option", () => {
  const v = tensor([1, 2, 3, 4]);
  // mean 2.5, squared deviations sum to 5
  expectT(v.var(), 5 / 3);
  expectT(v.var({ correction: 0 }), 1.25);
  expectT(v.std(), Math.sqrt(5 / 3));
  expectT(v.std(0, { correction: 0 }), Math.sqrt(1.25));
  expectT(variance(v), 5 / 3);
  expectT(variance(v, 0, { keepdim: true }), [5 / 3]);
  expectT(std(v, null, false), Math.sqrt(1.25));
  const z = tensor([[1, 2, 4], [0, 0, 3]]);
  // row 0: mean 7/3, deviations 16/9 + 1/9 + 25/9 = 14/3; row 1: mean 1, deviations 6
  expectT(z.var(1), [7 / 3, 3]);
  expectT(z.var(1, false, true), [[14 / 9], [2]]);
  expectT(z.std(1), [Math.sqrt(7 / 3), Math.sqrt(3)]);
  // columns: (1,0) (2,0) (4,3): each pair's unbiased variance is d^2 / 2
  expectT(z.var(0), [0.5, 2, 0.5]);
  expectT(z.std(0, { correction: 0, keepdim: true }), [[0.5, 1, 0.5]]);
  expectT(tensor([2, 4], { dtype: "int32" }).var(), 2, { dtype: "float32" });
});

Deno.test("logsumexp with dim and keepdim, stable for large inputs", () => {
  expectT(tensor([0, 0]).logsumexp(0), Math.LN2);
  const x = tensor(M);
  const tail = Math.log(1 + 1 / E + 1 / E ** 2);
  expectT(x.logsumexp(1), [3 + tail, 6 + tail]);
  expectT(x.logsumexp(1, true), [[3 + tail], [6 + tail]]);
  expectT(x.logsumexp(0), [4, 5, 6].map((c) => c + Math.log(1 + E ** -3)));
  const all = 6 + Math.log([0, 1, 2, 3, 4, 5].reduce((s, k) => s + E ** -k, 0));
  expectT(logsumexp(x, [0, 1]), all);
  expectT(tensor([1000, 1000]).logsumexp(0), 1000 + Math.LN2);
  expectT(tensor([-1000, -1000]).logsumexp(0), -1000 + Math.LN2);
  expectT(tensor([-Infinity, 0]).logsumexp(0), 0);
});

// ---- softmax ------------------------------------------------------------------------------

const SM123 = [0.09003057317038046, 0.24472847105479767, 0.6652409557748219];
const LSM123 = [-2.4076059644443806, -1.4076059644443806, -0.4076059644443806];

Deno.test("softmax and logSoftmax of a vector", () => {
  expectT(tensor([1, 2, 3]).softmax(0), SM123);
  expectT(tensor([1, 2, 3]).logSoftmax(0), LSM123);
  expectT(softmax(tensor([1, 2, 3]), -1), SM123);
  expectT(logSoftmax(tensor([1, 2, 3]), -1), LSM123);
  expectT(tensor([5, 5, 5, 5]).softmax(0), [0.25, 0.25, 0.25, 0.25]);
  expectT(tensor([1, 2, 3], { dtype: "int32" }).softmax(0), SM123, { dtype: "float32" });
});

Deno.test("softmax and logSoftmax along different dims", () => {
  const x = tensor([[1, 2], [3, 4]]);
  const s = 1 / (1 + E ** 2), l = 1 / (1 + E);
  expectT(x.softmax(0), [[s, s], [1 - s, 1 - s]]);
  expectT(x.softmax(1), [[l, 1 - l], [l, 1 - l]]);
  expectT(x.softmax(-1), [[l, 1 - l], [l, 1 - l]]);
  expectT(x.logSoftmax(0), [[Math.log(s), Math.log(s)], [Math.log(1 - s), Math.log(1 - s)]]);
  expectT(x.logSoftmax(1), [[Math.log(l), Math.log(1 - l)], [Math.log(l), Math.log(1 - l)]]);
  // 3-D along the middle dim: every fibre sums to 1 and matches the formula
  const y = tensor(build([2, 3, 2], ([i, j, k]) => i + j * (k + 1)));
  const sm = y.softmax(1);
  expectT(
    sm,
    build([2, 3, 2], ([, j, k]) => {
      const z = [0, 1, 2].reduce((acc, jj) => acc + E ** (jj * (k + 1)), 0);
      return E ** (j * (k + 1)) / z;
    }),
  );
  expectT(sm.sum(1), [[1, 1], [1, 1]]);
});

Deno.test("softmax is stable for large inputs and handles -inf", () => {
  expectT(tensor([1000, 1001]).softmax(0), [0.2689414213699951, 0.7310585786300049]);
  expectT(tensor([1000, 1001]).logSoftmax(0), [-1.3132616875182228, -0.31326168751822286]);
  expectT(tensor([-1000, -1001]).softmax(0), [0.7310585786300049, 0.2689414213699951]);
  expectT(tensor([[1000, 1001], [0, 1]]).softmax(1), [
    [0.2689414213699951, 0.7310585786300049],
    [0.2689414213699951, 0.7310585786300049],
  ]);
  expectT(tensor([0, -Infinity]).softmax(0), [1, 0]);
  expectT(tensor([0, -Infinity]).logSoftmax(0), [0, -Infinity]);
});

// ---- matmul -------------------------------------------------------------------------------

Deno.test("matmul 1-D with 1-D is a 0-d dot product", () => {
  const r = tensor([1, 2, 3]).matmul(tensor([4, 5, 6]));
  assert.deepEqual(r.shape, []);
  assert.equal(r.item(), 32);
  expectT(dot(tensor([1, 2, 3]), tensor([4, 5, 6])), 32);
  expectT(tensor([1, -1]).dot(tensor([3, 3])), 0);
});

Deno.test("matmul 2-D, mm", () => {
  const A = tensor([[1, 2], [3, 4]]), B = tensor([[5, 6], [7, 8]]);
  expectT(A.matmul(B), [[19, 22], [43, 50]]);
  expectT(B.matmul(A), [[23, 34], [31, 46]]);
  expectT(mm(A, B), [[19, 22], [43, 50]]);
  expectT(A.mm(B), [[19, 22], [43, 50]]);
  const R = tensor([[1, 2, 3], [4, 5, 6]]), C = tensor([[1, 0], [0, 1], [1, 1]]);
  expectT(R.matmul(C), [[4, 5], [10, 11]]);
  expectT(matmul(C, R), [[1, 2, 3], [4, 5, 6], [5, 7, 9]]);
  const I = tensor([[1, 2], [3, 4]], { dtype: "int32" });
  expectT(I.mm(I), [[7, 10], [15, 22]], { dtype: "int32" });
});

Deno.test("matmul 1-D @ 2-D and 2-D @ 1-D drop the vector dim", () => {
  const R = tensor([[1, 2, 3], [4, 5, 6]]);
  expectT(tensor([1, 2]).matmul(R), [9, 12, 15]);
  expectT(R.matmul(tensor([1, 0, -1])), [-2, -2]);
  expectT(matmul([1, 1], R), [5, 7, 9]);
});

Deno.test("matmul with K = 0 gives zeros", () => {
  expectT(zeros(2, 0).matmul(zeros(0, 3)), [[0, 0, 0], [0, 0, 0]]);
});

Deno.test("batched matmul [2,3,4] @ [4,5]", () => {
  const a = build([2, 3, 4], ([b, i, k]) => 12 * b + 4 * i + k) as number[][][];
  const w = build([4, 5], ([k, j]) => k - j + 0.5) as number[][];
  const out = tensor(a).matmul(tensor(w));
  expectT(out, a.map((m) => refMm(m, w)));
});

Deno.test("batched matmul broadcasts batch dims: [2,1,3,4] @ [5,4,2] -> [2,5,3,2]", () => {
  const a = build([2, 1, 3, 4], ([i, , r, k]) => (i * 12 + r * 4 + k) * 0.5) as number[][][][];
  const b = build([5, 4, 2], ([j, k, c]) => j - k + 2 * c) as number[][][];
  const out = tensor(a).matmul(tensor(b));
  const expected = a.map(([ai]) => b.map((bj) => refMm(ai, bj)));
  expectT(out, expected);
  // and a [3,4] matrix against a [2,4,2] batch
  const m = build([3, 4], ([r, k]) => r + k) as number[][];
  expectT(tensor(m).matmul(tensor(b.slice(0, 2))), b.slice(0, 2).map((bj) => refMm(m, bj)));
  // a vector against a batch: [4] @ [5,4,2] -> [5,2]
  expectT(tensor([1, 0, 2, -1]).matmul(tensor(b)), b.map((bj) => refMm([[1, 0, 2, -1]], bj)[0]));
});

Deno.test("matmul of transposed views equals matmul of contiguous copies", () => {
  manualSeed(1234);
  const x = randn(4, 3), y = randn(4, 5);
  const xv = x.toArray() as number[][], yv = y.toArray() as number[][];
  const xT = xv[0].map((_, j) => xv.map((row) => row[j]));
  const viaView = x.T.matmul(y);
  const viaCopy = x.T.contiguous().matmul(y);
  assert.equal(x.T.isContiguous(), false);
  expectT(viaView, refMm(xT, yv), { tol: 1e-5 });
  close(viaView.toArray(), viaCopy.toArray(), 1e-6);
  // both operands transposed
  const yT = yv[0].map((_, j) => yv.map((row) => row[j]));
  expectT(y.T.matmul(x), refMm(yT, xv), { tol: 1e-5 });
  close(x.T.matmul(x).toArray(), x.T.contiguous().matmul(x.contiguous()).toArray(), 1e-6);
  // a hand-checked case: A.T @ B
  const A = tensor([[1, 2], [3, 4]]), B = tensor([[5, 6], [7, 8]]);
  expectT(A.T.matmul(B), [[26, 30], [38, 44]]);
  expectT(A.matmul(B.T), [[17, 23], [39, 53]]);
  // batched, transposing the last two dims
  const z = randn(2, 4, 3), w = randn(4, 2);
  close(
    z.transpose(1, 2).matmul(w).toArray(),
    z.transpose(1, 2).contiguous().matmul(w).toArray(),
    1e-6,
  );
});

Deno.test("outer", () => {
  expectT(outer(tensor([1, 2]), tensor([3, 4, 5])), [[3, 4, 5], [6, 8, 10]]);
  expectT(tensor([1, -1]).outer(tensor([2])), [[2], [-2]]);
});

// ---- selection, indexing ops, joining -----------------------------------------------------

Deno.test("where with tensors, scalars, broadcasting and the method form", () => {
  const c = tensor([true, false, true]);
  expectT(where(c, tensor([1, 2, 3]), tensor([10, 20, 30])), [1, 20, 3]);
  const x = tensor([-1, 2, -3]);
  expectT(where(x.gt(0), x, 0), [0, 2, 0]);
  expectT(where(x.lt(0), 1, 0), [1, 0, 1]);
  expectT(x.where(x.gt(0), tensor(-9)), [-9, 2, -9]);
  expectT(where(tensor([[true], [false]]), tensor([1, 2, 3]), tensor([7])), [[1, 2, 3], [
    7,
    7,
    7,
  ]]);
  expectT(
    where(c, tensor([1, 2, 3], { dtype: "int32" }), 0.5),
    [1, 0.5, 3],
    { dtype: "float32" },
  );
});

Deno.test("maskedFill with full and broadcast masks", () => {
  const x = tensor([[1, 2], [3, 4]]);
  expectT(x.maskedFill(tensor([[true, false], [false, true]]), -1), [[-1, 2], [3, -1]]);
  expectT(x.maskedFill(tensor([true, false]), 0), [[0, 2], [0, 4]]);
  expectT(maskedFill(x, x.gt(2), 9), [[1, 2], [9, 9]]);
  expectT(x.maskedFill(x.gt(0), -Infinity), [[-Infinity, -Infinity], [-Infinity, -Infinity]]);
  // the input is untouched
  expectT(x, [[1, 2], [3, 4]]);
});

Deno.test("gather along dims 0 and 1", () => {
  const x = tensor([[1, 2], [3, 4]]);
  expectT(x.gather(1, [[0, 0], [1, 0]]), [[1, 1], [4, 3]]);
  expectT(gather(x, 0, [[1, 0]]), [[3, 2]]);
  expectT(x.gather(1, tensor([[1], [0]], { dtype: "int32" })), [[2], [3]]);
});

Deno.test("scatterAdd accumulates duplicates", () => {
  expectT(zeros(3, 5).scatterAdd(0, [[0, 1, 2, 0, 0]], ones(1, 5)), [
    [1, 0, 0, 1, 1],
    [0, 1, 0, 0, 0],
    [0, 0, 1, 0, 0],
  ]);
  expectT(zeros(3).scatterAdd(0, [0, 0, 2], [1, 2, 3]), [3, 0, 3]);
  expectT(
    scatterAdd(ones(2, 3), 1, [[2, 2], [0, 1]], tensor([[1, 2], [3, 4]])),
    [[1, 1, 4], [4, 5, 1]],
  );
});

Deno.test("indexSelect and indexAdd", () => {
  const x = tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
  expectT(x.indexSelect(0, [2, 0]), [[7, 8, 9], [1, 2, 3]]);
  expectT(indexSelect(x, 1, [1, 1]), [[2, 2], [5, 5], [8, 8]]);
  expectT(x.T.indexSelect(0, [0]), [[1, 4, 7]]);
  expectT(x.indexSelect(0, tensor([1], { dtype: "int32" })), [[4, 5, 6]]);
  expectT(zeros(3, 2).indexAdd(0, [0, 2, 0], [[1, 1], [2, 2], [3, 3]]), [[4, 4], [0, 0], [2, 2]]);
  expectT(indexAdd(ones(2, 3), 1, [2], [[10], [20]]), [[1, 1, 11], [1, 1, 21]]);
});

Deno.test("cat along dims, with dtype promotion", () => {
  const a = tensor([[1, 2]]), b = tensor([[3, 4]]);
  expectT(cat([a, b]), [[1, 2], [3, 4]]);
  expectT(cat([a, b], 1), [[1, 2, 3, 4]]);
  expectT(cat([a, b], -1), [[1, 2, 3, 4]]);
  expectT(cat([zeros(2, 1), ones(2, 2)], 1), [[0, 1, 1], [0, 1, 1]]);
  expectT(cat([tensor([1], { dtype: "int32" }), tensor([2.5])]), [1, 2.5], { dtype: "float32" });
  expectT(cat([tensor([1, 2]), tensor([]), tensor([3])]), [1, 2, 3]);
  expectT(cat([a.T, b.T], 1), [[1, 3], [2, 4]]);
});

Deno.test("stack along new dims", () => {
  const a = tensor([1, 2]), b = tensor([3, 4]);
  expectT(stack([a, b]), [[1, 2], [3, 4]]);
  expectT(stack([a, b], 1), [[1, 3], [2, 4]]);
  expectT(stack([a, b], -1), [[1, 3], [2, 4]]);
  expectT(stack([tensor(1), tensor(2), tensor(3)]), [1, 2, 3]);
});

Deno.test("split by size and by sections; chunk", () => {
  const x = tensor([0, 1, 2, 3, 4]);
  const parts = x.split(2);
  assert.equal(parts.length, 3);
  expectT(parts[0], [0, 1]);
  expectT(parts[1], [2, 3]);
  expectT(parts[2], [4]);
  const secs = split(x, [1, 4]);
  assert.equal(secs.length, 2);
  expectT(secs[0], [0]);
  expectT(secs[1], [1, 2, 3, 4]);
  const m = tensor([[1, 2, 3], [4, 5, 6]]);
  const cols = m.split(2, 1);
  expectT(cols[0], [[1, 2], [4, 5]]);
  expectT(cols[1], [[3], [6]]);
  const ch = x.chunk(3);
  assert.deepEqual(ch.map((t) => t.toArray()), [[0, 1], [2, 3], [4]]);
  // chunk(6 elements, 4) gives 3 chunks of 2, as PyTorch does
  const ch6 = chunk(tensor([0, 1, 2, 3, 4, 5]), 4);
  assert.deepEqual(ch6.map((t) => t.toArray()), [[0, 1], [2, 3], [4, 5]]);
  const rows = m.chunk(2, 0);
  expectT(rows[1], [[4, 5, 6]]);
});

// ---- strided inputs: ops read views (offsets, negative and zero strides) correctly ---------

Deno.test("reductions over permuted and sliced views", () => {
  const x = tensor(build([2, 3, 4], ([i, j, k]) => 12 * i + 4 * j + k));
  const v = x.permute(2, 0, 1); // v[k][i][j] = 12 i + 4 j + k
  expectT(v.sum(2), build([4, 2], ([k, i]) => 36 * i + 12 + 3 * k));
  const m = v.max(0);
  expectT(m.values, build([2, 3], ([i, j]) => 12 * i + 4 * j + 3));
  expectT(m.indices, build([2, 3], () => 3));
  expectT(v.argmin(1), build([4, 3], () => 0));
  const s = x.index(1, "1:", "::2"); // [[16, 18], [20, 22]], a view with an offset
  expectT(s.sum(), 76);
  expectT(s.sum(0), [36, 40]);
  expectT(s.mean(1), [17, 21]);
  expectT(s.max(), 22);
  expectT(x.index(0, 0, "::-1").mul(2), [6, 4, 2, 0]);
});

Deno.test("elementwise ops on expanded, reversed and transposed operands", () => {
  expectT(tensor([1, 2, 3]).expand(2, 3).mul(tensor([[1], [2]])), [[1, 2, 3], [2, 4, 6]]);
  expectT(tensor([1, 2, 3]).expand(4, 3).sum(0), [4, 8, 12]);
  const x = tensor([[1, 2], [3, 4]]);
  expectT(x.T.add(x.T.contiguous()), [[2, 6], [4, 8]]);
  expectT(x.index("::-1", "::-1").sub(x), [[3, 1], [-1, -3]]);
  expectT(tensor([[1, 3], [2, 4]]).T.softmax(1), [
    [1 / (1 + E), E / (1 + E)],
    [1 / (1 + E), E / (1 + E)],
  ]);
});

Deno.test("matmul with odd sizes, K past one cache block, views with offsets", () => {
  const [Mr, K, N] = [5, 263, 7];
  const a = build([Mr, K], ([i, k]) => ((i + k) % 5) - 2) as number[][];
  const b = build([K, N], ([k, j]) => ((k * j) % 3) - 1) as number[][];
  expectT(tensor(a).matmul(tensor(b)), refMm(a, b), { tol: 0 });
  // a row slice (offset view) and a column slice (strided view) as operands
  const big = tensor(build([4, 6], ([i, j]) => i * 6 + j));
  const left = big.index("1:3", "2:5"); // [[8, 9, 10], [14, 15, 16]]
  const right = big.index("::2", "::3").T; // rows 0, 2 cols 0, 3 -> [[0, 12], [3, 15]]
  expectT(left.matmul(tensor([[1], [0], [-1]])), [[-2], [-2]]);
  expectT(right.matmul(tensor([1, 1])), [12, 18]);
  expectT(tensor([1, 2]).dot(big.index(":", 1).index("::2")), 1 * 1 + 2 * 13);
  // an expanded (stride-0) batch
  const e = tensor([[[1, 0], [0, 2]]]).expand(3, 2, 2);
  expectT(e.matmul(tensor(build([3, 2, 1], ([n, r]) => n + r))), [
    [[0], [2]],
    [[1], [4]],
    [[2], [6]],
  ]);
});

Deno.test("float64 matmul keeps double precision", () => {
  const a = tensor([[0.1, 0.2]], { dtype: "float64" });
  const b = tensor([[0.3], [0.4]], { dtype: "float64" });
  const r = a.matmul(b);
  assert.equal(r.dtype, "float64");
  assert.ok(Math.abs((r.item() as number) - (0.1 * 0.3 + 0.2 * 0.4)) < 1e-15);
});

// ---- NaN and edge cases, as PyTorch ------------------------------------------------------

Deno.test("NaN propagates through relu, clamp, max, argmax and sum", () => {
  expectT(tensor([NaN, -1, 2]).relu(), [NaN, 0, 2]);
  expectT(tensor([NaN, -5, 5]).clamp(-1, 1), [NaN, -1, 1]);
  expectT(tensor([1, NaN, 3]).max(), NaN);
  expectT(tensor([1, NaN, 3]).min(), NaN);
  expectT(tensor([1, NaN, 3]).argmax(), 1);
  expectT(tensor([1, NaN, 3]).sum(), NaN);
  const m = tensor([[1, NaN], [2, 3]]).max(1);
  expectT(m.values, [NaN, 3]);
  expectT(m.indices, [1, 1]);
});

Deno.test("clamp with min greater than max sets everything to max, as torch.clamp", () => {
  expectT(tensor([0, 1.5, 5]).clamp(2, 1), [1, 1, 1]);
});

Deno.test("reduction edge cases: all -inf logsumexp, one-element var, argmax keepdim", () => {
  expectT(tensor([-Infinity, -Infinity]).logsumexp(0), -Infinity);
  expectT(tensor([5]).var(), NaN);
  expectT(tensor([5]).var(0, false), 0);
  expectT(tensor([[3, 7, 1], [9, 2, 8]]).argmax(null, true), [[3]]);
  expectT(softmax(tensor(3), 0), 1);
  const i = tensor([[1, 2], [4, 3]], { dtype: "int32" }).max(1);
  expectT(i.values, [2, 4], { dtype: "int32" });
  expectT(i.indices, [1, 0], { dtype: "int32" });
});

Deno.test("integer nested arrays beside a bool tensor promote to int32", () => {
  expectT(where(tensor([true, false]), tensor([true, true]), [2, 3]), [1, 3], { dtype: "int32" });
  expectT(tensor([true, false]).add([2, 3]), [3, 3], { dtype: "int32" });
  assert.deepEqual(tensor([true, false]).eq([2, 0]).toArray(), [false, true]);
  expectT(tensor([true, false]).mul([[2], [0.5]]), [[2, 0], [0.5, 0]], { dtype: "float32" });
});

Deno.test("erf and log1p as methods and free functions", () => {
  close(tensor([0.5, -1, 0]).erf().toArray(), [0.5204998778130465, -0.8427007929497149, 0]);
  const tiny = tensor([1e-10, 1], { dtype: "float64" });
  // log1p keeps precision where log(1 + x) would round 1 + 1e-10
  assert.ok(Math.abs((log1p(tiny).toArray() as number[])[0] - 9.9999999995e-11) < 1e-24);
  close(erf(tensor([2])).toArray(), [0.9953222650189527]);
});

Deno.test("max/min along a dim destructure as PyTorch's (values, indices) namedtuple", () => {
  const x = tensor([[1, 5, 2], [7, 0, 3]]);
  const [values, indices] = x.max(1);
  assert.deepEqual(values.toArray(), [5, 7]);
  assert.deepEqual(indices.toArray(), [1, 0]);
  const r = x.min(0);
  assert.equal(r[0], r.values);
  assert.equal(r[1], r.indices);
  assert.deepEqual(r.indices.toArray(), [0, 1, 0]);
});

Deno.test("ValuesIndices prints as PyTorch's namedtuple, each tensor once", () => {
  const r = tensor([[1, 5, 2], [7, 0, 3]]).max(1);
  const shown = Deno.inspect(r);
  assert.equal(shown, String(r));
  assert.equal(shown, "ValuesIndices(\n  values=tensor([5., 7.]),\n  indices=tensor([1, 0]))");
});
