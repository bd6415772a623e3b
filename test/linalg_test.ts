/**
 * linalg: solve, inv, det, lstsq, cholesky against known matrices and identities (A·x = b,
 * inv(A)·A = I, det with permutation signs, lstsq against the normal equations, L·Lᵀ = A),
 * gradients against finite differences, the Sorix OLS closed form, and the errors.
 */
import assert from "node:assert/strict";
import { throwsWith } from "./helpers.ts";
import {
  autograd,
  cat,
  enableGrad,
  eye,
  Generator,
  gradcheck,
  linalg,
  noGrad,
  ones,
  randn,
  type Tensor,
  tensor,
} from "gradiente";
import { close } from "./helpers.ts";

const f64 = { dtype: "float64" } as const;
const T = (x: number[][] | number[]) => tensor(x, f64);

/** A well-conditioned random n x n matrix: random entries plus n on the diagonal. */
function wellConditioned(n: number, g: Generator): Tensor {
  return randn(n, n, { ...f64, generator: g }).add(eye(n, f64).mul(n));
}

Deno.test("solve: a known 3x3 system (needs pivoting), vector and matrix right-hand sides", () => {
  // The first pivot is 0: without row exchanges elimination would divide by zero.
  const A = T([[0, 2, 1], [1, 1, 1], [2, 1, 0]]);
  const x = linalg.solve(A, T([7, 6, 4]));
  assert.deepEqual(x.shape, [3]);
  assert.equal(x.dtype, "float64");
  close(x.toArray(), [1, 2, 3], 1e-12);
  const X = linalg.solve(A, T([[7, 1], [6, 0], [4, 0]]));
  assert.deepEqual(X.shape, [3, 2]);
  close(A.matmul(X).toArray(), [[7, 1], [6, 0], [4, 0]], 1e-12);
  // float32 in, float32 out (computed in float64).
  const x32 = linalg.solve(tensor([[0, 2, 1], [1, 1, 1], [2, 1, 0]]), tensor([7, 6, 4]));
  assert.equal(x32.dtype, "float32");
  close(x32.toArray(), [1, 2, 3], 1e-6);
});

Deno.test("solve and inv on random systems: A·solve(A, b) = b and inv(A)·A = I", () => {
  const g = new Generator(7);
  for (const n of [1, 2, 5, 12]) {
    const A = wellConditioned(n, g);
    const b = randn(n, 3, { ...f64, generator: g });
    close(A.matmul(linalg.solve(A, b)).toArray(), b.toArray(), 1e-10);
    close(linalg.inv(A).matmul(A).toArray(), eye(n, f64).toArray(), 1e-10);
    close(A.matmul(linalg.inv(A)).toArray(), eye(n, f64).toArray(), 1e-10);
  }
  // inv of a known matrix.
  close(linalg.inv(T([[4, 7], [2, 6]])).toArray(), [[0.6, -0.7], [-0.2, 0.4]], 1e-12);
});

Deno.test("batched solve, inv, det, cholesky: each matrix of the batch on its own", () => {
  const g = new Generator(3);
  const A = randn(2, 3, 4, 4, { ...f64, generator: g }).add(eye(4, f64).mul(4));
  const B = randn(2, 3, 4, 2, { ...f64, generator: g });
  const X = linalg.solve(A, B);
  assert.deepEqual(X.shape, [2, 3, 4, 2]);
  close(A.matmul(X).toArray(), B.toArray(), 1e-10);
  const Ainv = linalg.inv(A);
  const d = linalg.det(A);
  assert.deepEqual(d.shape, [2, 3]);
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 3; j++) {
      const a = A.index(i, j);
      close(Ainv.index(i, j).toArray(), linalg.inv(a).toArray(), 1e-12);
      close(d.index(i, j).item(), linalg.det(a).item(), 1e-12);
    }
  }
  // A batch of vectors: B's shape is A's without the last dim.
  const v = randn(2, 3, 4, { ...f64, generator: g });
  const xv = linalg.solve(A, v);
  assert.deepEqual(xv.shape, [2, 3, 4]);
  close(A.matmul(xv.unsqueeze(-1)).squeeze(-1).toArray(), v.toArray(), 1e-10);
  const S = A.matmul(A.transpose(-1, -2));
  const L = linalg.cholesky(S);
  close(L.matmul(L.transpose(-1, -2)).toArray(), S.toArray(), 1e-10);
});

