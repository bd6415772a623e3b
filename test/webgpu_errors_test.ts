/**
 * WebGPU validates what the CPU validates (issue 14): an out-of-range index, a class target
 * outside 0..C-1, a BCE input outside [0, 1] or an integer zero divisor is found on the device
 * (a device-side error word) and raised at the next read with the CPU's exact message. The
 * kernels write nothing out of bounds meanwhile, and the word is cleared once raised.
 */
import assert from "node:assert/strict";
import {
  bernoulli,
  floorDivide,
  fmod,
  gather,
  indexCopy,
  indexSelect,
  maxUnpool2d,
  nn,
  normal,
  remainder,
  scatter,
  scatterAdd,
  takeAlongDim,
  type Tensor,
  tensor,
  webgpu,
  zeros,
} from "gradiente";
import { gpu } from "./webgpu_helpers.ts";

type Device = "cpu" | "webgpu";
const F = nn.functional;

const ints = (v: unknown, device: Device) => tensor(v as number[], { dtype: "int32", device });
const floats = (v: unknown, device: Device) => tensor(v as number[], { device });

/** The CPU's error for `f` (it must throw there). */
function cpuMessage(f: (d: Device) => unknown): string {
  try {
    f("cpu");
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected the CPU to raise");
}

/** After an error was raised, an unrelated read works: the word was cleared. */
async function assertCleared(): Promise<void> {
  assert.deepEqual(Array.from(await floats([1, 2], "webgpu").data()), [1, 2]);
}

/**
 * `f` on webgpu queues without throwing; the next read raises the CPU's message, and after
 * it the word is clear. Returns the webgpu result, readable again now.
 */
async function sameError(f: (d: Device) => Tensor): Promise<Tensor> {
  const expected = cpuMessage(f);
  const out = f("webgpu");
  await assert.rejects(out.data(), (e: Error) => {
    assert.equal(e.message, expected);
    return true;
  });
  await assertCleared();
  return out;
}

const CASES: Record<string, (d: Device) => Tensor> = {
  "gather past the row": (d) =>
    gather(floats([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]], d), 1, ints([[1], [4], [0]], d)),
  "gather negative": (d) => gather(floats([1, 2, 3], d), 0, ints([-4], d)),
  "scatterAdd": (d) =>
    scatterAdd(
      zeros([3, 4], { device: d }),
      1,
      ints([[4], [0], [1]], d),
      floats([[1], [1], [1]], d),
    ),
  "indexSelect": (d) => indexSelect(floats([[1, 2], [3, 4], [5, 6]], d), 0, ints([0, 3], d)),
  "indexAdd": (d) => zeros([3], { device: d }).indexAdd(0, ints([1, 7], d), floats([1, 1], d)),
  "embedding": (d) => F.embedding(ints([0, 5, 1], d), floats([[1, 2], [3, 4], [5, 6]], d)),
  "Embedding module": (d) => {
    const emb = new nn.Embedding(3, 2).to(d);
    return emb.call(ints([[0, 1], [3, 2]], d));
  },
  "crossEntropy target >= C": (d) =>
    F.crossEntropy(floats([[1, 2, 3], [4, 5, 6]], d), ints([0, 3], d)),
  "CrossEntropyLoss target -1": (d) =>
    new nn.CrossEntropyLoss().call(floats([[1, 2, 3], [4, 5, 6]], d), ints([-1, 2], d)),
  "crossEntropy with weight": (d) =>
    F.crossEntropy(floats([[1, 2, 3]], d), ints([5], d), { weight: floats([1, 2, 3], d) }),
  "nllLoss target -3": (d) => F.nllLoss(floats([[-1, -2, -3], [-1, -1, -1]], d), ints([1, -3], d)),
  "NLLLoss ignoreIndex kept": (d) =>
    new nn.NLLLoss({ ignoreIndex: 7 }).call(floats([[-1, -2], [-1, -1]], d), ints([7, 2], d)),
  "binaryCrossEntropy above 1": (d) =>
    F.binaryCrossEntropy(floats([0.5, 1.5, 0.2], d), floats([1, 0, 1], d)),
  "BCELoss below 0": (d) =>
    new nn.BCELoss().call(floats([[0.1, 0.2], [-0.25, 1]], d), floats([[0, 1], [1, 0]], d)),
  "BCELoss NaN": (d) => F.binaryCrossEntropy(floats([0.5, NaN], d), floats([1, 0], d)),
  "advanced index": (d) => floats([[1, 2], [3, 4]], d).index(ints([0, 1], d), ints([1, 2], d)),
  "indexPut": (d) =>
    floats([[1, 2], [3, 4]], d).indexPut([ints([0, 2], d), ints([1, 1], d)], floats([9, 9], d)),
  "scatter": (d) =>
    scatter(
      zeros([2, 3], { device: d }),
      1,
      ints([[0, 3], [1, 2]], d),
      floats([[1, 1], [1, 1]], d),
    ),
  "indexCopy": (d) =>
    indexCopy(zeros([3, 2], { device: d }), 0, ints([-5], d), floats([[1, 1]], d)),
  "takeAlongDim": (d) => takeAlongDim(floats([[1, 2], [3, 4]], d), ints([[0], [2]], d), 1),
  "takeAlongDim flat": (d) => takeAlongDim(floats([[1, 2], [3, 4]], d), ints([4], d)),
  "oneHot negative": (d) => F.oneHot(ints([1, -2, 0], d), 3),
  "oneHot too large": (d) => F.oneHot(ints([[1, 4], [0, 9]], d), 3),
  "maxUnpool2d": (d) =>
    maxUnpool2d(floats([[[[1, 2], [3, 4]]]], d), ints([[[[0, 3], [16, 15]]]], d), 2),
  "remainder by zero": (d) => remainder(ints([5, 6], d), ints([2, 0], d)),
  "fmod by zero": (d) => fmod(ints([5, 6], d), 0),
  "floorDivide by zero": (d) => floorDivide(ints([[5], [6]], d), ints([3, 0], d)),
};

