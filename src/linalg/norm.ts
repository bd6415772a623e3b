/**
 * Norms: vectorNorm (torch.linalg.vector_norm) and matrixNorm (torch.linalg.matrix_norm).
 * Unlike the solvers they are tensor-op compositions, so they run on every device and are
 * differentiable (twice, too); matrixNorm's ords 2, -2 and "nuc" need singular values and so
 * run on the CPU only.
 */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { normalizeDim, shapeStr } from "../core/shape.ts";
import { checkOptions } from "../core/options.ts";
import { asTensor, requireCpu } from "../ops/operand.ts";
import { permute, reshape } from "../ops/view.ts";
import { abs } from "../ops/unary.ts";
import { sum } from "../ops/reduce.ts";
import { amax, amin } from "../ops/reduce_more.ts";
import { vectorNormOf } from "../ops/norm.ts";
import { requireFloat } from "../ops/dtype_check.ts";
import { svdvals } from "./svd.ts";

export { vectorNorm, type VectorNormOptions } from "../ops/norm.ts";

export interface MatrixNormOptions {
  /** "fro" (default), "nuc", 1, -1, 2, -2, Infinity or -Infinity. */
  ord?: "fro" | "nuc" | number;
  /** The two dims that hold the matrices (default [-2, -1]). */
  dim?: readonly [number, number] | readonly number[];
  keepdim?: boolean;
}

const SUPPORTED = "Supported ords: 'fro', 'nuc', 1, -1, 2, -2, Infinity, -Infinity.";

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
  if (ord === "nuc" || ord === 2 || ord === -2) return spectralNorm(op, A, ord, d0, d1, keepdim);
  if (ord !== 1 && ord !== -1 && ord !== Infinity && ord !== -Infinity) {
    throw new Error(`${op}: ord ${String(ord)} is not a matrix norm order. ${SUPPORTED}`);
  }
  // ord ±1: the largest / smallest column sum of |A|; ord ±inf: the same over rows.
  const [across, along] = Math.abs(ord) === 1 ? [d0, d1] : [d1, d0];
  const sums = sum(abs(A), across, true);
  const r = ord > 0 ? amax(sums, along, true) : amin(sums, along, true);
  return keepdim ? r : reshape(r, A.shape.filter((_, i) => i !== d0 && i !== d1));
}

/** ord 2 (largest singular value), -2 (smallest) or "nuc" (their sum), as PyTorch composes them. */
function spectralNorm(
  op: string,
  A: Tensor,
  ord: 2 | -2 | "nuc",
  d0: number,
  d1: number,
  keepdim: boolean,
): Tensor {
  const name = typeof ord === "string" ? `'${ord}'` : String(ord);
  requireCpu(op, "A", A, `ord ${name} needs singular values, and the SVD runs on the CPU`);
  if (ord !== "nuc" && (A.shape[d0] === 0 || A.shape[d1] === 0)) {
    throw new Error(
      `${op}: ord ${name} of an empty matrix (shape ${shapeStr(A.shape)}) is undefined: it has ` +
        `no singular values to take the ${ord === 2 ? "largest" : "smallest"} of. Use ord 'fro' ` +
        "or 'nuc' (0 for an empty matrix), or a non-empty matrix.",
    );
  }
  const rest = A.shape.map((_, i) => i).filter((i) => i !== d0 && i !== d1);
  const s = svdvals(permute(A, [...rest, d0, d1]));
  const r = ord === "nuc" ? sum(s, -1) : ord === 2 ? amax(s, -1) : amin(s, -1);
  if (!keepdim) return r;
  const shape = A.shape.map((n, i) => (i === d0 || i === d1 ? 1 : n));
  return reshape(r, shape);
}
