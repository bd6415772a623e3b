/** matmul with PyTorch semantics (1-D, 2-D, batched with broadcasting), mm, dot, outer. */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import type { View } from "../backend/backend.ts";
import { record } from "../autograd/node.ts";
import { broadcastShapes, numelOf, sameShape, shapeStr } from "../core/shape.ts";
import { fromStorage, operands } from "./operand.ts";
import { to } from "./copy.ts";
import { expand, reshape, transpose, unsqueeze } from "./view.ts";
import { sumTo } from "./reduce.ts";
import { isGradEnabled, noGrad } from "../autograd/grad_mode.ts";
import { assignInPlace } from "./inplace.ts";
import { mul } from "./binary.ts";
import { allocating, arithmeticType } from "../core/dtype.ts";
import { checkOptions } from "../core/options.ts";

function dims(t: Tensor): string {
  return t.ndim === 0 ? "a scalar" : t.shape.join("x");
}

function mismatch(op: string, a: Tensor, b: Tensor, k1: number, k2: number): Error {
  return new Error(
    `${op}: cannot multiply ${dims(a)} by ${dims(b)} (inner dimensions ${k1} and ${k2} differ). ` +
      "The last dim of the first operand must equal the " +
      (b.ndim === 1
        ? "length of the vector."
        : "second-to-last dim of the second; transpose one (x.T) if you meant that."),
  );
}

/** Runs the batched kernel on [B, M, K] and [B, K, N] views; returns [B, M, N]. */
function bmmKernel(a: Tensor, b: Tensor): Tensor {
  const [B, M] = a.shape;
  const N = b.shape[2];
  return fromStorage(a._backend.matmul(a, b), [B, M, N], a.dtype, a.device);
}

function promoted(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const [x, y, dt0] = operands(op, a, b);
  const dt = arithmeticType(dt0);
  return [x.dtype === dt ? x : to(x, dt), y.dtype === dt ? y : to(y, dt)];
}

/**
 * A [..., rows, cols] operand with at most one batch dim as the kernel's [nb, rows, cols]
 * view, built as a plain View rather than a chain of view tensors: on small matrices the
 * tensors cost more than the multiply. A missing or size-1 batch dim broadcasts (stride 0).
 */
function view3d(t: Tensor, nb: number): View {
  const n = t.ndim;
  const bs = n === 3 && t.shape[0] !== 1 ? t.strides[0] : 0;
  return {
    storage: t.storage,
    dtype: t.dtype,
    shape: [nb, t.shape[n - 2], t.shape[n - 1]],
    strides: [bs, t.strides[n - 2], t.strides[n - 1]],
    offset: t.offset,
  };
}

/** A 1-D operand seen as a matrix: a row for the left one, a column for the right one. */
const asLeft = (t: Tensor) => (t.ndim === 1 ? unsqueeze(t, 0) : t);
const asRight = (t: Tensor) => (t.ndim === 1 ? unsqueeze(t, 1) : t);

/**
 * A [..., rows, cols] operand as [nb, rows, cols]. One batch dim or none stays a view (a
 * transposed matrix keeps its swapped strides, a broadcast batch its stride 0); several
 * batch dims are merged, which copies when they are not contiguous.
 */
function to3d(t: Tensor, batch: readonly number[], nb: number, rows: number, cols: number): Tensor {
  if (batch.length === 0) return unsqueeze(t, 0);
  const e = expand(t, [...batch, rows, cols]);
  return batch.length === 1 ? e : reshape(e, [nb, rows, cols]);
}

export interface MatmulOptions {
  /**
   * Writes the product into this tensor and returns it (PyTorch's out=): it must have the
   * product's shape and dtype. Saves allocating the result, which for large products costs
   * as much as a fast BLAS call; outside autograd only.
   */
  out?: Tensor;
}

/** Checks an out= tensor against the product's shape and dtype, before anything is computed. */
function checkOut(out: Tensor, shape: readonly number[], x: Tensor): void {
  if (!sameShape(out.shape, shape) || out.dtype !== x.dtype || out.device !== x.device) {
    throw new Error(
      `matmul: out has shape ${shapeStr(out.shape)}, ${out.dtype} on '${out.device}', but the ` +
        `product is ${shapeStr(shape)}, ${x.dtype} on '${x.device}'. Allocate out to match ` +
        "(e.g. zeros(shape, { dtype })), or drop out to get a new tensor.",
    );
  }
}

/** Whether the kernel may write straight into `out` (else it computes, then copies). */
function writableInPlace(out: Tensor, x: Tensor, y: Tensor): boolean {
  return out.isContiguous() && out.storage !== x.storage && out.storage !== y.storage;
}

