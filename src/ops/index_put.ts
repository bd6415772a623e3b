/**
 * Writes through an index spec: indexPut / indexPut_ (torch.index_put_) and x.at(...spec),
 * whose set_ / add_ are `x[spec] = v` and `x[spec] += v`. An in-place write that autograd
 * must see is recorded as PyTorch's CopySlices: the tensor takes a new gradFn whose inputs
 * are its previous value and the values written.
 */
import { Tensor, type TensorLike } from "../tensor/tensor.ts";
import { isGradEnabled, noGrad } from "../autograd/grad_mode.ts";
import { broadcastShapes, sameShape, shapeStr } from "../core/shape.ts";
import { checkOptions } from "../core/options.ts";
import { applySteps, index, type IndexSpec, type Step, toSteps } from "./indexing.ts";
import { asTensor } from "./operand.ts";
import { to } from "./copy.ts";
import { add, broadcastView } from "./binary.ts";
import { checkMasks, putSteps } from "./advanced_index.ts";
import { nonzeroAsync } from "./nonzero.ts";

export interface IndexPutOptions {
  /** Add the values instead of writing them; repeated indices add up. */
  accumulate?: boolean;
}

function accumulateOf(op: string, o: IndexPutOptions | undefined): boolean {
  return checkOptions(op, o, ["accumulate"]).accumulate ?? false;
}

function needsGrad(v: TensorLike): boolean {
  return v instanceof Tensor && v.requiresGrad;
}

/**
 * Runs an in-place write: `compute` returns the new value of x out of place (recording its
 * graph when autograd must see the write); it is copied into x's memory and, when recorded,
 * becomes x's history.
 */
export function writeInPlace(
  op: string,
  x: Tensor,
  compute: () => Tensor,
  valuesNeedGrad: boolean,
  direct?: () => boolean,
): Tensor {
  const grad = isGradEnabled();
  if (grad && x.requiresGrad && x.isLeaf) {
    throw new Error(
      `${op}: a leaf Variable that requires grad is being used in an in-place operation. ` +
        "Wrap the write in noGrad(() => ...) (as optimizers do), or write into a copy: " +
        "x.clone().",
    );
  }
  if (x.shape.some((s, i) => s > 1 && x.strides[i] === 0)) {
    throw new Error(
      `${op}: the tensor of shape ${shapeStr(x.shape)} is an expanded view: several of its ` +
        "elements share one memory location, so it cannot be written in place. Call clone() first.",
    );
  }
  const recorded = grad && (x.requiresGrad || valuesNeedGrad);
  if (recorded && x._isView) {
    throw new Error(
      `${op}: this tensor of shape ${shapeStr(x.shape)} is a view of another tensor, and an ` +
        "in-place write that autograd records cannot go through a view here (the base would " +
        "not see it). Write into the base with the full index (base.at(...).set_(v)), or " +
        "clone() the view first.",
    );
  }
  if (!recorded && direct && noGrad(direct)) {
    x._bumpVersion();
    return x;
  }
  const out = recorded ? compute() : noGrad(compute);
  x._backend.assign(x, out);
  x._bumpVersion();
  if (recorded && out.gradFn) {
    x._setGradFn(out.gradFn);
    x._recordedWrite();
  }
  return x;
}

/**
 * x[spec] = v for a basic spec (no advanced entries), written straight through the view with
 * no copy of x; false when it does not apply (advanced entries, or values sharing x's memory,
 * which the copying path handles).
 */
function writeView(
  op: string,
  x: Tensor,
  steps: readonly Step[],
  values: TensorLike,
  accumulate: boolean,
): boolean {
  if (steps.some((s) => s.kind === "list" || s.kind === "mask" || s.kind === "bool")) return false;
  const v = asTensor(values, x, values instanceof Tensor ? undefined : x.dtype);
  if (v.storage === x.storage || v.device !== x.device) return false;
  const l = applySteps(x.shape, x, steps);
  const view = x._view(l.shape, l.strides, l.offset);
  let fits = true;
  try {
    fits = sameShape(broadcastShapes(op, v.shape, view.shape), view.shape);
  } catch {
    fits = false;
  }
  if (!fits) return false; // the copying path raises the error
  const src = to(accumulate ? add(view, v) : v, x.dtype);
  x._backend.assign(view, broadcastView(src, view.shape));
  return true;
}

