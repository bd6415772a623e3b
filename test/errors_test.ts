/**
 * Errors are part of the API (DESIGN.md §8): every failure names the operation, the shapes or
 * values involved, and what to do about it; and a failing op leaves earlier tensors untouched.
 */
import assert from "node:assert/strict";
import { throwsWith } from "./helpers.ts";
import {
  arange,
  autograd,
  cat,
  dot,
  gradcheck,
  indexAdd,
  isGradEnabled,
  maskedFill,
  matmul,
  mm,
  noGrad,
  ones,
  randint,
  scatterAdd,
  split,
  stack,
  type Tensor,
  tensor,
  where,
  zeros,
} from "gradiente";

const leaf = (data: number[], dtype: "float32" | "float64" = "float32") =>
  tensor(data, { dtype, requiresGrad: true });

// ---- matmul, mm, dot ----------------------------------------------------------------------

Deno.test("matmul: inner-dimension mismatch names both shapes and suggests a transpose", () => {
  throwsWith(
    () => zeros(64, 784).matmul(zeros(128, 10)),
    "matmul: cannot multiply 64x784 by 128x10 (inner dimensions 784 and 128 differ)",
    /transpose/,
  );
  throwsWith(
    () => matmul(zeros(64, 784), zeros(128, 10)),
    "matmul: cannot multiply 64x784 by 128x10 (inner dimensions 784 and 128 differ)",
  );
});

Deno.test("matmul: batched mismatches name the shapes", () => {
  throwsWith(
    () => zeros(2, 3, 4).matmul(zeros(2, 5, 6)),
    /^matmul:/,
    "2x3x4",
    "2x5x6",
    /inner dimensions 4 and 5 differ/,
    /transpose/,
  );
  // batch dims that cannot broadcast
  throwsWith(
    () => zeros(2, 3, 4).matmul(zeros(3, 4, 6)),
    /^matmul/,
    "2x3x4",
    "3x4x6",
    /\[2\] and \[3\] cannot be broadcast/,
    /must match or be 1/,
  );
});

Deno.test("matmul: 1-D mismatches name the lengths", () => {
  throwsWith(
    () => zeros(3).matmul(zeros(4)),
    /^matmul:/,
    /cannot multiply 3 by 4/,
    /length/,
  );
  throwsWith(
    () => zeros(3).matmul(zeros(4, 2)),
    /^matmul:/,
    /cannot multiply 3 by 4x2/,
    /inner dimensions 3 and 4/,
  );
  throwsWith(
    () => zeros(2, 3).matmul(zeros(4)),
    /^matmul:/,
    /cannot multiply 2x3 by 4/,
    /length of the vector/,
  );
});

Deno.test("matmul: 0-d operands are rejected with a pointer to mul()", () => {
  throwsWith(
    () => tensor(2).matmul(zeros(3)),
    /^matmul:/,
    /at least 1-D/,
    /\[\] \(a scalar\) and \[3\]/,
    /mul\(\)/,
  );
  throwsWith(() => matmul(zeros(2, 2), 5), /^matmul:/, /\[2, 2\] and \[\]/, /mul\(\)/);
});

Deno.test("mm: non-2-D operands and mismatched matrices", () => {
  throwsWith(
    () => zeros(3).mm(zeros(3, 2)),
    /^mm:/,
    /2-D/,
    /\[3\] and \[3, 2\]/,
    /matmul\(\)/,
  );
  throwsWith(() => mm(zeros(2, 3, 4), zeros(4, 2)), /^mm:/, /\[2, 3, 4\] and \[4, 2\]/);
  throwsWith(
    () => mm(zeros(2, 3), zeros(4, 2)),
    /^mm: cannot multiply 2x3 by 4x2 \(inner dimensions 3 and 4 differ\)/,
    /transpose/,
  );
});

