/** Turning a list of samples into one batch, as PyTorch's default_collate does. */
import { Tensor } from "../tensor/tensor.ts";
import { tensor } from "../tensor/creation.ts";
import { stack } from "../ops/mod.ts";
import { shapeStr } from "../core/shape.ts";
import type { TypedArray } from "../core/dtype.ts";

/** The batch type the default collate makes from samples of type T. */
export type Collated<T> = T extends Tensor ? Tensor
  : T extends number | boolean ? Tensor
  : T extends string ? string[]
  : T extends TypedArray ? Tensor
  : T extends readonly unknown[] ? { -readonly [K in keyof T]: Collated<T[K]> }
  : T extends object ? { -readonly [K in keyof T]: Collated<T[K]> }
  : never;

function kind(x: unknown): string {
  if (x instanceof Tensor) return "tensor";
  if (ArrayBuffer.isView(x)) return "typed array";
  if (Array.isArray(x)) return "array";
  if (x === null) return "null";
  return typeof x;
}

function fail(path: string, message: string): never {
  throw new Error(
    `DataLoader: the default collate cannot batch the samples' ${path}: ${message}. ` +
      "Make the samples uniform, or pass { collate: (samples) => batch }.",
  );
}

/**
 * Batches samples: tensors are stacked along a new first dim, numbers become a tensor (int32
 * when all are integers, float32 otherwise), booleans a bool tensor, typed arrays are stacked
 * like tensors, strings stay a list; arrays (tuples) are collated position by position and
 * plain objects key by key, recursively.
 * @example
 * defaultCollate([[tensor([1, 2]), 0], [tensor([3, 4]), 1]]); // [tensor [2, 2], int32 tensor [2]]
 */
export function defaultCollate<T>(samples: readonly T[]): Collated<T> {
  if (samples.length === 0) throw new Error("DataLoader: cannot collate an empty batch.");
  return collate(samples, "value") as Collated<T>;
}

function collate(samples: readonly unknown[], path: string): unknown {
  const first = samples[0];
  const k = kind(first);
  const odd = samples.findIndex((s) => kind(s) !== k);
  if (odd >= 0) fail(path, `sample 0 has a ${k} but sample ${odd} a ${kind(samples[odd])}`);
  switch (k) {
    case "tensor": {
      const ts = samples as readonly Tensor[];
      const bad = ts.findIndex((t) => t.shape.join() !== ts[0].shape.join());
      if (bad >= 0) {
        fail(
          path,
          `sample 0 has shape ${shapeStr(ts[0].shape)} but sample ${bad} has ${
            shapeStr(ts[bad].shape)
          }, and stacking needs equal shapes`,
        );
      }
      return stack(ts, 0);
    }
    case "typed array":
      return collate(
        (samples as readonly TypedArray[]).map((a) => tensor(a)),
        path,
      );
    case "number": {
      const xs = samples as readonly number[];
      return tensor(xs, { dtype: xs.every(Number.isInteger) ? "int32" : "float32" });
    }
    case "boolean":
      return tensor(samples as readonly boolean[], { dtype: "bool" });
    case "string":
      return [...samples];
    case "array": {
      const arrays = samples as readonly (readonly unknown[])[];
      const n = arrays[0].length;
      const bad = arrays.findIndex((a) => a.length !== n);
      if (bad >= 0) {
        fail(path, `sample 0 has ${n} entries but sample ${bad} has ${arrays[bad].length}`);
      }
      return Array.from({ length: n }, (_, j) => collate(arrays.map((a) => a[j]), `${path}[${j}]`));
    }
    case "object": {
      const objects = samples as readonly Record<string, unknown>[];
      const keys = Object.keys(objects[0]);
      const bad = objects.findIndex((o) =>
        Object.keys(o).length !== keys.length || keys.some((key) => !(key in o))
      );
      if (bad >= 0) {
        fail(
          path,
          `sample 0 has keys {${keys.join(", ")}} but sample ${bad} has {${
            Object.keys(objects[bad]).join(", ")
          }}`,
        );
      }
      return Object.fromEntries(
        keys.map((key) => [key, collate(objects.map((o) => o[key]), `${path}.${key}`)]),
      );
    }
    default:
      return fail(path, `it is ${k}`);
  }
}
