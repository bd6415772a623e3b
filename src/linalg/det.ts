/** det: product of the LU pivots times the sign of the row permutation. */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { shapeStr } from "../core/shape.ts";
import { record } from "../autograd/node.ts";
import { mul } from "../ops/binary.ts";
import { transpose, unsqueeze } from "../ops/view.ts";
import { luDet, luFactor } from "./lu.ts";
import { cpuInput, fromFloat64, readMatrices, resultDtype } from "./matrix.ts";
import { inv } from "./solve.ts";

/**
 * Determinant of a square matrix: a 0-d tensor (or one value per matrix of a [..., n, n]
 * batch). A singular matrix gives 0 (or a value at rounding level), not an error.
 */
export function det(A: TensorLike): Tensor {
  const op = "linalg.det";
  const a = cpuInput(op, "A", A);
  const ma = readMatrices(op, "A", a, true);
  const n = ma.rows;
  const out = new Float64Array(ma.count);
  for (let i = 0; i < ma.count; i++) out[i] = luDet(luFactor(ma.data, i * n * n, n), n);
  const d = fromFloat64(out, ma.batch, resultDtype(a));
  // d det(A) / dA = det(A) * inv(A)^T (Jacobi's formula).
  return record(d, "LinalgDetBackward", [a], (g, [aS, dS]) => {
    let ainv: Tensor;
    try {
      ainv = inv(aS);
    } catch {
      throw new Error(
        `linalg.det backward: A of shape ${
          shapeStr(aS.shape)
        } is singular, and the gradient of det is computed as det(A) * inv(A)^T, which needs ` +
          "an invertible matrix. Perturb A slightly or avoid differentiating det at a singular point.",
      );
    }
    const scale = unsqueeze(unsqueeze(mul(g, dS), -1), -1);
    return [mul(scale, transpose(ainv, -1, -2))];
  }, [a, d]);
}