Deno.test("dot: different lengths and non-1-D operands", () => {
  throwsWith(() => dot(zeros(3), zeros(4)), /^dot:/, /lengths, 3 and 4/, /same number/);
  throwsWith(
    () => zeros(3, 1).dot(zeros(3)),
    /^dot:/,
    /1-D/,
    /\[3, 1\] and \[3\]/,
    /matmul\(\)|flatten\(\)/,
  );
});

// ---- backward -----------------------------------------------------------------------------

Deno.test("backward: a non-scalar output without a gradient names the shape and the fix", () => {
  const x = leaf([1, 2, 3, 4, 5, 6]).reshape(2, 3);
  const y = x.mul(2);
  throwsWith(
    () => y.backward(),
    /^backward:/,
    /scalar outputs/,
    /\[2, 3\]/,
    /sum\(\)/,
    /mean\(\)/,
    /pass a gradient/,
  );
});

Deno.test("backward: a gradient of the wrong shape names both shapes", () => {
  const x = leaf([1, 2, 3, 4, 5, 6]).reshape(2, 3);
  throwsWith(
    () => x.mul(2).backward(ones(3, 2)),
    /^backward:/,
    /gradient has shape \[3, 2\]/,
    /tensor has shape \[2, 3\]/,
    /must match/,
  );
});

Deno.test("backward: a tensor that does not require grad says how to make it", () => {
  throwsWith(
    () => tensor([1.5]).mul(2).sum().backward(),
    /^backward:/,
    /does not require grad/,
    /requiresGrad: true/,
  );
  // computed under noGrad: the hint mentions it
  const a = leaf([1, 2]);
  const out = noGrad(() => a.mul(2).sum());
  throwsWith(() => out.backward(), /^backward:/, /\[\] \(a scalar\)/, /noGrad/);
});

Deno.test("backward: a second pass through a freed graph points at retainGraph", () => {
  const a = leaf([1, 2]);
  const loss = a.mul(a).sum();
  loss.backward();
  throwsWith(
    () => loss.backward(),
    /^backward:/,
    /second time/,
    /MulBackward/,
    /retainGraph/,
  );
  // with retainGraph the second pass works and accumulates
  const b = leaf([1, 2]);
  const l2 = b.mul(b).sum();
  l2.backward(undefined, { retainGraph: true });
  l2.backward();
  assert.deepEqual(b.grad!.toArray(), [4, 8]);
});

Deno.test("autograd.grad: unused inputs throw unless allowUnused, which gives null", () => {
  const a = leaf([1]), b = leaf([2]);
  throwsWith(
    () => autograd.grad(a.mul(3).sum(), [a, b]),
    /^autograd\.grad:/,
    /input 1/,
    /not used/,
    /allowUnused: true/,
  );
  const [ga, gb] = autograd.grad(a.mul(3).sum(), [a, b], { allowUnused: true });
  assert.deepEqual(ga!.toArray(), [3]);
  assert.equal(gb, null);
  throwsWith(
    () => autograd.grad(a.mul(3), [a], { gradOutputs: ones(3) }),
    /^autograd\.grad:/,
    /\[3\]/,
    /\[1\]/,
  );
});

Deno.test("gradcheck: float32 inputs are rejected with a float64 hint", () => {
  throwsWith(
    () => gradcheck((x: Tensor) => x.mul(2), [leaf([1, 2])]),
    /^gradcheck:/,
    /input 0/,
    /float32/,
    /float64/,
  );
  assert.equal(gradcheck((x: Tensor) => x.mul(2), [leaf([1, 2], "float64")]), true);
});

// ---- requiresGrad -------------------------------------------------------------------------

Deno.test("requiresGrad: int and bool tensors cannot require grad", () => {
  throwsWith(
    () => tensor([1, 2], { dtype: "int32", requiresGrad: true }),
    /requiresGrad/,
    /floating point/,
    /int32/,
    /to\('float32'\)/,
  );
  const i = tensor([1, 2], { dtype: "int32" });
  throwsWith(() => i.requiresGrad_(), /^requiresGrad_:/, /int32/, /float32/);
  assert.equal(i.requiresGrad, false);
  const b = tensor([true, false]);
  throwsWith(() => b.requiresGrad_(), /^requiresGrad_:/, /bool/, /float32/);
  throwsWith(() => zeros(2, { dtype: "bool", requiresGrad: true }), /bool/);
  assert.equal(b.requiresGrad, false);
});

