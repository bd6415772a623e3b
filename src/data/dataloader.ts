/** DataLoader: batches of a dataset, in order or shuffled, as torch.utils.data.DataLoader. */
import type { Tensor } from "../tensor/tensor.ts";
import { randperm, tensor } from "../tensor/creation.ts";
import { defaultGenerator, type Generator } from "../core/random.ts";
import { type DatasetSource, sampleReader, Subset, TensorDataset } from "./dataset.ts";
import { type Collated, defaultCollate } from "./collate.ts";
import { checkOptions } from "../core/options.ts";

export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** Visit the samples in a new random order each epoch (default false). */
  shuffle?: boolean;
  /** Skip the last batch when it would be smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Where shuffling draws from; the default generator (seeded by manualSeed) otherwise. */
  generator?: Generator;
  /** Builds a batch from a list of samples; defaultCollate otherwise. */
  collate?: (samples: T[]) => B;
}

const NO_WORKERS = "gradiente loads batches in one thread (the calling one); there is no " +
  "worker pool, so leave it out.";

/** torch.utils.data.DataLoader keywords gradiente does not take, and what to do instead. */
const DATALOADER_NOTES: Record<string, string> = {
  numWorkers: NO_WORKERS,
  prefetchFactor: NO_WORKERS,
  persistentWorkers: NO_WORKERS,
  workerInitFn: NO_WORKERS,
  pinMemory: "There is no pinned host memory in gradiente; leave it out.",
  collateFn: "The batch builder is the `collate` option here: { collate: (samples) => ... }.",
  sampler: "Pass a Subset of the dataset (or shuffle: true) instead of a sampler.",
  batchSampler: "Pass a Subset of the dataset (or shuffle: true) instead of a sampler.",
};

/**
 * Iterates a dataset in batches. Each `for ... of` is one epoch; with `shuffle` every epoch
 * draws a fresh permutation from the generator, so `manualSeed(n)` before training makes the
 * whole run reproducible. A TensorDataset (MNIST included), or a Subset of one, is batched
 * with one indexSelect per tensor instead of stacking samples one by one.
 * @example
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 64, shuffle: true });
 * for (const [xb, yb] of loader) { ... }
 * loader.length; // number of batches per epoch
 */
export class DataLoader<T, B = Collated<T>> implements Iterable<B> {
  readonly dataset: DatasetSource<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator | undefined;
  readonly #collate: ((samples: T[]) => B) | undefined;

  constructor(dataset: DatasetSource<T>, options: DataLoaderOptions<T, B> = {}) {
    const { batchSize = 1, shuffle = false, dropLast = false, generator, collate } = checkOptions(
      "DataLoader",
      options,
      ["batchSize", "shuffle", "dropLast", "generator", "collate"],
      DATALOADER_NOTES,
    );
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new Error(`DataLoader: batchSize must be a positive integer, got ${batchSize}.`);
    }
    if (dataset === null || typeof dataset !== "object" || !Number.isInteger(dataset.length)) {
      throw new Error(
        "DataLoader: the dataset must be a Dataset (with length and get(i)) or an array of samples.",
      );
    }
    if (collate !== undefined && typeof collate !== "function") {
      throw new Error("DataLoader: collate must be a function from a list of samples to a batch.");
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = generator;
    this.#collate = collate;
  }

  /** The number of batches in one epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<B> {
    const n = this.dataset.length;
    const order = this.shuffle
      ? randperm(n, { generator: this.generator ?? defaultGenerator })._values() as Int32Array
      : Int32Array.from({ length: n }, (_, i) => i);
    const make = this.#batchMaker();
    for (let start = 0; start < n; start += this.batchSize) {
      const end = Math.min(n, start + this.batchSize);
      if (this.dropLast && end - start < this.batchSize) return;
      yield make(order.subarray(start, end));
    }
  }

  #batchMaker(): (indices: Int32Array) => B {
    if (!this.#collate) {
      const fast = tensorRows(this.dataset);
      if (fast) return fast as unknown as (indices: Int32Array) => B;
    }
    const read = sampleReader(this.dataset);
    const collate = this.#collate ?? (defaultCollate as unknown as (samples: T[]) => B);
    return (indices) => collate(Array.from(indices, read));
  }
}

/**
 * For a TensorDataset whose get() is the stock one, or a Subset chain over one, a batch maker
 * that selects the rows with one indexSelect per tensor: what stacking get(i) would give.
 */
function tensorRows(source: unknown): ((indices: Int32Array) => Tensor[]) | undefined {
  let map: (indices: Int32Array) => Int32Array = (indices) => indices;
  let ds = source;
  while (ds instanceof Subset && ds.get === Subset.prototype.get) {
    const lookup = Int32Array.from(ds.indices);
    const inner = map;
    map = (indices) => inner(indices).map((i) => lookup[i]);
    ds = ds.dataset;
  }
  if (!(ds instanceof TensorDataset) || ds.get !== TensorDataset.prototype.get) return undefined;
  const tensors = ds.tensors;
  return (indices) => {
    const rows = map(indices);
    // One index tensor per device the dataset's tensors live on (a GPU dataset batches there).
    const idx = new Map<string, Tensor>();
    return tensors.map((t) => {
      let i = idx.get(t.device);
      if (!i) idx.set(t.device, i = tensor(rows, { dtype: "int32", device: t.device }));
      return t.indexSelect(0, i);
    });
  };
}
