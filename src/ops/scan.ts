/** Scans along one dim: cumsum, cumprod, logcumsumexp, cummax, cummin. */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import type { ScanOp } from "../backend/backend.ts";
import { record } from "../autograd/node.ts";
import { scanOutDtype } from "../core/dtype.ts";
import { requireFloat } from "./dtype_check.ts";
import { normalizeDim } from "../core/shape.ts";
import { asTensor, fromStorage, onesLikeOf, zerosOf } from "./operand.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { reshape, transpose, unsqueeze } from "./view.ts";
import { narrow } from "./indexing.ts";
import { cat } from "./join.ts";
import { sum } from "./reduce.ts";
import { add, div, mul, sub } from "./binary.ts";
import { eq, ge, gt, logicalAnd, lt } from "./compare.ts";
import { abs, exp, log } from "./unary.ts";
import { where } from "./where.ts";
import { scatterAdd } from "./gather.ts";
import { type ValuesIndices, valuesIndices } from "./values_indices.ts";

/** Runs the kernel; a 0-d tensor scans as one element (PyTorch accepts dim 0 or -1 there). */
function raw(op: ScanOp, x: Tensor, dim: number, reverse: boolean): Tensor {
  const v = x.ndim === 0 ? reshape(x, [1]) : x;
  const storage = x._backend.scan(op, v, dim, reverse);
  return fromStorage(storage, x.shape, scanOutDtype(op, x.dtype), x.device);
}

function dimOf(op: string, x: Tensor, dim: number): number {
  if (dim === undefined || dim === null) {
    throw new Error(`${op}: a dim is required, e.g. ${op}(x, 0) or x.${op}(-1).`);
  }
  return normalizeDim(op, dim, x.ndim);
}

/** cumsum forward (reverse = false) or from the end: each is the other's gradient. */
function cumsumDir(x: Tensor, d: number, reverse: boolean): Tensor {
  return record(
    raw("cumsum", x, d, reverse),
    "CumsumBackward",
    [x],
    (g) => [cumsumDir(g, d, !reverse)],
  );
}

/** Running sums along `dim`; bool and int32 inputs give int32 (int64 in PyTorch). */
export function cumsum(input: TensorLike, dim: number): Tensor {
  const x = asTensor(input);
  return cumsumDir(x, dimOf("cumsum", x, dim), false);
}

/** Running products along `dim`; the gradient is exact where inputs are zero, as PyTorch's. */
export function cumprod(input: TensorLike, dim: number): Tensor {
  const x = asTensor(input);
  const d = dimOf("cumprod", x, dim);
  const out = raw("cumprod", x, d, false);
  return record(out, "CumprodBackward", [x], (g, [xs, o]) => [cumprodGrad(g, xs, o, d)], [x, out]);
}

/**
 * d out_j / d x_i = prod_{m <= j, m != i} x_m. Before a row's first zero that is out_j / x_i;
 * at the first zero it is the cumprod with that zero replaced by 1; after it, 0 (another factor
 * is that zero). Written in tensor ops, without a read of the data, so it works on every device
 * and differentiates again.
 */
function cumprodGrad(g: Tensor, x: Tensor, out: Tensor, d: number): Tensor {
  if (isGradEnabled() && x.shape[d] > 1) return cumprodGradDifferentiable(g, x, out, d);
  const zero = eq(x, 0);
  const zerosSoFar = raw("cumsum", zero, d, false);
  const before = eq(zerosSoFar, 0);
  const firstZero = logicalAnd(zero, eq(zerosSoFar, 1));
  const a = div(cumsumDir(mul(g, out), d, true), where(before, x, 1));
  const b = cumsumDir(mul(g, cumprod(where(firstZero, 1, x), d)), d, true);
  return where(before, a, where(firstZero, b, 0));
}

/**
 * The same gradient as prod_{m < i} x_m * sum_{j >= i} g_j prod_{i < m <= j} x_m, with no
 * division and no data-dependent selection, so that its own gradient (createGraph) is exact
 * at zeros too. It builds an n x n matrix per row (PyTorch takes the same quadratic route
 * when the backward is itself differentiated); the plain backward above stays linear.
 */
function cumprodGradDifferentiable(g: Tensor, x: Tensor, out: Tensor, d: number): Tensor {
  const n = x.shape[d];
  const xRow = unsqueeze(transpose(x, d, -1), -2), gRow = unsqueeze(transpose(g, d, -1), -2);
  const k = asTensor(Array.from({ length: n }, (_, i) => i), x, "int32");
  const j = unsqueeze(k, 0), i = unsqueeze(k, 1);
  const after = gt(j, i), fromI = ge(j, i);
  // span[i, j] = prod_{i < m <= j} x_m for j >= i.
  const span = cumprod(where(after, xRow, 1), -1);
  const r = transpose(sum(where(fromI, mul(span, gRow), 0), -1), d, -1);
  const ones = onesLikeOf(narrow(out, d, 0, 1));
  const before = cat([ones, narrow(out, d, 0, n - 1)], d);
  return mul(before, r);
}

const LOWEST: Record<string, number> = {
  float32: -3.4028234663852886e38,
  float64: -Number.MAX_VALUE,
};

function logcumsumexpDir(x: Tensor, d: number, reverse: boolean): Tensor {
  const out = raw("logcumsumexp", x, d, reverse);
  return record(out, "LogcumsumexpBackward", [x], (g, [xs, o]) => {
    // grad_i = sum_{j >= i} g_j exp(x_i - out_j), summed in log space for the positive and
    // negative parts of g separately, so nothing overflows (PyTorch's formula).
    const logAbs = log(abs(g));
    const low = LOWEST[g.dtype];
    const part = (mask: Tensor) =>
      exp(add(logcumsumexpDir(sub(where(mask, logAbs, low), o), d, !reverse), xs));
    return [sub(part(gt(g, 0)), part(lt(g, 0)))];
  }, [x, out]);
}

/** log(cumsum(exp(x))) along `dim`, without overflow; rows of -inf stay -inf. */
export function logcumsumexp(input: TensorLike, dim: number): Tensor {
  const x = asTensor(input);
  requireFloat("logcumsumexp", x);
  return logcumsumexpDir(x, dimOf("logcumsumexp", x, dim), false);
}

function cumExtreme(op: "cummax" | "cummin", input: TensorLike, dim: number): ValuesIndices {
  const x = asTensor(input);
  const d = dimOf(op, x, dim);
  const indices = raw(op, x, d, false);
  const v = x.ndim === 0 ? reshape(x, [1]) : x;
  const idx = x.ndim === 0 ? reshape(indices, [1]) : indices;
  const values = fromStorage(x._backend.gather(v, d, idx), x.shape, x.dtype, x.device);
  const shape = x.shape, dtype = x.dtype, device = x.device;
  record(
    values,
    op === "cummax" ? "CummaxBackward" : "CumminBackward",
    [x],
    (g, [ix]) => [shape.length === 0 ? g : scatterAdd(zerosOf(shape, dtype, device), d, ix, g)],
    [indices],
  );
  return valuesIndices(values, indices);
}

/**
 * Running maximum along `dim` and the index where it was reached: the latest among ties, and
 * a NaN sticks once seen, as PyTorch.
 */
export function cummax(input: TensorLike, dim: number): ValuesIndices {
  return cumExtreme("cummax", input, dim);
}

/** Running minimum along `dim` and its index (latest among ties). */
export function cummin(input: TensorLike, dim: number): ValuesIndices {
  return cumExtreme("cummin", input, dim);
}
