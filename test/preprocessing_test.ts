/**
 * preprocessing: StandardScaler and MinMaxScaler against hand-computed (and scikit-learn)
 * statistics, round trips, dtypes and errors; KMeans finds well-separated blobs, matches
 * scikit-learn's optimum on a small set, and is reproducible under a seed.
 */
import assert from "node:assert/strict";
import { throwsWith } from "./helpers.ts";
import { Generator, manualSeed, preprocessing, randn, type Tensor, tensor } from "gradiente";
import { close } from "./helpers.ts";

const { StandardScaler, MinMaxScaler, KMeans } = preprocessing;

const A = [[1, 10, 5], [2, 20, 5], [3, 60, 5]];

Deno.test("StandardScaler: population mean/std as scikit-learn, constant feature scale 1", () => {
  const s = new StandardScaler().fit(tensor(A, { dtype: "float64" }));
  close(s.mean.toArray(), [2, 30, 5], 1e-15);
  close(s.var.toArray(), [2 / 3, 1400 / 3, 0], 1e-13);
  close(s.scale.toArray(), [Math.sqrt(2 / 3), Math.sqrt(1400 / 3), 1], 1e-13);
  assert.equal(s.nFeaturesIn, 3);
  assert.equal(s.nSamplesSeen, 3);
  const Z = s.transform(tensor(A, { dtype: "float64" }));
  assert.equal(Z.dtype, "float64");
  close(Z.toArray(), [
    [-1.224744871391589, -0.9258200997725515, 0],
    [0, -0.46291004988627577, 0],
    [1.224744871391589, 1.3887301496588271, 0],
  ], 1e-13);
  // Columns of the result: mean 0 and population std 1 (the constant one stays 0).
  close(Z.mean(0).toArray(), [0, 0, 0], 1e-13);
  close(Z.std(0, false).toArray(), [1, 1, 0], 1e-13);
});

Deno.test("StandardScaler: round trip, dtypes, options, autograd", () => {
  const X = randn(50, 4, { generator: new Generator(1) }).mul(tensor([1, 10, 0.1, 3])).add(
    tensor([5, -2, 0, 100]),
  );
  const s = new StandardScaler();
  const Z = s.fitTransform(X);
  assert.equal(Z.dtype, "float32");
  assert.equal(s.mean.dtype, "float32");
  close(s.inverseTransform(Z).toArray(), X.toArray(), 1e-5);
  close(Z.mean(0).toArray(), [0, 0, 0, 0], 1e-5);
  // Integer input: statistics and output in float32.
  const si = new StandardScaler().fit(tensor([[1, 2], [3, 4]], { dtype: "int32" }));
  assert.equal(si.transform(tensor([[1, 2]], { dtype: "int32" })).dtype, "float32");
  close(si.transform([[3, 2]]).toArray(), [[1, -1]], 1e-7);
  // withMean / withStd.
  const noMean = new StandardScaler({ withMean: false }).fit(A);
  close(
    noMean.transform(A).index(":", 0).toArray(),
    [1, 2, 3].map((v) => v / Math.sqrt(2 / 3)),
    1e-6,
  );
  const noStd = new StandardScaler({ withStd: false }).fit(A);
  close(noStd.transform(A).toArray(), [[-1, -20, 0], [0, -10, 0], [1, 30, 0]], 1e-6);
  close(noStd.inverseTransform(noStd.transform(A)).toArray(), A, 1e-6);
  // transform is made of tensor ops, so gradients flow through it.
  const x = tensor([[1, 2], [3, 5]], { requiresGrad: true });
  const z = new StandardScaler().fit(x.detach()).transform(x);
  z.sum().backward();
  close(x.grad!.toArray(), [[1, 1 / 1.5], [1, 1 / 1.5]], 1e-6);
});

Deno.test("MinMaxScaler: [0, 1] by default, any featureRange, clip, round trip", () => {
  // scikit-learn's docstring example.
  const data = [[-1, 2], [-0.5, 6], [0, 10], [1, 18]];
  const s = new MinMaxScaler();
  close(s.fitTransform(data).toArray(), [[0, 0], [0.25, 0.25], [0.5, 0.5], [1, 1]], 1e-7);
  close(s.transform([[2, 2]]).toArray(), [[1.5, 0]], 1e-7);
  close(s.dataMin.toArray(), [-1, 2], 0);
  close(s.dataMax.toArray(), [1, 18], 0);
  close(s.dataRange.toArray(), [2, 16], 0);
  close(s.inverseTransform(s.transform(data)).toArray(), data, 1e-6);

  const r = new MinMaxScaler({ featureRange: [-1, 1] }).fit(tensor(A, { dtype: "float64" }));
  close(r.scale.toArray(), [1, 0.04, 2], 1e-15);
  close(r.min.toArray(), [-2, -1.4, -11], 1e-13);
  // A constant feature maps to the low end of the range, as scikit-learn.
  close(r.transform(tensor(A, { dtype: "float64" })).toArray(), [[-1, -1, -1], [0, -0.6, -1], [
    1,
    1,
    -1,
  ]], 1e-13);
  close(r.transform([[4, 0, 6]]).toArray(), [[2, -1.4, 1]], 1e-6);
  const clipped = new MinMaxScaler({ featureRange: [-1, 1], clip: true }).fit(A);
  close(clipped.transform([[4, 0, 6]]).toArray(), [[1, -1, 1]], 1e-6);
});

