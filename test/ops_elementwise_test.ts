/**
 * Issue 12's elementwise math: PyTorch's values and gradients (fixtures/ops_elementwise.json,
 * written by make_ops_elementwise.py) on the CPU and WebGPU, dtype rules, gradcheck of every
 * differentiable op (double backward too), in-place variants and every error message.
 */
import assert from "node:assert/strict";
import {
  acos,
  acosh,
  asin,
  asinh,
  atan,
  atan2,
  atanh,
  autograd,
  ceil,
  clampMax,
  clampMin,
  cosh,
  exp2,
  expm1,
  floor,
  floorDivide,
  fmod,
  frac,
  Generator,
  gradcheck,
  hypot,
  isfinite,
  isinf,
  isnan,
  lerp,
  log10,
  log1p,
  log2,
  logicalAnd,
  logicalNot,
  logicalOr,
  logicalXor,
  nanToNum,
  noGrad,
  randn,
  reciprocal,
  remainder,
  round,
  rsqrt,
  signbit,
  sinh,
  square,
  tan,
  tanh,
  type Tensor,
  tensor,
  trunc,
  webgpu,
} from "gradiente";
import { checkCases, type OpFn, type OpTable } from "./op_cases.ts";
import { throwsWith } from "./helpers.ts";
import { checkGrad as check, gradInputs, vjp } from "./grad_helpers.ts";

const un = (f: (x: Tensor) => Tensor): OpFn => ([x]) => f(x);
/** A binary op whose second operand is a tensor input or, in "by a number" cases, an arg. */
const bin = (f: (a: Tensor, b: Tensor | number) => Tensor): OpFn => ([a, b], args) =>
  f(a, args.length ? args[0] : b);

const table: OpTable = {
  floor: un(floor),
  ceil: un(ceil),
  trunc: un(trunc),
  frac: un(frac),
  round: ([x], [decimals]) => (decimals === undefined ? round(x) : round(x, { decimals })),
  remainder: bin(remainder),
  fmod: bin(fmod),
  floorDivide: bin(floorDivide),
  reciprocal: un(reciprocal),
  rsqrt: un(rsqrt),
  square: un(square),
  exp2: un(exp2),
  expm1: un(expm1),
  log2: un(log2),
  log10: un(log10),
  tan: un(tan),
  asin: un(asin),
  acos: un(acos),
  atan: un(atan),
  sinh: un(sinh),
  cosh: un(cosh),
  asinh: un(asinh),
  acosh: un(acosh),
  atanh: un(atanh),
  atan2: bin(atan2),
  hypot: bin(hypot),
  lerp: ([s, e, w], args) => lerp(s, e, args.length ? args[0] : w),
  isnan: un(isnan),
  isinf: un(isinf),
  isfinite: un(isfinite),
  signbit: un(signbit),
  nanToNum: ([x], [options]) => nanToNum(x, options),
  logicalXor: ([a, b]) => logicalXor(a, b),
  logicalAnd: ([a, b]) => logicalAnd(a, b),
  logicalOr: ([a, b]) => logicalOr(a, b),
  logicalNot: un(logicalNot),
  clampMin: bin(clampMin),
  clampMax: bin(clampMax),
  log1p: un(log1p),
  tanh: un(tanh),
  clamp: ([x], [lo, hi]) => x.clamp(lo, hi),
};

checkCases("ops_elementwise.json", table);

// ---- dtype rules -------------------------------------------------------------------------