/** Forward of matmul for operands with at least one of them 2-D or more, outside autograd. */
function matmulForward(x: Tensor, y: Tensor, into?: Tensor): Tensor {
  return noGrad(() => {
    const a2 = asLeft(x), b2 = asRight(y);
    const M = a2.shape[a2.ndim - 2], K = a2.shape[a2.ndim - 1];
    const K2 = b2.shape[b2.ndim - 2], N = b2.shape[b2.ndim - 1];
    if (K !== K2) throw mismatch("matmul", x, y, K, K2);
    const batch = a2.ndim === 2 && b2.ndim === 2 ? [] : broadcastShapes(
      `matmul (batch dims of ${dims(x)} and ${dims(y)})`,
      a2.shape.slice(0, -2),
      b2.shape.slice(0, -2),
    );
    const nb = numelOf(batch);
    const shape = [...batch, M, N];
    if (x.ndim === 1) shape.splice(-2, 1);
    if (y.ndim === 1) shape.splice(-1, 1);
    if (into) checkOut(into, shape, x);
    if (batch.length <= 1 && a2.ndim <= 3 && b2.ndim <= 3) {
      const direct = into && writableInPlace(into, x, y) ? into : undefined;
      const storage = x._backend.matmul(view3d(a2, nb), view3d(b2, nb), direct);
      if (direct && storage === direct.storage) {
        direct._bumpVersion();
        return direct;
      }
      const result = fromStorage(storage, shape, x.dtype, x.device);
      return into ? copyInto(into, result) : result;
    }
    const a3 = to3d(a2, batch, nb, M, K), b3 = to3d(b2, batch, nb, K, N);
    const result = reshape(bmmKernel(a3, b3), shape);
    return into ? copyInto(into, result) : result;
  });
}

function copyInto(out: Tensor, result: Tensor): Tensor {
  assignInPlace("matmul", out, result);
  return out;
}

export function matmul(a: TensorLike, b: TensorLike, opts?: MatmulOptions): Tensor {
  checkOptions("matmul", opts, ["out"]);
  const [x, y] = promoted("matmul", a, b);
  return allocating(
    "matmul",
    () => `${shapeStr(x.shape)} @ ${shapeStr(y.shape)}`,
    () => matmulOf(x, y, opts),
  );
}

function matmulOf(x: Tensor, y: Tensor, opts?: MatmulOptions): Tensor {
  const into = opts?.out;
  if (into && isGradEnabled() && (x.requiresGrad || y.requiresGrad || into.requiresGrad)) {
    throw new Error(
      "matmul: out= does not support autograd, but an input or out requires grad. Call it " +
        "inside noGrad(() => ...), or drop out to get a new tensor that autograd can track.",
    );
  }
  if (x.ndim === 0 || y.ndim === 0) {
    throw new Error(
      `matmul: both arguments must be at least 1-D, got shapes ${shapeStr(x.shape)} and ${
        shapeStr(y.shape)
      }. ` +
        "Use mul() to scale by a scalar.",
    );
  }
  if (x.ndim === 1 && y.ndim === 1) {
    if (x.shape[0] !== y.shape[0]) throw mismatch("matmul", x, y, x.shape[0], y.shape[0]);
    if (!into) return dot(x, y);
    checkOut(into, [], x);
    return copyInto(into, dot(x, y));
  }
  if (into) return matmulForward(x, y, into);
  const out = matmulForward(x, y);
  const name = x.ndim > 2 || y.ndim > 2
    ? "BmmBackward"
    : x.ndim === 1 || y.ndim === 1
    ? "MvBackward"
    : "MmBackward";
  const needX = x.requiresGrad, needY = y.requiresGrad;
  return record(out, name, [x, y], (g, [xs, ys]) => {
    if (xs.ndim === 2 && ys.ndim === 2) { // the common case, without the reshapes below
      return [
        needX ? matmul(g, transpose(ys, 0, 1)) : null,
        needY ? matmul(transpose(xs, 0, 1), g) : null,
      ];
    }
    const x2 = asLeft(xs), y2 = asRight(ys);
    let g2 = g;
    if (xs.ndim === 1) g2 = unsqueeze(g2, -2);
    if (ys.ndim === 1) g2 = unsqueeze(g2, -1);
    return [
      needX ? reshape(sumTo(matmul(g2, transpose(y2, -1, -2)), x2.shape), xs.shape) : null,
      needY ? reshape(sumTo(matmul(transpose(x2, -1, -2), g2), y2.shape), ys.shape) : null,
    ];
  }, [x, y]);
}

/** Throws unless both operands are matrices (ndim 2) or vectors (ndim 1), ending with `fix`. */
function checkRanks(op: string, x: Tensor, y: Tensor, ndim: 1 | 2, fix: string): void {
  if (x.ndim !== ndim || y.ndim !== ndim) {
    throw new Error(
      `${op}: both arguments must be ${ndim === 2 ? "2-D matrices" : "1-D vectors"}, got shapes ${
        shapeStr(x.shape)
      } and ${shapeStr(y.shape)}. ${fix}`,
    );
  }
}

export function mm(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = promoted("mm", a, b);
  checkRanks("mm", x, y, 2, "Use matmul() for vectors and batches.");
  if (x.shape[1] !== y.shape[0]) throw mismatch("mm", x, y, x.shape[1], y.shape[0]);
  return matmul(x, y);
}

export function dot(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = promoted("dot", a, b);
  checkRanks("dot", x, y, 1, "Use matmul() for matrices, or flatten() them first.");
  if (x.shape[0] !== y.shape[0]) {
    throw new Error(
      `dot: the vectors have different lengths, ${x.shape[0]} and ${y.shape[0]}; ` +
        "both must have the same number of elements.",
    );
  }
  const out = noGrad(() =>
    reshape(bmmKernel(reshape(x, [1, 1, x.shape[0]]), reshape(y, [1, y.shape[0], 1])), [])
  );
  return record(out, "DotBackward", [x, y], (g, [xs, ys]) => [mul(g, ys), mul(g, xs)], [x, y]);
}

export function outer(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = promoted("outer", a, b);
  checkRanks("outer", x, y, 1, "flatten() them first.");
  return mul(unsqueeze(x, 1), unsqueeze(y, 0));
}