Deno.test("scaler errors: not fitted, feature-count mismatch, 1-D or empty input, bad range", () => {
  const s = new StandardScaler();
  throwsWith(() => s.transform(A), "StandardScaler.transform", "not fitted", "fit(X)");
  throwsWith(() => s.inverseTransform(A), "StandardScaler.inverseTransform", "not fitted");
  throwsWith(() => s.mean, "StandardScaler.mean", "not fitted");
  s.fit(A);
  throwsWith(
    () => s.transform([[1, 2]]),
    "StandardScaler.transform",
    "X has 2 features",
    "fitted on 3",
  );
  throwsWith(() => s.inverseTransform([[1, 2, 3, 4]]), "X has 4 features");
  throwsWith(() => s.fit([1, 2, 3]), "StandardScaler.fit", "2-D", "reshape(-1, 1)");
  throwsWith(() => s.fit(tensor([]).reshape(0, 2)), "empty");
  const m = new MinMaxScaler();
  throwsWith(() => m.transform(A), "MinMaxScaler.transform", "not fitted");
  throwsWith(
    () => m.fit(A).transform([[1]]),
    "MinMaxScaler.transform",
    "X has 1 feature,",
    "fitted on 3",
  );
  throwsWith(() => new MinMaxScaler({ featureRange: [1, 0] }), "featureRange", "min < max");
});

/** Three blobs of 40 points (std 0.5) around far-apart centers, shuffled; and their labels. */
function blobs(seed: number): { X: Tensor; truth: number[] } {
  const g = new Generator(seed);
  const centers = [[0, 0], [10, 10], [-10, 10]];
  const rows: number[][] = [], truth: number[] = [];
  const noise = randn(120, 2, { generator: g }).mul(0.5).toArray() as number[][];
  for (let i = 0; i < 120; i++) {
    const c = (i * 7) % 3; // interleaved, so order says nothing about the cluster
    rows.push([centers[c][0] + noise[i][0], centers[c][1] + noise[i][1]]);
    truth.push(c);
  }
  return { X: tensor(rows), truth };
}

/** Whether two labelings define the same partition (equal up to renaming the clusters). */
function samePartition(a: number[], b: number[]): boolean {
  const ab = new Map<number, number>(), ba = new Map<number, number>();
  return a.every((x, i) => {
    if ((ab.get(x) ?? b[i]) !== b[i] || (ba.get(b[i]) ?? x) !== x) return false;
    ab.set(x, b[i]);
    ba.set(b[i], x);
    return true;
  });
}

Deno.test("KMeans finds well-separated blobs; predict, transform, inertia agree", () => {
  const { X, truth } = blobs(1);
  const km = new KMeans({ nClusters: 3, seed: 0 }).fit(X);
  const labels = km.labels.toArray() as number[];
  assert.equal(km.labels.dtype, "int32");
  assert.ok(samePartition(labels, truth), "labels are the blobs");
  assert.deepEqual(km.clusterCenters.shape, [3, 2]);
  // Each center is its members' mean and lies near a true center.
  const centers = km.clusterCenters.toArray() as number[][];
  const Xa = X.toArray() as number[][];
  let inertia = 0;
  for (let c = 0; c < 3; c++) {
    const members = Xa.filter((_, i) => labels[i] === c);
    const mean = [0, 1].map((f) => members.reduce((s, r) => s + r[f], 0) / members.length);
    close(centers[c], mean, 1e-5);
    for (const r of members) inertia += (r[0] - centers[c][0]) ** 2 + (r[1] - centers[c][1]) ** 2;
  }
  close(km.inertia, inertia, 1e-6);
  assert.deepEqual(km.predict(X).toArray(), labels);
  assert.deepEqual(km.predict([[9, 11], [0.2, -0.1]]).toArray(), [labels[1], labels[0]]);
  const D = km.transform([[0, 0]]).toArray() as number[][];
  close(D[0][labels[0]], Math.hypot(centers[labels[0]][0], centers[labels[0]][1]), 1e-6);
  assert.deepEqual(new KMeans({ nClusters: 3, seed: 0 }).fitPredict(X).toArray(), labels);
});

