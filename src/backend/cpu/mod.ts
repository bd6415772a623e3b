/** The CPU backend: storage is a TypedArray; kernels are generated or hand-written loops. */
import type {
  AdamHyper,
  Backend,
  BinaryOp,
  ConvGeometry,
  ReduceOp,
  ScanOp,
  SgdHyper,
  UnaryOp,
  View,
} from "../backend.ts";
import { adamStepInto, sgdStepInto } from "./optim_kernels.ts";
import {
  type DType,
  reduceOutDtype,
  scanOutDtype,
  type TypedArray,
  typedArrayFor,
} from "../../core/dtype.ts";
import { contiguousStrides, isContiguousLayout, numelOf } from "../../core/shape.ts";
import { type Operand, runElementwise } from "./codegen.ts";
import { reduceInto } from "./reduce.ts";
import { scanInto } from "./scan.ts";
import { matmulInto } from "./matmul.ts";
import { assignInto, gatherInto, indexSelectInto } from "./indexing.ts";
import { softmaxRows } from "./softmax.ts";
import { indexWriteInto, type IndexWriteOp, type WriteMode } from "./scatter.ts";
import { sortRows } from "./sort.ts";
import { col2imCpu, im2colCpu } from "./conv.ts";
import { conv2dStride1, conv2dWeightGradStride1 } from "./conv_stride1.ts";
import { maxPool2dCpu, sumPool2dCpu } from "./pooling.ts";
import { MATH_BINARY, MATH_BINARY_INT, MATH_UNARY, MATH_UNARY_F32 } from "./math.ts";

// erf has no Math builtin, so it is mapped by a function after a plain copy (see unary()).
const UNARY: Record<Exclude<UnaryOp, "erf">, string> = {
  copy: "a",
  neg: "-a",
  exp: "Math.exp(a)",
  log: "Math.log(a)",
  log1p: "Math.log1p(a)",
  sqrt: "Math.sqrt(a)",
  abs: "Math.abs(a)",
  sign: "(a > 0 ? 1 : a < 0 ? -1 : a)",
  sin: "Math.sin(a)",
  cos: "Math.cos(a)",
  tanh: "Math.tanh(a)",
  sigmoid: "1 / (1 + Math.exp(-a))",
  relu: "(a > 0 || a !== a ? a : 0)", // NaN passes through, as in PyTorch
  leakyRelu: "(a > 0 ? a : a * p0)",
  clamp: "(a < p0 ? (p0 > p1 ? p1 : p0) : a > p1 ? p1 : a)", // min > max gives max, as torch
  silu: "a / (1 + Math.exp(-a))", // torch's form: exp(-a) = inf at a < -710 gives -0, not NaN
  softplus: "(a * p0 > p1 ? a : Math.log1p(Math.exp(a * p0)) / p0)",
  elu: "(a > 0 ? a : p0 * Math.expm1(a * p1))",
  not: "(a === 0 ? 1 : 0)", // NaN is true, as any nonzero (JS would call it falsy)
  ...MATH_UNARY,
};

const BINARY: Record<BinaryOp, string> = {
  add: "a + b",
  sub: "a - b",
  mul: "a * b",
  div: "a / b",
  pow: "Math.pow(a, b)",
  maximum: "(a > b || a !== a ? a : b)",
  minimum: "(a < b || a !== a ? a : b)",
  eq: "(a === b ? 1 : 0)",
  ne: "(a !== b ? 1 : 0)",
  lt: "(a < b ? 1 : 0)",
  le: "(a <= b ? 1 : 0)",
  gt: "(a > b ? 1 : 0)",
  ge: "(a >= b ? 1 : 0)",
  and: "(a !== 0 && b !== 0 ? 1 : 0)",
  or: "(a !== 0 || b !== 0 ? 1 : 0)",
  ...MATH_BINARY,
};

const SQRT_PI = Math.sqrt(Math.PI);

/**
 * The error function to ~1e-15: its Taylor series below 2.5 (terms stay small enough there
 * that cancellation costs under two digits), and erfc's continued fraction above.
 */
