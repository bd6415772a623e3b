/** Datasets: indexable collections of samples, as torch.utils.data's map-style datasets. */
import { Tensor } from "../tensor/tensor.ts";
import { shapeStr } from "../core/shape.ts";

/** Anything with a length and get(i): a Dataset, or any object shaped like one. */
export interface DatasetLike<T> {
  readonly length: number;
  get(index: number): T;
}

/** What DataLoader, Subset and randomSplit accept: a dataset or a plain array of samples. */
export type DatasetSource<T> = DatasetLike<T> | readonly T[];

/**
 * A map-style dataset: subclasses define `length` and `get(i)`. Iterating a dataset yields its
 * samples in order.
 * @example
 * class Squares extends Dataset<[number, number]> {
 *   get length() { return 10; }
 *   get(i: number): [number, number] { return [i, i * i]; }
 * }
 */
export abstract class Dataset<T> implements DatasetLike<T>, Iterable<T> {
  abstract get length(): number;
  abstract get(index: number): T;

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }
}

/** A function reading sample i of a dataset or array. */
export function sampleReader<T>(source: DatasetSource<T>): (i: number) => T {
  if (Array.isArray(source)) return (i) => (source as readonly T[])[i];
  const ds = source as DatasetLike<T>;
  return (i) => ds.get(i);
}

/** Checks i against a length (negative i counts from the end) and returns it in 0..n-1. */
export function checkIndex(op: string, i: number, n: number): number {
  if (!Number.isInteger(i) || i < -n || i >= n) {
    throw new Error(
      `${op}: index ${i} is out of range for a dataset of ${n} samples; valid indices are ` +
        `${n > 0 ? `-${n}..${n - 1}` : "none (it is empty)"}.`,
    );
  }
  return i < 0 ? i + n : i;
}

/**
 * Wraps tensors that share their first dimension; sample i is the list of their i-th rows.
 * @example
 * const ds = new TensorDataset(x, y); // x: [N, 2], y: [N, 1]
 * const [xi, yi] = ds.get(0);         // xi: [2], yi: [1]
 */
export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: readonly Tensor[];

  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.length === 0) {
      throw new Error("TensorDataset: give at least one tensor, e.g. new TensorDataset(x, y).");
    }
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) {
        throw new Error(
          `TensorDataset: argument ${i} is not a tensor (got ${typeof t}); wrap arrays with tensor().`,
        );
      }
      if (t.ndim === 0) {
        throw new Error(
          `TensorDataset: tensor ${i} is a scalar (shape []); every tensor needs a first dimension ` +
            "that indexes the samples.",
        );
      }
    });
    const n = tensors[0].shape[0];
    const bad = tensors.findIndex((t) => t.shape[0] !== n);
    if (bad >= 0) {
      throw new Error(
        `TensorDataset: size mismatch between tensors: tensor 0 has shape ${
          shapeStr(tensors[0].shape)
        } and tensor ${bad} has shape ${shapeStr(tensors[bad].shape)}; all tensors need the ` +
          "same first dimension (the number of samples).",
      );
    }
    this.tensors = Object.freeze([...tensors]);
  }

  get length(): number {
    return this.tensors[0].shape[0];
  }

  get(index: number): Tensor[] {
    const i = checkIndex("TensorDataset.get", index, this.length);
    return this.tensors.map((t) => t.index(i));
  }
}

/** The samples of `dataset` at `indices`, in that order (a view: nothing is copied). */
export class Subset<T> extends Dataset<T> {
  readonly dataset: DatasetSource<T>;
  readonly indices: readonly number[];
  #read: (i: number) => T;

  constructor(dataset: DatasetSource<T>, indices: ArrayLike<number>) {
    super();
    const n = dataset.length;
    this.indices = Object.freeze(Array.from(indices, (i) => checkIndex("Subset", i, n)));
    this.dataset = dataset;
    this.#read = sampleReader(dataset);
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    return this.#read(this.indices[checkIndex("Subset.get", index, this.indices.length)]);
  }
}
