/**
 * Advanced indexing and writes (issue 12): PyTorch's values and gradients from
 * fixtures/ops_indexing.json on the CPU and on WebGPU, gradcheck, the autograd rules of
 * in-place writes (CopySlices, version counters, leaves), and the errors.
 */
import assert from "node:assert/strict";
import {
  arange,
  argwhere,
  autograd,
  enableGrad,
  gradcheck,
  type IndexSpec,
  maskedSelect,
  noGrad,
  nonzero,
  nonzeroAsync,
  randn,
  type Tensor,
  tensor,
  webgpu,
  zeros,
} from "gradiente";
import { checkCases, type OpTable } from "./op_cases.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** A JSON spec (see make_ops_indexing.py): {"input": k} is the case's k-th input. */
function specOf(spec: Json[], xs: Tensor[]): IndexSpec[] {
  return spec.map((
    s,
  ) => (s !== null && typeof s === "object" && !Array.isArray(s) ? xs[s.input] : s));
}

/** On devices read asynchronously, bool-tensor masks are turned into indices first. */
async function masksResolved(spec: IndexSpec[]): Promise<IndexSpec[]> {
  const out: IndexSpec[] = [];
  for (const s of spec) {
    if (s instanceof Object && "dtype" in s && (s as Tensor).dtype === "bool") {
      const m = s as Tensor;
      if (m.ndim === 0) out.push((await m.itemAsync()) as boolean);
      else out.push(...await nonzeroAsync(m, { asTuple: true }));
    } else out.push(s);
  }
  return out;
}

const write = (add: boolean) => ([x, ...rest]: Tensor[], [spec, value]: Json[]) => {
  const target = x.clone().at(...specOf(spec, [x, ...rest]));
  const v = value ?? rest[0];
  return add ? target.add_(v) : target.set_(v);
};
const writeGpu = (add: boolean) => async ([x, ...rest]: Tensor[], [spec, value]: Json[]) => {
  const target = x.clone().at(...await masksResolved(specOf(spec, [x, ...rest])));
  const v = value ?? rest[0];
  return add ? target.add_(v) : target.set_(v);
};

const table: OpTable = {
  index: {
    fn: ([x, ...idx], [spec]) => x.index(...specOf(spec, [x, ...idx])),
    gpu: ([x, ...idx], [spec]) => x.indexAsync(...specOf(spec, [x, ...idx])),
  },
  indexPut: {
    fn: ([x, v, ...idx], [accumulate]) => x.indexPut(idx, v, { accumulate }),
    gpu: async ([x, v, ...idx], [accumulate]) =>
      x.indexPut(await masksResolved(idx), v, { accumulate }),
  },
  indexPut_: {
    fn: ([x, v, ...idx], [accumulate]) => x.clone().indexPut_(idx, v, { accumulate }),
    gpu: async ([x, v, ...idx], [accumulate]) =>
      x.clone().indexPut_(await masksResolved(idx), v, { accumulate }),
  },
  atSet: { fn: write(false), gpu: writeGpu(false) },
  atAdd: { fn: write(true), gpu: writeGpu(true) },
  nonzero: { fn: ([x]) => x.nonzero(), gpu: ([x]) => x.nonzeroAsync() },
  nonzeroTuple: {
    fn: ([x]) => x.nonzero({ asTuple: true }),
    gpu: ([x]) => x.nonzeroAsync({ asTuple: true }),
  },
  argwhere: { fn: ([x]) => x.argwhere(), gpu: ([x]) => x.argwhereAsync() },
  maskedSelect: { fn: ([x, m]) => x.maskedSelect(m), gpu: ([x, m]) => x.maskedSelectAsync(m) },
  takeAlongDim: ([x, i], [dim]) => x.takeAlongDim(i, dim),
  scatter: ([x, i, s], [dim]) => x.scatter(dim, i, s),
  scatterValue: ([x, i], [dim, v]) => x.scatter(dim, i, v),
  scatterAdd: ([x, i, s], [dim]) => x.scatter(dim, i, s, { reduce: "add" }),
  scatterMultiply: ([x, i, s], [dim]) => x.scatter(dim, i, s, { reduce: "multiply" }),
  scatter_: ([x, i, s], [dim]) => x.clone().scatter_(dim, i, s),
  indexCopy: ([x, i, s], [dim]) => x.indexCopy(dim, i, s),
};

checkCases("ops_indexing.json", table);

const f64 = (shape: number[]) => randn(shape, { dtype: "float64" }).requiresGrad_();
const i32 = (v: Json) => tensor(v, { dtype: "int32" });

