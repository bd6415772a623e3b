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
import { isContiguousLayout, numelOf } from "../../core/shape.ts";
import {
  bindings,
  computeType,
  LINEAR_INDEX,
  load,
  MAIN_ARGS,
  MATH_HELPERS,
  nanTest,
  param,
  store,
  wgslType,
  WORKGROUP,
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
  // min > max gives max, as torch.clamp does.
  clamp: (c) =>
    `select(select(a, ${c}(p1), a > ${c}(p1)), select(${c}(p0), ${c}(p1), p0 > p1), a < ${c}(p0))`,
  not: (c) => `select(${c}(0), ${c}(1), a == ${c}(0))`,
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
    lines.push(LINEAR_INDEX, "let n = prm[0];", "if (i >= n) { return; }", "let nd = prm[1];");
    for (let j = 0; j < k; j++) lines.push(`var o${j} = prm[2 + nd + ${j} * (nd + 1)];`);
    if (general) {
      lines.push("var rem = i;", "for (var d = nd - 1; d >= 0; d--) {");
      lines.push("  let s = prm[2 + d];", "  let q = rem % s;", "  rem = rem / s;");
      for (let j = 0; j < k; j++) {
        if (layouts[j] === "g") lines.push(`  o${j} += q * prm[3 + nd + ${j} * (nd + 1) + d];`);
      }
      lines.push("}");
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
    const nan = nanTest(c);
    lines.push(`out[i] = ${store(expr(c, nan), c, outType)};`);
    return `${MATH_HELPERS}
${decls}
@compute @workgroup_size(${WORKGROUP})
fn main(${MAIN_ARGS}) {
  ${lines.join("\n  ")}
}`;
  });
  const ints = [n, shape.length, ...shape];
  for (const v of operands) ints.push(v.offset, ...v.strides);
  const floats = [params[0] ?? 0, params[1] ?? 0];
  rt.dispatch(
    pipeline,
    [...inputs, out.live(name)],
    ints,
    floats,
    Math.ceil(n / WORKGROUP),
  );
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
  return run(rt, op, BINARY[op], [a, b], outDtype);
}

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
