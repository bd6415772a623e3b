/**
 * k-means clustering: Lloyd's algorithm from k-means++ starts (the greedy variant that
 * scikit-learn uses), the best of nInit runs by inertia. Computed in float64 on the CPU.
 */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { tensor } from "../tensor/creation.ts";
import { defaultGenerator, Generator } from "../core/random.ts";
import { checkFeatureCount, features, float64Rows, notFitted, statDtype } from "./features.ts";
import { checkOptions } from "../core/options.ts";

export interface KMeansOptions {
  /** Number of clusters k. */
  nClusters: number;
  /** Independent k-means++ starts; the run with the lowest inertia wins (default 10). */
  nInit?: number;
  /** Lloyd iterations per run at most (default 300). */
  maxIter?: number;
  /**
   * Convergence tolerance, relative to the data's mean per-feature variance (as
   * scikit-learn): a run stops when the centers move less than this in squared distance.
   */
  tol?: number;
  /** Random stream for the initialisation; its state advances with each fit. */
  generator?: Generator;
  /** Seed for a fresh stream at every fit (so fit is reproducible); ignored with generator. */
  seed?: number;
}

interface Fitted {
  centers: Float64Array;
  labels: Int32Array;
  inertia: number;
  nIter: number;
  d: number;
  dtype: Tensor["dtype"];
}

/** Squared distance between row i of a (width d) and row j of b. */
function dist2(a: Float64Array, i: number, b: Float64Array, j: number, d: number): number {
  let s = 0;
  for (let f = 0; f < d; f++) {
    const e = a[i * d + f] - b[j * d + f];
    s += e * e;
  }
  return s;
}

/** Closest center of every point; returns the inertia (sum of squared distances). */
function assign(
  x: Float64Array,
  n: number,
  centers: Float64Array,
  k: number,
  d: number,
  labels: Int32Array,
  dists: Float64Array,
): number {
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    let best = 0, bestD = Infinity;
    for (let c = 0; c < k; c++) {
      const dd = dist2(x, i, centers, c, d);
      if (dd < bestD) (bestD = dd), (best = c);
    }
    labels[i] = best;
    dists[i] = bestD;
    inertia += bestD;
  }
  return inertia;
}

/**
 * Greedy k-means++ (Arthur & Vassilvitskii 2007; scikit-learn's _kmeans_plusplus): each new
 * center is the best, by resulting potential, of 2 + ⌊ln k⌋ candidates drawn with
 * probability proportional to the squared distance to the nearest center chosen so far.
 */
function kmeansPlusPlus(
  x: Float64Array,
  n: number,
  d: number,
  k: number,
  g: Generator,
): Float64Array {
  const centers = new Float64Array(k * d);
  const trials = 2 + Math.floor(Math.log(k));
  const first = g.nextInt(0, n);
  centers.set(x.subarray(first * d, first * d + d), 0);
  let closest = new Float64Array(n);
  for (let i = 0; i < n; i++) closest[i] = dist2(x, i, centers, 0, d);
  const cumsum = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let acc = 0;
    for (let i = 0; i < n; i++) cumsum[i] = acc += closest[i];
    let bestPot = Infinity, bestId = 0, bestDist = closest;
    for (let t = 0; t < trials; t++) {
      const r = g.nextFloat() * acc;
      // First point whose cumulative weight exceeds r (points at distance 0 are never drawn
      // unless every point is).
      let lo = 0, hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumsum[mid] > r) hi = mid;
        else lo = mid + 1;
      }
      const cand = lo;
      const dist = new Float64Array(n);
      let p = 0;
      for (let i = 0; i < n; i++) p += dist[i] = Math.min(closest[i], dist2(x, i, x, cand, d));
      if (p < bestPot) (bestPot = p), (bestId = cand), (bestDist = dist);
    }
    centers.set(x.subarray(bestId * d, bestId * d + d), c * d);
    closest = bestDist;
  }
  return centers;
}

/** One Lloyd run from the given centers (updated in place). */
function lloyd(
  x: Float64Array,
  n: number,
  d: number,
  k: number,
  centers: Float64Array,
  maxIter: number,
  tol: number,
): { labels: Int32Array; inertia: number; nIter: number } {
  const labels = new Int32Array(n), previous = new Int32Array(n).fill(-1);
  const dists = new Float64Array(n);
  const sums = new Float64Array(k * d), counts = new Float64Array(k);
  let nIter = 0;
  for (let it = 0; it < maxIter; it++) {
    nIter = it + 1;
    assign(x, n, centers, k, d, labels, dists);
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i];
      counts[c]++;
      for (let f = 0; f < d; f++) sums[c * d + f] += x[i * d + f];
    }
    // An empty cluster takes the point farthest from its center (as scikit-learn), so k
    // clusters survive.
    const empty = [];
    for (let c = 0; c < k; c++) if (counts[c] === 0) empty.push(c);
    if (empty.length > 0) {
      const far = Array.from({ length: n }, (_, i) => i).sort((a, b) => dists[b] - dists[a]);
      empty.forEach((c, e) => {
        const i = far[e], old = labels[i];
        counts[old]--;
        for (let f = 0; f < d; f++) sums[old * d + f] -= x[i * d + f];
        counts[c] = 1;
        for (let f = 0; f < d; f++) sums[c * d + f] = x[i * d + f];
        labels[i] = c;
      });
    }
    let shift = 0;
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue;
      for (let f = 0; f < d; f++) {
        const v = sums[c * d + f] / counts[c];
        shift += (v - centers[c * d + f]) ** 2;
        centers[c * d + f] = v;
      }
    }
    let same = true;
    for (let i = 0; i < n && same; i++) same = labels[i] === previous[i];
    if (same) break;
    previous.set(labels);
    if (shift <= tol) break;
  }
  // Labels and inertia must describe the final centers.
  const inertia = assign(x, n, centers, k, d, labels, dists);
  return { labels, inertia, nIter };
}