Deno.test("requiresGrad_(false) on a non-leaf points at detach()", () => {
  const y = leaf([1.5]).mul(2);
  throwsWith(() => y.requiresGrad_(false), /^requiresGrad_:/, /leaf/, /MulBackward/, /detach\(\)/);
  assert.equal(y.requiresGrad, true);
});

// ---- broadcasting and shapes --------------------------------------------------------------

Deno.test("broadcasting failures name the op and both shapes", () => {
  throwsWith(
    () => zeros(2, 3).add(zeros(4)),
    /^add:/,
    /\[2, 3\] and \[4\]/,
    /cannot be broadcast/,
    /must match or be 1/,
  );
  throwsWith(() => zeros(2, 3).mul(zeros(3, 3)), /^mul:/, /\[2, 3\] and \[3, 3\]/);
  throwsWith(() => zeros(2).eq(zeros(3)), /^eq:/, /\[2\] and \[3\]/);
  throwsWith(
    () => zeros(2).bool().logicalAnd(zeros(3).bool()),
    /^logicalAnd:/,
    /\[2\] and \[3\]/,
  );
});

Deno.test("reshape/view: wrong element counts, two -1s, non-contiguous view", () => {
  throwsWith(
    () => zeros(2, 3).reshape(4, 2),
    /^reshape:/,
    /\[2, 3\] \(6 elements\)/,
    /\[4, 2\] \(8 elements\)/,
    /-1/,
  );
  throwsWith(() => zeros(2, 3).reshape(-1, 4), /^reshape:/, /\[-1, 4\]/, /6 elements/);
  throwsWith(() => zeros(2, 3).view(5), /^view:/, /6 elements/, /\[5\]/);
  throwsWith(() => zeros(2, 3).reshape(-1, -1), /^reshape:/, /only one dimension can be -1/);
  throwsWith(() => zeros(2, 3).view([-1, -1]), /^view:/, /\[-1, -1\]/);
  throwsWith(
    () => zeros(2, 3).T.view(6),
    /^view:/,
    /\[3, 2\]/,
    /not contiguous/,
    /reshape\(\)/,
    /contiguous\(\)/,
  );
  // the hint works
  assert.deepEqual(zeros(2, 3).T.reshape(6).shape, [6]);
});

Deno.test("expand: only size-1 dims can grow", () => {
  throwsWith(
    () => zeros(2, 3).expand(4, 3),
    /^expand:/,
    /\[2, 3\]/,
    /\[4, 3\]/,
    /size 2/,
    /size-1/,
  );
  throwsWith(() => zeros(2, 3).expand(3), /^expand:/, /fewer dimensions/, /\[2, 3\]/);
  throwsWith(() => zeros(3).expand(-1, 3), /^expand:/, /-1/, /give its size/);
});

Deno.test("permute: wrong number of dims, repeats, out of range", () => {
  throwsWith(
    () => zeros(2, 3).permute(0),
    /^permute:/,
    /1 dims \[0\]/,
    /2 dimensions/,
    /\[2, 3\]/,
    /exactly once/,
  );
  throwsWith(() => zeros(2, 3).permute(0, 0), /^permute:/, /\[0, 0\]/, /at most once/);
  throwsWith(() => zeros(2, 3).permute(0, 2), /^permute:/, /dim 2/, /\[-2, 1\]/);
});

Deno.test("dim out of range names the op, the dim and the valid range", () => {
  throwsWith(
    () => zeros(2, 3).sum(5),
    /^sum:/,
    /dim 5 is out of range/,
    /2 dimension/,
    /\[-2, 1\]/,
  );
  throwsWith(() => zeros(2, 3).softmax(2), /^softmax:/, /dim 2/, /\[-2, 1\]/);
  throwsWith(() => zeros(2, 3).logSoftmax(-3), /^logSoftmax:/, /dim -3/);
  throwsWith(() => zeros(2, 3).mean([0, 0]), /^mean:/, /repeats/);
  throwsWith(() => zeros(2, 3).transpose(0, 2), /^transpose:/, /dim 2/);
  throwsWith(() => zeros(2).size(3), /^size:/, /dim 3/);
});

