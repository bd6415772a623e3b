/**
 * Norms: vectorNorm (torch.linalg.vector_norm) and matrixNorm (torch.linalg.matrix_norm).
 * Unlike the solvers they are tensor-op compositions, so they run on every device and are
 * differentiable (twice, too).
 */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { normalizeDim, shapeStr } from "../core/shape.ts";
import { checkOptions } from "../core/options.ts";
import { asTensor } from "../ops/operand.ts";
import { reshape } from "../ops/view.ts";
import { abs } from "../ops/unary.ts";
import { sum } from "../ops/reduce.ts";
import { amax, amin } from "../ops/reduce_more.ts";
import { vectorNormOf } from "../ops/norm.ts";
import { requireFloat } from "../ops/dtype_check.ts";

export { vectorNorm, type VectorNormOptions } from "../ops/norm.ts";

export interface MatrixNormOptions {
  /** "fro" (default), 1, -1, Infinity or -Infinity. */
  ord?: "fro" | "nuc" | number;
  /** The two dims that hold the matrices (default [-2, -1]). */
  dim?: readonly [number, number] | readonly number[];
  keepdim?: boolean;
}

const SUPPORTED = "Supported ords: 'fro', 1, -1, Infinity, -Infinity.";

/** torch.linalg.matrix_norm over the matrices in dims `dim` of A (a batch in the others). */
export function matrixNorm(input: TensorLike, options?: MatrixNormOptions): Tensor {
  const op = "linalg.matrixNorm";
  const { ord = "fro", dim = [-2, -1], keepdim = false } = checkOptions(op, options, [
    "ord",
    "dim",
    "keepdim",
  ], { dtype: "Convert the input first instead: A.double() or A.float()." });
  const A = asTensor(input);
  requireFloat(op, A);
  if (A.ndim < 2) {
    throw new Error(
      `${op}: A must have at least 2 dimensions, got shape ${shapeStr(A.shape)}. ` +
        "Use linalg.vectorNorm for vectors.",
    );
  }
  if (dim.length !== 2) {
    throw new Error(`${op}: dim must list 2 dims, got [${dim.join(", ")}].`);
  }
  const d0 = normalizeDim(op, dim[0], A.ndim), d1 = normalizeDim(op, dim[1], A.ndim);
  if (d0 === d1) {
    throw new Error(`${op}: dim must name two different dims, got [${dim.join(", ")}].`);
  }
  if (ord === "fro") return vectorNormOf(op, A, 2, [d0, d1], keepdim);
  if (ord === "nuc" || ord === 2 || ord === -2) {
    throw new Error(
      `${op}: ord ${
        typeof ord === "string" ? `'${ord}'` : ord
      } needs singular values, and gradiente has no SVD yet. ${SUPPORTED}`,
    );
  }
  if (ord !== 1 && ord !== -1 && ord !== Infinity && ord !== -Infinity) {
    throw new Error(`${op}: ord ${String(ord)} is not a matrix norm order. ${SUPPORTED}`);
  }
  // ord ±1: the largest / smallest column sum of |A|; ord ±inf: the same over rows.
  const [across, along] = Math.abs(ord) === 1 ? [d0, d1] : [d1, d0];
  const sums = sum(abs(A), across, true);
  const r = ord > 0 ? amax(sums, along, true) : amin(sums, along, true);
  return keepdim ? r : reshape(r, A.shape.filter((_, i) => i !== d0 && i !== d1));
}
