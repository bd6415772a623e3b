/** View ops: new shape/strides over the same storage, each with its backward rule. */
import type { Tensor } from "../tensor/tensor.ts";
import { record } from "../autograd/node.ts";
import {
  checkDims,
  contiguousStrides,
  inferShape,
  normalizeDim,
  normalizeDims,
  shapeStr,
} from "../core/shape.ts";
import { contiguous } from "./copy.ts";
import { sumTo } from "./reduce.ts";

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape("reshape", x.shape, shape);
  const base = x.isContiguous() ? x : contiguous(x);
  return viewOf(base, target, "ReshapeBackward", x);
}

export function view(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape("view", x.shape, shape);
  if (!x.isContiguous()) {
    throw new Error(
      `view: the tensor of shape ${shapeStr(x.shape)} is not contiguous (strides [${
        x.strides.join(", ")
      }]), ` +
        "so it cannot be viewed as a new shape without copying. Use reshape(), or contiguous().view().",
    );
  }
  return viewOf(x, target, "ViewBackward", x);
}

/** A contiguous `base` seen with a new shape; the gradient is reshaped back to `input`'s. */
function viewOf(base: Tensor, shape: readonly number[], name: string, input: Tensor): Tensor {
  const out = base._view(shape, contiguousStrides(shape), base.offset);
  const inShape = input.shape;
  return record(out, name, [input], (g) => [reshape(g, inShape)]);
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim("flatten", startDim, x.ndim);
  const e = normalizeDim("flatten", endDim, x.ndim);
  if (s > e) throw new Error(`flatten: startDim ${startDim} comes after endDim ${endDim}.`);
  let merged = 1;
  for (let i = s; i <= e; i++) merged *= x.shape[i];
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const dims = dim === undefined
    ? x.shape.map((_, i) => i).filter((i) => x.shape[i] === 1)
    : normalizeDims("squeeze", dim, x.ndim).filter((i) => x.shape[i] === 1);
  const keep = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  return layoutView(
    x,
    keep.map((i) => x.shape[i]),
    keep.map((i) => x.strides[i]),
    x.offset,
    "SqueezeBackward",
  );
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim("unsqueeze", dim, x.ndim + 1);
  const shape = [...x.shape], strides = [...x.strides];
  const stride = d < x.ndim ? x.shape[d] * x.strides[d] : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, stride);
  return layoutView(x, shape, strides, x.offset, "UnsqueezeBackward");
}

/** A view whose gradient only needs reshaping back (squeeze, unsqueeze, unflatten). */
export function layoutView(
  x: Tensor,
  shape: number[],
  strides: number[],
  offset: number,
  name: string,
): Tensor {
  const inShape = x.shape;
  return record(x._view(shape, strides, offset), name, [x], (g) => [reshape(g, inShape)]);
}

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) {
    throw new Error(
      `permute: got ${dims.length} dims [${
        dims.join(", ")
      }] for a tensor with ${x.ndim} dimensions ` +
        `(shape ${shapeStr(x.shape)}); give each dimension exactly once.`,
    );
  }
  normalizeDims("permute", dims, x.ndim); // rejects repeated dims
  const p = dims.map((d) => normalizeDim("permute", d, x.ndim));
  const inverse: number[] = [];
  p.forEach((d, i) => (inverse[d] = i));
  const out = x._view(p.map((d) => x.shape[d]), p.map((d) => x.strides[d]), x.offset);
  return record(out, "PermuteBackward", [x], (g) => [permute(g, inverse)]);
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normalizeDim("transpose", dim0, x.ndim), b = normalizeDim("transpose", dim1, x.ndim);
  if (a === b) return x;
  const p = x.shape.map((_, i) => i);
  [p[a], p[b]] = [p[b], p[a]];
  const out = x._view(p.map((d) => x.shape[d]), p.map((d) => x.strides[d]), x.offset);
  return record(out, "TransposeBackward", [x], (g) => [transpose(g, a, b)]);
}

export function expand(x: Tensor, shape: readonly number[]): Tensor {
  if (shape.length < x.ndim) {
    throw new Error(
      `expand: the target shape [${shape.join(", ")}] has fewer dimensions than the tensor's ${
        shapeStr(x.shape)
      }.`,
    );
  }
  const lead = shape.length - x.ndim;
  const outShape: number[] = [], strides: number[] = [];
  checkDims("expand", shape.length);
  const bad = shape.findIndex((s) => !Number.isInteger(s) || s < -1);
  if (bad >= 0) {
    throw new Error(
      `expand: sizes must be integers >= 0 (or -1 to keep a dim), got ${shape[bad]} at ` +
        `dimension ${bad} of [${shape.join(", ")}].`,
    );
  }
  shape.forEach((s, i) => {
    const j = i - lead;
    const have = j >= 0 ? x.shape[j] : 1;
    const size = s === -1 ? (j >= 0 ? have : NaN) : s;
    if (Number.isNaN(size)) {
      throw new Error(
        `expand: -1 at dimension ${i} of [${shape.join(", ")}] is a new leading dim of ${
          shapeStr(x.shape)
        }, so it has no size to keep; give its size.`,
      );
    }
    if (have !== 1 && have !== size) {
      throw new Error(
        `expand: cannot expand shape ${shapeStr(x.shape)} to [${
          shape.join(", ")
        }]: dimension ${i} ` +
          `has size ${have}, which must be 1 (or equal ${s}) to expand. Only size-1 dims can grow.`,
      );
    }
    outShape.push(size);
    strides.push(j >= 0 && have === size ? x.strides[j] : 0);
  });
  if (outShape.length === x.ndim && outShape.every((s, i) => s === x.shape[i])) return x;
  const inShape = x.shape;
  return record(
    x._view(outShape, strides, x.offset),
    "ExpandBackward",
    [x],
    (g) => [sumTo(g, inShape)],
  );
}