Deno.test("gradcheck: advanced index reads", () => {
  const x = f64([3, 4]), y = f64([2, 3, 4]);
  gradcheck((x) => x.index(i32([0, 2, 2]), i32([1, -1, 1])), [x]);
  gradcheck((x) => x.index(i32([[0], [2]]), [1, 1, 3]), [x]);
  gradcheck((y) => y.index([1, 0], ":", [3, 3]), [y]);
  gradcheck((y) => y.index(":", y.detach().index(0).gt(0)), [y]);
  gradcheck((y) => y.index(y.detach().gt(0)), [y]);
  gradcheck((y) => y.index(true, "...", [0, 0]), [y]);
});

Deno.test("gradcheck: writes in x and values, and their second derivatives", () => {
  const x = f64([4, 3]), v = f64([2, 3]), r = f64([3]);
  gradcheck((x, v) => x.indexPut([i32([3, 0])], v), [x, v]);
  gradcheck((x, v) => x.indexPut([i32([1, 1])], v, { accumulate: true }), [x, v]);
  gradcheck((x, r) => x.at([true, false, true, true]).set(r), [x, r]);
  gradcheck((x, r) => x.mul(1).at("1:", ":").add_(r), [x, r]);
  gradcheck((x, v) => x.mul(1).at([0, 2]).set_(v.mul(v)), [x, v]);
  // second order: the backward is written in tensor ops
  const [gx] = autograd.grad(
    x.indexPut([i32([0, 0])], v.mul(x.index([1, 2])), {
      accumulate: true,
    }).pow(2).sum(),
    [x],
    { createGraph: true },
  );
  gradcheck((x, v) =>
    enableGrad(() => {
      const [g] = autograd.grad(
        x.indexPut([i32([0, 0])], v.mul(x.index([1, 2])), { accumulate: true }).pow(2).sum(),
        [x],
        { createGraph: true },
      );
      return g as Tensor;
    }), [x, v]);
  assert.deepEqual(gx?.shape, [4, 3]);
});

Deno.test("gradcheck: maskedSelect, takeAlongDim, scatter, indexCopy", () => {
  const x = f64([3, 4]), s = f64([2, 4]), c = f64([2, 4]);
  gradcheck((x) => maskedSelect(x, x.detach().gt(0)), [x]);
  gradcheck((x) => x.takeAlongDim(i32([[0, 3], [1, 1], [2, 0]]), 1), [x]);
  gradcheck((x) => x.takeAlongDim(i32([[2], [0]]), 0), [x]);
  gradcheck((x, s) => x.scatter(0, i32([[0, 1, 2, 0], [2, 0, 1, 1]]), s), [x, s]);
  gradcheck((x, s) => x.scatter(1, i32([[0, 1], [2, 3]]), s), [x, s]); // src larger: a corner
  gradcheck((x, s) => x.scatter(0, i32([[0, 0, 0, 0]]), s, { reduce: "add" }), [x, s]);
  gradcheck((x) => x.scatter(0, i32([[1, 0, 2, 2]]), 3), [x]);
  gradcheck((x, c) => x.indexCopy(0, i32([2, 0]), c), [x, c]);
});

Deno.test("an autograd-recorded write is CopySlices: gradients to values and the old value", () => {
  const a = tensor([1, 2, 3, 4], { dtype: "float64", requiresGrad: true });
  const w = tensor([10, 20], { dtype: "float64", requiresGrad: true });
  const x = a.mul(2);
  x.at([1, 3]).set_(w);
  assert.equal(x.gradFn?.name, "CopySlices");
  assert.deepEqual(x.toArray(), [2, 10, 6, 20]);
  x.mul(tensor([1, 2, 3, 4], { dtype: "float64" })).sum().backward();
  assert.deepEqual(a.grad?.toArray(), [2, 0, 6, 0]); // zero where overwritten
  assert.deepEqual(w.grad?.toArray(), [2, 4]);

  const b = tensor([1, 2, 3], { dtype: "float64", requiresGrad: true });
  const u = tensor(5, { dtype: "float64", requiresGrad: true });
  const y = b.mul(1);
  y.at([0, 0]).add_(u); // accumulate: gradient to the old value everywhere
  y.sum().backward();
  assert.deepEqual(y.toArray(), [11, 2, 3]);
  assert.deepEqual(b.grad?.toArray(), [1, 1, 1]);
  assert.equal(u.grad?.item(), 2);

  // a plain tensor that takes a value requiring grad becomes part of the graph
  const z = zeros(3, { dtype: "float64" });
  z.at(1).set_(u.mul(3));
  assert.equal(z.requiresGrad, true);
  u.grad = null;
  z.sum().backward();
  assert.equal((u.grad as Tensor | null)?.item(), 3);
});

