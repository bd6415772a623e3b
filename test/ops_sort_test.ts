/**
 * Sorting and order statistics (issue 12): PyTorch's values and gradients from
 * fixtures/ops_sort.json (CPU float64, WebGPU float32 against the CPU), gradcheck for every
 * differentiable op, and each error these ops raise.
 */
import assert from "node:assert/strict";
import {
  argsort,
  bincount,
  bincountAsync,
  Generator,
  gradcheck,
  histc,
  kthvalue,
  median,
  msort,
  nanmedian,
  noGrad,
  quantile,
  type QuantileInterpolation,
  randn,
  sort,
  type Tensor,
  tensor,
  topk,
  unique,
  uniqueAsync,
  webgpu,
} from "gradiente";
import { checkCases, type OpTable } from "./op_cases.ts";
import { throwsWith } from "./helpers.ts";

const uniqueOf = (x: Tensor, inv: boolean, cnt: boolean) =>
  unique(x, { sorted: true, returnInverse: inv, returnCounts: cnt }) as Tensor | Tensor[];

const table: OpTable = {
  sort: ([x], [dim, desc]) => sort(x, { dim, descending: desc, stable: true }),
  argsort: ([x], [dim, desc]) => argsort(x, dim, desc),
  msort: ([x]) => msort(x),
  topk: ([x], [k, dim, largest]) => topk(x, k, { dim, largest }),
  kthvalue: ([x], [k, dim, keepdim]) => kthvalue(x, k, dim, keepdim),
  median: ([x], args) => (args.length ? median(x, args[0], args[1]) : median(x)),
  nanmedian: ([x], args) => (args.length ? nanmedian(x, args[0], args[1]) : nanmedian(x)),
  nanmedianValues: ([x], [dim]) => nanmedian(x, dim).values,
  quantile: ([x], [q, dim, keepdim, interpolation]) =>
    quantile(x, q, { dim, keepdim, interpolation: interpolation as QuantileInterpolation }),
  // Output lengths that depend on the data: the async twins on webgpu.
  unique: {
    fn: ([x], [inv, cnt]) => uniqueOf(x, inv, cnt),
    gpu: ([x], [inv, cnt]) => uniqueAsync(x, { returnInverse: inv, returnCounts: cnt }),
  },
  uniqueDim: {
    fn: ([x], [dim]) => unique(x, { dim, returnInverse: true, returnCounts: true }),
    gpu: ([x], [dim]) => uniqueAsync(x, { dim, returnInverse: true, returnCounts: true }),
  },
  bincount: {
    fn: ([x], [minlength]) => bincount(x, { minlength }),
    gpu: ([x], [minlength]) => bincountAsync(x, { minlength }),
  },
  bincountWeights: {
    fn: ([x, w]) => bincount(x, { weights: w }),
    gpu: ([x, w]) => bincountAsync(x, { weights: w }),
  },
  histc: ([x], [bins, min, max]) => histc(x, { bins, min, max }),
};

checkCases("ops_sort.json", table);

/** Seeded float64 inputs without ties (normal draws), requiring grad. */
function randx(seed: number, ...shape: number[]): Tensor {
  return noGrad(() => randn(shape, { dtype: "float64", generator: new Generator(seed) }))
    .requiresGrad_();
}

Deno.test("gradcheck: sort, topk, kthvalue, msort along several dims", () => {
  gradcheck((x) => sort(x).values, [randx(1, 5)]);
  gradcheck((x) => sort(x, 0, true).values, [randx(2, 4, 3)]);
  gradcheck((x) => sort(x.transpose(0, 1), { dim: 1 }).values, [randx(3, 3, 4)]);
  gradcheck((x) => topk(x, 2, 1).values, [randx(4, 3, 5)]);
  gradcheck((x) => topk(x, 3, { dim: 0, largest: false }).values, [randx(5, 4, 2, 3)]);
  gradcheck((x) => kthvalue(x, 2, -1, true).values, [randx(6, 2, 4)]);
  gradcheck((x) => msort(x), [randx(7, 4, 2)]);
});

Deno.test("gradcheck: median, nanmedian and quantile", () => {
  gradcheck((x) => median(x), [randx(8, 3, 3)]);
  gradcheck((x) => median(x, 1).values, [randx(9, 3, 4)]);
  gradcheck((x) => nanmedian(x, 0, true).values, [randx(10, 5, 2)]);
  gradcheck((x) => quantile(x, [0.1, 0.5, 0.85], 1), [randx(11, 3, 5)]);
  gradcheck((x) => quantile(x, 0.3), [randx(12, 2, 3, 2)]);
  for (const interpolation of ["lower", "higher", "midpoint", "nearest"] as const) {
    gradcheck((x) => quantile(x, [0.2, 0.6], { dim: 0, interpolation }), [randx(13, 4, 3)]);
  }
});

Deno.test("sort: stable on long rows with many ties, both directions", () => {
  const n = 3000;
  const values = Array.from({ length: n }, (_, i) => (i * 7919) % 5);
  for (const descending of [false, true]) {
    const { values: v, indices: idx } = sort(tensor(values), { descending });
    const sv = v.toArray() as number[], si = idx.toArray() as number[];
    for (let i = 1; i < n; i++) {
      const order = descending ? sv[i - 1] > sv[i] : sv[i - 1] < sv[i];
      assert.ok(order || (sv[i - 1] === sv[i] && si[i - 1] < si[i]), `position ${i}`);
    }
  }
});