Deno.test("squeeze/unsqueeze: bad dims", () => {
  throwsWith(() => zeros(2, 3).squeeze(2), /^squeeze:/, /dim 2/, /\[-2, 1\]/);
  throwsWith(() => zeros(2, 3).unsqueeze(4), /^unsqueeze:/, /dim 4/, /\[-3, 2\]/);
  throwsWith(() => zeros(2, 3).unsqueeze(-4), /^unsqueeze:/, /dim -4/);
});

// ---- indexing -----------------------------------------------------------------------------

Deno.test("index: out of bounds names the index, the dim, its size and the valid range", () => {
  throwsWith(
    () => zeros(2, 3).index(5),
    /^index:/,
    /index 5 is out of bounds for dimension 0 with size 2/,
    /\[2, 3\]/,
    /-2\.\.1/,
  );
  throwsWith(() => zeros(2, 3).index(":", -4), /^index:/, /index -4/, /dimension 1/);
});

Deno.test("index: too many indices, step 0, bad slice strings, two ellipses", () => {
  throwsWith(
    () => zeros(2, 3).index(0, 0, 0),
    /^index:/,
    /too many indices/,
    /dimension 2/,
    /3 were given/,
    /null/,
  );
  throwsWith(() => zeros(4).index("::0"), /^index:/, /step cannot be zero/, /negative/);
  throwsWith(() => zeros(4).index({ step: 0 }), /^index:/, /step cannot be zero/);
  throwsWith(() => zeros(4).index("a:b"), /^index:/, /'a'/, /'a:b'/, /start:stop:step/);
  throwsWith(() => zeros(4).index("1"), /^index:/, /'1'/, /start:stop/);
  throwsWith(() => zeros(4).index("1:2:3:4"), /^index:/, /'1:2:3:4'/);
  throwsWith(() => zeros(4).index(1.5), /^index:/, /1\.5/, /integer/);
  throwsWith(() => zeros(4).index({ start: 0.5 }), /^index:/, /0\.5/, /integers/);
  throwsWith(() => zeros(2, 3).index("...", 0, "..."), /^index:/, /single ellipsis/);
  throwsWith(
    () => zeros(2, 3).index([0, 1], [0, 1, 2]),
    /^index:/,
    /could not be broadcast together/,
    /\[2\], \[3\]/,
  );
});

Deno.test("narrow: out of range and non-integer arguments", () => {
  throwsWith(
    () => zeros(4).narrow(0, 2, 3),
    /^narrow:/,
    /start 2 and length 3/,
    /size 4/,
  );
  throwsWith(() => zeros(4).narrow(0, 0.5, 2), /^narrow:/, /0\.5/, /integers/);
});

Deno.test("gather/indexSelect: out-of-range and non-int indices", () => {
  const x = arange(6).reshape(2, 3).float();
  throwsWith(
    () => x.gather(1, tensor([[5], [0]], { dtype: "int32" })),
    /^gather:/,
    /index 5 is out of bounds for dimension 1 with size 3/,
    /-3\.\.2/,
  );
  throwsWith(
    () => x.gather(1, tensor([[0.5], [0]])),
    /^gather:/,
    /int32/,
    /float32/,
    /\.int\(\)/,
  );
  throwsWith(() => x.gather(0, tensor([0], { dtype: "int32" })), /^gather:/, /\[1\]/, /\[2, 3\]/);
  throwsWith(
    () => x.indexSelect(0, [5]),
    /^indexSelect:/,
    /index 5 is out of bounds for dimension 0 with size 2/,
  );
  throwsWith(() => x.indexSelect(0, tensor([0, 1])), /^indexSelect:/, /float32/, /\.int\(\)/);
  throwsWith(() => x.indexSelect(0, [0.5]), /^indexSelect:/, /0\.5/, /integer/);
  throwsWith(() => x.indexSelect(0, [true, false] as never), /^indexSelect:/, /true/, /mask/);
  throwsWith(() => x.indexSelect(0, [[0]]), /^indexSelect:/, /1-D/, /\[1, 1\]/);
  throwsWith(() => x.index([0, 7]), /index 7 is out of bounds/, /size 2/);
});

