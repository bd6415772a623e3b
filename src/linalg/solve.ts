/** solve and inv: LU with partial pivoting, differentiable (their backward reuses them). */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { sameShape, shapeStr } from "../core/shape.ts";
import { record } from "../autograd/node.ts";
import { matmul } from "../ops/matmul.ts";
import { to } from "../ops/copy.ts";
import { neg } from "../ops/unary.ts";
import { transpose, unsqueeze } from "../ops/view.ts";
import { type LU, luFactor, luSolveInto, singularStep } from "./lu.ts";
import {
  batchNote,
  cpuInput,
  float64Values,
  fromFloat64,
  type Matrices,
  readMatrices,
  resultDtype,
} from "./matrix.ts";

/** Factors matrix i of the stack, or throws the singular-matrix error naming op and shape. */
export function factorOrThrow(op: string, m: Matrices, shape: readonly number[], i: number): LU {
  const n = m.rows;
  const f = luFactor(m.data, i * n * n, n);
  const k = singularStep(f, n);
  if (k >= 0) {
    throw new Error(
      `${op}: the matrix A of shape ${shapeStr(shape)} is singular${batchNote(m, i)}: pivot ${
        k + 1
      } of ${n} is ${f.zeroPivot >= 0 ? "exactly 0" : "negligible"} after partial pivoting ` +
        "(some rows or columns are linearly dependent), so it has no inverse and A x = b has " +
        "no unique solution. Use linalg.lstsq for a least-squares solution.",
    );
  }
  return f;
}

/**
 * Solves A X = B for X. A is [..., n, n]; B is [..., n, k], or a vector [n] (a batch of
 * vectors [..., n] when its shape is A's without the last dim, as in PyTorch). Batch dims of
 * A and B must match. Computed in float64; the result has the inputs' floating dtype.
 */
export function solve(A: TensorLike, B: TensorLike): Tensor {
  const op = "linalg.solve";
  const a = cpuInput(op, "A", A), b = cpuInput(op, "B", B);
  const ma = readMatrices(op, "A", a, true);
  const n = ma.rows;
  const isVector = b.ndim === 1 ||
    (b.ndim === a.ndim - 1 && sameShape(b.shape, a.shape.slice(0, -1)));
  const expected = isVector ? [...ma.batch, n] : [...ma.batch, n, b.shape[b.ndim - 1]];
  if (b.ndim === 0 || !sameShape(b.shape, expected)) {
    const rows = shapeStr([...ma.batch, n]).slice(0, -1);
    throw new Error(
      `${op}: A has shape ${shapeStr(a.shape)}, so B must be a vector ${rows}] or a matrix ` +
        `${rows}, k] (k right-hand sides), but B has shape ${shapeStr(b.shape)}.`,
    );
  }
  const k = isVector ? 1 : b.shape[b.ndim - 1];
  const bData = float64Values(b);
  const out = new Float64Array(bData.length);
  for (let i = 0; i < ma.count; i++) {
    luSolveInto(factorOrThrow(op, ma, a.shape, i), n, bData, i * n * k, k, out, i * n * k);
  }
  const dt = resultDtype(a, b);
  const x = fromFloat64(out, b.shape, dt);
  // Inputs of another dtype get their gradient through a cast, as binary ops do.
  const [ac, bc] = [to(a, dt), to(b, dt)];
  return record(x, "LinalgSolveBackward", [ac, bc], (g, [aS, xS]) => {
    const gB = solve(transpose(aS, -1, -2), g);
    const gA = isVector
      ? neg(matmul(unsqueeze(gB, -1), unsqueeze(xS, -2)))
      : neg(matmul(gB, transpose(xS, -1, -2)));
    return [gA, gB];
  }, [ac, x]);
}

/** Inverse of a square matrix (or of each in a [..., n, n] batch). */
export function inv(A: TensorLike): Tensor {
  const op = "linalg.inv";
  const a = cpuInput(op, "A", A);
  const ma = readMatrices(op, "A", a, true);
  const n = ma.rows;
  const identity = new Float64Array(n * n);
  for (let i = 0; i < n; i++) identity[i * n + i] = 1;
  const out = new Float64Array(ma.data.length);
  for (let i = 0; i < ma.count; i++) {
    luSolveInto(factorOrThrow(op, ma, a.shape, i), n, identity, 0, n, out, i * n * n);
  }
  const y = fromFloat64(out, a.shape, resultDtype(a));
  return record(y, "LinalgInvBackward", [a], (g, [yS]) => {
    const yt = transpose(yS, -1, -2);
    return [neg(matmul(matmul(yt, g), yt))];
  }, [y]);
}
