/**
 * Elementwise kernels (unary, binary, where, casts and strided copies), generated per op,
 * operand dtypes and operand layouts, and cached as pipelines.
 *
 * Each operand is read in one of three layouts, chosen per call and baked into the shader:
 * contiguous (`base + i`), a broadcast scalar (`base`), or general strides (the output index
 * is decomposed over the shape). Shapes and strides travel as parameters, so one pipeline
 * serves every shape of a layout.
 */
import type { BinaryOp, UnaryOp, View } from "../backend.ts";
import type { DType } from "../../core/dtype.ts";
import { zeroDivisionMessage } from "../messages.ts";
import { isContiguousLayout, numelOf } from "../../core/shape.ts";
import {
  bindings,
  computeType,
  forEachDim,
  load,
  mathHelpersFor,
  nanTest,
  param,
  perElementShader,
  store,
  wgslType,
} from "./wgsl.ts";
import { type GpuRuntime, type GpuStorage, viewBuffer } from "./runtime.ts";

type C = "f32" | "i32";
type Expr = (c: C, nan: (x: string) => string) => string;

const UNARY: Record<UnaryOp, Expr> = {
  copy: () => "a",
  neg: () => "-a",
  exp: () => "exp(a)",
  log: () => "log(a)",
  log1p: () => "log1p_(a)",
  erf: () => "erf_(a)",
  sqrt: () => "sqrt(a)",
  abs: () => "abs(a)",
  sign: (c) => `select(select(a, ${c}(-1), a < ${c}(0)), ${c}(1), a > ${c}(0))`,
  sin: () => "sin(a)",
  cos: () => "cos(a)",
  tanh: () => "tanh_(a)",
  sigmoid: () => "sigmoid_(a)",
  relu: (c, nan) => `select(${c}(0), a, a > ${c}(0) || ${nan("a")})`, // NaN passes, as PyTorch
  leakyRelu: (c) => `select(a * ${c}(p0), a, a > ${c}(0))`,
  // min > max gives max, as torch.clamp does; NaN passes (llvmpipe's a < p0 is true for NaN).
  // Bounds compare as f32: an omitted one is ±inf, which i32() would turn into INT_MIN.
  clamp: (c, nan) => {
    const x = c === "f32" ? "a" : "f32(a)";
    const lo = `select(${c}(p0), ${c}(p1), p0 > p1)`;
    return `select(select(select(a, ${c}(p1), ${x} > p1), ${lo}, ${x} < p0), a, ${nan("a")})`;
  },
  silu: () => "silu_(a)",
  // max(z, 0) + log1p(exp(-|z|)) is log1p(exp(z)) without f32's overflow of exp past z = 88.
  softplus: () => "select((max(a * p0, 0.0) + log1p_(exp(-abs(a * p0)))) / p0, a, a * p0 > p1)",
  elu: () => "select(p0 * expm1_(a * p1), a, a > 0.0)",
  not: (c) => `select(${c}(0), ${c}(1), a == ${c}(0))`,
  // Issue 12's math. The float functions always run in f32 (their ops promote ints first);
  // isnan, isinf, isfinite and signbit also see i32, where the answer needs no helper.
  floor: () => "floor(a)",
  ceil: () => "ceil(a)",
  round: () => "round_(a, p0, p1)",
  trunc: () => "trunc(a)",
  frac: () => "a - trunc(a)",
  reciprocal: () => "1.0 / a",
  rsqrt: () => "1.0 / sqrt(a)", // inverseSqrt is undefined at 0; this gives inf (and -inf at -0)
  exp2: () => "exp2_(a)",
  expm1: () => "expm1_(a)",
  log2: () => "log2_(a)",
  log10: () => "log10_(a)",
  tan: () => "tan_(a)",
  asin: () => "asin_(a)",
  acos: () => "acos_(a)",
  atan: () => "atan_(a)",
  sinh: () => "sinh_(a)",
  cosh: () => "cosh_(a)",
  asinh: () => "asinh_(a)",
  acosh: () => "acosh_(a)",
  atanh: () => "atanh_(a)",
  isnan: (c) => (c === "f32" ? "select(0.0, 1.0, isnan_(a))" : "0"),
  isinf: (c) => (c === "f32" ? "select(0.0, 1.0, isinf_(a))" : "0"),
  isfinite: (c) => (c === "f32" ? "select(0.0, 1.0, isfinite_(a))" : "1"),
  signbit: (c) => (c === "f32" ? "select(0.0, 1.0, signbit_(a))" : "select(0, 1, a < 0)"),
  nanToNum: () =>
    "select(select(select(a, p2, isinf_(a) && a < 0.0), p1, isinf_(a) && a > 0.0), p0, isnan_(a))",
};

const cmp = (op: string): Expr => (c) => `select(${c}(0), ${c}(1), a ${op} b)`;

const BINARY: Record<BinaryOp, Expr> = {
  add: () => "a + b",
  sub: () => "a - b",
  mul: () => "a * b",
  div: () => "a / b",
  pow: (c) => (c === "f32" ? "pow_(a, b)" : "ipow_(a, b)"),
  maximum: (_c, nan) => `select(b, a, a > b || ${nan("a")})`,
  minimum: (_c, nan) => `select(b, a, a < b || ${nan("a")})`,
  eq: cmp("=="),
  ne: cmp("!="),
  lt: cmp("<"),
  le: cmp("<="),
  gt: cmp(">"),
  ge: cmp(">="),
  and: (c) => `select(${c}(0), ${c}(1), a != ${c}(0) && b != ${c}(0))`,
  or: (c) => `select(${c}(0), ${c}(1), a != ${c}(0) || b != ${c}(0))`,
  atan2: () => "atan2_(a, b)",
  hypot: () => "hypot_(a, b)",
  // Integer division by zero gives 0: a GPU kernel cannot raise (the CPU does).
  remainder: (c) => (c === "f32" ? "remainder_(a, b)" : "remainder_i(a, b)"),
  fmod: (c) => (c === "f32" ? "fmod_(a, b)" : "fmod_i(a, b)"),
  floorDivide: (c) => (c === "f32" ? "floordiv_(a, b)" : "floordiv_i(a, b)"),
  xor: (c) => `select(${c}(0), ${c}(1), (a != ${c}(0)) != (b != ${c}(0)))`,
};