function erf(x: number): number {
  const ax = Math.abs(x);
  if (!(ax < 2.5)) {
    if (Number.isNaN(x)) return x;
    if (ax > 6) return Math.sign(x); // erfc(6) < 3e-17
    let f = ax;
    for (let n = 60; n >= 1; n--) f = ax + n / 2 / f;
    return Math.sign(x) * (1 - Math.exp(-ax * ax) / (SQRT_PI * f));
  }
  const x2 = x * x;
  let term = x, sum = x;
  for (let n = 1; n < 60; n++) {
    term *= -x2 / n;
    const t = term / (2 * n + 1);
    sum += t;
    if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / SQRT_PI) * sum;
}

function operand(v: View): Operand {
  return { data: v.storage as TypedArray, shape: v.shape, strides: v.strides, offset: v.offset };
}

/** Casting to bool must map every non-zero to 1, which a plain typed-array store would not. */
function castExpr(expr: string, out: DType): string {
  return out === "bool" ? `((${expr}) ? 1 : 0)` : expr;
}

/** An index write (scatter.ts) into a copy of base. */
function indexWrite(
  op: IndexWriteOp,
  mode: WriteMode,
  base: View,
  dim: number,
  index: View,
  src: View,
): TypedArray {
  const out = cpuBackend.readSync!(base);
  indexWriteInto(op, mode, out, base.shape, dim, operand(index), operand(src));
  return out;
}