Deno.test("elementwise: int32 and bool inputs of float functions give float32, as PyTorch", () => {
  const ints = tensor([1, 2, 3, 7], { dtype: "int32" });
  const want: [string, (x: Tensor) => Tensor, (v: number) => number][] = [
    ["reciprocal", reciprocal, (v) => 1 / v],
    ["rsqrt", rsqrt, (v) => 1 / Math.sqrt(v)],
    ["exp2", exp2, (v) => 2 ** v],
    ["expm1", expm1, Math.expm1],
    ["log2", log2, Math.log2],
    ["log10", log10, Math.log10],
    ["tan", tan, Math.tan],
    ["atan", atan, Math.atan],
    ["sinh", sinh, Math.sinh],
    ["cosh", cosh, Math.cosh],
    ["asinh", asinh, Math.asinh],
    ["acosh", acosh, Math.acosh],
  ];
  for (const [name, f, ref] of want) {
    const y = f(ints);
    assert.equal(y.dtype, "float32", name);
    (y.toArray() as number[]).forEach((v, i) =>
      assert.ok(Math.abs(v - ref(i === 3 ? 7 : i + 1)) <= 1e-6 * Math.abs(v) + 1e-7, name)
    );
  }
  const b = tensor([true, false]);
  assert.deepEqual(asin(b).toArray(), [Math.fround(Math.PI / 2), 0]);
  assert.equal(asin(b).dtype, "float32");
  assert.equal(atan2(ints, ints).dtype, "float32");
  assert.equal(hypot(ints, 1).dtype, "float32");
  assert.equal(lerp(ints, ints.mul(2), 0.5).dtype, "float32");
  assert.deepEqual(lerp(ints, ints.mul(2), 0.5).toArray(), [1.5, 3, 4.5, 10.5]);
  for (const f of [isnan, isinf, isfinite, signbit]) assert.equal(f(ints).dtype, "bool");
  assert.equal(floor(ints).dtype, "int32");
  assert.equal(ints.clamp(0.5).dtype, "float32");
  assert.deepEqual(ints.clamp(null, 2.5).toArray(), [1, 2, 2.5, 2.5]);
  assert.equal(ints.clamp(2).dtype, "int32");
  assert.equal(remainder(ints, 2).dtype, "int32");
  assert.equal(remainder(ints, 2.5).dtype, "float32");
  assert.deepEqual(floorDivide(tensor([-7, 7], { dtype: "int32" }), 2).toArray(), [-4, 3]);
  assert.equal(square(b).dtype, "int32");
  assert.equal(nanToNum(b).dtype, "bool");
  const f64 = tensor([1.5], { dtype: "float64" });
  for (const f of [floor, frac, exp2, atanh]) assert.equal(f(f64).dtype, "float64");
});

Deno.test("elementwise: floor, round and nanToNum return copies of integer tensors", () => {
  const ints = tensor([1, -2], { dtype: "int32" });
  for (const f of [floor, ceil, round, trunc, nanToNum]) {
    const y = (f as (x: Tensor) => Tensor)(ints);
    assert.notEqual(y.storage, ints.storage);
    assert.deepEqual(y.toArray(), [1, -2]);
  }
});

Deno.test("elementwise: round is half to even and keeps -0, floor/ceil of -0 too", () => {
  const y = round(tensor([-0.4, 0.5, 1.5, 2.5, -2.5]));
  assert.deepEqual(y.toArray(), [-0, 0, 2, 2, -2]);
  assert.ok(Object.is((y.toArray() as number[])[0], -0));
  assert.deepEqual(signbit(round(tensor([-0.4, 0.4]))).toArray(), [true, false]);
  assert.deepEqual(signbit(tensor([-0, 0, -1e-30])).toArray(), [true, false, true]);
});

// ---- gradcheck ---------------------------------------------------------------------------

/** Seeded float64 inputs that require grad (gradInputs', with `unit` and a wider `away`). */
function inputs(seed: number) {
  const r = gradInputs(seed);
  return {
    ...r,
    /** In (-0.9, 0.9): inside asin, acos and atanh's domain. */
    unit: r.from((t) => t.tanh().mul(0.9)),
    /** At least 0.5 away from 0, either sign. */
    away: r.from((t) => t.add(t.sign().mul(0.5))),
  };
}

const SHAPES = [[2, 3], [4], []];

