/**
 * Reductions and scans of issue 12 (all any amax amin norm vectorNorm matrixNorm cumsum cumprod
 * logcumsumexp cummax cummin nansum nanmean countNonzero) against PyTorch (ops_reduce.json),
 * their gradients (and gradients of gradients) against finite differences, and their errors.
 */
import assert from "node:assert/strict";
import {
  all,
  amax,
  amin,
  any,
  autograd,
  countNonzero,
  cummax,
  cummin,
  cumprod,
  cumsum,
  Generator,
  gradcheck,
  linalg,
  logcumsumexp,
  nanmean,
  nansum,
  noGrad,
  norm,
  randn,
  type Tensor,
  tensor,
  zeros,
} from "gradiente";
import { checkGrad as check, fixed, gradInputs as inputs, vjp } from "./grad_helpers.ts";
import { checkCases, type OpTable } from "./op_cases.ts";

/** Orders travel through JSON as "inf" / "-inf". */
const ord = (v: unknown) => (v === "inf" ? Infinity : v === "-inf" ? -Infinity : v);

const table: OpTable = {
  all: ([x], a) => a.length ? all(x, a[0], a[1]) : all(x),
  any: ([x], a) => a.length ? any(x, a[0], a[1]) : any(x),
  amax: ([x], a) => amax(x, a[0], a[1]),
  amin: ([x], a) => amin(x, a[0], a[1]),
  vectorNorm: ([x], [o, dim, keepdim]) =>
    linalg.vectorNorm(x, { ord: ord(o) as number, dim, keepdim }),
  norm: (
    [x],
    [p, dim, keepdim],
  ) => (p === undefined ? x.norm() : norm(x, ord(p) as number, dim, keepdim)),
  matrixNorm: ([x], [o, dim, keepdim]) =>
    linalg.matrixNorm(x, { ord: ord(o) as number, ...(dim ? { dim } : {}), keepdim }),
  cumsum: ([x], [d]) => cumsum(x, d),
  cumprod: ([x], [d]) => x.cumprod(d),
  logcumsumexp: ([x], [d]) => logcumsumexp(x, d),
  cummax: ([x], [d]) => cummax(x, d),
  cummin: ([x], [d]) => x.cummin(d),
  nansum: ([x], a) => nansum(x, a[0], a[1]),
  nanmean: ([x], a) => x.nanmean(a[0], a[1]),
  countNonzero: ([x], a) => countNonzero(x, a[0]),
};

checkCases("ops_reduce.json", table);

Deno.test("gradcheck: amax, amin (distinct values), several shapes and dims", () => {
  const r = inputs(1);
  for (const x of [r.randn(3, 4), r.randn(2, 3, 4), r.randn(5), r.randn()]) {
    check((t) => t.amax(), [x]);
    check((t) => amin(t, -1, true), [x]);
  }
  check((t) => t.amax([0, 2]), [r.randn(2, 3, 4)]);
  check((t) => t.amin([1, -1], true), [r.randn(2, 3, 4)]);
});

Deno.test("gradcheck: vector norms of every order, norm and matrixNorm", () => {
  const r = inputs(2);
  for (const p of [2, 1, 3, 0.5, 1.5, -1, Infinity, -Infinity]) {
    for (const x of [r.away(3, 4), r.away(5), r.away()]) {
      check((t) => linalg.vectorNorm(t, { ord: p }), [x]);
    }
    check((t) => linalg.vectorNorm(t, { ord: p, dim: [0, 2], keepdim: true }), [r.away(2, 3, 4)]);
    check((t) => t.norm(p, -1), [r.away(2, 3)]);
  }
  check((t) => t.norm("fro", [0, 1]), [r.randn(3, 4)]);
  for (const o of ["fro", 1, -1, Infinity, -Infinity] as const) {
    check((t) => linalg.matrixNorm(t, { ord: o }), [r.away(3, 4)]);
    check((t) => linalg.matrixNorm(t, { ord: o, dim: [0, 2] }), [r.away(2, 3, 4)]);
  }
});

Deno.test("gradcheck: scans along every dim, cumprod with zeros", () => {
  const r = inputs(3);
  for (const [x, d] of [[r.randn(3, 4), 1], [r.randn(3, 4), 0], [r.randn(2, 3, 4), -2]] as const) {
    check((t) => t.cumsum(d), [x]);
    check((t) => cumprod(t, d), [x]);
    check((t) => t.logcumsumexp(d), [x]);
    check((t) => cummax(t, d).values, [x]);
    check((t) => t.cummin(d).values, [x]);
  }
  check((t) => t.cumsum(0), [r.randn()]);
  // Zeros in the input: finite differences see the exact gradient PyTorch's rule gives.
  check((t) => t.cumprod(1), [fixed([[2, 0, 3, 0, 4], [0, 1.5, -2, 1, 0.5], [1, 2, 3, -1, 0]])]);
  check((t) => t.cumprod(0), [fixed([0, 0, 2])]);
});