export const cpuBackend: Backend = {
  device: "cpu",

  fromTypedArray(data: TypedArray, dtype: DType): TypedArray {
    const out = typedArrayFor(dtype, data.length);
    if (dtype === "bool") { for (let i = 0; i < data.length; i++) out[i] = data[i] ? 1 : 0; }
    else out.set(data);
    return out;
  },

  full(size: number, value: number, dtype: DType): TypedArray {
    const out = typedArrayFor(dtype, size);
    if (value !== 0) out.fill(dtype === "bool" ? (value ? 1 : 0) : value);
    return out;
  },

  readSync(v: View): TypedArray {
    const out = typedArrayFor(v.dtype, numelOf(v.shape));
    runElementwise("a", out, [operand(v)]);
    return out;
  },

  read(v: View): Promise<TypedArray> {
    return Promise.resolve(cpuBackend.readSync!(v));
  },

  unary(op: UnaryOp, x: View, outDtype: DType, params: readonly number[] = []): TypedArray {
    const out = typedArrayFor(outDtype, numelOf(x.shape));
    if (op === "erf") {
      runElementwise("a", out, [operand(x)]);
      for (let i = 0; i < out.length; i++) out[i] = erf(out[i]);
      return out;
    }
    const expr = (outDtype === "float32" && MATH_UNARY_F32[op as keyof typeof MATH_UNARY_F32]) ||
      UNARY[op];
    runElementwise(castExpr(expr, outDtype), out, [operand(x)], params[0], params[1], params[2]);
    return out;
  },

  binary(op: BinaryOp, a: View, b: View, outDtype: DType): TypedArray {
    const out = typedArrayFor(outDtype, numelOf(a.shape));
    const expr = (outDtype === "int32" && MATH_BINARY_INT[op as keyof typeof MATH_BINARY_INT]) ||
      BINARY[op];
    runElementwise(castExpr(expr, outDtype), out, [operand(a), operand(b)]);
    return out;
  },

  where(cond: View, a: View, b: View, outDtype: DType): TypedArray {
    const out = typedArrayFor(outDtype, numelOf(a.shape));
    runElementwise(castExpr("(a ? b : c)", outDtype), out, [operand(cond), operand(a), operand(b)]);
    return out;
  },

  reduce(op: ReduceOp, x: View, dims: readonly number[]): TypedArray {
    const outDtype = reduceOutDtype(op, x.dtype);
    const kept = x.shape.filter((_, i) => !dims.includes(i));
    const out = typedArrayFor(outDtype, numelOf(kept));
    reduceInto(op, out, operand(x), dims);
    return out;
  },

  scan(op: ScanOp, x: View, dim: number, reverse: boolean): TypedArray {
    const out = typedArrayFor(scanOutDtype(op, x.dtype), numelOf(x.shape));
    scanInto(op, out, operand(x), dim, reverse);
    return out;
  },

  softmax(x: View, log: boolean): TypedArray {
    const out = typedArrayFor(x.dtype, numelOf(x.shape));
    const src = operand(x);
    const len = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1];
    softmaxRows(out, src.data, src.offset, len, log);
    return out;
  },

  matmul(a: View, b: View, into?: View): TypedArray {
    const [B, M] = a.shape;
    const N = b.shape[2];
    if (into) {
      const data = into.storage as TypedArray, n = B * M * N;
      const o = into.offset === 0 && data.length === n
        ? data
        : data.subarray(into.offset, into.offset + n);
      matmulInto(o, operand(a), operand(b), false);
      return data;
    }
    const out = typedArrayFor(a.dtype, B * M * N);
    matmulInto(out, operand(a), operand(b));
    return out;
  },

  im2col: (x: View, g: ConvGeometry): TypedArray => im2colCpu(x, g),
  col2im: (cols: View, g: ConvGeometry): TypedArray => col2imCpu(cols, g),
  conv2d: (x: View, w: View, bias: View | null, g: ConvGeometry, groups: number): TypedArray =>
    conv2dStride1(x, w, bias, g, groups),
  conv2dWeightGrad: (x: View, gy: View, g: ConvGeometry, groups: number): TypedArray =>
    conv2dWeightGradStride1(x, gy, g, groups),
  maxPool2d: (x: View, g: ConvGeometry): [TypedArray, Int32Array] => maxPool2dCpu(x, g),
  sumPool2d: (x: View, g: ConvGeometry): TypedArray => sumPool2dCpu(x, g),

  gather(x: View, dim: number, index: View): TypedArray {
    const out = typedArrayFor(x.dtype, numelOf(index.shape));
    gatherInto(out, operand(x), dim, operand(index));
    return out;
  },

  scatterAdd(base: View, dim: number, index: View, src: View): TypedArray {
    return indexWrite("scatterAdd", "add", base, dim, index, src);
  },

  indexSelect(x: View, dim: number, index: View): TypedArray {
    const shape = [...x.shape];
    shape[dim] = numelOf(index.shape);
    const out = typedArrayFor(x.dtype, numelOf(shape));
    indexSelectInto(out, operand(x), dim, operand(index));
    return out;
  },

  indexAdd(base: View, dim: number, index: View, src: View): TypedArray {
    return indexWrite("indexAdd", "add", base, dim, index, src);
  },

  scatter(
    base: View,
    dim: number,
    index: View,
    src: View,
    reduce: "none" | "multiply",
  ): TypedArray {
    return indexWrite("scatter", reduce === "none" ? "set" : "multiply", base, dim, index, src);
  },

  indexCopy(base: View, dim: number, index: View, src: View): TypedArray {
    return indexWrite("indexCopy", "set", base, dim, index, src);
  },

  sort(x: View, dim: number, descending: boolean): [TypedArray, Int32Array] {
    return sortRows(operand(x), x.dtype, dim, descending);
  },

  adamStep(p: View, grad: View, expAvg: View, expAvgSq: View, h: AdamHyper): void {
    const n = numelOf(p.shape);
    const win = (v: View) => (v.storage as TypedArray).subarray(v.offset, v.offset + n);
    adamStepInto(win(p), win(grad), win(expAvg), win(expAvgSq), h);
  },

  sgdStep(p: View, grad: View, buf: View | null, h: SgdHyper): void {
    const n = numelOf(p.shape);
    const win = (v: View) => (v.storage as TypedArray).subarray(v.offset, v.offset + n);
    sgdStepInto(win(p), win(grad), buf && win(buf), h);
  },

  assign(dst: View, src: View): void {
    if (isContiguousLayout(dst.shape, dst.strides)) {
      // A contiguous destination is just an output window: run the copy kernel into it.
      const n = numelOf(dst.shape);
      const window = (dst.storage as TypedArray).subarray(dst.offset, dst.offset + n);
      runElementwise(castExpr("a", dst.dtype), window, [operand(src)]);
      return;
    }
    if (dst.dtype === "bool") {
      const tmp = cpuBackend.unary("copy", src, "bool") as TypedArray;
      assignInto(operand(dst), {
        data: tmp,
        shape: src.shape,
        strides: contiguousStrides(src.shape),
        offset: 0,
      });
      return;
    }
    assignInto(operand(dst), operand(src));
  },
};