const tanHalf = (x: Tensor) => tan(x.mul(0.5));
const acoshAbove1 = (x: Tensor) => acosh(x.add(1));
/** The float functions of one tensor, by the inputs (of `inputs`) they are smooth on. */
const FLOAT_FNS: Record<"randn" | "pos" | "unit" | "away", ((x: Tensor) => Tensor)[]> = {
  randn: [square, exp2, expm1, tanHalf, atan, sinh, cosh, asinh],
  pos: [rsqrt, log2, log10, acoshAbove1],
  unit: [asin, acos, atanh],
  away: [reciprocal],
};

Deno.test("gradcheck: unary float functions, several shapes", () => {
  const r = inputs(12);
  const cases: [string, (x: Tensor) => Tensor, (...s: number[]) => Tensor][] = [
    ...Object.entries(FLOAT_FNS).flatMap(([domain, fns]) =>
      fns.map((f): [string, (x: Tensor) => Tensor, (...s: number[]) => Tensor] => [
        f.name,
        f,
        r[domain as keyof typeof FLOAT_FNS],
      ])
    ),
    ["frac", (x) => frac(x.mul(0.3)), r.away],
    ["nanToNum", nanToNum, r.randn],
    ["clampMin", (x) => clampMin(x, 0.1), r.away],
    ["clampMax", (x) => clampMax(x, 0.1), r.away],
  ];
  for (const [name, f, make] of cases) {
    for (const shape of SHAPES) {
      try {
        check(f, [make(...shape)]);
      } catch (e) {
        throw new Error(`${name} at shape [${shape}]: ${(e as Error).message}`);
      }
    }
  }
});

Deno.test("gradcheck: floor, ceil, round and trunc have zero gradient", () => {
  const x = tensor([0.3, -1.7, 2.2], { dtype: "float64", requiresGrad: true });
  for (const f of [floor, ceil, round, trunc]) {
    const [g] = autograd.grad((f as (x: Tensor) => Tensor)(x).sum(), x);
    assert.deepEqual(g!.toArray(), [0, 0, 0]);
    check((t) => (f as (x: Tensor) => Tensor)(t).add(t), [x]);
  }
  check((t) => round(t, { decimals: 1 }).add(t.mul(2)), [x]);
});

Deno.test("gradcheck: atan2, hypot, remainder, fmod and tensor-bound clamps, broadcasting", () => {
  const r = inputs(13);
  const pairs = () => [
    [r.randn(2, 3), r.away(2, 3)],
    [r.randn(2, 3), r.away(3)],
    [r.randn(3, 1), r.away(1, 4)],
    [r.randn(), r.away(2, 2)],
    [r.randn(2, 2), r.away()],
  ];
  for (const [a, b] of pairs()) {
    check(atan2, [a, b]);
    check(hypot, [a, b]);
    // Away from the jumps, which lie where a / b is a whole number.
    const a2 = noGrad(() => a.mul(3).add(0.1)).requiresGrad_();
    check(remainder, [a2, b]);
    check(fmod, [a2, b]);
    check(clampMin, [a, b]);
    check(clampMax, [a, b]);
  }
  const x = r.randn(3);
  check((t) => atan2(t, 2), [x]);
  check((t) => hypot(3, t), [x]);
  check((t) => remainder(t, 0.7), [x]);
});

Deno.test("gradcheck: lerp with a number or a tensor weight, broadcasting all three", () => {
  const r = inputs(14);
  for (
    const [s, e, w] of [
      [r.randn(2, 3), r.randn(2, 3), r.randn(2, 3)],
      [r.randn(2, 3), r.randn(3), r.randn(2, 1)],
      [r.randn(), r.randn(4), r.randn()],
    ]
  ) {
    check(lerp, [s, e, w]);
    check((a, b) => lerp(a, b, 0.3), [s, e]);
    check((a, b) => lerp(a, b, 0.8), [s, e]);
  }
});

