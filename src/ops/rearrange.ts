/**
 * Rearranging ops: flip and roll (copies), and the views t, movedim, swapaxes, unflatten,
 * unbind, viewAs / reshapeAs / expandAs / broadcastTo, and meshgrid's expanded grids.
 */
import { Tensor, type TensorLike } from "../tensor/tensor.ts";
import { record } from "../autograd/node.ts";
import { contiguousStrides, normalizeDim, normalizeDims, shapeStr } from "../core/shape.ts";
import { checkOptions } from "../core/options.ts";
import { asTensor } from "./operand.ts";
import { clone } from "./copy.ts";
import { expand, layoutView, permute, reshape, squeeze, transpose, view } from "./view.ts";
import { narrow } from "./indexing.ts";
import { cat } from "./join.ts";

function dimList(dims: number | readonly number[]): readonly number[] {
  return typeof dims === "number" ? [dims] : dims;
}

/** Reverses the order along `dims` (a copy, as in PyTorch). */
export function flip(input: TensorLike, dims: number | readonly number[]): Tensor {
  const x = asTensor(input);
  const ds = normalizeDims("flip", dims, x.ndim);
  if (x.ndim === 0 || ds.length === 0) return clone(x);
  let offset = x.offset;
  const strides = [...x.strides];
  for (const d of ds) {
    if (x.shape[d] > 0) offset += (x.shape[d] - 1) * x.strides[d];
    strides[d] = -strides[d];
  }
  // A negative-stride view, copied: one pass, and flip(g) is its own gradient.
  const reversed = x.detach()._view(x.shape, strides, offset);
  const out = clone(reversed);
  return record(out, "FlipBackward", [x], (g) => [flip(g, ds)]);
}

/**
 * Shifts elements along dims, wrapping around. Without dims the tensor is flattened, rolled
 * and reshaped back, as PyTorch does.
 */
export function roll(
  input: TensorLike,
  shifts: number | readonly number[],
  dims?: number | readonly number[],
): Tensor {
  const x = asTensor(input);
  const ss = dimList(shifts);
  if (ss.some((s) => !Number.isInteger(s))) {
    throw new Error(`roll: shifts must be integers, got [${ss.join(", ")}].`);
  }
  if (dims === undefined || (Array.isArray(dims) && dims.length === 0)) {
    if (ss.length !== 1) {
      throw new Error(
        `roll: without dims, shifts must be one number (the flattened tensor is rolled), got [${
          ss.join(", ")
        }]. Pass dims with one entry per shift.`,
      );
    }
    const flat = reshape(x, [-1]);
    const rolled = rollDim(flat, ss[0], 0);
    return rolled === flat ? clone(x) : reshape(rolled, x.shape);
  }
  const ds = dimList(dims);
  if (ds.length !== ss.length) {
    throw new Error(
      `roll: shifts [${ss.join(", ")}] and dims [${
        ds.join(", ")
      }] must have the same length (one shift per dim).`,
    );
  }
  let out = x;
  ds.forEach((d, i) => (out = rollDim(out, ss[i], normalizeDim("roll", d, x.ndim))));
  return out === x ? clone(x) : out;
}

function rollDim(x: Tensor, shift: number, d: number): Tensor {
  const n = x.shape[d];
  if (n === 0) return x;
  const s = ((shift % n) + n) % n;
  if (s === 0) return x;
  return cat([narrow(x, d, n - s, s), narrow(x, d, 0, n - s)], d);
}

/** The matrix transpose of a 2-D tensor; 0-D and 1-D tensors come back as they are. */
export function t(input: TensorLike): Tensor {
  const x = asTensor(input);
  if (x.ndim > 2) {
    throw new Error(
      `t: expects a tensor with <= 2 dimensions, but got shape ${
        shapeStr(x.shape)
      } (${x.ndim}-D). ` +
        "Use transpose(dim0, dim1) or mT-style x.transpose(-2, -1) for batches.",
    );
  }
  return x.ndim < 2 ? x : transpose(x, 0, 1);
}

/** Moves the dims at `source` to the positions `destination`; the others keep their order. */
export function movedim(
  input: TensorLike,
  source: number | readonly number[],
  destination: number | readonly number[],
): Tensor {
  const x = asTensor(input);
  const src = dimList(source), dst = dimList(destination);
  if (src.length !== dst.length) {
    throw new Error(
      `movedim: source [${src.join(", ")}] and destination [${
        dst.join(", ")
      }] must have the same number of dims.`,
    );
  }
  const s = src.map((d) => normalizeDim("movedim", d, x.ndim));
  const t = dst.map((d) => normalizeDim("movedim", d, x.ndim));
  for (const [name, list, given] of [["source", s, src], ["destination", t, dst]] as const) {
    if (new Set(list).size !== list.length) {
      throw new Error(`movedim: repeated dim in ${name} [${given.join(", ")}]; list each once.`);
    }
  }
  const order = new Array<number>(x.ndim).fill(-1);
  t.forEach((d, i) => (order[d] = s[i]));
  const rest = x.shape.map((_, i) => i).filter((i) => !s.includes(i));
  for (let i = 0, k = 0; i < x.ndim; i++) if (order[i] < 0) order[i] = rest[k++];
  return permute(x, order);
}

/** NumPy's name for transpose(dim0, dim1). */
export function swapaxes(input: TensorLike, axis0: number, axis1: number): Tensor {
  return transpose(asTensor(input), axis0, axis1);
}