Deno.test("sort results destructure as torch's namedtuple", () => {
  const [values, indices] = sort([3, 1, 2]);
  assert.deepEqual(values.toArray(), [1, 2, 3]);
  assert.deepEqual(indices.toArray(), [1, 2, 0]);
  const t = tensor([[1, 5, 2]]);
  assert.deepEqual(t.topk(2).indices.toArray(), [[1, 2]]);
  assert.deepEqual(t.argsort(-1, true).toArray(), [[1, 2, 0]]);
  assert.equal(t.median().item(), 2);
  assert.deepEqual(t.quantile(0.5, 1).toArray(), [2]);
  assert.deepEqual(tensor([1, 3, 1]).int().bincount().toArray(), [0, 2, 0, 1]);
  assert.deepEqual(tensor([1, 3, 1]).unique().toArray(), [1, 3]);
  assert.deepEqual(tensor([0.1, 0.9]).histc({ bins: 2, min: 0, max: 1 }).toArray(), [1, 1]);
});

Deno.test("errors: k, q, bincount input, histc range and options say what to fix", () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  throwsWith(() => topk(x, 4), "topk", "k = 4", "size 3", "[2, 3]", "[0, 3]");
  throwsWith(() => topk(x, -1, 0), "topk", "k = -1", "size 2");
  throwsWith(() => kthvalue(x, 0), "kthvalue", "k = 0", "[1, 3]");
  throwsWith(() => kthvalue(x, 4, 1), "kthvalue", "k = 4", "[1, 3]");
  throwsWith(() => quantile(x, 1.5), "quantile", "[0, 1]", "1.5");
  throwsWith(() => quantile(x, [0.5, -0.1], 1), "quantile", "-0.1");
  throwsWith(() => quantile(x, NaN), "quantile", "NaN");
  throwsWith(() => quantile(x.int(), 0.5), "quantile", "float", ".float()");
  throwsWith(() => quantile(tensor([]), 0.5), "quantile", "non-empty");
  throwsWith(
    () => quantile(x, 0.5, { interpolation: "cubic" as QuantileInterpolation }),
    "quantile",
    "linear, lower",
  );
  throwsWith(() => bincount(tensor([1, -2, 3]).int()), "bincount", "non-negative", "-2");
  throwsWith(() => bincount(tensor([1.5, 2])), "bincount", "int32", "float32", ".int()");
  throwsWith(() => bincount([0, 2.5]), "bincount", "integers", "2.5");
  assert.deepEqual(bincount([0, 2, 2]).toArray(), [1, 0, 2]);
  throwsWith(() => bincount(tensor([[1, 2]]).int()), "bincount", "1-D", "[1, 2]");
  throwsWith(
    () => bincount(tensor([1, 2]).int(), { weights: [1, 2, 3] }),
    "bincount",
    "weights",
    "[3]",
  );
  throwsWith(() => bincount(tensor([1]).int(), { minlength: -1 }), "bincount", "minlength");
  throwsWith(() => histc(x.float(), { min: 3, max: 1 }), "histc", "min = 3", "max = 1");
  throwsWith(() => histc(tensor([1, NaN])), "histc", "not finite", "{ min, max }");
  throwsWith(() => histc(x.float(), { bins: 0 }), "histc", "bins");
  throwsWith(() => median(tensor([[], []]), 1), "median", "size 0", "[2, 0]");
  throwsWith(() => sort(x, { dim: 0, decending: true } as never), "sort", "decending");
  throwsWith(() => topk(x, 1, { large: true } as never), "topk", "large");
  throwsWith(() => unique(x, { return_inverse: true } as never), "unique", "returnInverse");
  throwsWith(() => histc(x, { bin: 3 } as never), "histc", "bin");
});

const gpu = await webgpu.available();

Deno.test({
  name: "webgpu: unique and bincount name their async twins; histc, sort run on the device",
  ignore: !gpu.available,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const x = tensor([3, 1, 3, 0], { dtype: "int32", device: "webgpu" });
    throwsWith(() => unique(x), "unique", "uniqueAsync");
    throwsWith(() => bincount(x), "bincount", "bincountAsync");
    throwsWith(
      () => quantile(tensor([1, 2], { device: "webgpu" }), tensor([0.5], { device: "webgpu" })),
      "quantile",
      "CPU tensor",
    );
    assert.deepEqual(Array.from(await (await x.uniqueAsync()).data()), [0, 1, 3]);
    assert.deepEqual(Array.from(await (await x.bincountAsync()).data()), [1, 1, 0, 2]);
    await assert.rejects(
      () => bincountAsync(tensor([1, -1], { dtype: "int32", device: "webgpu" })),
      /bincountAsync: x must hold non-negative integers, but entry 1 is -1/,
    );
    const h = histc(tensor([0.1, 0.2, 0.9], { device: "webgpu" }), { bins: 2, min: 0, max: 1 });
    assert.equal(h.device, "webgpu");
    assert.deepEqual(Array.from(await h.data()), [2, 1]);
    // A row longer than one workgroup, with ties and NaN: stable, NaN last.
    const n = 700;
    const host = Array.from({ length: n }, (_, i) => (i % 97 === 0 ? NaN : (i * 31) % 11));
    const cpu = sort(tensor(host));
    const dev = sort(tensor(host, { device: "webgpu" }));
    assert.deepEqual(Array.from(await dev.indices.data()), Array.from(await cpu.indices.data()));
  },
});