for (const [name, f] of Object.entries(CASES)) {
  Deno.test({
    name: `webgpu raises the CPU's error at the next read: ${name}`,
    ...gpu,
    fn: async () => {
      await sameError(f);
    },
  });
}

Deno.test({
  name: "the first bad value in row-major order is reported, as on the CPU",
  ...gpu,
  fn: async () => {
    const big = (d: Device) => {
      const idx = new Int32Array(5000).fill(1);
      idx[3333] = 9;
      idx[4999] = -20;
      idx[4000] = 12;
      return gather(floats([1, 2, 3], d), 0, tensor(idx, { device: d }));
    };
    await sameError(big);
    // Above 16,384 elements the check spreads over the GPU and reports in a second dispatch.
    const spread = (d: Device) => {
      const p = new Float32Array(40000).fill(0.5);
      p[33333] = 2;
      p[20001] = -1;
      p[39999] = NaN;
      const x = tensor(p, { device: d }).reshape([200, 200]).t();
      return F.binaryCrossEntropy(x, zeros([200, 200], { device: d }));
    };
    await sameError(spread);
    const first = cpuMessage(CASES["gather negative"]);
    const a = CASES["gather negative"]("webgpu");
    spread("webgpu");
    await assert.rejects(a.data(), (e: Error) => e.message === first);
    await assertCleared();
    await sameError((d) =>
      indexSelect(floats([1, 2, 3], d), 0, ints([[0, 5], [7, 1]], d).t().flatten())
    );
  },
});

Deno.test({
  name: "the first failing op wins; later ops queue and the error is raised once",
  ...gpu,
  fn: async () => {
    const first = cpuMessage(CASES["gather negative"]);
    const a = CASES["gather negative"]("webgpu");
    CASES["indexSelect"]("webgpu");
    const c = floats([4, 5], "webgpu").mul(2);
    await assert.rejects(c.data(), (e: Error) => e.message === first);
    assert.deepEqual(Array.from(await c.data()), [8, 10]);
    assert.equal((await a.data()).length, 1); // readable now: the clamped value, no error
  },
});

