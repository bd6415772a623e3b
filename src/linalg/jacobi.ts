/**
 * SVD by one-sided Jacobi (Hestenes): rotate pairs of columns until all are orthogonal. It is
 * slower than LAPACK's bidiagonalisation but short, and it computes even the small singular
 * values to high relative accuracy; the matrices here are small.
 */

export interface SvdParts {
  /** m x uCols, row-major (uCols = k, or m for full matrices). */
  u: Float64Array;
  /** k = min(m, n) singular values, descending. */
  s: Float64Array;
  /** vRows x n, row-major (vRows = k, or n for full matrices). */
  vh: Float64Array;
}

const MAX_SWEEPS = 80;

/**
 * Appends orthonormal columns (each of length `len`, stored one after another in `q`, `have`
 * of them filled) until there are `want`. Each new column is the standard basis vector least
 * covered by the columns so far, orthogonalised twice (Gram-Schmidt loses orthogonality once).
 */
function complete(q: Float64Array, len: number, have: number, want: number): void {
  const w = new Float64Array(len);
  for (let c = have; c < want; c++) {
    let best = -1, bestNorm = -1;
    for (let e = 0; e < len; e++) {
      // |e - Q Qᵀ e|² = 1 - Σ_j Q[e, j]²
      let covered = 0;
      for (let j = 0; j < c; j++) covered += q[j * len + e] ** 2;
      if (1 - covered > bestNorm) (bestNorm = 1 - covered), (best = e);
    }
    w.fill(0);
    w[best] = 1;
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j < c; j++) {
        let d = 0;
        for (let i = 0; i < len; i++) d += q[j * len + i] * w[i];
        for (let i = 0; i < len; i++) w[i] -= d * q[j * len + i];
      }
    }
    let norm = 0;
    for (let i = 0; i < len; i++) norm += w[i] * w[i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < len; i++) q[c * len + i] = w[i] / norm;
  }
}

/**
 * SVD of the m x n matrix G given column by column (g[j * m + i] = G[i, j]) with m >= n:
 * G = U diag(s) Vᵀ. Returns U and V column by column: U has uCols columns of length m, V has
 * n columns of length n. Overwrites g.
 */
function tallSvd(g: Float64Array, m: number, n: number, uCols: number) {
  const v = new Float64Array(n * n);
  for (let j = 0; j < n; j++) v[j * n + j] = 1;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0, beta = 0, gamma = 0;
        for (let i = 0; i < m; i++) {
          const x = g[p * m + i], y = g[q * m + i];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= Number.EPSILON * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        // The rotation that zeroes the (p, q) entry of GᵀG, with |t| <= 1 for stability.
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), s = c * t;
        for (let i = 0; i < m; i++) {
          const x = g[p * m + i], y = g[q * m + i];
          g[p * m + i] = c * x - s * y;
          g[q * m + i] = s * x + c * y;
        }
        for (let i = 0; i < n; i++) {
          const x = v[p * n + i], y = v[q * n + i];
          v[p * n + i] = c * x - s * y;
          v[q * n + i] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += g[j * m + i] ** 2;
    norms[j] = Math.sqrt(s);
  }
  const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => norms[b] - norms[a]);
  const s = new Float64Array(n);
  const u = new Float64Array(m * uCols);
  const vs = new Float64Array(n * n);
  let filled = 0;
  for (let j = 0; j < n; j++) {
    const src = order[j];
    s[j] = norms[src];
    vs.set(v.subarray(src * n, src * n + n), j * n);
    // A zero column has no direction; the basis is completed below (zeros sort last).
    if (s[j] > 0) {
      for (let i = 0; i < m; i++) u[j * m + i] = g[src * m + i] / s[j];
      filled++;
    }
  }
  complete(u, m, filled, uCols);
  return { u, s, v: vs };
}

/** SVD of the rows x cols matrix at a[offset..] (row-major). */
export function jacobiSvd(
  a: Float64Array,
  offset: number,
  rows: number,
  cols: number,
  full: boolean,
): SvdParts {
  const k = Math.min(rows, cols);
  // Work on A when it is tall and on Aᵀ when it is wide, so the rotated columns are the long side.
  const tall = rows >= cols;
  const [m, n] = tall ? [rows, cols] : [cols, rows];
  // Scaled to max |entry| = 1: the squared column norms would overflow past ~1e154.
  let scale = 0;
  for (let i = offset; i < offset + rows * cols; i++) scale = Math.max(scale, Math.abs(a[i]));
  if (scale === 0) scale = 1;
  const g = new Float64Array(m * n);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const x = a[offset + i * cols + j] / scale;
      if (tall) g[j * m + i] = x;
      else g[i * m + j] = x;
    }
  }
  const r = tallSvd(g, m, n, full ? m : n);
  // A = U S Vᵀ (tall), or Aᵀ = U S Vᵀ so A = V S Uᵀ (wide). Both come column by column.
  const [left, right] = tall ? [r.u, r.v] : [r.v, r.u];
  const uCols = full ? rows : k, vRows = full ? cols : k;
  const u = new Float64Array(rows * uCols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < uCols; j++) u[i * uCols + j] = left[j * rows + i];
  }
  const s = r.s.slice(0, k);
  for (let j = 0; j < k; j++) s[j] *= scale;
  return { u, s, vh: right.slice(0, vRows * cols) };
}