Deno.test("in-place writes bump the version: a saved tensor overwritten raises at backward", () => {
  const a = tensor([1, 2, 3], { dtype: "float64", requiresGrad: true });
  const x = a.mul(1);
  const y = x.mul(x); // saves x
  const before = (x as unknown as { _version: number })._version;
  x.at(0).set_(7);
  assert.ok((x as unknown as { _version: number })._version > before);
  assert.throws(() => y.sum().backward(), /modified by an in-place operation/);
  const p = zeros(3);
  const q = zeros(2);
  p.scatter_(0, i32([2, 0]), q.add(1));
  assert.deepEqual(p.toArray(), [1, 0, 1]);
});

Deno.test("a leaf that requires grad cannot be written in place outside noGrad", () => {
  const a = tensor([1, 2, 3], { requiresGrad: true });
  for (
    const f of [
      () => a.at(0).set_(1),
      () => a.indexPut_([i32([0])], tensor([1])),
      () => a.scatter_(0, i32([0]), tensor([1])),
      () => a.at(a.detach().gt(1)).add_(1),
    ]
  ) {
    assert.throws(
      f,
      /a leaf Variable that requires grad is being used in an in-place operation.*noGrad/,
    );
  }
  noGrad(() => a.at("1:").set_(0));
  assert.deepEqual(a.toArray(), [1, 0, 0]);
  assert.equal(a.isLeaf, true);
});

Deno.test("writes through views: plain ones work, autograd-recorded ones raise", () => {
  const x = zeros(2, 3);
  x.index(1).at([0, 2]).set_(5); // no autograd: writes through the view into x
  assert.deepEqual(x.toArray(), [[0, 0, 0], [5, 0, 5]]);
  const w = tensor(1, { requiresGrad: true });
  assert.throws(() => x.index(0).at(1).set_(w), /is a view of another tensor.*clone\(\)/);
  assert.throws(() => zeros(3).expand(2, 3).at(0).set_(1), /expanded view/);
});

Deno.test("basic writes outside autograd go straight through the view", () => {
  const x = arange(5).float();
  const v0 = (x as unknown as { _version: number })._version;
  x.at("1:3").set_(tensor([7, 8]));
  x.at("::2").add_(1);
  assert.deepEqual(x.toArray(), [1, 7, 9, 3, 5]);
  assert.equal((x as unknown as { _version: number })._version, v0 + 2);
  x.at("1:").set_(x.index(":-1")); // values sharing x's memory: copied before the write
  assert.deepEqual(x.toArray(), [1, 1, 7, 9, 3]);
  assert.throws(
    () => x.at("0:2").set_(tensor([1, 2, 3])),
    /values of shape \[3\] cannot be broadcast to the indexed shape \[2\]/,
  );
  assert.deepEqual(x.toArray(), [1, 1, 7, 9, 3]);
});

Deno.test("mask writes that need no data-dependent shape run as where()", () => {
  const x = arange(6).reshape(2, 3).float();
  const m = x.gt(2);
  x.at(m).set_(-1);
  assert.deepEqual(x.toArray(), [[0, 1, 2], [-1, -1, -1]]);
  const y = zeros(3, 2);
  y.at([true, false, true]).set_(tensor([1, 2]));
  assert.deepEqual(y.toArray(), [[1, 2], [0, 0], [1, 2]]);
  y.at([true, false, true]).add_(tensor([1, 1]));
  assert.deepEqual(y.toArray(), [[2, 3], [0, 0], [2, 3]]);
});

Deno.test("nonzero / argwhere / maskedSelect on the CPU", async () => {
  const x = tensor([[0, 1], [2, 0]]);
  assert.deepEqual(nonzero(x).toArray(), [[0, 1], [1, 0]]);
  assert.deepEqual(argwhere(x).toArray(), [[0, 1], [1, 0]]);
  assert.deepEqual(x.nonzero({ asTuple: true }).map((t) => t.toArray()), [[0, 1], [1, 0]]);
  assert.deepEqual((await x.nonzeroAsync()).toArray(), [[0, 1], [1, 0]]);
  assert.deepEqual(x.maskedSelect(x.gt(0)).toArray(), [1, 2]);
  assert.deepEqual((await x.indexAsync(x.gt(0))).toArray(), [1, 2]);
  assert.throws(() => nonzero(x, { as_tuple: true } as never), /nonzero.*asTuple/);
});

