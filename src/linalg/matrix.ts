/**
 * Moving tensors in and out of the float64 row-major arrays the linalg kernels work on.
 * The kernels are plain JS loops: linalg here serves small systems (closed forms, teaching),
 * where float64 accuracy matters more than speed.
 */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { type DType, floatTypeFor, promoteTypes } from "../core/dtype.ts";
import { shapeStr } from "../core/shape.ts";
import { tensor } from "../tensor/creation.ts";
import { asTensor, requireCpu } from "../ops/operand.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";

/** A stack of `count` matrices of rows x cols, row-major, one after another. */
export interface Matrices {
  data: Float64Array;
  batch: number[];
  count: number;
  rows: number;
  cols: number;
}

/** The tensor as a CPU tensor, with an error that names the op for any other device. */
export function cpuInput(op: string, name: string, x: TensorLike): Tensor {
  return requireCpu(op, name, asTensor(x), "runs on the CPU");
}

/** Contiguous float64 copy of the values (never aliases the tensor's storage). */
export function float64Values(t: Tensor): Float64Array {
  return t.detach().to("float64")._values() as Float64Array;
}

/** Reads a [..., rows, cols] tensor; `square` demands rows === cols. */
export function readMatrices(op: string, name: string, t: Tensor, square: boolean): Matrices {
  if (t.ndim < 2) {
    throw new Error(
      `${op}: ${name} must be a matrix (at least 2-D), got shape ${shapeStr(t.shape)}.` +
        (t.ndim === 1 && !square
          ? ` Use ${name}.reshape(-1, 1) for a column or .reshape(1, -1) for a row.`
          : ""),
    );
  }
  const rows = t.shape[t.ndim - 2], cols = t.shape[t.ndim - 1];
  if (square && rows !== cols) {
    throw new Error(
      `${op}: ${name} must be square, got shape ${
        shapeStr(t.shape)
      } (${rows} rows, ${cols} columns).` +
        (op.endsWith("solve") || op.endsWith("inv")
          ? " For a non-square system use linalg.lstsq for the least-squares solution."
          : ""),
    );
  }
  const batch = t.shape.slice(0, -2);
  let count = 1;
  for (const b of batch) count *= b;
  return { data: float64Values(t), batch, count, rows, cols };
}

/** Result dtype: the inputs' floating type (float32 unless one of them is float64). */
export function resultDtype(...ts: Tensor[]): DType {
  return floatTypeFor(ts.map((t) => t.dtype).reduce(promoteTypes));
}

export function fromFloat64(values: Float64Array, shape: readonly number[], dtype: DType): Tensor {
  return tensor(values, { dtype }).reshape(shape);
}

/** "" for a single matrix, " (matrix 3 of the batch)" inside a batch. */
export function batchNote(m: Matrices, index: number): string {
  return m.batch.length === 0 ? "" : ` (matrix ${index} of the batch of ${m.count})`;
}

/** For ops without a backward rule: refuse inputs that would silently drop out of the graph. */
export function noGradSupport(op: string, ...ts: Tensor[]): void {
  if (isGradEnabled() && ts.some((t) => t.requiresGrad)) {
    throw new Error(
      `${op}: does not support autograd; its result would not carry a gradient back to the ` +
        "inputs. Call it on detached tensors (x.detach()) or inside noGrad(() => ...).",
    );
  }
}