Deno.test("det: known values, the sign of row permutations, singular matrices give 0", () => {
  close(linalg.det(T([[1, 2], [3, 4]])).item(), -2, 1e-12);
  close(linalg.det(T([[2, 0, 0], [0, 3, 0], [0, 0, 4]])).item(), 24, 1e-12);
  close(linalg.det(T([[6, 1, 1], [4, -2, 5], [2, 8, 7]])).item(), -306, 1e-12);
  assert.deepEqual(linalg.det(T([[5]])).shape, []);
  // Permutation matrices: +1 for even permutations, -1 for odd ones.
  close(linalg.det(T([[0, 1], [1, 0]])).item(), -1, 0);
  close(linalg.det(T([[0, 1, 0], [0, 0, 1], [1, 0, 0]])).item(), 1, 0); // a 3-cycle: even
  close(linalg.det(T([[0, 0, 1], [0, 1, 0], [1, 0, 0]])).item(), -1, 0); // one swap: odd
  // Swapping two rows flips the sign; det(AB) = det(A) det(B).
  const g = new Generator(11);
  const A = wellConditioned(4, g), B = wellConditioned(4, g);
  const swapped = cat([A.index("1:2"), A.index("0:1"), A.index("2:")], 0);
  close(linalg.det(swapped).item(), -(linalg.det(A).item() as number), 1e-10);
  close(
    linalg.det(A.matmul(B)).item(),
    (linalg.det(A).item() as number) * (linalg.det(B).item() as number),
    1e-10,
  );
  assert.equal(linalg.det(T([[1, 2], [2, 4]])).item(), 0);
  assert.equal(linalg.det(T([[0, 0], [0, 0]])).item(), 0);
  assert.ok(Math.abs(linalg.det(T([[1, 2, 3], [4, 5, 6], [7, 8, 9]])).item() as number) < 1e-12);
});

Deno.test("lstsq: matches the normal equations on a tall system, exact on a square one", () => {
  const g = new Generator(5);
  const A = randn(20, 4, { ...f64, generator: g });
  const b = randn(20, { ...f64, generator: g });
  const { solution, residuals, rank } = linalg.lstsq(A, b);
  assert.equal(rank, 4);
  assert.deepEqual(solution.shape, [4]);
  const normal = linalg.solve(A.T.matmul(A), A.T.matmul(b));
  close(solution.toArray(), normal.toArray(), 1e-10);
  // residuals = ‖A x − b‖² (shape [1] for a vector b, as NumPy).
  assert.deepEqual(residuals.shape, [1]);
  const r = A.matmul(solution).sub(b);
  close(residuals.toArray(), [r.dot(r).item() as number], 1e-10);
  // Several right-hand sides.
  const B = randn(20, 3, { ...f64, generator: g });
  const multi = linalg.lstsq(A, B);
  assert.deepEqual(multi.solution.shape, [4, 3]);
  assert.deepEqual(multi.residuals.shape, [3]);
  close(multi.solution.toArray(), linalg.solve(A.T.matmul(A), A.T.matmul(B)).toArray(), 1e-10);
  // Square and invertible: the exact solution, no residuals.
  const sq = linalg.lstsq(T([[0, 2, 1], [1, 1, 1], [2, 1, 0]]), T([7, 6, 4]));
  close(sq.solution.toArray(), [1, 2, 3], 1e-12);
  assert.deepEqual(sq.residuals.shape, [0]);
});

Deno.test("lstsq: rank-deficient and underdetermined systems get the minimum-norm solution", () => {
  // Two identical columns: x1 + x2 = mean(b) minimises the residual; the shortest such x
  // splits it evenly.
  const dup = linalg.lstsq(T([[1, 1], [1, 1], [1, 1]]), T([1, 2, 3]));
  assert.equal(dup.rank, 1);
  close(dup.solution.toArray(), [1, 1], 1e-12);
  assert.deepEqual(dup.residuals.shape, [0]);
  // One equation, three unknowns: x = aᵀ (a aᵀ)⁻¹ b.
  const under = linalg.lstsq(T([[1, 2, 2]]), T([9]));
  assert.equal(under.rank, 1);
  close(under.solution.toArray(), [1, 2, 2], 1e-12);
  // A rank-2 5x4 matrix: the solution is orthogonal to the null space, as the pseudoinverse's.
  const g = new Generator(2);
  const U = randn(5, 2, { ...f64, generator: g }), V = randn(2, 4, { ...f64, generator: g });
  const A = U.matmul(V);
  const b = randn(5, { ...f64, generator: g });
  const { solution, rank } = linalg.lstsq(A, b);
  assert.equal(rank, 2);
  // Optimality: Aᵀ (A x − b) = 0; minimum norm: x lies in the row space of A (x = Vᵀ c).
  close(A.T.matmul(A.matmul(solution).sub(b)).toArray(), [0, 0, 0, 0], 1e-10);
  const c = linalg.lstsq(V.T, solution).solution;
  close(V.T.matmul(c).toArray(), solution.toArray(), 1e-10);
  // NumPy's SVD-based lstsq on a 5x4 matrix whose third column is the sum of the first two.
  const np = linalg.lstsq(
    T([[1, 2, 3, 4], [2, 4, 6, 8.5], [1, 0, 1, 0], [3, 4, 7, 8.5], [0, 1, 1, 1]]),
    T([1, 2, 3, 4, 5]),
  );
  assert.equal(np.rank, 3);
  close(np.solution.toArray(), [-1.48398577, 5.70818505, 4.22419929, -5.15302491], 1e-8);
  // The zero matrix has rank 0 and solution 0.
  const zero = linalg.lstsq(T([[0, 0], [0, 0]]), T([1, 2]));
  assert.equal(zero.rank, 0);
  close(zero.solution.toArray(), [0, 0], 0);
});

