/**
 * Advanced (NumPy/PyTorch) indexing: integer tensors and bool masks in index(...), and writes
 * that take the same spec (indexPut, x.at(...).set_). A spec is lowered to the positions it
 * addresses in a contiguous copy of x (one int32 tensor of the result's shape), so a read is
 * one indexSelect and a write one indexCopy / indexAdd on the flattened tensor, on every
 * device, each with its gradient.
 */
import { Tensor, type TensorLike } from "../tensor/tensor.ts";
import { record } from "../autograd/node.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { broadcastShapes, contiguousStrides, sameShape, shapeStr } from "../core/shape.ts";
import { asTensor } from "./operand.ts";
import { contiguous, to } from "./copy.ts";
import { reshape } from "./view.ts";
import { add, broadcastView, maximum, minimum, mul } from "./binary.ts";
import { lt } from "./compare.ts";
import { where } from "./where.ts";
import { sumTo } from "./reduce.ts";
import { indexSelect } from "./gather.ts";
import { applySteps, basicIndex, type Step } from "./indexing.ts";
import { nonzeroColumns } from "./nonzero.ts";

/** One integer index on dim `vDim` of the basic view (input dim `xDim`, for messages). */
interface Advanced {
  vDim: number;
  xDim: number;
  index: Tensor;
}

function intTensor(op: string, index: readonly unknown[] | Tensor, x: Tensor, xDim: number) {
  let t: Tensor;
  if (index instanceof Tensor) t = index;
  else {
    const bad = (index as unknown[]).flat(Infinity).find((v) =>
      typeof v !== "number" || !Number.isInteger(v)
    );
    if (bad !== undefined) {
      throw new Error(
        `${op}: index values must be integers (or all booleans, for a mask), got ${bad} in the ` +
          `index for dim ${xDim}.`,
      );
    }
    t = asTensor(index as never, x, "int32");
  }
  if (t.dtype !== "int32") {
    throw new Error(
      `${op}: tensors used as indices must be int32 or bool (a mask), got ${t.dtype} for dim ` +
        `${xDim}. Convert it with .int().`,
    );
  }
  if (t.device !== x.device) {
    if (t.device !== "cpu") {
      throw new Error(
        `${op}: the index for dim ${xDim} is on '${t.device}' but the tensor is on '${x.device}'; ` +
          "move one of them.",
      );
    }
    t = to(t, x.device);
  }
  return t;
}

/**
 * Wraps negative indices and checks the range: at once on the CPU; on devices that cannot
 * read, on the device (raised at the next read) while the indices are clamped meanwhile.
 */
function wrapIndex(op: string, t: Tensor, size: number, xDim: number, shape: readonly number[]) {
  const message = (v: number) =>
    `${op}: index ${v} is out of bounds for dimension ${xDim} with size ${size} (shape ${
      shapeStr(shape)
    }); valid indices are ${-size}..${size - 1}.`;
  const host = t._backend.readSync?.(t);
  if (!host) {
    t._backend.checkValues?.(
      t,
      { lo: -size, hi: size - 1 },
      `${op}:${xDim}:${shapeStr(shape)}`,
      message,
    );
    const w = where(lt(t, 0), add(t, size), t);
    return maximum(minimum(w, Math.max(size - 1, 0)), 0);
  }
  let negative = false;
  for (const v of host) {
    if (v < -size || v >= size) throw new Error(message(v));
    if (v < 0) negative = true;
  }
  if (!negative) return t;
  const wrapped = Int32Array.from(host, (v) => (v < 0 ? v + size : v));
  return reshape(asTensor(wrapped as never, t, "int32"), t.shape);
}

function maskError(op: string, mask: Tensor, x: Tensor, xDim: number): Error {
  return new Error(
    `${op}: the mask of shape ${shapeStr(mask.shape)} at dim ${xDim} does not match the ` +
      `indexed tensor's shape ${shapeStr(x.shape)} there; a mask must have the shape of the ` +
      "dims it covers.",
  );
}

