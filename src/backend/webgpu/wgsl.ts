/**
 * WGSL building blocks shared by the kernels: element types, the invocation index, and math
 * helpers WGSL lacks or leaves imprecise (log1p, expm1-based tanh, erf, pow of negatives).
 */
import type { DType } from "../../core/dtype.ts";

export const WORKGROUP = 256;

export type WgslType = "f32" | "i32" | "u32";

/** How a dtype is stored on the GPU: every element is one 4-byte word. */
export function wgslType(dtype: DType, op: string): WgslType {
  switch (dtype) {
    case "float32":
      return "f32";
    case "int32":
      return "i32";
    case "bool":
      return "u32";
    default:
      throw new Error(
        `${op}: float64 tensors cannot live on 'webgpu' (WGSL has no 64-bit floats). ` +
          "Use float32 there (t.float(), or { dtype: 'float32' }), or keep float64 work on the CPU.",
      );
  }
}

/** The type arithmetic runs in: f32 if anything is float, else i32 (bools count as ints). */
export function computeType(inputs: readonly DType[], out: DType): "f32" | "i32" {
  return out === "float32" || inputs.includes("float32") ? "f32" : "i32";
}

/** Converts a value of `from` storage type into compute type `to`. */
export function load(expr: string, from: WgslType, to: "f32" | "i32"): string {
  return from === to ? expr : `${to}(${expr})`;
}

/** Converts a computed value into the output's storage type (bool: any non-zero is 1). */
export function store(expr: string, c: "f32" | "i32", out: WgslType): string {
  if (out === "u32") return `select(0u, 1u, (${expr}) != ${c}(0))`;
  return out === c ? expr : `${out}(${expr})`;
}

/** The linear invocation index across a 2-D grid of WORKGROUP-wide groups. */
export const LINEAR_INDEX = `let i = i32(gid.x + gid.y * nwg.x * ${WORKGROUP}u);`;
export const MAIN_ARGS =
  "@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>";

/** NaN test by bit pattern: x != x can be folded away by shader compilers; the bits cannot. */
export const ISNAN_WGSL = /* wgsl */ `fn isnan_(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}`;

/** WGSL testing `x` for NaN in compute type `c` (integers are never NaN). */
export function nanTest(c: "f32" | "i32"): (x: string) => string {
  return (x) => (c === "f32" ? `isnan_(${x})` : "false");
}

export const MATH_HELPERS = /* wgsl */ `
fn log1p_(x: f32) -> f32 {
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  return log(u) * x / (u - 1.0);
}
fn expm1_(x: f32) -> f32 {
  let u = exp(x);
  if (u == 1.0) { return x; }
  let um1 = u - 1.0;
  if (um1 == -1.0) { return -1.0; }
  return um1 * x / log(u);
}
fn tanh_(x: f32) -> f32 {
  // expm1 keeps small arguments accurate; past 10 tanh is 1 in f32 (and exp would overflow).
  let ax = min(abs(x), 10.0);
  let e = expm1_(2.0 * ax);
  let t = e / (e + 2.0);
  return select(t, -t, x < 0.0);
}
fn sigmoid_(x: f32) -> f32 {
  return 1.0 / (1.0 + exp(-x));
}
fn erf_(x: f32) -> f32 {
  let ax = abs(x);
  if (ax < 0.5) {
    let x2 = x * x;
    let s = 1.0 + x2 * (-1.0 / 3.0 + x2 * (1.0 / 10.0 + x2 * (-1.0 / 42.0 + x2 * (1.0 / 216.0
      + x2 * (-1.0 / 1320.0 + x2 * (1.0 / 9360.0))))));
    return 1.1283791670955126 * x * s;
  }
  // erfc by Numerical Recipes' Chebyshev fit (fractional error < 1.2e-7).
  let t = 1.0 / (1.0 + 0.5 * ax);
  let r = t * exp(-ax * ax - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
    + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
    + t * (-0.82215223 + t * 0.17087277)))))))));
  return select(1.0 - r, r - 1.0, x < 0.0);
}
fn pow_(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (b == 1.0) { return a; }
  // Drivers' pow of a NaN base may give 0 (llvmpipe does); NaN must propagate, as on the CPU.
  if (isnan_(a)) { return a; }
  if (b == 2.0) { return a * a; }
  if (a >= 0.0) { return pow(a, b); }
  // A negative base has a real power only for integer exponents; its sign follows parity.
  if (floor(b) != b) { return bitcast<f32>(0x7fc00000u); }
  let r = pow(-a, b);
  return select(r, -r, (abs(b) % 2.0) == 1.0);
}
// Integer powers as torch: a negative exponent gives 0 except for bases 1 and -1 (and never
// i32(inf), which WGSL leaves undefined, for 0 to a negative power).
fn ipow_(a: i32, b: i32) -> i32 {
  if (b < 0) {
    if (a == 1) { return 1; }
    if (a == -1) { return select(1, -1, (b & 1) != 0); }
    return 0;
  }
  return i32(round(pow_(f32(a), f32(b))));
}
${ISNAN_WGSL}
`;

/** One storage binding: its name, element type and access (read unless said). */
export type BindingSpec = readonly [name: string, element: string, access?: "read_write"];

/**
 * WGSL declarations of storage bindings 0..n-1 in the order `GpuRuntime.dispatch` binds
 * buffers, then the parameter words `prm` it binds last.
 */
export function bindings(list: readonly BindingSpec[]): string {
  const decl = (b: number, name: string, element: string, access = "read") =>
    `@group(0) @binding(${b}) var<storage, ${access}> ${name}: array<${element}>;`;
  return [
    ...list.map(([name, element, access], b) => decl(b, name, element, access)),
    decl(
      list.length,
      "prm",
      "i32",
    ),
  ].join("\n");
}

/** Reads parameter word k of the arena binding as a float. */
export function param(index: string): string {
  return `bitcast<f32>(prm[${index}])`;
}
