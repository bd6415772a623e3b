/** Cholesky factorisation A = L Lᵀ of a symmetric positive-definite matrix. */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { shapeStr } from "../core/shape.ts";
import { tensor } from "../tensor/creation.ts";
import { record } from "../autograd/node.ts";
import { add, mul } from "../ops/binary.ts";
import { matmul } from "../ops/matmul.ts";
import { transpose } from "../ops/view.ts";
import { batchNote, cpuInput, fromFloat64, readMatrices, resultDtype } from "./matrix.ts";
import { inv } from "./solve.ts";
import { checkOptions } from "../core/options.ts";

export interface CholeskyOptions {
  /** Return the upper factor U = Lᵀ (A = Uᵀ U) instead of L. */
  upper?: boolean;
}

/** A constant [n, n] mask: 1 on and below diagonal `k` (k = -1: strictly below). */
function trilMask(n: number, k: number, like: Tensor): Tensor {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= Math.min(n - 1, i + k); j++) m[i * n + j] = 1;
  return tensor(m, { dtype: like.dtype }).reshape(n, n);
}

/**
 * The lower-triangular L with positive diagonal such that A = L Lᵀ, for a symmetric
 * positive-definite A ([..., n, n]). Throws when A is not symmetric or not positive-definite.
 */
export function cholesky(A: TensorLike, options: CholeskyOptions = {}): Tensor {
  const op = "linalg.cholesky";
  checkOptions(op, options, ["upper"]);
  const a = cpuInput(op, "A", A);
  const ma = readMatrices(op, "A", a, true);
  const n = ma.rows, nn = n * n;
  const { data } = ma;
  // Values rounded to float32 (e.g. Xᵀ X computed in float32) may be off by an ulp or so.
  const symTol = Math.sqrt(a.dtype === "float64" ? Number.EPSILON : 2 ** -23);
  const out = new Float64Array(data.length);
  for (let b = 0; b < ma.count; b++) {
    const o = b * nn;
    let scale = 0;
    for (let i = 0; i < nn; i++) scale = Math.max(scale, Math.abs(data[o + i]));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const lo = data[o + i * n + j], up = data[o + j * n + i];
        if (!(Math.abs(lo - up) <= symTol * scale)) {
          throw new Error(
            `${op}: A of shape ${shapeStr(a.shape)} is not symmetric${batchNote(ma, b)}: ` +
              `A[${i}, ${j}] = ${lo} but A[${j}, ${i}] = ${up}. Cholesky needs a symmetric ` +
              "positive-definite matrix; symmetrise it with A.add(A.T).div(2) if that is what you meant.",
          );
        }
      }
    }
    for (let j = 0; j < n; j++) {
      let s = data[o + j * n + j];
      for (let p = 0; p < j; p++) s -= out[o + j * n + p] ** 2;
      if (!(s > 0)) {
        throw new Error(
          `${op}: A of shape ${shapeStr(a.shape)} is not positive-definite${batchNote(ma, b)}: ` +
            `the leading minor of order ${j + 1} is not positive (pivot ${s}). Cholesky needs a ` +
            "symmetric positive-definite matrix; for a semi-definite one (e.g. Xᵀ X with dependent " +
            "columns) add a small multiple of the identity, or use linalg.lstsq.",
        );
      }
      const d = Math.sqrt(s);
      out[o + j * n + j] = d;
      for (let i = j + 1; i < n; i++) {
        let t = data[o + i * n + j];
        for (let p = 0; p < j; p++) t -= out[o + i * n + p] * out[o + j * n + p];
        out[o + i * n + j] = t / d;
      }
    }
  }
  const L = fromFloat64(out, a.shape, resultDtype(a));
  // Murray (2016), as torch's cholesky_backward: gA = L⁻ᵀ Φ(Lᵀ gL) L⁻¹, where Φ keeps the
  // lower triangle, halves the diagonal and mirrors it, so gA is symmetric.
  const lower = record(L, "LinalgCholeskyBackward", [a], (g, [lS]) => {
    const x = mul(matmul(transpose(lS, -1, -2), g), trilMask(n, 0, g));
    const phi = mul(add(x, transpose(mul(x, trilMask(n, -1, g)), -1, -2)), 0.5);
    const linv = inv(lS);
    return [matmul(matmul(transpose(linv, -1, -2), phi), linv)];
  }, [L]);
  return options.upper ? transpose(lower, -1, -2) : lower;
}