Deno.test("cat/stack/split: mismatched shapes, empty lists, sections not summing", () => {
  throwsWith(
    () => cat([zeros(2, 3), zeros(2, 4)], 0),
    /^cat:/,
    /tensor 1 has shape \[2, 4\]/,
    /\[2, 3\]/,
    /except along dim 0/,
  );
  throwsWith(() => cat([]), /^cat:/, /non-empty/);
  throwsWith(() => cat([zeros(2), zeros(2)], 1), /^cat:/, /dim 1/);
  throwsWith(
    () => stack([zeros(2, 3), zeros(3, 2)]),
    /^stack:/,
    /same shape/,
    /tensor 1 is \[3, 2\]/,
    /\[2, 3\]/,
  );
  throwsWith(() => stack([]), /^stack:/, /non-empty/);
  throwsWith(
    () => split(zeros(5), [2, 2]),
    /^split:/,
    /\[2, 2\]/,
    /add up to 4/,
    /size 5/,
  );
  throwsWith(() => zeros(4).split(0), /^split:/, /positive integer/, /got 0/);
  throwsWith(() => zeros(4).chunk(0), /^chunk:/, /positive integer/, /got 0/);
});

// ---- values, creation, devices ------------------------------------------------------------

Deno.test("item() on a multi-element tensor names the count and the shape", () => {
  throwsWith(
    () => zeros(2, 3).item(),
    /^item:/,
    /6 elements/,
    /\[2, 3\]/,
    /toArray\(\)/,
  );
  throwsWith(() => zeros(0).item(), /^item:/, /0 elements/);
});

Deno.test("tensor(): ragged nested arrays and non-numeric leaves", () => {
  throwsWith(
    () => tensor([[1, 2], [3]]),
    /^tensor:/,
    /ragged/,
    /data\[1\]/,
    /1 entries/,
    /2 were expected/,
    /same length/,
  );
  throwsWith(() => tensor([[1, 2], 3] as never), /^tensor:/, /ragged/, /data\[1\] is 3/);
  throwsWith(() => tensor([1, [2]] as never), /^tensor:/, /ragged/, /data\[1\]/);
  throwsWith(() => tensor(["a"] as never), /^tensor:/, /data\[0\]/, /string/);
});

Deno.test("to(): unknown dtypes and devices list the valid ones", () => {
  const t = zeros(2);
  throwsWith(() => t.to("float16" as never), /^to:/, /'float16'/, /float32, float64, int32, bool/);
  throwsWith(() => t.to("cuda" as never), /^to:/, /'cuda'/, /cpu/);
  throwsWith(() => t.to({ dtype: "float16" as never }), /^to:/, /dtype 'float16'/, /float32/);
  throwsWith(() => t.to({ device: "cuda" as never }), /^to:/, /device 'cuda'/, /cpu/);
  throwsWith(() => zeros(2, { dtype: "float16" as never }), /^zeros:/, /'float16'/, /float32/);
  throwsWith(() => tensor([1], { device: "cuda" as never }), /^tensor:/, /'cuda'/, /'cpu'/);
});

Deno.test("device 'webgpu' before webgpu.init(): the message says to await it (or use cpu)", () => {
  // (test modules run in separate isolates, so WebGPU is never initialised in this one)
  throwsWith(
    () => zeros(2, { device: "webgpu" }),
    /^zeros:/,
    /'webgpu' is not initialised/,
    /await webgpu\.init\(\)/,
  );
  throwsWith(() => tensor([1, 2], { device: "webgpu" }), /^tensor:/, /webgpu\.init/);
  throwsWith(() => zeros(2).to("webgpu"), /^to:/, /webgpu\.init/);
});