/** The basic steps of the view (advanced ones as ":" or new axes) and the advanced indices. */
function split(op: string, x: Tensor, steps: readonly Step[]) {
  const basic: Step[] = [];
  const adv: { step: Step; vDim: number; xDim: number }[] = [];
  let vDim = 0, xDim = 0;
  for (const s of steps) {
    if (s.kind === "int") {
      basic.push(s);
      xDim++;
    } else if (s.kind === "new") {
      basic.push(s);
      vDim++;
    } else if (s.kind === "bool") {
      basic.push({ kind: "new" });
      adv.push({ step: s, vDim: vDim++, xDim });
    } else if (s.kind === "mask" && s.mask.ndim === 0) {
      // A 0-d mask is true / false read from a tensor: a new axis, kept or emptied.
      basic.push({ kind: "new" });
      adv.push({ step: { kind: "mask", mask: reshape(s.mask, [1]) }, vDim: vDim++, xDim });
    } else if (s.kind === "mask") {
      const k = s.mask.ndim;
      if (!sameShape(s.mask.shape, x.shape.slice(xDim, xDim + k))) {
        throw maskError(op, s.mask, x, xDim);
      }
      for (let j = 0; j < k; j++) basic.push({ kind: "slice", slice: {} });
      adv.push({ step: s, vDim, xDim });
      vDim += k;
      xDim += k;
    } else if (s.kind === "list") {
      basic.push({ kind: "slice", slice: {} });
      adv.push({ step: s, vDim: vDim++, xDim: xDim++ });
    } else {
      basic.push(s);
      vDim++;
      xDim++;
    }
  }
  return { basic, adv };
}

/** Turns masks into their nonzero columns and lists into wrapped int32 tensors. */
function resolve(
  op: string,
  x: Tensor,
  shape: readonly number[],
  adv: readonly { step: Step; vDim: number; xDim: number }[],
): Advanced[] {
  const out: Advanced[] = [];
  for (const { step, vDim, xDim } of adv) {
    if (step.kind === "bool") {
      out.push({ vDim, xDim, index: asTensor(step.value ? [0] : [], x, "int32") });
    } else if (step.kind === "mask") {
      const cols = nonzeroColumns(op, step.mask, x);
      cols.forEach((c, j) => out.push({ vDim: vDim + j, xDim: xDim + j, index: c }));
    } else if (step.kind === "list") {
      const t = intTensor(op, step.index, x, xDim);
      out.push({ vDim, xDim, index: wrapIndex(op, t, shape[vDim], xDim, x.shape) });
    }
  }
  return out;
}

/**
 * The positions (in a contiguous copy of x) that `steps` addresses, as an int32 tensor of the
 * indexing result's shape, on x's device.
 */
export function lowerPositions(op: string, x: Tensor, steps: readonly Step[]): Tensor {
  const { basic, adv } = split(op, x, steps);
  const view = applySteps(x.shape, { strides: contiguousStrides(x.shape), offset: 0 }, basic);
  const advanced = resolve(op, x, view.shape, adv);
  const shapes = advanced.map((a) => a.index.shape);
  let b: number[] = [];
  try {
    if (shapes.length > 0) b = broadcastShapes(op, ...shapes);
  } catch {
    throw new Error(
      `${op}: the index tensors could not be broadcast together: shapes ${
        shapes.map(shapeStr).join(", ")
      }. Give them shapes that broadcast (e.g. rows[:, None] with cols).`,
    );
  }
  const vDims = advanced.map((a) => a.vDim);
  // NumPy's rule: adjacent advanced dims stay in place, separated ones move to the front.
  const adjacent = vDims.every((d, j) => j === 0 || d === vDims[j - 1] + 1);
  const rest = view.shape.map((_, d) => d).filter((d) => !vDims.includes(d));
  const at = advanced.length === 0 ? 0 : adjacent ? vDims[0] : 0;
  const restBefore = rest.filter((d) => adjacent && d < at);
  const restAfter = rest.filter((d) => !restBefore.includes(d));
  const resultShape = [
    ...restBefore.map((d) => view.shape[d]),
    ...b,
    ...restAfter.map((d) => view.shape[d]),
  ];
  // The rest dims' part of each position, built on the host (it has only their elements).
  const restShape = rest.map((d) => view.shape[d]);
  const n = restShape.reduce((p, s) => p * s, 1);
  const host = new Int32Array(n);
  for (let f = 0; f < n; f++) {
    let rem = f, p = view.offset;
    for (let j = rest.length - 1; j >= 0; j--) {
      const s = restShape[j];
      p += (rem % s) * view.strides[rest[j]];
      rem = Math.floor(rem / s);
    }
    host[f] = p;
  }
  let positions = reshape(asTensor(host as never, x, "int32"), [
    ...restBefore.map((d) => view.shape[d]),
    ...b.map(() => 1),
    ...restAfter.map((d) => view.shape[d]),
  ]);
  if (advanced.length > 0) {
    let part: Tensor | null = null;
    for (const a of advanced) {
      const term = mul(a.index, view.strides[a.vDim]);
      part = part ? add(part, term) : term;
    }
    const full = broadcastView(part as Tensor, b);
    positions = add(
      positions,
      reshape(full, [...restBefore.map(() => 1), ...b, ...restAfter.map(() => 1)]),
    );
  }
  return sameShape(positions.shape, resultShape)
    ? positions
    : broadcastView(positions, resultShape);
}