Deno.test("cholesky: L·Lᵀ = A with L lower triangular; a known factor; upper", () => {
  const L = linalg.cholesky(T([[4, 12, -16], [12, 37, -43], [-16, -43, 98]]));
  close(L.toArray(), [[2, 0, 0], [6, 1, 0], [-8, 5, 3]], 1e-12);
  const g = new Generator(4);
  const X = randn(6, 6, { ...f64, generator: g });
  const A = X.matmul(X.T).add(eye(6, f64));
  const L2 = linalg.cholesky(A);
  close(L2.matmul(L2.T).toArray(), A.toArray(), 1e-10);
  const vals = L2.toArray() as number[][];
  for (let i = 0; i < 6; i++) {
    assert.ok(vals[i][i] > 0);
    for (let j = i + 1; j < 6; j++) assert.equal(vals[i][j], 0);
  }
  const U = linalg.cholesky(A, { upper: true });
  close(U.T.matmul(U).toArray(), A.toArray(), 1e-10);
  close(U.toArray(), L2.T.toArray(), 0);
});

Deno.test("the Sorix OLS closed form recovers known coefficients from noiseless data", () => {
  // y = 2 x1 − 3 x2 + 0.5 x3 + 4, no noise.
  const g = new Generator(9);
  const X = randn(30, 3, { ...f64, generator: g });
  const wTrue = T([2, -3, 0.5]);
  const y = X.matmul(wTrue).add(4);
  const n = X.shape[0];
  const H = eye(n, f64).sub(ones(n, n, f64).div(n));
  const w = linalg.inv(X.T.matmul(H).matmul(X)).matmul(X.T).matmul(H).matmul(y);
  const b = y.mean().sub(w.dot(X.mean(0)));
  close(w.toArray(), [2, -3, 0.5], 1e-10);
  close(b.item(), 4, 1e-10);
  const w2 = linalg.solve(X.T.matmul(H).matmul(X), X.T.matmul(H).matmul(y));
  close(w2.toArray(), [2, -3, 0.5], 1e-10);
  const { solution } = linalg.lstsq(cat([X, ones(n, 1, f64)], 1), y);
  close(solution.toArray(), [2, -3, 0.5, 4], 1e-10);
});

Deno.test("gradients of solve, inv, det and cholesky match finite differences", () => {
  const g = new Generator(13);
  const A = wellConditioned(3, g).requiresGrad_();
  const b = randn(3, 2, { ...f64, generator: g }).requiresGrad_();
  const v = randn(3, { ...f64, generator: g }).requiresGrad_();
  gradcheck((a, bb) => linalg.solve(a, bb), [A, b]);
  gradcheck((a, vv) => linalg.solve(a, vv), [A, v]);
  gradcheck((a) => linalg.inv(a), [A]);
  gradcheck((a) => linalg.det(a), [A]);
  const batch = randn(2, 3, 3, { ...f64, generator: g }).add(eye(3, f64).mul(3)).requiresGrad_();
  gradcheck((a) => linalg.det(a), [batch]);
  gradcheck((a) => linalg.inv(a), [batch]);
  // Cholesky of a symmetric positive-definite function of X (its input must stay symmetric).
  const X = randn(3, 3, { ...f64, generator: g }).requiresGrad_();
  gradcheck((x) => linalg.cholesky(x.matmul(x.T).add(eye(3, f64))), [X]);
  // Second order: the backward rules are written with differentiable ops (inv, solve, det).
  const a2 = wellConditioned(2, g).requiresGrad_();
  const firstGrad = (f: (a: Tensor) => Tensor) => (a: Tensor) =>
    // enableGrad: gradcheck's finite differences call this inside noGrad.
    enableGrad(() => autograd.grad(f(a).sum(), a, { createGraph: true })[0]!);
  gradcheck(firstGrad((a) => linalg.det(a)), [a2]);
  gradcheck(firstGrad((a) => linalg.inv(a)), [a2]);
  gradcheck(firstGrad((a) => linalg.solve(a, T([1, 2]))), [a2]);
});