Deno.test("gradcheck of the gradient (double backward) of the float functions", () => {
  const r = inputs(15);
  const fns: [(x: Tensor) => Tensor, Tensor][] = [
    ...Object.entries(FLOAT_FNS).flatMap(([domain, fs]) =>
      fs.map((f): [(x: Tensor) => Tensor, Tensor] => [f, r[domain as keyof typeof FLOAT_FNS](3)])
    ),
    [(x) => atan2(x, x.mul(x).add(1)), r.randn(3)],
    [(x) => hypot(x, x.exp()), r.randn(3)],
    [(x) => lerp(x, x.exp(), x.sigmoid()), r.randn(3)],
    [(x) => nanToNum(x.mul(x)), r.randn(3)],
  ];
  for (const [f, x] of fns) assert.equal(gradcheck(vjp(f), [x, r.randn(...x.shape)]), true);
});

// ---- in place ----------------------------------------------------------------------------

Deno.test("elementwise in place: floor_ ceil_ round_ trunc_ frac_ clamp_ clampMin_ clampMax_ nanToNum_", () => {
  const x = () => tensor([-1.5, 0.25, 2.5, 3.75]);
  const same = (t: Tensor, r: Tensor, want: number[]) => {
    assert.equal(r, t);
    assert.deepEqual(t.toArray(), want);
  };
  let t = x();
  same(t, t.floor_(), [-2, 0, 2, 3]);
  same(t = x(), t.ceil_(), [-1, 1, 3, 4]);
  same(t = x(), t.round_(), [-2, 0, 2, 4]);
  same(t = x(), t.round_({ decimals: 1 }), [-1.5, 0.2, 2.5, 3.8].map(Math.fround));
  same(t = x(), t.trunc_(), [-1, 0, 2, 3]);
  same(t = x(), t.frac_(), [-0.5, 0.25, 0.5, 0.75]);
  same(t = x(), t.clamp_(0, 3), [0, 0.25, 2.5, 3]);
  same(t = x(), t.clampMin_(1), [1, 1, 2.5, 3.75]);
  same(t = x(), t.clampMax_(1), [-1.5, 0.25, 1, 1]);
  t = tensor([NaN, Infinity, -Infinity, 1]);
  same(t, t.nanToNum_({ posinf: 9, neginf: -9 }), [0, 9, -9, 1]);
  // A view writes through to its base.
  const base = tensor([[1.5, 2.5], [3.5, 4.5]]);
  base.index(":", 0).floor_();
  assert.deepEqual(base.toArray(), [[1, 2.5], [3, 4.5]]);
  const v = tensor([1.5]);
  const version = v._version;
  v.floor_();
  assert.ok(v._version > version, "in-place ops bump the version counter");
});

// ---- errors ------------------------------------------------------------------------------