/** A write into x through `steps`, in place; x[spec] = v with x's history where autograd needs it. */
function putInPlace(
  op: string,
  x: Tensor,
  steps: readonly Step[],
  values: TensorLike,
  accumulate: boolean,
): Tensor {
  return writeInPlace(
    op,
    x,
    () => putSteps(op, x, steps, values, accumulate, "CopySlices"),
    needsGrad(values),
    () => writeView(op, x, steps, values, accumulate),
  );
}

/** torch.index_put: x with x[indices] = values (or += with accumulate), out of place. */
export function indexPut(
  x: Tensor,
  indices: readonly IndexSpec[],
  values: TensorLike,
  options?: IndexPutOptions,
): Tensor {
  const accumulate = accumulateOf("indexPut", options);
  return putSteps("indexPut", x, toSteps(indices, x.ndim), values, accumulate);
}

/** torch.Tensor.index_put_: writes values at indices (int tensors, bool masks, any spec). */
export function indexPut_(
  x: Tensor,
  indices: readonly IndexSpec[],
  values: TensorLike,
  options?: IndexPutOptions,
): Tensor {
  const accumulate = accumulateOf("indexPut_", options);
  return putInPlace("indexPut_", x, toSteps(indices, x.ndim), values, accumulate);
}

/**
 * The target of `x.at(...spec)`: the elements that `x.index(...spec)` reads, to write.
 * set_ / add_ write into x (x[spec] = v, x[spec] += v with repeated indices adding up);
 * set / add return a new tensor.
 */
export class IndexTarget {
  readonly tensor: Tensor;
  readonly spec: readonly IndexSpec[];
  constructor(tensor: Tensor, spec: readonly IndexSpec[]) {
    this.tensor = tensor;
    this.spec = spec;
    toSteps(spec, tensor.ndim); // a bad spec fails here, where it is written
  }
  /** The indexed elements (x.index(...spec)). */
  get(): Tensor {
    return index(this.tensor, this.spec);
  }
  /** x[spec] = value, in place; returns x. */
  set_(value: TensorLike): Tensor {
    return this.#write("set_", value, false);
  }
  /** x[spec] += value, in place (repeated indices add up, as index_put_ with accumulate). */
  add_(value: TensorLike): Tensor {
    return this.#write("add_", value, true);
  }
  /** A copy of x with x[spec] = value. */
  set(value: TensorLike): Tensor {
    return indexPut(this.tensor, this.spec, value);
  }
  /** A copy of x with value added at spec. */
  add(value: TensorLike): Tensor {
    return indexPut(this.tensor, this.spec, value, { accumulate: true });
  }
  #write(op: string, value: TensorLike, accumulate: boolean): Tensor {
    const x = this.tensor;
    return putInPlace(`at(...).${op}`, x, toSteps(this.spec, x.ndim), value, accumulate);
  }
}

/**
 * index() that also takes bool-tensor masks on devices that can only be read asynchronously
 * (the mask's nonzero positions set the result's shape); the same as index() elsewhere.
 */
export async function indexAsync(x: Tensor, spec: readonly IndexSpec[]): Promise<Tensor> {
  checkMasks("indexAsync", x, toSteps(spec, x.ndim));
  const resolved: IndexSpec[] = [];
  for (const s of spec) {
    if (s instanceof Tensor && s.dtype === "bool" && !s._backend.readSync) {
      if (s.ndim === 0) resolved.push((await s.itemAsync()) as boolean);
      else resolved.push(...await nonzeroAsync(s, { asTuple: true }));
    } else resolved.push(s);
  }
  return index(x, resolved);
}
