/** LU factorisation with partial pivoting (Doolittle, row-major, in place), and its uses. */

export interface LU {
  /** L below the diagonal (unit diagonal implied) and U on and above it, n x n row-major. */
  lu: Float64Array;
  /** perm[i]: the row of the original matrix that ended up in row i. */
  perm: Int32Array;
  /** +1 or -1: the sign of the row permutation. */
  sign: number;
  /** The first step whose pivot was exactly zero (the matrix is singular), or -1. */
  zeroPivot: number;
  /** Largest |entry| of the input, the scale for deciding "numerically singular". */
  scale: number;
}

/** Factors the n x n matrix at a[offset..]: P A = L U. Never throws; see zeroPivot. */
export function luFactor(a: Float64Array, offset: number, n: number): LU {
  const lu = a.slice(offset, offset + n * n);
  const perm = new Int32Array(n);
  let sign = 1, zeroPivot = -1, scale = 0;
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(lu[i]));
  for (let k = 0; k < n; k++) {
    let p = k, best = Math.abs(lu[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]);
      if (v > best) (best = v), (p = i);
    }
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = lu[k * n + j];
        lu[k * n + j] = lu[p * n + j];
        lu[p * n + j] = t;
      }
      const t = perm[k];
      perm[k] = perm[p];
      perm[p] = t;
      sign = -sign;
    }
    const pivot = lu[k * n + k];
    if (pivot === 0) {
      if (zeroPivot < 0) zeroPivot = k;
      continue; // the column below is all zero: nothing to eliminate
    }
    for (let i = k + 1; i < n; i++) {
      const f = (lu[i * n + k] /= pivot);
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) lu[i * n + j] -= f * lu[k * n + j];
    }
  }
  return { lu, perm, sign, zeroPivot, scale };
}

/**
 * The step whose pivot is negligible next to the matrix's scale (n * eps * max|a|), or -1.
 * Such a matrix is singular to working precision: a "solution" would be rounding noise
 * amplified by ~1e16, which is worse than an error.
 */
export function singularStep(f: LU, n: number): number {
  if (f.zeroPivot >= 0) return f.zeroPivot;
  const tol = n * Number.EPSILON * f.scale;
  for (let k = 0; k < n; k++) if (Math.abs(f.lu[k * n + k]) <= tol) return k;
  return -1;
}

/** det from the factorisation: the sign of the permutation times the pivots' product. */
export function luDet(f: LU, n: number): number {
  if (f.zeroPivot >= 0) return 0;
  let d = f.sign;
  for (let k = 0; k < n; k++) d *= f.lu[k * n + k];
  return d;
}

/** Solves A X = B for the n x k right-hand side at b[offset..], writing X into out[outOffset..]. */
export function luSolveInto(
  f: LU,
  n: number,
  b: Float64Array,
  offset: number,
  k: number,
  out: Float64Array,
  outOffset: number,
): void {
  const { lu, perm } = f;
  for (let i = 0; i < n; i++) {
    const src = offset + perm[i] * k, dst = outOffset + i * k;
    for (let j = 0; j < k; j++) out[dst + j] = b[src + j];
  }
  // Forward substitution with unit-lower L, then back substitution with U.
  for (let i = 0; i < n; i++) {
    const row = outOffset + i * k;
    for (let p = 0; p < i; p++) {
      const l = lu[i * n + p];
      if (l === 0) continue;
      const prow = outOffset + p * k;
      for (let j = 0; j < k; j++) out[row + j] -= l * out[prow + j];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    const row = outOffset + i * k;
    for (let p = i + 1; p < n; p++) {
      const u = lu[i * n + p];
      if (u === 0) continue;
      const prow = outOffset + p * k;
      for (let j = 0; j < k; j++) out[row + j] -= u * out[prow + j];
    }
    const d = lu[i * n + i];
    for (let j = 0; j < k; j++) out[row + j] /= d;
  }
}
