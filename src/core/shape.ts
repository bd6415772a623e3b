/** Shape arithmetic: strides, broadcasting, dimension normalisation. No tensors here. */

export type Shape = readonly number[];

export function numelOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** True when a (shape, strides) layout walks memory in row-major order without gaps. */
export function isContiguousLayout(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

export function shapeStr(shape: Shape): string {
  return shape.length === 0 ? "[] (a scalar)" : `[${shape.join(", ")}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a === b) return true; // tensors share interned shape arrays (intern.ts)
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const nd = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(nd).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = nd - s.length + i;
      const d = s[i];
      if (d === out[o] || d === 1) continue;
      if (out[o] === 1) {
        out[o] = d;
        continue;
      }
      throw new Error(
        `${op}: shapes ${shapes.map(shapeStr).join(" and ")} cannot be broadcast together ` +
          `(dimension ${o - nd} is ${
            out[o]
          } in one and ${d} in the other; sizes must match or be 1). ` +
          `Reshape or unsqueeze one operand so the trailing dimensions line up.`,
      );
    }
  }
  return out;
}

/** Turns a possibly negative dim into 0..ndim-1, with an error naming the op. */
export function normalizeDim(op: string, dim: number, ndim: number): number {
  const lo = ndim === 0 ? -1 : -ndim;
  const hi = ndim === 0 ? 0 : ndim - 1;
  if (!Number.isInteger(dim) || dim < lo || dim > hi) {
    throw new Error(
      `${op}: dim ${dim} is out of range for a tensor with ${ndim} dimension(s) ` +
        `(expected an integer in [${lo}, ${hi}]).`,
    );
  }
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

export function normalizeDims(
  op: string,
  dims: number | readonly number[],
  ndim: number,
): number[] {
  const list = typeof dims === "number" ? [dims] : dims;
  const out = list.map((d) => normalizeDim(op, d, ndim));
  if (new Set(out).size !== out.length) {
    throw new Error(
      `${op}: dim list [${list.join(", ")}] repeats a dimension; list each dim at most once.`,
    );
  }
  return out.sort((a, b) => a - b);
}

/** Resolves one -1 entry in a target shape, checking the element count. */
export function inferShape(op: string, from: Shape, target: readonly number[]): number[] {
  checkDims(op, target.length);
  const n = numelOf(from);
  let unknown = -1;
  let known = 1;
  target.forEach((d, i) => {
    if (d === -1) {
      if (unknown >= 0) {
        throw new Error(
          `${op}: only one dimension can be -1, got [${target.join(", ")}]; give the other sizes.`,
        );
      }
      unknown = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new Error(`${op}: invalid size ${d} in shape [${target.join(", ")}].`);
    } else known *= d;
  });
  const out = [...target];
  if (unknown >= 0) {
    if (known === 0 || n % known !== 0) {
      throw new Error(
        `${op}: shape [${target.join(", ")}] is invalid for a tensor of ${n} elements with shape ${
          shapeStr(from)
        }; the sizes other than -1 must multiply to a divisor of ${n}.`,
      );
    }
    out[unknown] = n / known;
  } else if (known !== n) {
    throw new Error(
      `${op}: cannot reshape a tensor of shape ${shapeStr(from)} (${n} elements) into [${
        target.join(", ")
      }] (${known} elements). The sizes must multiply to ${n}; use -1 for one size to infer it.`,
    );
  }
  return out;
}

/** PyTorch's limit on a tensor's number of dimensions. */
export const MAX_DIMS = 64;

/** Throws when a shape has more dims than PyTorch allows (and than our loops are sized for). */
export function checkDims(op: string, ndim: number): void {
  if (ndim > MAX_DIMS) {
    throw new Error(
      `${op}: a tensor can have at most ${MAX_DIMS} dimensions (as in PyTorch), got ${ndim}. ` +
        "Merge dims with reshape or flatten.",
    );
  }
}

export function checkShape(op: string, shape: readonly number[]): number[] {
  checkDims(op, shape.length);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new Error(`${op}: sizes must be non-negative integers, got [${shape.join(", ")}].`);
    }
  }
  return [...shape];
}
