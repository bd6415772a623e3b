/** Conversions between nested JS arrays and flat values + shape. */
import type { TypedArray } from "./dtype.ts";

/** Nested JS arrays of numbers or booleans, as tensor() takes and toArray() returns. */
export type NestedArray = number | boolean | readonly NestedArray[];

export interface Flat {
  values: number[];
  shape: number[];
  /** True when every leaf was a boolean (so the default dtype is bool). */
  allBool: boolean;
  /** True when every leaf was an integer number. */
  allInt: boolean;
}

export function flattenNested(data: NestedArray): Flat {
  const shape: number[] = [];
  for (let d: NestedArray = data; Array.isArray(d); d = (d as readonly NestedArray[])[0]) {
    shape.push(d.length);
    if (d.length === 0) break;
  }
  const values: number[] = [];
  let allBool = true, allInt = true;
  const walk = (d: NestedArray, depth: number, path: string) => {
    if (depth === shape.length) {
      if (Array.isArray(d)) {
        throw new Error(
          `tensor: ragged nested array: ${path} is an array where a number was expected.`,
        );
      }
      if (typeof d === "boolean") {
        values.push(d ? 1 : 0);
      } else if (typeof d === "number") {
        allBool = false;
        if (!Number.isInteger(d)) allInt = false;
        values.push(d);
      } else {
        throw new Error(
          `tensor: expected a number or boolean at ${path}, got ${typeof d} (${String(d)}).`,
        );
      }
      return;
    }
    if (!Array.isArray(d) || d.length !== shape[depth]) {
      throw new Error(
        `tensor: ragged nested array: ${path} ${
          Array.isArray(d) ? `has ${d.length} entries` : `is ${String(d)}, not an array,`
        } ` +
          `where ${shape[depth]} were expected. Every row at one depth must have the same length.`,
      );
    }
    (d as readonly NestedArray[]).forEach((x, i) => walk(x, depth + 1, `${path}[${i}]`));
  };
  walk(data, 0, "data");
  if (values.length === 0) allBool = false;
  return { values, shape, allBool, allInt };
}

export function toNested(
  values: TypedArray,
  shape: readonly number[],
  asBool: boolean,
): NestedArray {
  const leaf = (i: number) => (asBool ? values[i] !== 0 : values[i]);
  if (shape.length === 0) return leaf(0);
  let pos = 0;
  const build = (depth: number): NestedArray[] => {
    const out: NestedArray[] = new Array(shape[depth]);
    for (let i = 0; i < shape[depth]; i++) {
      out[i] = depth === shape.length - 1 ? leaf(pos++) : build(depth + 1);
    }
    return out;
  };
  return build(0);
}