Deno.test("linalg errors: singular, non-square, not positive-definite, shapes, autograd", () => {
  throwsWith(
    () => linalg.solve(T([[1, 2], [2, 4]]), T([1, 2])),
    "linalg.solve",
    "shape [2, 2]",
    "singular",
    "lstsq",
  );
  throwsWith(
    () => linalg.inv(T([[1, 2, 3], [4, 5, 6], [7, 8, 9]])),
    "linalg.inv",
    "singular",
    "negligible",
  );
  throwsWith(() => linalg.inv(T([[0, 0], [0, 0]])), "linalg.inv", "exactly 0");
  const batch = tensor([[[1, 0], [0, 1]], [[1, 1], [1, 1]]], f64);
  throwsWith(() => linalg.inv(batch), "singular", "matrix 1 of the batch of 2");
  throwsWith(
    () => linalg.solve(T([[1, 2, 3], [4, 5, 6]]), T([1, 2])),
    "linalg.solve",
    "must be square",
    "[2, 3]",
  );
  throwsWith(() => linalg.inv(T([[1, 2, 3], [4, 5, 6]])), "linalg.inv", "must be square");
  throwsWith(() => linalg.det(T([[1, 2, 3], [4, 5, 6]])), "linalg.det", "must be square");
  throwsWith(() => linalg.det(T([1, 2])), "linalg.det", "at least 2-D", "[2]");
  throwsWith(
    () => linalg.solve(T([[1, 0], [0, 1]]), T([1, 2, 3])),
    "linalg.solve",
    "B has shape [3]",
  );
  throwsWith(
    () => linalg.cholesky(T([[1, 2], [2, 1]])),
    "linalg.cholesky",
    "not positive-definite",
    "order 2",
  );
  throwsWith(() => linalg.cholesky(T([[-1, 0], [0, 1]])), "not positive-definite", "order 1");
  throwsWith(
    () => linalg.cholesky(T([[2, 1], [0, 2]])),
    "linalg.cholesky",
    "not symmetric",
    "A[1, 0] = 0",
  );
  throwsWith(() => linalg.cholesky(T([[1, 2, 3], [4, 5, 6]])), "linalg.cholesky", "must be square");
  throwsWith(
    () => linalg.lstsq(T([[1, 2], [3, 4]]), T([1, 2, 3])),
    "linalg.lstsq",
    "[2] or [2, k]",
  );
  throwsWith(() => linalg.lstsq(T([1, 2]), T([1, 2])), "linalg.lstsq", "2-D");
  const w = T([[2, 1], [1, 2]]).requiresGrad_();
  throwsWith(
    () => linalg.lstsq(w, T([1, 2])),
    "linalg.lstsq",
    "does not support autograd",
    "noGrad",
  );
  // Inside noGrad (or on detached tensors) lstsq is fine.
  close(noGrad(() => linalg.lstsq(w, T([3, 3]))).solution.toArray(), [1, 1], 1e-12);
});

Deno.test("solve: mixed float32/float64 inputs get gradients in their own dtypes", () => {
  const A = tensor([[2, 1], [1, 3]], { requiresGrad: true });
  const b = tensor([1, 2], { dtype: "float64", requiresGrad: true });
  const x = linalg.solve(A, b);
  assert.equal(x.dtype, "float64");
  x.sum().backward();
  assert.equal(A.grad!.dtype, "float32");
  assert.equal(b.grad!.dtype, "float64");
  // gb = A⁻ᵀ 1; gA = −gb xᵀ.
  const gb = linalg.solve(T([[2, 1], [1, 3]]).T, T([1, 1]));
  close(b.grad!.toArray(), gb.toArray(), 1e-12);
  close(A.grad!.toArray(), gb.outer(x.detach()).neg().toArray(), 1e-6);
});