/** x's elements at `positions` (of contiguous x), shaped like positions; differentiable. */
export function flatTake(x: Tensor, positions: Tensor): Tensor {
  const flat = reshape(x, [-1]);
  return reshape(indexSelect(flat, 0, reshape(contiguous(positions), [-1])), positions.shape);
}

/**
 * x with `values` (broadcast to positions' shape) written at, or added to (accumulate),
 * `positions` of contiguous x: a new tensor; differentiable in x and values.
 */
export function flatPut(
  op: string,
  x: Tensor,
  positions: Tensor,
  values: TensorLike,
  accumulate: boolean,
  name = "IndexPutBackward",
): Tensor {
  const v = to(asTensor(values, x, x.dtype), x.dtype);
  if (v.device !== x.device) {
    throw new Error(
      `${op}: values are on '${v.device}' but the tensor is on '${x.device}'; move one of them.`,
    );
  }
  const target = positions.shape;
  let fits = true;
  try {
    fits = sameShape(broadcastShapes(op, v.shape, target), target);
  } catch {
    fits = false;
  }
  if (!fits) {
    throw new Error(
      `${op}: values of shape ${shapeStr(v.shape)} cannot be broadcast to the indexed shape ` +
        `${shapeStr(target)} (of a tensor of shape ${shapeStr(x.shape)}). Pass values of that ` +
        "shape, or one that broadcasts to it.",
    );
  }
  const storage = noGrad(() => {
    const flat = reshape(contiguous(x.detach()), [-1]);
    const src = reshape(contiguous(broadcastView(v.detach(), target)), [-1]);
    const idx = reshape(contiguous(positions), [-1]);
    return accumulate
      ? x._backend.indexAdd(flat, 0, idx, src)
      : x._backend.indexCopy(flat, 0, idx, src);
  });
  const out = new Tensor(storage, x.shape, x.dtype, x.device);
  const vShape = v.shape;
  return record(out, name, [x, v], (g, [p]) => [
    accumulate ? g : flatPut(op, g, p, 0, false),
    sumTo(flatTake(g, p), vShape),
  ], [positions]);
}

/** Checks a spec's masks against x's shape (split does), without reading anything. */
export function checkMasks(op: string, x: Tensor, steps: readonly Step[]): void {
  split(op, x, steps);
}

export function advancedIndex(x: Tensor, steps: readonly Step[]): Tensor {
  return flatTake(x, lowerPositions("index", x, steps));
}

/**
 * A mask write whose values do not vary along the masked elements (x[mask] = 0, or a row per
 * masked row): a where() on the basic view, which needs no data-dependent shape.
 */
function maskWhere(
  op: string,
  x: Tensor,
  steps: readonly Step[],
  value: Tensor,
  accumulate: boolean,
): { basic: Step[]; values: Tensor } | null {
  const advanced = steps.filter((s) => s.kind === "list" || s.kind === "mask" || s.kind === "bool");
  if (advanced.length !== 1 || advanced[0].kind !== "mask") return null;
  const mask = advanced[0].mask;
  if (mask.ndim === 0) return null;
  const { basic, adv } = split(op, x, steps);
  const view = basicIndex(x, basic);
  const after = view.ndim - adv[0].vDim - mask.ndim;
  const lead = value.shape.findIndex((s) => s !== 1);
  const own = lead < 0 ? 0 : value.ndim - lead;
  if (own > after) return null;
  const m = reshape(to(mask, x.device), [
    ...new Array(adv[0].vDim).fill(1),
    ...mask.shape,
    ...new Array(after).fill(1),
  ]);
  const v = reshape(value, value.shape.slice(value.ndim - own));
  const values = accumulate ? add(view, where(m, v, 0)) : where(m, v, view);
  return { basic, values: to(values, x.dtype) };
}

/** x with x[steps] = values (or += with accumulate, repeated positions adding up): out of place. */
export function putSteps(
  op: string,
  x: Tensor,
  steps: readonly Step[],
  values: TensorLike,
  accumulate: boolean,
  name?: string,
): Tensor {
  const v = asTensor(values, x, values instanceof Tensor ? undefined : x.dtype);
  const viaWhere = maskWhere(op, x, steps, v, accumulate);
  if (viaWhere) {
    return flatPut(op, x, lowerPositions(op, x, viaWhere.basic), viaWhere.values, false, name);
  }
  return flatPut(op, x, lowerPositions(op, x, steps), v, accumulate, name);
}