Deno.test("creation: bad sizes, randint low >= high, arange going the wrong way", () => {
  throwsWith(() => zeros(2, -1), /^zeros:/, /non-negative integers/, /\[2, -1\]/);
  throwsWith(() => ones(2.5), /^ones:/, /\[2\.5\]/);
  throwsWith(
    () => randint(5, 5, [2]),
    /^randint:/,
    /low < high/,
    /low=5, high=5/,
  );
  throwsWith(() => randint(5, 2, [2]), /^randint:/, /low=5, high=2/);
  throwsWith(
    () => arange(0, 5, -1),
    /^arange:/,
    /step -1/,
    /start 0, end 5/,
    /sign of the step|swap/,
  );
  throwsWith(() => arange(5, 0, 1), /^arange:/, /step 1/, /start 5, end 0/);
  throwsWith(() => arange(0, 5, 0), /^arange:/, /non-zero step/);
});

// ---- where, maskedFill, clamp, reductions -------------------------------------------------

Deno.test("where: a non-bool condition says how to build one", () => {
  throwsWith(
    () => where(zeros(2), zeros(2), ones(2)),
    /^where:/,
    /bool/,
    /float32/,
    /gt\(0\)|\.bool\(\)/,
  );
  throwsWith(
    () => where(tensor([true, false, true]), zeros(2), 1),
    /^where:/,
    /\[3\] and \[2\]/,
  );
});

Deno.test("maskedFill: a mask that does not broadcast names both shapes", () => {
  throwsWith(
    () => zeros(2, 3).maskedFill(tensor([true, false]), 1),
    /^maskedFill:/,
    /\[2, 3\] and \[2\]/,
    /cannot be broadcast/,
  );
  throwsWith(
    () => maskedFill(zeros(3), zeros(2, 3).bool(), 1),
    /^maskedFill:/,
    /mask of shape \[2, 3\]/,
    /\[3\]/,
  );
  throwsWith(() => zeros(3).maskedFill(zeros(3), 1), /^maskedFill:/, /bool/, /float32/);
});

Deno.test("clamp without bounds shows how to call it", () => {
  throwsWith(() => zeros(2).clamp(), /^clamp:/, /at least one of min and max/, /clamp\(0\)/);
  throwsWith(() => zeros(2).clamp(null, null), /^clamp:/);
});

Deno.test("max/min/argmax over an empty dim", () => {
  throwsWith(
    () => zeros(2, 0).max(1),
    /^max:/,
    /empty dimension/,
    /\[2, 0\]/,
    /sum\/mean/,
  );
  throwsWith(() => zeros(0, 3).min(0), /^min:/, /\[0, 3\]/);
  throwsWith(() => zeros(0).max(), /^max:/, /\[0\]/);
  throwsWith(() => zeros(0).argmax(), /^argmax:/, /\[0\]/);
});

// ---- in place -----------------------------------------------------------------------------

Deno.test("in-place ops on a leaf requiring grad need noGrad", () => {
  const w = leaf([1, 2]);
  throwsWith(() => w.sub_(1), /^sub_:/, /leaf tensor that requires grad/, /noGrad/);
  throwsWith(() => w.zero_(), /^fill_:/, /noGrad/);
  assert.deepEqual(w.toArray(), [1, 2]);
  noGrad(() => w.sub_(1));
  assert.deepEqual(w.toArray(), [0, 1]);
  // on a non-leaf
  throwsWith(
    () => leaf([1]).mul(2).add_(1),
    /^add_:/,
    /MulBackward/,
    /out-of-place/,
  );
});

Deno.test("in-place write into an expanded view suggests clone()", () => {
  const base = zeros(1, 3);
  const e = base.expand(2, 3);
  throwsWith(() => e.add_(1), /^add_:/, /\[2, 3\]/, /expanded view/, /clone\(\)/);
  throwsWith(() => e.fill_(1), /^fill_:/, /expanded/);
  assert.deepEqual(base.toArray(), [[0, 0, 0]]);
});

