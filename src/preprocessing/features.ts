/** Reading a [nSamples, nFeatures] data matrix, and the errors estimators share. */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { type DType, floatTypeFor } from "../core/dtype.ts";
import { shapeStr } from "../core/shape.ts";
import { tensor } from "../tensor/creation.ts";
import { asTensor, requireCpu } from "../ops/operand.ts";

export interface Features {
  /** The input as a tensor (as given: on its device, in the graph). */
  x: Tensor;
  n: number;
  d: number;
}

/** Checks that X is a non-empty 2-D [nSamples, nFeatures] matrix. */
export function features(op: string, X: TensorLike): Features {
  const x = asTensor(X);
  if (x.ndim !== 2) {
    throw new Error(
      `${op}: expected a 2-D [nSamples, nFeatures] matrix, got shape ${shapeStr(x.shape)}.` +
        (x.ndim === 1
          ? " For a single feature use X.reshape(-1, 1); for a single sample, X.reshape(1, -1)."
          : ""),
    );
  }
  const [n, d] = x.shape;
  if (n === 0 || d === 0) {
    throw new Error(
      `${op}: X of shape ${shapeStr(x.shape)} is empty; need at least one sample and one feature.`,
    );
  }
  return { x, n, d };
}

/** Float64 values of X, row-major (read synchronously, so X must be on the CPU). */
export function float64Rows(op: string, x: Tensor): Float64Array {
  return requireCpu(op, "X", x, "fitting reads values on the CPU").detach().to("float64")
    ._values() as Float64Array;
}

/** The floating dtype an estimator keeps its statistics in: that of the data it was fit on. */
export function statDtype(x: Tensor): DType {
  return floatTypeFor(x.dtype);
}

export function vector(values: Float64Array, dtype: DType): Tensor {
  return tensor(values, { dtype });
}

export function notFitted(cls: string, method: string): Error {
  return new Error(
    `${cls}.${method}: this ${cls} is not fitted yet. Call fit(X) (or fitTransform(X)) first.`,
  );
}

export function checkFeatureCount(cls: string, method: string, fitted: number, d: number): void {
  if (fitted !== d) {
    throw new Error(
      `${cls}.${method}: X has ${d} feature${d === 1 ? "" : "s"}, but this ${cls} was fitted on ` +
        `${fitted}. Pass data with the same columns it was fitted on.`,
    );
  }
}