const WHERE: Expr = () => "select(b, a, cond)";

type Layout = "c" | "s" | "g";

function layoutOf(v: View): Layout {
  if (v.strides.every((s) => s === 0)) return "s";
  return isContiguousLayout(v.shape, v.strides) ? "c" : "g";
}

/**
 * Runs out[i] = expr(operands[i]...) over the operands' common shape into fresh contiguous
 * storage of `outDtype`.
 */
function run(
  rt: GpuRuntime,
  name: string,
  expr: Expr,
  operands: readonly View[],
  outDtype: DType,
  params: readonly number[] = [],
  outStorage?: GpuStorage,
): GpuStorage {
  const shape = operands[0].shape;
  const n = numelOf(shape);
  const inputs = operands.map((v) => viewBuffer(v, name)); // before allocating
  const out = outStorage ?? rt.alloc(n, name);
  if (n === 0) return out;
  const inTypes = operands.map((v) => wgslType(v.dtype, name));
  const outType = wgslType(outDtype, name);
  // `where`'s condition decides, it does not take part in the arithmetic.
  const arith = name === "where" ? operands.slice(1) : operands;
  const c = computeType(arith.map((v) => v.dtype), outDtype);
  const layouts = operands.map(layoutOf);
  const key = `ew:${name}:${inTypes.join(",")}>${outType}:${c}:${layouts.join("")}`;
  const pipeline = rt.pipeline(key, () => {
    const k = operands.length;
    const decls = bindings([
      ...inTypes.map((t, j) => [`in${j}`, t] as const),
      ["out", outType, "read_write"],
    ]);
    const general = layouts.includes("g");
    // meta: n, nd, shape[nd], then per operand: offset, strides[nd]; then float params.
    const lines: string[] = [];
    lines.push("let nd = prm[1];");
    for (let j = 0; j < k; j++) lines.push(`var o${j} = prm[2 + nd + ${j} * (nd + 1)];`);
    if (general) {
      const strided = operands.map((_, j) => j).filter((j) => layouts[j] === "g");
      lines.push(
        forEachDim(
          "2",
          strided.map((j) => `o${j} += q * prm[3 + nd + ${j} * (nd + 1) + d];`).join("\n    "),
        ),
      );
    }
    // where's condition is tested in its own type; the other operands load as compute type.
    const names = name === "where" ? ["cond", "a", "b"] : ["a", "b"];
    for (let j = 0; j < k; j++) {
      const at = layouts[j] === "c" ? `o${j} + i` : `o${j}`;
      const value = names[j] === "cond"
        ? `in${j}[${at}] != ${inTypes[j]}(0)`
        : load(`in${j}[${at}]`, inTypes[j], c);
      lines.push(`let ${names[j]} = ${value};`);
    }
    lines.push(`let pbase = 2 + nd * ${k + 1} + ${k};`);
    lines.push(`let p0 = ${param("pbase")};`, `let p1 = ${param("pbase + 1")};`);
    lines.push(`let p2 = ${param("pbase + 2")};`);
    const nan = nanTest(c);
    lines.push(`out[i] = ${store(expr(c, nan), c, outType)};`);
    return perElementShader(`${mathHelpersFor(lines.join("\n"))}\n${decls}`, lines.join("\n  "));
  });
  const ints = [n, shape.length, ...shape];
  for (const v of operands) ints.push(v.offset, ...v.strides);
  const floats = [params[0] ?? 0, params[1] ?? 0, params[2] ?? 0];
  rt.dispatchElements(pipeline, [...inputs, out.live(name)], ints, n, floats);
  return out;
}

export function unaryKernel(
  rt: GpuRuntime,
  op: UnaryOp,
  x: View,
  outDtype: DType,
  params: readonly number[] = [],
): GpuStorage {
  return run(rt, op, UNARY[op], [x], outDtype, params);
}

export function binaryKernel(
  rt: GpuRuntime,
  op: BinaryOp,
  a: View,
  b: View,
  outDtype: DType,
): GpuStorage {
  if (
    ZERO_DIVIDES.has(op) && b.dtype === "int32" &&
    computeType([a.dtype, b.dtype], outDtype) === "i32"
  ) {
    // The kernel gives 0 for x / 0; the check raises the CPU's error at the next read.
    rt.check(b, { lo: 0, hi: 0, inside: true }, op, () => zeroDivisionMessage(op));
  }
  return run(rt, op, BINARY[op], [a, b], outDtype);
}

/** Integer ops that raise on a zero divisor, as PyTorch's ZeroDivisionError. */
const ZERO_DIVIDES = new Set<BinaryOp>(["remainder", "fmod", "floorDivide"]);

export function whereKernel(
  rt: GpuRuntime,
  cond: View,
  a: View,
  b: View,
  outDtype: DType,
): GpuStorage {
  return run(rt, "where", WHERE, [cond, a, b], outDtype);
}

/** Copies (and casts) a view into existing contiguous storage. */
export function copyInto(rt: GpuRuntime, src: View, outDtype: DType, out: GpuStorage): void {
  run(rt, "copy", UNARY.copy, [src], outDtype, [], out);
}