Deno.test("index errors name the dim, the index and the size", () => {
  const x = zeros(2, 3, 4);
  const cases: [() => unknown, RegExp][] = [
    [() => x.index(i32([0, 5])), /index 5 is out of bounds for dimension 0 with size 2/],
    [
      () => x.index(":", ":", [0, -5]),
      /index -5 is out of bounds for dimension 2 with size 4.*-4\.\.3/,
    ],
    [() => x.index(":", [3], [0]), /index 3 is out of bounds for dimension 1 with size 3/],
    [() => x.index([0, 1], [0, 1, 2]), /could not be broadcast together: shapes \[2\], \[3\]/],
    [
      () => x.index([[true, false, true]]),
      /mask of shape \[1, 3\] at dim 0 does not match.*\[2, 3, 4\]/,
    ],
    [() => x.index(":", [true, false]), /mask of shape \[2\] at dim 1/],
    [() => x.index(tensor([0, 1])), /must be int32 or bool.*float32.*\.int\(\)/],
    [() => x.index([0.5]), /index values must be integers.*0\.5/],
    [() => x.index([0], [0], [0], [0]), /too many indices for a tensor of dimension 3/],
    [
      () => x.indexPut([i32([0, 1])], zeros(3)),
      /values of shape \[3\] cannot be broadcast to the indexed shape \[2, 3, 4\]/,
    ],
    [() => x.indexPut([i32([0])], 1, { acumulate: true } as never), /indexPut.*accumulate/],
    [
      () => x.scatter(0, i32([[[0]]]).expand(1, 1, 5), 1),
      /scatter: index of shape \[1, 1, 5\] does not fit/,
    ],
    [
      () => x.scatter(0, i32([[[0]]]), 1, { reduce: "max" } as never),
      /reduce must be "add" or "multiply"/,
    ],
    [() => x.takeAlongDim(i32([0]), 0), /same number of dims, got 3.*and 1/],
    [
      () => x.indexCopy(0, i32([0]), zeros(2, 3, 4)),
      /indexCopy: source has shape \[2, 3, 4\] but must be \[1, 3, 4\]/,
    ],
    [
      () => x.scatter(0, i32([[[7]]]), 1),
      /scatter: index 7 is out of bounds for dimension 0 with size 2/,
    ],
  ];
  for (const [f, re] of cases) assert.throws(f, re);
  const m = tensor([1, 2], { requiresGrad: true });
  const y = m.mul(1).scatter(0, i32([0]), m.index("0:1"), { reduce: "multiply" });
  assert.throws(
    () => y.sum().backward(),
    /derivative of scatter with reduce 'multiply' is not implemented/,
  );
});

const gpu = await webgpu.available();
Deno.test({
  name: "webgpu: data-dependent shapes need the async twins, named in the error",
  ignore: !gpu.available,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const x = tensor([[0, 1], [2, 0]]).to("webgpu");
    const m = x.gt(0);
    assert.throws(() => x.index(m), /index: the result's shape depends.*x\.indexAsync/);
    assert.throws(() => x.nonzero(), /nonzeroAsync/);
    assert.throws(() => x.argwhere(), /argwhereAsync/);
    assert.throws(() => x.maskedSelect(m), /maskedSelectAsync/);
    assert.throws(
      () => x.at(m).set_(tensor([5, 6]).to("webgpu")),
      /nonzeroAsync\(\{ asTuple: true \}\)/,
    );
    assert.deepEqual(Array.from(await (await x.indexAsync(m)).data()), [1, 2]);
    x.at(m).set_(7); // a single value: a where(), no readback
    assert.deepEqual(Array.from(await x.data()), [0, 7, 7, 0]);
    x.at(1, "0:1").add_(2); // a basic write, straight through the view
    assert.deepEqual(Array.from(await x.data()), [0, 7, 9, 0]);
    // out-of-range indices on the GPU raise the CPU's error at the next read; meanwhile they
    // are clamped or skipped, never read or written out of bounds (webgpu_errors_test.ts)
    const y = tensor([1, 2, 3]).to("webgpu");
    const picked = y.index(i32([[5], [-9]]).to("webgpu"));
    await assert.rejects(picked.data(), /^Error: index: index 5 is out of bounds for dimension 0/);
    assert.deepEqual(Array.from(await picked.data()), [3, 1]);
    const s = zeros(3).to("webgpu").scatter(0, i32([9, 1]).to("webgpu"), 1);
    await assert.rejects(s.data(), /^Error: scatter: index 9 is out of bounds for dimension 0/);
    assert.deepEqual(Array.from(await s.data()), [0, 1, 0]);
  },
});
