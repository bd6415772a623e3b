/**
 * The CPU sort kernel: each row along `dim` is copied out, its positions sorted with a
 * comparator that puts NaN last (ascending) or first (descending) and breaks ties by
 * position, so the result is stable whatever the engine's sort does.
 */
import { type DType, type TypedArray, typedArrayFor } from "../../core/dtype.ts";
import { numelOf } from "../../core/shape.ts";
import type { Operand } from "./codegen.ts";
import { positions } from "./indexing.ts";

export function sortRows(
  x: Operand,
  dtype: DType,
  dim: number,
  descending: boolean,
): [TypedArray, Int32Array] {
  const n = numelOf(x.shape);
  const values = typedArrayFor(dtype, n);
  const indices = new Int32Array(n);
  const len = x.shape[dim] ?? 1;
  if (n === 0) return [values, indices];
  const st = x.strides[dim] ?? 0;
  const inner = numelOf(x.shape.slice(dim + 1));
  // One start position per row: x's shape with dim collapsed to 1.
  const rowShape = [...x.shape];
  if (rowShape.length > 0) rowShape[dim] = 1;
  const starts = positions(rowShape, x.strides, x.offset);
  const row = new Float64Array(len);
  const order = new Array<number>(len);
  const sign = descending ? -1 : 1;
  const cmp = (i: number, j: number): number => {
    const a = row[i], b = row[j];
    const an = a !== a, bn = b !== b;
    if (an || bn) {
      if (an && bn) return i - j;
      return an ? sign : -sign;
    }
    if (a < b) return -sign;
    if (a > b) return sign;
    return i - j;
  };
  const xd = x.data;
  for (let r = 0; r < starts.length; r++) {
    for (let j = 0, p = starts[r]; j < len; j++, p += st) {
      row[j] = xd[p];
      order[j] = j;
    }
    order.sort(cmp);
    // Output row r starts at (outer block) * len * inner + (position inside the block).
    const base = Math.floor(r / inner) * len * inner + (r % inner);
    for (let j = 0; j < len; j++) {
      values[base + j * inner] = row[order[j]];
      indices[base + j * inner] = order[j];
    }
  }
  return [values, indices];
}