Deno.test("KMeans matches scikit-learn's result on a small set", () => {
  const X = [[1, 1], [1.5, 2], [3, 4], [5, 7], [3.5, 5], [4.5, 5], [3.5, 4.5], [9, 1], [8.5, 2], [
    10,
    1.5,
  ], [
    9.5,
    0.5,
  ], [0.5, 1.5]];
  // KMeans(n_clusters=3, n_init=10, random_state=0): inertia 11.4, centers below.
  const km = new KMeans({ nClusters: 3, seed: 3 }).fit(tensor(X, { dtype: "float64" }));
  close(km.inertia, 11.4, 1e-12);
  const centers = (km.clusterCenters.toArray() as number[][]).sort((a, b) => a[0] - b[0]);
  close(centers, [[1, 1.5], [3.9, 5.1], [9.25, 1.25]], 1e-12);
  assert.ok(samePartition(km.labels.toArray() as number[], [2, 2, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2]));
  const two = new KMeans({ nClusters: 2, seed: 3 }).fit(X);
  close(two.inertia, 51.46875, 1e-5);
});

Deno.test("k-means++ starts: one run suffices on separated blobs; seeds reproduce exactly", () => {
  const { X, truth } = blobs(2);
  // Random starts would often put two centers in one blob; k-means++ spreads them out.
  for (let seed = 0; seed < 10; seed++) {
    const km = new KMeans({ nClusters: 3, nInit: 1, seed }).fit(X);
    assert.ok(samePartition(km.labels.toArray() as number[], truth), `seed ${seed}`);
  }
  const a = new KMeans({ nClusters: 4, nInit: 1, seed: 42 }).fit(X);
  const b = new KMeans({ nClusters: 4, nInit: 1, seed: 42 }).fit(X);
  assert.deepEqual(a.clusterCenters.toArray(), b.clusterCenters.toArray());
  assert.deepEqual(a.labels.toArray(), b.labels.toArray());
  assert.equal(a.inertia, b.inertia);
  // The same seed refits identically; a generator's stream moves on between fits.
  assert.deepEqual(a.fit(X).clusterCenters.toArray(), b.clusterCenters.toArray());
  const g1 = new Generator(5), g2 = new Generator(5);
  const c1 = new KMeans({ nClusters: 4, nInit: 1, generator: g1 }).fit(X);
  const c2 = new KMeans({ nClusters: 4, nInit: 1, generator: g2 }).fit(X);
  assert.deepEqual(c1.clusterCenters.toArray(), c2.clusterCenters.toArray());
  assert.notDeepEqual(g1.getState(), new Generator(5).getState());
  // Without seed or generator: the default generator, reproducible through manualSeed.
  manualSeed(123);
  const d1 = new KMeans({ nClusters: 5, nInit: 2 }).fit(X).clusterCenters.toArray();
  manualSeed(123);
  const d2 = new KMeans({ nClusters: 5, nInit: 2 }).fit(X).clusterCenters.toArray();
  assert.deepEqual(d1, d2);
});

Deno.test("KMeans edge cases: as many clusters as points, duplicate points", () => {
  const X = [[0, 0], [1, 0], [5, 5]];
  const km = new KMeans({ nClusters: 3, seed: 0 }).fit(X);
  assert.equal(km.inertia, 0);
  assert.deepEqual([...new Set(km.labels.toArray() as number[])].length, 3);
  // Fewer distinct points than clusters: still a valid fit, no NaN centers.
  const dup = new KMeans({ nClusters: 3, seed: 0 }).fit([[0], [0], [0], [1]]);
  assert.equal(dup.inertia, 0);
  assert.ok((dup.clusterCenters.toArray() as number[][]).every((r) => Number.isFinite(r[0])));
});

Deno.test("KMeans errors: options, too few samples, not fitted, feature mismatch", () => {
  throwsWith(() => new KMeans({ nClusters: 0 }), "KMeans", "nClusters must be a positive integer");
  throwsWith(() => new KMeans({ nClusters: 2.5 }), "nClusters");
  throwsWith(() => new KMeans({ nClusters: 2, nInit: 0 }), "nInit");
  throwsWith(() => new KMeans({ nClusters: 2, tol: -1 }), "tol");
  throwsWith(
    () => new KMeans({ nClusters: 3 }).fit([[1], [2]]),
    "KMeans.fit",
    "nClusters = 3",
    "2 samples",
  );
  const km = new KMeans({ nClusters: 2, seed: 0 });
  throwsWith(() => km.predict([[1, 2]]), "KMeans.predict", "not fitted");
  throwsWith(() => km.clusterCenters, "not fitted");
  km.fit([[0, 0], [0, 1], [9, 9]]);
  throwsWith(() => km.predict([[1, 2, 3]]), "KMeans.predict", "X has 3 features", "fitted on 2");
  throwsWith(() => km.fit([1, 2, 3]), "KMeans.fit", "2-D");
});