Deno.test({
  name: "webgpu.sync(), itemAsync, toArrayAsync and cpu() raise it too",
  ...gpu,
  fn: async () => {
    const expected = cpuMessage(CASES["crossEntropy target >= C"]);
    for (
      const read of [
        () => webgpu.sync(),
        (t: Tensor) => t.itemAsync(),
        (t: Tensor) => t.toArrayAsync(),
        (t: Tensor) => t.cpu(),
      ]
    ) {
      const loss = CASES["crossEntropy target >= C"]("webgpu");
      await assert.rejects(Promise.resolve(read(loss)), (e: Error) => e.message === expected);
      await assertCleared();
    }
  },
});

Deno.test({
  name: "bad indices write nothing out of bounds: the neighbours and the good rows are intact",
  ...gpu,
  fn: async () => {
    const before = floats([7, 7, 7, 7], "webgpu");
    const out = await sameError(CASES["scatterAdd"]);
    const after = floats([8, 8, 8, 8], "webgpu");
    // Row 0's index 4 is skipped (not written into row 1); rows 1 and 2 get theirs.
    assert.deepEqual(Array.from(await out.data()), [0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0]);
    assert.deepEqual(Array.from(await before.data()), [7, 7, 7, 7]);
    assert.deepEqual(Array.from(await after.data()), [8, 8, 8, 8]);
    const copied = await sameError(CASES["indexCopy"]);
    assert.deepEqual(Array.from(await copied.data()), [0, 0, 0, 0, 0, 0]);
    const unpooled = await sameError(CASES["maxUnpool2d"]);
    const u = Array.from(await unpooled.data());
    assert.deepEqual(u.slice(0, 4), [1, 0, 0, 2]);
    assert.equal(u[15], 4);
    assert.equal(u.filter((v) => v !== 0).length, 3); // 16 is past the 4x4 plane: skipped
  },
});

Deno.test({
  name: "good values raise nothing, also with negative indices and ignoreIndex",
  ...gpu,
  fn: async () => {
    const g = gather(floats([1, 2, 3], "webgpu"), 0, ints([-1, 0, 2], "webgpu"));
    assert.deepEqual(Array.from(await g.data()), [3, 1, 3]);
    const l = F.crossEntropy(
      floats([[1, 2, 3], [4, 5, 6]], "webgpu"),
      ints([-100, 2], "webgpu"),
    );
    assert.ok(Number.isFinite(await l.itemAsync()));
    const b = F.binaryCrossEntropy(floats([0, 1, 0.5], "webgpu"), floats([0, 1, 1], "webgpu"));
    assert.ok(Number.isFinite(await b.itemAsync()));
    await webgpu.sync();
  },
});

Deno.test({
  name: "bernoulli's probabilities and normal's std are checked on the device too",
  ...gpu,
  fn: async () => {
    await sameError((d) => bernoulli(floats([0.5, 0.2, 1.5, -1], d)));
    await sameError((d) => floats([0.5, NaN], d).bernoulli_(floats([0.5, 2], d)));
    await sameError((d) => normal(floats([0, 0, 0], d), floats([1, -2, 1], d)));
    await sameError((d) => normal(floats([0, 0], d), floats([1, NaN], d)));
  },
});

Deno.test({
  name: "a pending error raised by a strided or empty read leaks no buffer",
  ...gpu,
  fn: async () => {
    const x = floats([[1, 2], [3, 4]], "webgpu");
    const src = floats([1, 2, 3], "webgpu"), idx = ints([-4], "webgpu");
    const expected = cpuMessage(CASES["gather negative"]);
    const empty = zeros([0], { device: "webgpu" });
    await x.t().data(); // warm: the transposed read's temporary goes back to the pool
    const live = webgpu.memory().liveBuffers;
    const bad = gather(src, 0, idx);
    await assert.rejects(x.t().data(), (e: Error) => e.message === expected);
    assert.equal(webgpu.memory().liveBuffers, live + 1); // only `bad`: the temporary was freed
    gather(src, 0, idx).dispose();
    await assert.rejects(empty.data(), (e: Error) => e.message === expected);
    assert.deepEqual(Array.from(await x.t().data()), [1, 3, 2, 4]);
    bad.dispose();
  },
});
