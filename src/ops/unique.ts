/**
 * unique: the distinct values (or slices along a dim), sorted, with optional inverse indices
 * and counts. Its output length depends on the data, so it runs on the host: synchronously on
 * the CPU, and through `uniqueAsync` (one read back) on every device.
 */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import type { DType, TypedArray } from "../core/dtype.ts";
import { typedArrayFor } from "../core/dtype.ts";
import { normalizeDim } from "../core/shape.ts";
import { checkOptions } from "../core/options.ts";
import { getBackend } from "../backend/registry.ts";
import { asTensor, fromStorage } from "./operand.ts";
import { contiguous } from "./copy.ts";
import { permute } from "./view.ts";

export interface UniqueOptions {
  /** Accepted for torch's signature; the values always come sorted. */
  sorted?: boolean;
  returnInverse?: boolean;
  returnCounts?: boolean;
  /** Unique slices along this dim instead of unique elements of the flattened tensor. */
  dim?: number;
}

const KEYS = ["sorted", "returnInverse", "returnCounts", "dim"];

/** NaN last; NaNs tie for sorting but never merge (NaN !== NaN), as in torch's values. */
function compareNum(a: number, b: number): number {
  const an = a !== a, bn = b !== b;
  if (an || bn) return an && bn ? 0 : an ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

interface HostUnique {
  values: TypedArray;
  shape: number[];
  inverse: Int32Array;
  counts: Int32Array;
}

/** Unique slices of `data` seen as [rows, width] (width 1: unique elements). */
function uniqueRows(data: TypedArray, rows: number, width: number, dtype: DType): HostUnique {
  const order = Array.from({ length: rows }, (_, i) => i);
  const cmpRows = (i: number, j: number): number => {
    for (let k = 0; k < width; k++) {
      const c = compareNum(data[i * width + k], data[j * width + k]);
      if (c !== 0) return c;
    }
    return i - j;
  };
  order.sort(cmpRows);
  const same = (i: number, j: number) => {
    for (let k = 0; k < width; k++) if (data[i * width + k] !== data[j * width + k]) return false;
    return true;
  };
  const inverse = new Int32Array(rows);
  const firsts: number[] = [], counts: number[] = [];
  for (let r = 0; r < rows; r++) {
    const i = order[r];
    if (r === 0 || !same(order[r - 1], i)) {
      firsts.push(i);
      counts.push(0);
    }
    inverse[i] = firsts.length - 1;
    counts[counts.length - 1]++;
  }
  const values = typedArrayFor(dtype, firsts.length * width);
  firsts.forEach((i, u) => values.set(data.subarray(i * width, (i + 1) * width), u * width));
  return { values, shape: [firsts.length, width], inverse, counts: Int32Array.from(counts) };
}

/** Everything unique needs but the data: the layout to read and how to shape the result. */
function plan(x: Tensor, o: UniqueOptions) {
  if (o.dim === undefined || x.ndim === 0) {
    return {
      src: x,
      rows: x.numel(),
      width: 1,
      shapeOf: (k: number) => [k],
      inverseShape: x.shape,
    };
  }
  const d = normalizeDim("unique", o.dim, x.ndim);
  const size = x.ndim === 0 ? 1 : x.shape[d];
  const moved = x.ndim === 0 ? x : permute(x, [d, ...[...x.shape.keys()].filter((i) => i !== d)]);
  return {
    src: contiguous(moved),
    rows: size,
    width: size === 0 ? 0 : x.numel() / size,
    shapeOf: (k: number) => x.shape.map((s, i) => (i === d ? k : s)),
    inverseShape: [size],
    d,
  };
}

function finish(
  x: Tensor,
  host: TypedArray,
  o: UniqueOptions,
  p: ReturnType<typeof plan>,
): Tensor | Tensor[] {
  const u = uniqueRows(host, p.rows, p.width, x.dtype);
  const b = getBackend(x.device);
  const k = u.counts.length;
  let values: Tensor;
  if (p.d === undefined) {
    values = fromStorage(b.fromTypedArray(u.values, x.dtype), [k], x.dtype, x.device);
  } else {
    // The rows are slices with dim d moved first; move it back.
    const movedShape = [k, ...x.shape.filter((_, i) => i !== p.d)];
    const moved = fromStorage(b.fromTypedArray(u.values, x.dtype), movedShape, x.dtype, x.device);
    const back = [...x.shape.keys()].map((i) => (i === p.d ? 0 : i < p.d! ? i + 1 : i));
    values = contiguous(permute(moved, back));
  }
  if (!o.returnInverse && !o.returnCounts) return values;
  const out = [values];
  if (o.returnInverse) {
    out.push(fromStorage(b.fromTypedArray(u.inverse, "int32"), p.inverseShape, "int32", x.device));
  }
  if (o.returnCounts) {
    out.push(fromStorage(b.fromTypedArray(u.counts, "int32"), [k], "int32", x.device));
  }
  return out;
}

type WithExtras = UniqueOptions & ({ returnInverse: true } | { returnCounts: true });

/**
 * The sorted distinct values of x (flattened, or slices along `dim`). With returnInverse
 * and/or returnCounts it returns [values, inverse?, counts?], as torch's tuple. CPU only: on
 * other devices use `await uniqueAsync(x, options)`.
 */
export function unique(input: TensorLike, options: WithExtras): Tensor[];
export function unique(input: TensorLike, options?: UniqueOptions): Tensor;
export function unique(input: TensorLike, options?: UniqueOptions): Tensor | Tensor[] {
  const x = asTensor(input);
  const o = checkOptions("unique", options, KEYS);
  const p = plan(x, o);
  if (!p.src._backend.readSync) {
    throw new Error(
      `unique: its output length depends on the values, and reading '${x.device}' is ` +
        "asynchronous. Use `await uniqueAsync(x, options)` (or `await x.uniqueAsync()`).",
    );
  }
  return finish(x, p.src._backend.readSync(p.src), o, p);
}

/** unique on every device: reads the values back once, uploads the result to x's device. */
export async function uniqueAsync(input: TensorLike, options: WithExtras): Promise<Tensor[]>;
export async function uniqueAsync(input: TensorLike, options?: UniqueOptions): Promise<Tensor>;
export async function uniqueAsync(
  input: TensorLike,
  options?: UniqueOptions,
): Promise<Tensor | Tensor[]> {
  const x = asTensor(input);
  const o = checkOptions("uniqueAsync", options, KEYS);
  const p = plan(x, o);
  return finish(x, await p.src._backend.read(p.src), o, p);
}