Deno.test("in place: a value that does not fit the target names both shapes", () => {
  throwsWith(
    () => zeros(3).copy_(ones(2, 3)),
    /^copy_:/,
    /\[2, 3\]/,
    /\[3\]/,
    /broadcast/,
  );
  throwsWith(() => zeros(2, 3).copy_(ones(3, 3)), /^copy_:/, /\[2, 3\] and \[3, 3\]/);
});

Deno.test("backward after an in-place change to a saved tensor", () => {
  const a = leaf([1, 2]);
  const b = a.mul(1);
  const c = b.mul(b).sum();
  noGrad(() => b.add_(1));
  throwsWith(
    () => c.backward(),
    /^backward:/,
    /\[2\]/,
    /MulBackward/,
    /in-place/,
    /clone\(\)|out-of-place/,
  );
});

Deno.test("noGrad(async fn) is refused and grad mode is restored", () => {
  throwsWith(() => noGrad(() => Promise.resolve(1)), /^noGrad:/, /Promise/, /using _ = noGrad/);
  assert.equal(isGradEnabled(), true);
});

// ---- nothing half-done --------------------------------------------------------------------

Deno.test("nothing half-done: a failing in-place op leaves the target unchanged", () => {
  const t = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.throws(() => noGrad(() => t.add_(ones(4))));
  assert.throws(() => t.copy_(ones(3, 3)));
  assert.throws(() => t.index(0).expand(2, 3).mul_(2));
  assert.deepEqual(t.toArray(), [[1, 2, 3], [4, 5, 6]]);
});

Deno.test("nothing half-done: failing index ops leave their inputs unchanged", () => {
  const base = tensor([1, 2, 3]);
  const src = tensor([10, 20]);
  assert.throws(() => indexAdd(base, 0, [0, 5], src), /out of bounds/);
  assert.throws(
    () => scatterAdd(base, 0, tensor([0, 7], { dtype: "int32" }), src),
    /out of bounds/,
  );
  assert.throws(() => cat([base, zeros(2, 2)]), /^Error: cat:/);
  assert.deepEqual(base.toArray(), [1, 2, 3]);
  assert.deepEqual(src.toArray(), [10, 20]);
});

Deno.test("nothing half-done: a failing backward leaves every .grad as it was", () => {
  const a = leaf([1, 2]), b = leaf([3, 4]), c = leaf([5, 6]);
  const d = a.mul(b).add(c).sum();
  d.backward();
  const before = [a, b, c].map((t) => t.grad!.toArray());
  // The graph is freed: MulBackward fails, and c's branch (which needs nothing saved)
  // must not have been accumulated on the way.
  assert.throws(() => d.backward(), /retainGraph/);
  assert.deepEqual([a, b, c].map((t) => t.grad!.toArray()), before);
  assert.equal(isGradEnabled(), true);
  // a wrong-shape gradient is rejected before anything runs
  const e = a.mul(c);
  assert.throws(() => e.backward(ones(3)), /gradient has shape/);
  assert.deepEqual([a, b, c].map((t) => t.grad!.toArray()), before);
});

Deno.test("nothing half-done: failed requiresGrad_ and creation leave tensors alone", () => {
  const t = tensor([1, 2], { dtype: "int32" });
  assert.throws(() => t.requiresGrad_());
  assert.equal(t.requiresGrad, false);
  assert.equal(t.dtype, "int32");
  const x = leaf([1, 2]);
  const y = x.mul(2);
  assert.throws(() => y.requiresGrad_(false));
  assert.equal(y.requiresGrad, true);
  assert.throws(() => x.reshape(3));
  assert.throws(() => x.matmul(zeros(3)));
  assert.deepEqual(x.toArray(), [1, 2]);
  assert.deepEqual(x.shape, [2]);
  assert.equal(x.grad, null);
});
