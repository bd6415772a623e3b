/**
 * Issue 12's elementwise math on the CPU: the expressions the generated loops run, and the
 * helpers (M.*) they call where JS's Math has no equivalent (half-to-even rounding, PyTorch's
 * floor division and remainder sign rules, integer division by zero as an error).
 */
import type { MathBinaryOp, MathUnaryOp } from "../backend.ts";
import { zeroDivisionMessage } from "../messages.ts";

/** Round half to even, as C's nearbyint (Math.round rounds halves up). */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function zeroDivision(op: string): never {
  throw new Error(zeroDivisionMessage(op));
}

/** PyTorch's floating floor division (div_floor_floating): exact where a / b is not. */
function floorDiv(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && (b < 0) !== (mod < 0)) div -= 1;
  if (div === 0) {
    const q = a / b;
    return q < 0 || Object.is(q, -0) ? -0 : 0;
  }
  const f = Math.floor(div);
  return div - f > 0.5 ? f + 1 : f;
}

export const MATH = {
  /** torch.round(x, decimals): scale is 10^|decimals|; `divide` when decimals <= 0. */
  round(x: number, scale: number, divide: number): number {
    return divide ? rint(x / scale) * scale : rint(x * scale) / scale;
  },
  /** The same in float32 steps, as PyTorch computes a float32 tensor. */
  roundF32(x: number, scale: number, divide: number): number {
    const f = Math.fround;
    return divide ? f(rint(f(x / scale)) * scale) : f(rint(f(x * scale)) / scale);
  },
  /** Python's modulo: the result takes the divisor's sign. */
  remainder(a: number, b: number): number {
    const mod = a % b;
    return mod !== 0 && (b < 0) !== (mod < 0) ? mod + b : mod;
  },
  floorDivide: floorDiv,
  remainderInt(a: number, b: number): number {
    if (b === 0) zeroDivision("remainder");
    const mod = a % b;
    return mod !== 0 && (b < 0) !== (mod < 0) ? mod + b : mod;
  },
  fmodInt(a: number, b: number): number {
    if (b === 0) zeroDivision("fmod");
    return a % b;
  },
  floorDivideInt(a: number, b: number): number {
    if (b === 0) zeroDivision("floorDivide");
    return Math.floor(a / b); // exact: int32 quotients are never within rounding of an integer
  },
};

export const MATH_UNARY: Record<MathUnaryOp, string> = {
  floor: "Math.floor(a)",
  ceil: "Math.ceil(a)",
  round: "M.round(a, p0, p1)",
  trunc: "Math.trunc(a)",
  frac: "a - Math.trunc(a)",
  reciprocal: "1 / a",
  rsqrt: "1 / Math.sqrt(a)",
  exp2: "Math.pow(2, a)",
  expm1: "Math.expm1(a)",
  log2: "Math.log2(a)",
  log10: "Math.log10(a)",
  tan: "Math.tan(a)",
  asin: "Math.asin(a)",
  acos: "Math.acos(a)",
  atan: "Math.atan(a)",
  sinh: "Math.sinh(a)",
  cosh: "Math.cosh(a)",
  asinh: "Math.asinh(a)",
  acosh: "Math.acosh(a)",
  atanh: "Math.atanh(a)",
  isnan: "(a !== a ? 1 : 0)",
  isinf: "(a === Infinity || a === -Infinity ? 1 : 0)",
  isfinite: "(a - a === 0 ? 1 : 0)",
  signbit: "(a < 0 || (a === 0 && 1 / a < 0) ? 1 : 0)", // -0.0 too, as torch
  nanToNum: "(a !== a ? p0 : a === Infinity ? p1 : a === -Infinity ? p2 : a)",
};

/** Overrides where a float32 output must be computed in float32 steps to match PyTorch. */
export const MATH_UNARY_F32: Partial<Record<MathUnaryOp, string>> = {
  round: "M.roundF32(a, p0, p1)",
};

export const MATH_BINARY: Record<MathBinaryOp, string> = {
  atan2: "Math.atan2(a, b)",
  hypot: "Math.hypot(a, b)",
  remainder: "M.remainder(a, b)",
  fmod: "a % b", // JS's % is C's fmod: exact, with the dividend's sign
  floorDivide: "M.floorDivide(a, b)",
  xor: "((a !== 0) !== (b !== 0) ? 1 : 0)", // NaN counts as true, as any nonzero
};

/** Integer versions: Python's rules, and division by zero raises. */
export const MATH_BINARY_INT: Partial<Record<MathBinaryOp, string>> = {
  remainder: "M.remainderInt(a, b)",
  fmod: "M.fmodInt(a, b)",
  floorDivide: "M.floorDivideInt(a, b)",
};
