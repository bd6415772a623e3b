/**
 * Synthetic datasets with scikit-learn's recipes (make_regression, make_blobs, make_moons),
 * drawn from a gradiente Generator so `manualSeed` or { generator } makes them reproducible.
 * Targets are shaped for PyTorch-style training: regression targets are [N, 1] (what a
 * Linear(F, 1) outputs) and class labels are int32 [N].
 */
import type { Tensor } from "../tensor/tensor.ts";
import { randperm, tensor } from "../tensor/creation.ts";
import type { DType } from "../core/dtype.ts";
import { defaultGenerator, type Generator } from "../core/random.ts";
import { checkOptions } from "../core/options.ts";

interface Common {
  generator?: Generator;
  /** dtype of the inputs (and regression targets); default float32. */
  dtype?: DType;
}

/**
 * Checks `options` against the Common keys and the generator's `own`; returns the generator to
 * draw from and the dtype of the inputs.
 */
function commonOptions<T extends Common>(
  op: string,
  options: T,
  own: readonly Exclude<keyof T & string, keyof Common>[],
): { g: Generator; dtype: DType } {
  checkOptions(op, options, ["generator", "dtype", ...own]);
  return { g: options.generator ?? defaultGenerator, dtype: options.dtype ?? "float32" };
}

function positiveInt(op: string, name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) {
    throw new Error(`${op}: ${name} must be a positive integer, got ${v}.`);
  }
  return v;
}

function nonNegative(op: string, name: string, v: number): number {
  if (!(v >= 0) || !Number.isFinite(v)) {
    throw new Error(`${op}: ${name} must be a finite number >= 0, got ${v}.`);
  }
  return v;
}

/** Reorders the rows (of width `width`) of `x` and the entries of `y` by one permutation. */
function shuffleRows(
  x: Float64Array,
  y: Int32Array,
  width: number,
  g: Generator,
): [Float64Array, Int32Array] {
  const perm = randperm(y.length, { generator: g })._values();
  const xs = new Float64Array(x.length), ys = new Int32Array(y.length);
  for (let i = 0; i < perm.length; i++) {
    const p = perm[i];
    ys[i] = y[p];
    xs.set(x.subarray(p * width, (p + 1) * width), i * width);
  }
  return [xs, ys];
}

export interface MakeRegressionOptions extends Common {
  nSamples?: number;
  nFeatures?: number;
  /** How many features have a non-zero coefficient (default min(10, nFeatures)). */
  nInformative?: number;
  /** Standard deviation of the Gaussian noise added to the targets (default 0). */
  noise?: number;
  bias?: number;
}

/**
 * Linear regression data: x ~ N(0, 1) of shape [nSamples, nFeatures], coefficients uniform in
 * [0, 100) for the first nInformative features (0 for the rest), and
 * y = x @ coef + bias + noise * N(0, 1). Returns [x, y, coef] with y [nSamples, 1] and
 * coef [nFeatures, 1], so `x.matmul(coef).add(bias)` is the noiseless target.
 * @example
 * const [x, y, coef] = makeRegression({ nSamples: 200, nFeatures: 1, noise: 10, bias: 5 });
 */
export function makeRegression(options: MakeRegressionOptions = {}): [Tensor, Tensor, Tensor] {
  const op = "makeRegression";
  const { g, dtype } = commonOptions(op, options, [
    "nSamples",
    "nFeatures",
    "nInformative",
    "noise",
    "bias",
  ]);
  const n = positiveInt(op, "nSamples", options.nSamples ?? 100);
  const f = positiveInt(op, "nFeatures", options.nFeatures ?? 100);
  const k = options.nInformative ?? Math.min(10, f);
  if (!Number.isInteger(k) || k < 0 || k > f) {
    throw new Error(`${op}: nInformative must be an integer in 0..nFeatures (${f}), got ${k}.`);
  }
  const noise = nonNegative(op, "noise", options.noise ?? 0);
  const bias = options.bias ?? 0;
  const x = new Float64Array(n * f);
  for (let i = 0; i < x.length; i++) x[i] = g.nextNormal();
  const coef = new Float64Array(f);
  for (let j = 0; j < k; j++) coef[j] = 100 * g.nextFloat();
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = bias;
    for (let j = 0; j < k; j++) s += x[i * f + j] * coef[j];
    y[i] = noise > 0 ? s + noise * g.nextNormal() : s;
  }
  return [
    tensor(x, { dtype }).reshape(n, f),
    tensor(y, { dtype }).reshape(n, 1),
    tensor(coef, { dtype }).reshape(f, 1),
  ];
}

export interface MakeBlobsOptions extends Common {
  nSamples?: number;
  nFeatures?: number;
  /** Number of clusters (default 3) or their centers as [k][nFeatures] coordinates. */
  centers?: number | readonly (readonly number[])[];
  /** Standard deviation of every cluster, or one per cluster (default 1). */
  clusterStd?: number | readonly number[];
  /** Range random centers are drawn from, uniformly (default [-10, 10]). */
  centerBox?: readonly [number, number];
  /** Shuffle the samples (default true); otherwise they come cluster by cluster. */
  shuffle?: boolean;
}

