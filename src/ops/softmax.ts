/** Stable softmax and log-softmax along one dim (fused kernels, rules in tensor ops). */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { record } from "../autograd/node.ts";
import { floatTypeFor } from "../core/dtype.ts";
import { normalizeDim } from "../core/shape.ts";
import { asTensor, fromStorage } from "./operand.ts";
import { contiguous, to } from "./copy.ts";
import { transpose } from "./view.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { mul, sub } from "./binary.ts";
import { eq, ne } from "./compare.ts";
import { unsqueeze } from "./view.ts";
import { where } from "./where.ts";
import { arange } from "../tensor/creation.ts";
import { sum } from "./reduce.ts";
import { exp } from "./unary.ts";

function run(x: Tensor, d: number, log: boolean): Tensor {
  return noGrad(() => {
    const last = x.ndim === 0 ? x : contiguous(transpose(x, d, -1));
    const out = fromStorage(x._backend.softmax(last, log), last.shape, x.dtype, x.device);
    return x.ndim === 0 ? out : transpose(out, d, -1);
  });
}

export function softmax(input: TensorLike, dim: number): Tensor {
  const t = asTensor(input);
  const x = to(t, floatTypeFor(t.dtype));
  const d = normalizeDim("softmax", dim, x.ndim);
  const out = run(x, d, false);
  return record(out, "SoftmaxBackward", [x], (g, [y]) => {
    const gy = mul(g, y);
    return [sub(gy, mul(y, sum(gy, d, true)))];
  }, [out]);
}

export function logSoftmax(input: TensorLike, dim: number): Tensor {
  const t = asTensor(input);
  const x = to(t, floatTypeFor(t.dtype));
  const d = normalizeDim("logSoftmax", dim, x.ndim);
  const out = run(x, d, true);
  return record(out, "LogSoftmaxBackward", [x], (g, [y]) => [
    sub(g, mul(exp(y), sum(g, d, true))),
  ], [out]);
}

/**
 * Per-row cross entropy of logits x [N, C] against int32 class indices t [N] in one kernel
 * (backends with `crossEntropyRows`): logsumexp(x_i) − x_i[t_i], 0 where t_i = ignoreIndex.
 * The backward, (softmax(x) − onehot(t)) · g per row, is written in tensor ops.
 */
export function crossEntropyRows(x: Tensor, t: Tensor, ignoreIndex: number): Tensor {
  const xc = contiguous(x);
  const kernel = x._backend.crossEntropyRows!;
  const out = fromStorage(
    kernel.call(x._backend, xc, contiguous(t), ignoreIndex),
    [x.shape[0]],
    x.dtype,
    x.device,
  );
  return record(out, "CrossEntropyBackward", [xc], (g, [logits]) => {
    const classes = arange(logits.shape[1], { dtype: "int32", device: logits.device });
    const onehot = to(eq(unsqueeze(t, 1), classes), logits.dtype);
    const d = sub(softmax(logits, 1), onehot);
    return [mul(where(unsqueeze(ne(t, ignoreIndex), 1), d, 0), unsqueeze(g, 1))];
  }, [xc]);
}
