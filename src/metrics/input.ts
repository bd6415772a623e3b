/** Turning metric arguments (tensors, nested arrays, TypedArrays) into checked JS arrays. */
import { Tensor, type TensorLike } from "../tensor/tensor.ts";
import type { TypedArray } from "../core/dtype.ts";
import { shapeStr } from "../core/shape.ts";
import { asTensor, requireCpu } from "../ops/operand.ts";

/** What metrics accept: a tensor, a (nested) array of numbers or booleans, or a TypedArray. */
export type MetricInput = TensorLike | TypedArray;

/** The argument as a CPU tensor (cut from the graph), naming the metric on failure. */
export function toCpuTensor(op: string, name: string, x: MetricInput): Tensor {
  const t = x instanceof Tensor ? x.detach() : asTensor(x as TensorLike);
  return requireCpu(op, name, t, "metrics read values synchronously");
}

/** Both arguments, checked to be non-empty and of the same length along the sample dim. */
export function pair(
  op: string,
  yTrue: MetricInput,
  yPred: MetricInput,
): [Tensor, Tensor] {
  const a = toCpuTensor(op, "yTrue", yTrue), b = toCpuTensor(op, "yPred", yPred);
  const na = a.ndim === 0 ? 1 : a.shape[0], nb = b.ndim === 0 ? 1 : b.shape[0];
  if (na !== nb) {
    throw new Error(
      `${op}: yTrue and yPred must have the same number of samples, but yTrue has ${na} ` +
        `(shape ${shapeStr(a.shape)}) and yPred has ${nb} (shape ${shapeStr(b.shape)}).`,
    );
  }
  if (a.numel() === 0 || b.numel() === 0) {
    throw new Error(`${op}: yTrue and yPred are empty; a metric needs at least one sample.`);
  }
  return [a, b];
}

/** Float64 values of a tensor, contiguous. */
export function values(t: Tensor): Float64Array {
  return t.to("float64")._values() as Float64Array;
}

/**
 * Class labels as non-negative integers. A 2-D [n, C] float tensor of scores or
 * probabilities is reduced with argmax over classes; bools count as 0/1.
 */
export function labels(op: string, name: string, t: Tensor): Int32Array {
  let x = t;
  if (x.ndim === 2 && x.shape[1] > 1) x = x.argmax(1);
  else if (x.ndim === 2 && x.shape[1] === 1) x = x.reshape(-1);
  if (x.ndim > 1) {
    throw new Error(
      `${op}: ${name} must hold one label per sample (shape [n]) or scores [n, C], ` +
        `got shape ${shapeStr(t.shape)}.`,
    );
  }
  const v = values(x);
  const out = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    if (!Number.isInteger(v[i]) || v[i] < 0) {
      throw new Error(
        `${op}: ${name}[${i}] is ${v[i]}, but class labels must be non-negative integers ` +
          "(0, 1, 2, ...). Threshold probabilities first (e.g. probs.gt(0.5)) or take " +
          "argmax(1) of the scores.",
      );
    }
    out[i] = v[i];
  }
  return out;
}