Deno.test("elementwise errors name the op, the values and the fix", () => {
  const ints = tensor([3, 4], { dtype: "int32" });
  const bools = tensor([true, false]);
  for (const [name, f] of [["floor", floor], ["ceil", ceil], ["round", round], ["trunc", trunc]]) {
    throwsWith(() => (f as (x: Tensor) => Tensor)(bools), `${name}:`, "bool", "to('int32')");
  }
  throwsWith(() => frac(ints), "frac:", "int32", "x.float()");
  throwsWith(() => round(ints, { decimals: 1 }), "round:", "decimals", "int32", "x.float()");
  throwsWith(() => round(tensor([1.5]), { decimals: 1.5 }), "round:", "1.5", "integer");
  // deno-lint-ignore no-explicit-any
  throwsWith(() => round(tensor([1.5]), { digits: 2 } as any), "round:", "digits", "decimals");
  for (
    const [name, f] of [["remainder", remainder], ["fmod", fmod], ["floorDivide", floorDivide]]
  ) {
    const op = f as (a: Tensor, b: Tensor | number) => Tensor;
    throwsWith(() => op(ints, tensor([1, 0], { dtype: "int32" })), `${name}:`, "division by zero");
    throwsWith(() => op(ints, 0), `${name}:`, "ZeroDivisionError", "x.float()");
    throwsWith(() => op(bools, bools), `${name}:`, "bool", "to('int32')");
    // Float division by zero is IEEE's, as in PyTorch.
    assert.ok(
      Number.isNaN((op(tensor([1]), 0).toArray() as number[])[0]) || name === "floorDivide",
    );
  }
  assert.deepEqual(floorDivide(tensor([1, -1, 0]), 0).toArray(), [Infinity, -Infinity, NaN]);
  const x = tensor([1.5, 2.5], { requiresGrad: true });
  const q = floorDivide(x, 2);
  throwsWith(() => q.sum().backward(), "floorDivide:", "not implemented", "detach()");
  // deno-lint-ignore no-explicit-any
  throwsWith(() => nanToNum(x, { pos_inf: 1 } as any), "nanToNum:", "pos_inf", "posinf");
  // deno-lint-ignore no-explicit-any
  throwsWith(() => nanToNum(x, { nan: "0" } as any), "nanToNum:", "nan must be a number");
  // deno-lint-ignore no-explicit-any
  throwsWith(() => clampMin(x, "1" as any), "clampMin:", "number or a tensor", "clampMin(x, 0)");
  // deno-lint-ignore no-explicit-any
  throwsWith(() => clampMax(x, null as any), "clampMax:", "null", "clamp(x, min, max)");
  throwsWith(() => clampMin(x, tensor([1, 2, 3])), "clampMin:", "[2]", "[3]");
  throwsWith(() => lerp(tensor([1, 2]), tensor([1, 2, 3]), 0.5), "lerp", "[2]", "[3]");
  throwsWith(() => atan2(tensor([1, 2]), tensor([1, 2, 3])), "atan2", "[2]", "[3]");
  throwsWith(() => ints.clone().clampMin_(0.5), "clampMin_:", "float32", "int32", "clampMin");
  throwsWith(() => tensor([1.5], { requiresGrad: true }).floor_(), "floor_:", "noGrad");
});

// ---- strided and broadcast layouts -------------------------------------------------------

const gpu = (await webgpu.available()).available;

Deno.test({
  name: "elementwise: transposed, sliced and expanded views give the contiguous results",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const gen = new Generator(5);
    const base = randn([4, 6], { generator: gen }).mul(3);
    const divisor = randn([6], { generator: gen }).abs().add(0.5);
    const unary: [string, (x: Tensor) => Tensor][] = [
      ["floor", floor],
      ["round", (x) => round(x, { decimals: 1 })],
      ["frac", frac],
      ["expm1", expm1],
      ["log2", (x) => log2(x.abs())],
      ["asinh", asinh],
      ["atanh", (x) => atanh(x.tanh())],
      ["signbit", signbit],
      ["nanToNum", (x) => nanToNum(x.log())],
    ];
    const binary: [string, (a: Tensor, b: Tensor) => Tensor][] = [
      ["remainder", remainder],
      ["fmod", fmod],
      ["floorDivide", floorDivide],
      ["atan2", atan2],
      ["hypot", hypot],
      ["logicalXor", (a, b) => logicalXor(a.gt(0), b.gt(1))],
    ];
    for (const device of gpu ? ["cpu", "webgpu"] as const : ["cpu"] as const) {
      const x = device === "cpu" ? base : base.to(device);
      const d = device === "cpu" ? divisor : divisor.to(device);
      const views = [x.T, x.index(":", "::2"), x.index("1:3").index(":", "::-1")];
      for (const [name, f] of unary) {
        for (const v of views) {
          const got = Array.from(await f(v).data()),
            want = Array.from(await f(v.contiguous()).data());
          assert.deepEqual(got, want, `${name} on ${device}`);
        }
      }
      for (const [name, f] of binary) {
        // x's rows against a broadcast (stride-0) divisor, and a transposed pair.
        const pairs: [Tensor, Tensor][] = [[x, d.expand([4, 6])], [x.T, d.unsqueeze(1)]];
        for (const [a, b] of pairs) {
          const got = Array.from(await f(a, b).data());
          const want = Array.from(await f(a.contiguous(), b.contiguous()).data());
          assert.deepEqual(got, want, `${name} on ${device}`);
        }
      }
    }
  },
});
