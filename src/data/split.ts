/** Random splits: randomSplit (PyTorch) and trainTestSplit (scikit-learn). */
import { Tensor } from "../tensor/tensor.ts";
import { randperm, tensor } from "../tensor/creation.ts";
import { defaultGenerator, type Generator } from "../core/random.ts";
import type { NestedArray } from "../tensor/tensor.ts";
import { shapeStr } from "../core/shape.ts";
import { type DatasetSource, Subset } from "./dataset.ts";
import { checkOptions } from "../core/options.ts";

function permutation(n: number, generator: Generator | undefined): Int32Array {
  return randperm(n, { generator: generator ?? defaultGenerator })._values() as Int32Array;
}

/**
 * Splits a dataset into non-overlapping random Subsets of the given lengths, or of the given
 * fractions of its size (adding up to 1; leftover samples go one each to the first splits,
 * round-robin, as PyTorch does).
 * @example
 * const [train, val] = randomSplit(ds, [0.8, 0.2], { generator: new Generator(42) });
 */
export function randomSplit<T>(
  dataset: DatasetSource<T>,
  lengths: readonly number[],
  options: { generator?: Generator } = {},
): Subset<T>[] {
  const n = dataset.length;
  const total = lengths.reduce((a, b) => a + b, 0);
  let sizes = [...lengths];
  if (Math.abs(total - 1) < 1e-9 && total <= n) {
    const bad = lengths.find((f) => !(f >= 0 && f <= 1));
    if (bad !== undefined) {
      throw new Error(`randomSplit: fraction ${bad} is not between 0 and 1.`);
    }
    sizes = lengths.map((f) => Math.floor(n * f));
    const left = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < left; i++) sizes[i % sizes.length] += 1;
  } else {
    const bad = lengths.find((l) => !Number.isInteger(l) || l < 0);
    if (bad !== undefined) {
      throw new Error(
        `randomSplit: lengths must be non-negative integers (or fractions adding up to 1), ` +
          `got ${bad} in [${lengths.join(", ")}].`,
      );
    }
    if (total !== n) {
      throw new Error(
        `randomSplit: the lengths [${lengths.join(", ")}] add up to ${total} but the dataset has ` +
          `${n} samples; they must add up to ${n} (or pass fractions adding up to 1).`,
      );
    }
  }
  const perm = permutation(n, options.generator);
  let at = 0;
  return sizes.map((size) => {
    const subset = new Subset(dataset, perm.subarray(at, at + size));
    at += size;
    return subset;
  });
}

export interface TrainTestSplitOptions {
  /** A fraction of the samples (0..1) or a count; 0.25 when neither size is given. */
  testSize?: number;
  /** A fraction or a count; the rest after testSize by default. */
  trainSize?: number;
  /** Shuffle before splitting (default true); false keeps the order: train first, then test. */
  shuffle?: boolean;
  generator?: Generator;
}

type SplitArg = Tensor | readonly NestedArray[];

function countOf(name: string, size: number, n: number, round: (x: number) => number): number {
  if (!(size > 0)) {
    throw new Error(`trainTestSplit: ${name} must be positive, got ${size}.`);
  }
  if (size < 1) return round(size * n);
  if (!Number.isInteger(size) || size > n) {
    throw new Error(
      `trainTestSplit: ${name}=${size} must be a fraction between 0 and 1 or a whole number of ` +
        `samples up to ${n}.`,
    );
  }
  return size;
}

/**
 * Splits tensors (all with the same first dimension) into random train and test parts, as
 * scikit-learn's train_test_split: returns [aTrain, aTest, bTrain, bTest, ...].
 * @example
 * const [xTrain, xTest, yTrain, yTest] = trainTestSplit(x, y, { testSize: 0.2 });
 */
export function trainTestSplit(...args: (SplitArg | TrainTestSplitOptions)[]): Tensor[] {
  const last = args[args.length - 1];
  const hasOptions = last !== undefined && !(last instanceof Tensor) && !Array.isArray(last);
  const options = (hasOptions ? last : {}) as TrainTestSplitOptions;
  checkOptions("trainTestSplit", options, ["testSize", "trainSize", "shuffle", "generator"]);
  const arrays = (hasOptions ? args.slice(0, -1) : args).map((a, i) => {
    const t = a instanceof Tensor ? a : tensor(a as readonly NestedArray[]);
    if (t.ndim === 0) {
      throw new Error(`trainTestSplit: argument ${i} is a scalar; every input needs a first dim.`);
    }
    return t;
  });
  if (arrays.length === 0) {
    throw new Error("trainTestSplit: give at least one tensor, e.g. trainTestSplit(x, y).");
  }
  const n = arrays[0].shape[0];
  const bad = arrays.findIndex((t) => t.shape[0] !== n);
  if (bad >= 0) {
    throw new Error(
      `trainTestSplit: inputs have different numbers of samples: argument 0 has shape ${
        shapeStr(arrays[0].shape)
      } and argument ${bad} has shape ${shapeStr(arrays[bad].shape)}.`,
    );
  }
  const { trainSize, shuffle = true, generator } = options;
  const testSize = options.testSize ?? (trainSize === undefined ? 0.25 : undefined);
  const nTest = testSize !== undefined ? countOf("testSize", testSize, n, Math.ceil) : undefined;
  const nTrain = trainSize !== undefined
    ? countOf("trainSize", trainSize, n, Math.floor)
    : n - nTest!;
  const nTestFinal = nTest ?? n - nTrain;
  if (nTrain < 1 || nTestFinal < 1 || nTrain + nTestFinal > n) {
    throw new Error(
      `trainTestSplit: with ${n} samples, testSize=${testSize} and trainSize=${trainSize} give ` +
        `${nTrain} train and ${nTestFinal} test samples; both need at least 1 and together at ` +
        `most ${n}.`,
    );
  }
  let trainIdx: Int32Array, testIdx: Int32Array;
  if (shuffle) {
    const perm = permutation(n, generator);
    testIdx = perm.subarray(0, nTestFinal);
    trainIdx = perm.subarray(nTestFinal, nTestFinal + nTrain);
  } else {
    trainIdx = Int32Array.from({ length: nTrain }, (_, i) => i);
    testIdx = Int32Array.from({ length: nTestFinal }, (_, i) => nTrain + i);
  }
  const train = tensor(trainIdx, { dtype: "int32" });
  const test = tensor(testIdx, { dtype: "int32" });
  return arrays.flatMap((t) => [t.indexSelect(0, train), t.indexSelect(0, test)]);
}
