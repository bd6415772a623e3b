/**
 * What the plot functions accept as numbers: JS arrays, TypedArrays and CPU tensors. Tensors
 * are duck-typed (shape + toArray) so a figure module never pulls in the tensor library, and
 * so a tensor from another copy of gradiente still plots.
 */

/** A tensor as far as plotting needs one. */
export interface TensorLikeValues {
  readonly shape: readonly number[];
  toArray(): unknown;
}

/** Anything that holds a 1-D run of numbers. */
export type Numeric = readonly number[] | ArrayLike<number> | TensorLikeValues;

export function isTensorLike(v: unknown): v is TensorLikeValues {
  return typeof v === "object" && v !== null && Array.isArray((v as TensorLikeValues).shape) &&
    typeof (v as TensorLikeValues).toArray === "function";
}

export function isNumeric(v: unknown): v is Numeric {
  return Array.isArray(v) || ArrayBuffer.isView(v) || isTensorLike(v);
}

/**
 * The values as a flat number array. A tensor may have at most one dimension longer than 1
 * (so [n], [n, 1] and [1, n] all plot as n points); `what` names the argument in errors.
 */
export function toNumbers(v: Numeric, what: string): number[] {
  if (isTensorLike(v)) {
    const long = v.shape.filter((d) => d !== 1);
    if (long.length > 1) {
      throw new Error(
        `plot: ${what} must be 1-D, but got a tensor of shape [${v.shape.join(", ")}]. ` +
          `Pick one row or column first, e.g. t.index(":", 0).`,
      );
    }
    return flatNumbers(v.toArray(), what);
  }
  if (ArrayBuffer.isView(v)) return Array.from(v as ArrayLike<number>, Number);
  if (Array.isArray(v)) return flatNumbers(v, what);
  throw new Error(`plot: ${what} must be an array, a TypedArray or a tensor, got ${typeof v}.`);
}

function flatNumbers(v: unknown, what: string): number[] {
  if (typeof v === "number" || typeof v === "boolean") return [Number(v)];
  if (!Array.isArray(v)) {
    throw new Error(`plot: ${what} must hold numbers, got ${String(v)}.`);
  }
  const out: number[] = [];
  for (const e of v) {
    if (Array.isArray(e)) out.push(...flatNumbers(e, what));
    else if (typeof e === "number" || typeof e === "boolean") out.push(Number(e));
    else if (e === null || e === undefined) out.push(NaN);
    else if (isTensorLike(e)) out.push(...toNumbers(e, what));
    else throw new Error(`plot: ${what} must hold numbers, got ${String(e)}.`);
  }
  return out;
}

/** A single number out of a number, a boolean or a one-element tensor. */
export function toNumber(v: unknown, what: string): number {
  if (typeof v === "number" || typeof v === "boolean") return Number(v);
  if (isTensorLike(v)) {
    const values = toNumbers(v, what);
    if (values.length === 1) return values[0];
    throw new Error(
      `plot: ${what} must be a number, got a tensor of shape [${v.shape.join(", ")}].`,
    );
  }
  throw new Error(`plot: ${what} must be a number, got ${String(v)}.`);
}

/** Plotly's JSON has no NaN or Infinity: gaps are null. */
export function jsonSafe(values: readonly number[]): (number | null)[] {
  return values.map((v) => (Number.isFinite(v) ? v : null));
}
