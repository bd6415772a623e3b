/**
 * Basic (NumPy-style) indexing as strided views, narrow, and the view's gradient
 * (sliceScatter: the gradient written into zeros through the same view).
 */
import { Tensor } from "../tensor/tensor.ts";
import { record } from "../autograd/node.ts";
import { contiguousStrides, normalizeDim, shapeStr } from "../core/shape.ts";
import { zerosOf } from "./operand.ts";
import { indexSelect } from "./gather.ts";

/** A slice, as in Python's start:stop:step; any part may be omitted. */
export interface Slice {
  start?: number | null;
  stop?: number | null;
  step?: number | null;
}

/**
 * One entry of t.index(...): a number picks one index; a "start:stop:step" string or a Slice
 * takes a range; null adds an axis of size 1; "..." fills the remaining dims with ":"; a 1-D
 * int array or int32 tensor picks several entries of one dim (a copy, through indexSelect).
 */
export type IndexSpec = number | string | Slice | null | readonly number[] | Tensor;

interface Layout {
  shape: number[];
  strides: number[];
  offset: number;
}

type Step =
  | { kind: "int"; index: number }
  | { kind: "slice"; slice: Slice }
  | { kind: "new" }
  | { kind: "list"; index: readonly number[] | Tensor };

function parseSliceString(s: string): Slice {
  const parts = s.split(":");
  if (parts.length < 2 || parts.length > 3) {
    throw new Error(
      `index: cannot read '${s}' as a slice; write "start:stop" or "start:stop:step" (parts optional).`,
    );
  }
  const num = (p: string | undefined) => {
    if (p === undefined || p.trim() === "") return null;
    const v = Number(p);
    if (!Number.isInteger(v)) {
      throw new Error(
        `index: '${p}' in slice '${s}' is not an integer; write "start:stop:step" with integers, e.g. "1:3" or "::-1".`,
      );
    }
    return v;
  };
  return { start: num(parts[0]), stop: num(parts[1]), step: num(parts[2]) };
}

function toSteps(spec: readonly IndexSpec[], ndim: number): Step[] {
  const steps: Step[] = [];
  let ellipsis = -1;
  spec.forEach((s, i) => {
    if (s === null) steps.push({ kind: "new" });
    else if (typeof s === "number") {
      if (!Number.isInteger(s)) {
        throw new Error(`index: position ${i} is ${s}, which is not an integer index.`);
      }
      steps.push({ kind: "int", index: s });
    } else if (s === "...") {
      if (ellipsis >= 0) {
        throw new Error("index: an index can only have a single ellipsis ('...').");
      }
      ellipsis = steps.length;
    } else if (typeof s === "string") steps.push({ kind: "slice", slice: parseSliceString(s) });
    else if (Array.isArray(s) || s instanceof Tensor) {
      steps.push({ kind: "list", index: s as readonly number[] });
    } else steps.push({ kind: "slice", slice: s as Slice });
  });
  const used = steps.filter((s) => s.kind !== "new").length;
  if (used > ndim) {
    throw new Error(
      `index: too many indices for a tensor of dimension ${ndim}: ${used} were given. Use null to add an axis.`,
    );
  }
  const fill: Step[] = Array.from({ length: ndim - used }, () => ({ kind: "slice", slice: {} }));
  if (ellipsis >= 0) steps.splice(ellipsis, 0, ...fill);
  else steps.push(...fill);
  return steps;
}

/** Python's slice.indices: clamps start/stop to the dim and returns the resulting length. */
function resolveSlice(
  slice: Slice,
  size: number,
  dim: number,
): { start: number; step: number; length: number } {
  const step = slice.step ?? 1;
  for (const v of [slice.start, slice.stop, slice.step]) {
    if (v !== null && v !== undefined && !Number.isInteger(v)) {
      throw new Error(`index: slice bounds and steps must be integers, got ${v} (dim ${dim}).`);
    }
  }
  if (step === 0) {
    throw new Error(
      `index: slice step cannot be zero (dim ${dim}); use a positive step, or a negative one to reverse.`,
    );
  }
  const [lo, hi] = step > 0 ? [0, size] : [-1, size - 1];
  const clampIdx = (v: number | null | undefined, dflt: number) => {
    if (v === null || v === undefined) return dflt;
    return v < 0 ? Math.max(v + size, lo) : Math.min(v, hi);
  };
  const start = clampIdx(slice.start, step > 0 ? lo : hi);
  const stop = clampIdx(slice.stop, step > 0 ? hi : lo);
  const length = Math.max(0, Math.ceil((stop - start) / step));
  return { start, step, length };
}