/** Splits dim into `sizes` (one may be -1): always a view, whatever the strides. */
export function unflatten(input: TensorLike, dim: number, sizes: readonly number[]): Tensor {
  const x = asTensor(input);
  const d = normalizeDim("unflatten", dim, x.ndim);
  if (sizes.length === 0) {
    throw new Error("unflatten: sizes must be non-empty; give at least one size.");
  }
  const n = x.ndim === 0 ? 1 : x.shape[d];
  const inferred = sizes.filter((s) => s === -1).length;
  if (inferred > 1) {
    throw new Error(
      `unflatten: only one size can be -1 (inferred), got [${sizes.join(", ")}].`,
    );
  }
  const known = sizes.reduce((a, s) => (s === -1 ? a : a * s), 1);
  if (sizes.some((s) => !Number.isInteger(s) || s < -1)) {
    throw new Error(
      `unflatten: sizes must be non-negative integers or -1, got [${sizes.join(", ")}].`,
    );
  }
  const full = sizes.map((s) => (s === -1 ? (known === 0 ? 0 : n / known) : s));
  if (full.reduce((a, s) => a * s, 1) !== n || full.some((s) => !Number.isInteger(s))) {
    throw new Error(
      `unflatten: sizes [${sizes.join(", ")}] don't multiply up to the size of dim ${d} (${n}) ` +
        `of the input of shape ${shapeStr(x.shape)}. Give sizes whose product is ${n}.`,
    );
  }
  if (x.ndim === 0) return reshape(x, full);
  // The new dims split dim d's stride as a contiguous block of shape `full` would.
  const strides = contiguousStrides(full).map((s) => s * x.strides[d]);
  const shape = [...x.shape.slice(0, d), ...full, ...x.shape.slice(d + 1)];
  const allStrides = [...x.strides.slice(0, d), ...strides, ...x.strides.slice(d + 1)];
  return layoutView(x, shape, allStrides, x.offset, "UnflattenBackward");
}

/** The slices along dim, each a view without that dim. */
export function unbind(input: TensorLike, dim = 0): Tensor[] {
  const x = asTensor(input);
  const d = normalizeDim("unbind", dim, x.ndim);
  if (x.ndim === 0) throw new Error("unbind: cannot unbind a 0-d tensor; it has no dims.");
  return Array.from({ length: x.shape[d] }, (_, i) => squeeze(narrow(x, d, i, 1), d));
}

export function viewAs(input: TensorLike, other: Tensor): Tensor {
  return view(asTensor(input), other.shape);
}

export function reshapeAs(input: TensorLike, other: Tensor): Tensor {
  return reshape(asTensor(input), other.shape);
}

export function expandAs(input: TensorLike, other: Tensor): Tensor {
  return expand(asTensor(input), other.shape);
}

/** expand() under NumPy's name: a stride-0 view with `shape`. */
export function broadcastTo(input: TensorLike, shape: readonly number[]): Tensor {
  return expand(asTensor(input), shape);
}

export interface MeshgridOptions {
  /** "ij" (default, matrix indexing) or "xy" (Cartesian: the first two dims swapped). */
  indexing?: "ij" | "xy";
}

/**
 * Grids from 1-D (or 0-D) tensors: output k varies along dim k ("ij"); with "xy" the first
 * two inputs vary along dims 1 and 0. Each output is an expanded view of its input.
 */
export function meshgrid(
  ...args: (TensorLike | readonly Tensor[] | MeshgridOptions)[]
): Tensor[] {
  let opts: MeshgridOptions = {};
  const last = args[args.length - 1];
  if (last && typeof last === "object" && !Array.isArray(last) && !(last instanceof Tensor)) {
    opts = checkOptions("meshgrid", last as MeshgridOptions, ["indexing"]);
    args = args.slice(0, -1);
  }
  const list =
    args.length === 1 && Array.isArray(args[0]) && args[0].every((a) => a instanceof Tensor)
      ? args[0] as readonly Tensor[]
      : args as TensorLike[];
  const indexing = opts.indexing ?? "ij";
  if (indexing !== "ij" && indexing !== "xy") {
    throw new Error(
      `meshgrid: indexing must be one of "xy" or "ij", but received: ${String(indexing)}.`,
    );
  }
  if (list.length === 0) throw new Error("meshgrid: expects a non-empty list of tensors.");
  const ts = list.map((a) => asTensor(a));
  ts.forEach((x, i) => {
    if (x.ndim > 1) {
      throw new Error(
        `meshgrid: expected 0-D or 1-D tensors, but tensor ${i} has shape ${
          shapeStr(x.shape)
        }. Flatten it first.`,
      );
    }
    if (x.device !== ts[0].device || x.dtype !== ts[0].dtype) {
      throw new Error(
        `meshgrid: all tensors must have the same dtype and device, but tensor ${i} is ${x.dtype} ` +
          `on '${x.device}' and tensor 0 is ${ts[0].dtype} on '${ts[0].device}'.`,
      );
    }
  });
  const swap = indexing === "xy" && ts.length >= 2;
  const order = ts.map((_, i) => i);
  if (swap) [order[0], order[1]] = [order[1], order[0]];
  const sizes = order.map((i) => ts[i].numel());
  return ts.map((x, i) => {
    const at = order.indexOf(i);
    const shape = sizes.map((_, k) => (k === at ? -1 : 1));
    return expand(reshape(x, shape), sizes);
  });
}