Deno.test("gradcheck: nansum, nanmean (NaNs get no gradient)", () => {
  const r = inputs(4);
  for (const x of [r.randn(3, 4), r.randn(2, 3, 4), r.randn()]) {
    check((t) => t.nansum(), [x]);
    check((t) => nanmean(t, -1, true), [x]);
  }
  const withNan = fixed([[1, NaN, 2], [-1, 0.5, NaN]]);
  const g = autograd.grad(nansum(withNan.mul(3)), withNan)[0]!;
  assert.deepEqual(g.toArray(), [[3, 0, 3], [3, 3, 0]]);
  const m = autograd.grad(nanmean(withNan, 1).sum(), withNan)[0]!;
  assert.deepEqual(m.toArray(), [[0.5, 0, 0.5], [0.5, 0.5, 0]]);
});

Deno.test("gradcheck of the gradient (double backward)", () => {
  const r = inputs(5);
  const cases: [(x: Tensor) => Tensor, Tensor, number[]][] = [
    [(t) => t.amax(1).mul(t.amin()), r.randn(2, 3), [2]],
    [(t) => t.norm(), r.randn(2, 3), []],
    [(t) => t.norm(3, 1), r.away(2, 3), [2]],
    [(t) => t.norm(1.5, 1), r.away(2, 3), [2]],
    [(t) => t.norm(Infinity, 0).mul(t.sum()), r.randn(2, 3), [3]],
    [(t) => linalg.matrixNorm(t, { ord: 1 }).mul(t.sum()), r.away(3, 3), []],
    [(t) => t.cumsum(1).mul(t), r.randn(2, 3), [2, 3]],
    [(t) => t.cumprod(1), r.randn(2, 4), [2, 4]],
    [(t) => t.cumprod(1), fixed([[2, 0, 3, 1.5], [0, 1, -2, 0]]), [2, 4]],
    [(t) => t.cumprod(0), r.randn(3, 2, 2), [3, 2, 2]],
    [(t) => t.cumprod(-1).mul(t), fixed([[0, 0, 2], [1, 0, 3]]), [2, 3]],
    [(t) => t.logcumsumexp(1), r.randn(2, 4), [2, 4]],
    [(t) => t.cummax(0).values.mul(t), r.randn(3, 2), [3, 2]],
    [(t) => t.nanmean(0).mul(t.nansum()), r.randn(3, 2), [2]],
  ];
  for (const [f, x, outShape] of cases) {
    const v = noGrad(() => randn(outShape, { dtype: "float64", generator: new Generator(7) }))
      .requiresGrad_();
    assert.equal(gradcheck(vjp(f), [x, v]), true);
  }
});

Deno.test("amax shares ties evenly; max(dim) credits one index", () => {
  const x = fixed([1, 3, 3, 2]);
  const [ga] = autograd.grad(x.amax(), x);
  assert.deepEqual(ga!.toArray(), [0, 0.5, 0.5, 0]);
  const [gm] = autograd.grad(x.max(0).values, x);
  assert.deepEqual(gm!.toArray(), [0, 1, 0, 0]);
});

Deno.test("dtypes: bool results, int32 sums, amax keeps the dtype", () => {
  const i = tensor([[1, 0], [2, 3]], { dtype: "int32" });
  assert.equal(i.all().dtype, "bool");
  assert.equal(i.any(1).dtype, "bool");
  assert.equal(i.cumsum(0).dtype, "int32");
  assert.equal(tensor([true, true]).cumsum(0).dtype, "int32");
  assert.equal(i.amax().dtype, "int32");
  assert.equal(i.countNonzero().dtype, "int32");
  assert.equal(i.cummax(0).indices.dtype, "int32");
  assert.equal(i.nansum().dtype, "int32");
  assert.equal(tensor([1, 2], { dtype: "float64" }).norm().dtype, "float64");
});

