/** In-place writes (copy_, fill_, add_, ...): outside autograd, guarded like PyTorch. */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { likeOf } from "./operand.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { shapeStr } from "../core/shape.ts";
import { asTensor } from "./operand.ts";
import { canCast } from "../core/dtype.ts";
import { broadcastView } from "./binary.ts";
import { broadcastShapes, sameShape } from "../core/shape.ts";

/** False for an expanded view, whose elements share memory and so cannot be written. */
export function writable(t: Tensor): boolean {
  return !t.shape.some((s, i) => s > 1 && t.strides[i] === 0);
}

/** A contiguous copy in new memory, outside autograd (contiguous() may return t itself). */
export function contiguousCopy(t: Tensor): Tensor {
  return likeOf(t, t._backend.unary("copy", t, t.dtype));
}

/**
 * Writes compute(t.grad) into t.grad's memory, as PyTorch's zero_grad and clip_grad_* do, so
 * code holding the .grad tensor sees the change. A .grad that cannot be written (an expanded
 * view a user assigned) is replaced instead. A gradient built with createGraph is detached
 * first, as torch does: the write must not enter its graph.
 */
export function updateGrad(t: Tensor, compute: (g: Tensor) => Tensor): void {
  const g = t.grad;
  if (!g) return;
  noGrad(() => {
    const value = compute(g.detach());
    if (g.requiresGrad) t.grad = g.detach();
    if (writable(t.grad!)) assignInPlace("grad update", t.grad!, value);
    else t.grad = contiguousCopy(value);
  });
}

export function assignInPlace(op: string, target: Tensor, value: TensorLike): void {
  if (isGradEnabled() && target.requiresGrad) {
    throw new Error(
      target.isLeaf
        ? `${op}: a leaf tensor that requires grad cannot be modified in place while grad mode is on. ` +
          "Wrap the update in noGrad(() => ...) (as optimizers do), or use the out-of-place op."
        : `${op}: in-place changes to a tensor produced by ${target.gradFn?.name} are not supported by ` +
          "autograd. Use the out-of-place op (e.g. x.add(y) instead of x.add_(y)).",
    );
  }
  if (!writable(target)) {
    throw new Error(
      `${op}: the tensor of shape ${
        shapeStr(target.shape)
      } is an expanded view: several of its elements share ` +
        "one memory location, so it cannot be written in place. Call clone() first.",
    );
  }
  const src = asTensor(value, target, target.dtype);
  if (src.device !== target.device) {
    throw new Error(`${op}: source is on '${src.device}' but the tensor is on '${target.device}'.`);
  }
  const shape = broadcastShapes(op, target.shape, src.shape);
  if (!sameShape(shape, target.shape)) {
    throw new Error(
      `${op}: a value of shape ${shapeStr(src.shape)} cannot be written into a tensor of shape ` +
        `${shapeStr(target.shape)}; it must broadcast to the tensor's shape.`,
    );
  }
  target._backend.assign(target, broadcastView(src, target.shape));
  target._bumpVersion();
}

/** Writes the result of an arithmetic op back into `target` (add_, mul_...): a cast down a
 * category (float into int, int into bool) raises, as in PyTorch, instead of truncating. */
export function updateInPlace(op: string, target: Tensor, result: Tensor): void {
  if (!canCast(result.dtype, target.dtype)) {
    throw new Error(
      `${op}: the result type ${result.dtype} can't be cast to the ${target.dtype} tensor it would ` +
        `be written into. Use the out-of-place op (e.g. x.${op.slice(0, -1)}(...)), or convert ` +
        `first: x = x.to('${result.dtype}').`,
    );
  }
  assignInPlace(op, target, result);
}