/** Applies the basic steps (no lists) to a layout of `shape`. */
function applySteps(
  shape: readonly number[],
  base: { strides: readonly number[]; offset: number },
  steps: readonly Step[],
): Layout {
  const out: Layout = { shape: [], strides: [], offset: base.offset };
  let d = 0;
  for (const s of steps) {
    if (s.kind === "new") {
      out.shape.push(1);
      out.strides.push(0);
      continue;
    }
    const size = shape[d], stride = base.strides[d];
    if (s.kind === "int") {
      if (s.index < -size || s.index >= size) {
        throw new Error(
          `index: index ${s.index} is out of bounds for dimension ${d} with size ${size} (shape ${
            shapeStr(shape)
          }); valid indices are ${-size}..${size - 1}.`,
        );
      }
      out.offset += (s.index < 0 ? s.index + size : s.index) * stride;
    } else {
      const r = s.kind === "slice"
        ? resolveSlice(s.slice, size, d)
        : { start: 0, step: 1, length: size };
      out.offset += r.length > 0 ? r.start * stride : 0;
      out.shape.push(r.length);
      out.strides.push(r.step * stride);
    }
    d++;
  }
  return out;
}

/** The basic-indexing view, differentiable: its gradient scatters back through the same view. */
function basicIndex(x: Tensor, steps: readonly Step[]): Tensor {
  const l = applySteps(x.shape, x, steps);
  const inShape = x.shape;
  return record(
    x._view(l.shape, l.strides, l.offset),
    "SliceBackward",
    [x],
    (g) => [sliceScatter(g, inShape, steps)],
  );
}

/** zeros(shape) with g written into the view that `steps` selects; the gradient of indexing. */
function sliceScatter(g: Tensor, shape: readonly number[], steps: readonly Step[]): Tensor {
  const out = zerosOf(shape, g.dtype, g.device);
  const l = applySteps(shape, { strides: contiguousStrides(shape), offset: 0 }, steps);
  out._backend.assign(out._view(l.shape, l.strides, l.offset), g);
  return record(out, "SliceScatterBackward", [g], (gg) => [basicIndex(gg, steps)]);
}

export function index(x: Tensor, spec: readonly IndexSpec[]): Tensor {
  const steps = toSteps(spec, x.ndim);
  const lists = steps.filter((s) => s.kind === "list");
  if (lists.length > 1) {
    throw new Error(
      "index: only one integer-list index is supported per call; index one dim at a time.",
    );
  }
  if (lists.length === 0) return basicIndex(x, steps);
  const at = steps.findIndex((s) => s.kind === "list");
  const list = steps[at] as { kind: "list"; index: readonly number[] | Tensor };
  const sliced = basicIndex(
    x,
    steps.map((s) => (s.kind === "list" ? { kind: "slice", slice: {} } : s)),
  );
  // dims before `at` that survive in the view: slices and new axes, not int indices
  const outDim = steps.slice(0, at).filter((s) => s.kind !== "int").length;
  return indexSelect(sliced, outDim, list.index as never);
}

export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normalizeDim("narrow", dim, x.ndim);
  const size = x.shape[d];
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(start) || !Number.isInteger(length)) {
    throw new Error(`narrow: start and length must be integers, got ${start} and ${length}.`);
  }
  if (s < 0 || length < 0 || s + length > size) {
    throw new Error(
      `narrow: start ${start} and length ${length} fall outside dimension ${d} of size ${size} ` +
        `(shape ${shapeStr(x.shape)}).`,
    );
  }
  const steps: Step[] = x.shape.map((_, i) => ({
    kind: "slice",
    slice: i === d ? { start: s, stop: s + length } : {},
  }));
  return basicIndex(x, steps);
}