Deno.test("errors name the op, the values and the fix", () => {
  const i = tensor([1, 2], { dtype: "int32" });
  assert.throws(
    () => zeros(0, 3).amax(0),
    /amax: cannot reduce over an empty dimension \(shape \[0, 3\]\)/,
  );
  assert.throws(() => amin(zeros(0)), /amin: cannot reduce over an empty dimension/);
  assert.throws(
    () => i.norm(),
    /norm: expected a floating point tensor, got int32\. Convert it first with \.float\(\) \(or \.double\(\)\)/,
  );
  assert.throws(
    () => linalg.vectorNorm(i),
    /linalg\.vectorNorm: expected a floating point tensor, got int32/,
  );
  assert.throws(
    () => linalg.matrixNorm(tensor([[1, 2]], { dtype: "int32" })),
    /linalg\.matrixNorm: expected a floating point tensor, got int32/,
  );
  assert.throws(
    () => linalg.vectorNorm(zeros(0), { ord: Infinity }),
    /linalg\.vectorNorm: cannot compute the Infinity norm over an empty dimension \(shape \[0\]\).*Use an ord >= 0 \(1, 2, \.\.\.\)/,
  );
  assert.throws(
    () => norm(zeros(2, 0), -1, 1),
    /norm: cannot compute the -1 norm over an empty dimension \(shape \[2, 0\]\)/,
  );
  assert.throws(
    () => linalg.vectorNorm(zeros(2), { ord: NaN }),
    /linalg\.vectorNorm: ord must be a number/,
  );
  assert.throws(
    () => linalg.vectorNorm(zeros(2), { ord_: 2 } as never),
    /linalg\.vectorNorm: unknown option 'ord_'.*Known options: ord, dim, keepdim/,
  );
  assert.throws(
    () => linalg.vectorNorm(zeros(2), { dtype: "float64" } as never),
    /'dtype' is not supported here\. Convert the input first/,
  );
  assert.throws(
    () => linalg.matrixNorm(zeros(2, 2), { keep_dim: true } as never),
    /linalg\.matrixNorm: unknown option 'keep_dim'\. Known options: ord, dim, keepdim\./,
  );
  assert.throws(
    () => linalg.matrixNorm(zeros(2, 2), { ord: 3 }),
    /linalg\.matrixNorm: ord 3 is not a matrix norm order\. Supported ords/,
  );
  assert.throws(
    () => linalg.matrixNorm(zeros(3)),
    /linalg\.matrixNorm: A must have at least 2 dimensions, got shape \[3\]\. Use linalg\.vectorNorm/,
  );
  assert.throws(
    () => linalg.matrixNorm(zeros(2, 2), { dim: [0] }),
    /linalg\.matrixNorm: dim must list 2 dims, got \[0\]/,
  );
  assert.throws(
    () => linalg.matrixNorm(zeros(2, 2), { dim: [1, -1] }),
    /linalg\.matrixNorm: dim must name two different dims, got \[1, -1\]/,
  );
  assert.throws(
    () => norm(zeros(2, 2, 2), "fro", [0, 1, 2]),
    /norm: p = 'fro' takes at most 2 dims, got 3 \(\[0, 1, 2\]\)\. Use p = 2/,
  );
  assert.throws(
    () => norm(zeros(2), "max" as never),
    /norm: p must be a number, 'fro' or 'nuc', got max/,
  );
  assert.throws(
    () => logcumsumexp(i, 0),
    /logcumsumexp: expected a floating point tensor, got int32\. Convert it first with \.float\(\) \(or \.double\(\)\)/,
  );
  assert.throws(
    () => nanmean(i),
    /nanmean: expected a floating point tensor, got int32 \(integers have no NaN\)\. Use mean\(x\.float\(\)\)/,
  );
  assert.throws(
    () => cumsum(zeros(2, 3), 2),
    /cumsum: dim 2 is out of range for a tensor with 2 dimension\(s\)/,
  );
  assert.throws(
    () => cumsum(zeros(2, 3), undefined as never),
    /cumsum: a dim is required, e\.g\. cumsum\(x, 0\)/,
  );
  assert.throws(() => cummin(zeros(2), -2), /cummin: dim -2 is out of range/);
  assert.throws(() => all(zeros(2, 3), [0, 0]), /all: dim list \[0, 0\] repeats a dimension/);
});

Deno.test("empty tensors: all is true, any false, cumsum empty, sums 0", () => {
  assert.equal(all(zeros(0)).item(), true);
  assert.equal(any(zeros(0)).item(), false);
  assert.deepEqual(cumsum(zeros(2, 0), 1).shape, [2, 0]);
  assert.equal(countNonzero(zeros(0)).item(), 0);
  assert.equal(linalg.vectorNorm(zeros(0)).item(), 0);
  assert.equal(amax(zeros(0, 3), 1).shape[0], 0);
});
