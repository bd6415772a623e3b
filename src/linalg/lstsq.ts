/**
 * Least squares via Householder QR with column pivoting, as LAPACK's gelsy (torch's CPU
 * default): the rank comes from R's diagonal, and a rank-deficient problem gets the
 * minimum-norm solution through a second QR (a complete orthogonal decomposition).
 */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { shapeStr } from "../core/shape.ts";
import {
  cpuInput,
  float64Values,
  fromFloat64,
  noGradSupport,
  readMatrices,
  resultDtype,
} from "./matrix.ts";
import { checkOptions } from "../core/options.ts";

export interface LstsqOptions {
  /**
   * Singular values below rcond * the largest count as zero when deciding the rank
   * (default: machine epsilon * max(m, n), as NumPy).
   */
  rcond?: number;
}

export interface LstsqResult {
  /** x minimising ‖A x − B‖² ([n] for a vector B, [n, k] for a matrix B). */
  solution: Tensor;
  /**
   * Squared residual norm of each column of B ([k]; [1] for a vector B) when A is tall
   * (m > n) and of full rank, else empty ([0]), as NumPy.
   */
  residuals: Tensor;
  /** Effective rank of A. */
  rank: number;
}

/**
 * In-place Householder QR of the m x n row-major `a` (R ends up on and above the diagonal),
 * applying each reflector to the m x k `b` too when given. With `pivot`, each step first
 * swaps in the remaining column of largest norm. Returns the reflectors (v for step j acts
 * on rows j..m-1; null where the column was already zero) and the column order.
 */
function householder(
  a: Float64Array,
  m: number,
  n: number,
  b: Float64Array | null,
  k: number,
  pivot: boolean,
): { vs: (Float64Array | null)[]; perm: Int32Array } {
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const vs: (Float64Array | null)[] = [];
  const steps = Math.min(m, n);
  for (let j = 0; j < steps; j++) {
    if (pivot) {
      let p = j, best = -1;
      for (let c = j; c < n; c++) {
        let s = 0;
        for (let i = j; i < m; i++) s += a[i * n + c] ** 2;
        if (s > best) (best = s), (p = c);
      }
      if (p !== j) {
        for (let i = 0; i < m; i++) {
          const t = a[i * n + j];
          a[i * n + j] = a[i * n + p];
          a[i * n + p] = t;
        }
        const t = perm[j];
        perm[j] = perm[p];
        perm[p] = t;
      }
    }
    let norm = 0;
    for (let i = j; i < m; i++) norm += a[i * n + j] ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) {
      vs.push(null);
      continue;
    }
    // alpha takes the sign opposite to the pivot so that v = x - alpha e1 has no cancellation.
    const alpha = a[j * n + j] >= 0 ? -norm : norm;
    const v = new Float64Array(m - j);
    for (let i = j; i < m; i++) v[i - j] = a[i * n + j];
    v[0] -= alpha;
    let vv = 0;
    for (let i = 0; i < v.length; i++) vv += v[i] * v[i];
    const reflect = (x: Float64Array, cols: number, c: number) => {
      let s = 0;
      for (let i = j; i < m; i++) s += v[i - j] * x[i * cols + c];
      s = (2 * s) / vv;
      for (let i = j; i < m; i++) x[i * cols + c] -= s * v[i - j];
    };
    for (let c = j + 1; c < n; c++) reflect(a, n, c);
    if (b) { for (let c = 0; c < k; c++) reflect(b, k, c); }
    a[j * n + j] = alpha;
    for (let i = j + 1; i < m; i++) a[i * n + j] = 0;
    vs.push(v);
  }
  return { vs, perm };
}

/** Solves min ‖A x − B‖² for x. A is [m, n] (any m, n), B is [m] or [m, k]. */
export function lstsq(A: TensorLike, B: TensorLike, options: LstsqOptions = {}): LstsqResult {
  const op = "linalg.lstsq";
  checkOptions(op, options, ["rcond"]);
  const a = cpuInput(op, "A", A), b = cpuInput(op, "B", B);
  noGradSupport(op, a, b);
  if (a.ndim !== 2) {
    throw new Error(
      `${op}: A must be a 2-D matrix, got shape ${shapeStr(a.shape)}` +
        (a.ndim > 2 ? "; batched least squares is not supported, loop over the batch." : "."),
    );
  }
  const { data: r, rows: m, cols: n } = readMatrices(op, "A", a, false);
  if ((b.ndim !== 1 && b.ndim !== 2) || b.shape[0] !== m) {
    throw new Error(
      `${op}: A has shape ${shapeStr(a.shape)}, so B must have shape [${m}] or [${m}, k], ` +
        `got ${shapeStr(b.shape)}.`,
    );
  }
  const k = b.ndim === 1 ? 1 : b.shape[1];
  const qtb = float64Values(b);
  const { perm } = householder(r, m, n, qtb, k, true);

  const rcond = options.rcond ?? Number.EPSILON * Math.max(m, n);
  const tol = rcond * Math.abs(r[0] ?? 0);
  let rank = 0;
  while (rank < Math.min(m, n) && Math.abs(r[rank * n + rank]) > tol) rank++;

  const x = new Float64Array(n * k);
  if (rank === n) {
    // Full column rank: back substitution with the square R.
    for (let c = 0; c < k; c++) {
      const y = new Float64Array(n);
      for (let i = n - 1; i >= 0; i--) {
        let s = qtb[i * k + c];
        for (let p = i + 1; p < n; p++) s -= r[i * n + p] * y[p];
        y[i] = s / r[i * n + i];
      }
      for (let i = 0; i < n; i++) x[perm[i] * k + c] = y[i];
    }
  } else if (rank > 0) {
    // Rank r < n: W = R[0:r, :] y = c has many solutions; the shortest is y = Q2 [z; 0] where
    // Wᵀ = Q2 R2 and R2ᵀ z = c. The column permutation does not change norms.
    const wt = new Float64Array(n * rank);
    for (let i = 0; i < rank; i++) for (let j = i; j < n; j++) wt[j * rank + i] = r[i * n + j];
    const { vs } = householder(wt, n, rank, null, 0, false);
    for (let c = 0; c < k; c++) {
      const y = new Float64Array(n);
      for (let i = 0; i < rank; i++) {
        let s = qtb[i * k + c];
        for (let p = 0; p < i; p++) s -= wt[p * rank + i] * y[p];
        y[i] = s / wt[i * rank + i];
      }
      for (let j = rank - 1; j >= 0; j--) {
        const v = vs[j];
        if (!v) continue;
        let s = 0, vv = 0;
        for (let i = 0; i < v.length; i++) (s += v[i] * y[j + i]), (vv += v[i] * v[i]);
        s = (2 * s) / vv;
        for (let i = 0; i < v.length; i++) y[j + i] -= s * v[i];
      }
      for (let i = 0; i < n; i++) x[perm[i] * k + c] = y[i];
    }
  }

  const dtype = resultDtype(a, b);
  const hasResiduals = m > n && rank === n;
  const res = new Float64Array(hasResiduals ? k : 0);
  if (hasResiduals) {
    for (let c = 0; c < k; c++) for (let i = n; i < m; i++) res[c] += qtb[i * k + c] ** 2;
  }
  return {
    solution: fromFloat64(x, b.ndim === 1 ? [n] : [n, k], dtype),
    residuals: fromFloat64(res, [res.length], dtype),
    rank,
  };
}