/**
 * k-means: splits samples into nClusters groups, each represented by its center (the mean
 * of its members), minimising the inertia Σ ‖xᵢ − center(xᵢ)‖².
 *
 * @example
 * ```ts
 * const km = new preprocessing.KMeans({ nClusters: 3, seed: 0 }).fit(X);
 * km.labels; km.clusterCenters; km.inertia; km.predict(newX);
 * ```
 */
export class KMeans {
  readonly nClusters: number;
  readonly nInit: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly generator: Generator | undefined;
  readonly seed: number | undefined;
  #fit: Fitted | null = null;

  constructor(options: KMeansOptions) {
    const { nClusters, nInit = 10, maxIter = 300, tol = 1e-4 } = checkOptions("KMeans", options, [
      "nClusters",
      "nInit",
      "maxIter",
      "tol",
      "generator",
      "seed",
    ]);
    const positiveInt = (name: string, v: number) => {
      if (!Number.isInteger(v) || v < 1) {
        throw new Error(`KMeans: ${name} must be a positive integer, got ${v}.`);
      }
    };
    positiveInt("nClusters", nClusters);
    positiveInt("nInit", nInit);
    positiveInt("maxIter", maxIter);
    if (!(tol >= 0)) throw new Error(`KMeans: tol must be >= 0, got ${tol}.`);
    if (options.seed !== undefined && !Number.isInteger(options.seed)) {
      throw new Error(`KMeans: seed must be an integer, got ${options.seed}.`);
    }
    this.nClusters = nClusters;
    this.nInit = nInit;
    this.maxIter = maxIter;
    this.tol = tol;
    this.generator = options.generator;
    this.seed = options.seed;
  }

  #fitted(method: string): Fitted {
    if (!this.#fit) throw notFitted("KMeans", method);
    return this.#fit;
  }

  /** The k centers ([nClusters, nFeatures]). */
  get clusterCenters(): Tensor {
    const f = this.#fitted("clusterCenters");
    return tensor(f.centers, { dtype: f.dtype }).reshape(this.nClusters, f.d);
  }
  /** Cluster index of each training sample (int32, [nSamples]). */
  get labels(): Tensor {
    return tensor(this.#fitted("labels").labels, { dtype: "int32" });
  }
  /** Sum of squared distances of the training samples to their closest center. */
  get inertia(): number {
    return this.#fitted("inertia").inertia;
  }
  /** Lloyd iterations of the winning run. */
  get nIter(): number {
    return this.#fitted("nIter").nIter;
  }
  get nFeaturesIn(): number {
    return this.#fitted("nFeaturesIn").d;
  }

  /** Clusters X ([nSamples, nFeatures]). */
  fit(X: TensorLike): this {
    const { x, n, d } = features("KMeans.fit", X);
    const k = this.nClusters;
    if (n < k) {
      throw new Error(
        `KMeans.fit: nClusters = ${k} is more than the ${n} samples in X; use at most ${n} clusters.`,
      );
    }
    const v = float64Rows("KMeans.fit", x);
    const g = this.generator ??
      (this.seed !== undefined ? new Generator(this.seed) : defaultGenerator);
    let meanVar = 0;
    for (let f = 0; f < d; f++) {
      let m = 0, s = 0;
      for (let i = 0; i < n; i++) m += v[i * d + f];
      m /= n;
      for (let i = 0; i < n; i++) s += (v[i * d + f] - m) ** 2;
      meanVar += s / n;
    }
    const tol = (meanVar / d) * this.tol;
    let best: Fitted | null = null;
    for (let run = 0; run < this.nInit; run++) {
      const centers = kmeansPlusPlus(v, n, d, k, g);
      const r = lloyd(v, n, d, k, centers, this.maxIter, tol);
      if (!best || r.inertia < best.inertia) best = { centers, ...r, d, dtype: statDtype(x) };
    }
    this.#fit = best;
    return this;
  }

  /** The closest center's index for each sample of X (int32, [nSamples]). */
  predict(X: TensorLike): Tensor {
    const f = this.#fitted("predict");
    const { x, n, d } = features("KMeans.predict", X);
    checkFeatureCount("KMeans", "predict", f.d, d);
    const labels = new Int32Array(n);
    assign(
      float64Rows("KMeans.predict", x),
      n,
      f.centers,
      this.nClusters,
      d,
      labels,
      new Float64Array(n),
    );
    return tensor(labels, { dtype: "int32" });
  }

  /** fit(X), then the training labels. */
  fitPredict(X: TensorLike): Tensor {
    return this.fit(X).labels;
  }

  /** Euclidean distance from each sample to each center ([nSamples, nClusters]). */
  transform(X: TensorLike): Tensor {
    const f = this.#fitted("transform");
    const { x, n, d } = features("KMeans.transform", X);
    checkFeatureCount("KMeans", "transform", f.d, d);
    const v = float64Rows("KMeans.transform", x);
    const k = this.nClusters;
    const out = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) out[i * k + c] = Math.sqrt(dist2(v, i, f.centers, c, d));
    }
    return tensor(out, { dtype: f.dtype }).reshape(n, k);
  }
}