/**
 * Gaussian clusters for classification: returns [x, y, centers] with x [nSamples, nFeatures],
 * labels y (int32, [nSamples]) naming each sample's cluster, and the centers [k, nFeatures].
 * Samples are spread evenly over the clusters (the first ones get one more when it does not
 * divide).
 * @example
 * const [x, y] = makeBlobs({ nSamples: 300, centers: 3, clusterStd: 0.5 });
 */
export function makeBlobs(options: MakeBlobsOptions = {}): [Tensor, Tensor, Tensor] {
  const op = "makeBlobs";
  const { g, dtype } = commonOptions(op, options, [
    "nSamples",
    "nFeatures",
    "centers",
    "clusterStd",
    "centerBox",
    "shuffle",
  ]);
  const n = positiveInt(op, "nSamples", options.nSamples ?? 100);
  const given = typeof options.centers === "object" ? options.centers : undefined;
  const f = given ? given[0]?.length ?? 0 : positiveInt(op, "nFeatures", options.nFeatures ?? 2);
  const k = given ? given.length : positiveInt(op, "centers", options.centers as number ?? 3);
  if (given) {
    if (k === 0 || given.some((c) => c.length !== f || f === 0)) {
      throw new Error(`${op}: centers must be a non-empty list of points of equal length.`);
    }
    if (options.nFeatures !== undefined && options.nFeatures !== f) {
      throw new Error(`${op}: nFeatures is ${options.nFeatures} but the centers have ${f} coords.`);
    }
  }
  const [lo, hi] = options.centerBox ?? [-10, 10];
  const centers = new Float64Array(k * f);
  for (let i = 0; i < centers.length; i++) {
    centers[i] = given ? given[Math.floor(i / f)][i % f] : lo + (hi - lo) * g.nextFloat();
  }
  const std = options.clusterStd ?? 1;
  const stds = typeof std === "number" ? Array(k).fill(std) : [...std];
  if (stds.length !== k) {
    throw new Error(`${op}: clusterStd has ${stds.length} values for ${k} clusters.`);
  }
  stds.forEach((s) => nonNegative(op, "clusterStd", s));
  let x: Float64Array = new Float64Array(n * f);
  let y: Int32Array = new Int32Array(n);
  let row = 0;
  for (let c = 0; c < k; c++) {
    const count = Math.floor(n / k) + (c < n % k ? 1 : 0);
    for (let r = 0; r < count; r++, row++) {
      y[row] = c;
      for (let j = 0; j < f; j++) x[row * f + j] = centers[c * f + j] + stds[c] * g.nextNormal();
    }
  }
  if (options.shuffle ?? true) [x, y] = shuffleRows(x, y, f, g);
  return [
    tensor(x, { dtype }).reshape(n, f),
    tensor(y, { dtype: "int32" }),
    tensor(centers, { dtype }).reshape(k, f),
  ];
}

export interface MakeMoonsOptions extends Common {
  /** Total samples (split as evenly as possible, outer moon first) or [outer, inner]. */
  nSamples?: number | readonly [number, number];
  /** Standard deviation of Gaussian noise added to every coordinate (default 0). */
  noise?: number;
  /** Shuffle the samples (default true). */
  shuffle?: boolean;
}

/**
 * Two interleaving half circles, a classic set that no straight line separates: the outer moon
 * (label 0) is (cos t, sin t), the inner one (label 1) is (1 - cos t, 0.5 - sin t), t in [0, π].
 * Returns [x [nSamples, 2], y int32 [nSamples]].
 * @example
 * const [x, y] = makeMoons({ nSamples: 200, noise: 0.1 });
 */
export function makeMoons(options: MakeMoonsOptions = {}): [Tensor, Tensor] {
  const op = "makeMoons";
  const { g, dtype } = commonOptions(op, options, ["nSamples", "noise", "shuffle"]);
  const ns = options.nSamples ?? 100;
  const [nOut, nIn] = typeof ns === "number"
    ? [Math.floor(positiveInt(op, "nSamples", ns) / 2), ns - Math.floor(ns / 2)]
    : [ns[0], ns[1]];
  [nOut, nIn].forEach((m) => {
    if (!Number.isInteger(m) || m < 0) {
      throw new Error(`${op}: sample counts must be non-negative integers, got [${nOut}, ${nIn}].`);
    }
  });
  const noise = nonNegative(op, "noise", options.noise ?? 0);
  const n = nOut + nIn;
  let x: Float64Array = new Float64Array(n * 2);
  let y: Int32Array = new Int32Array(n);
  const angle = (i: number, m: number) => (m > 1 ? (Math.PI * i) / (m - 1) : 0);
  for (let i = 0; i < nOut; i++) {
    x[2 * i] = Math.cos(angle(i, nOut));
    x[2 * i + 1] = Math.sin(angle(i, nOut));
  }
  for (let i = 0; i < nIn; i++) {
    const r = nOut + i;
    x[2 * r] = 1 - Math.cos(angle(i, nIn));
    x[2 * r + 1] = 1 - Math.sin(angle(i, nIn)) - 0.5;
    y[r] = 1;
  }
  if (options.shuffle ?? true) [x, y] = shuffleRows(x, y, 2, g);
  if (noise > 0) { for (let i = 0; i < x.length; i++) x[i] += noise * g.nextNormal(); }
  return [tensor(x, { dtype }).reshape(n, 2), tensor(y)];
}
