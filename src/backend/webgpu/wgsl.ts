/**
 * WGSL building blocks shared by the kernels: element types, the invocation index, and math
 * helpers WGSL lacks or leaves imprecise (log1p, expm1-based tanh, erf, pow of negatives, and
 * issue 12's math: half-to-even rounding, exact fmod, inverse hyperbolics, inf/NaN tests).
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

/**
 * Issue 12's math helpers, included only in the shaders that call one of them (see
 * mathHelpersFor): every elementwise pipeline compiles MATH_HELPERS, and these are long.
 */
export const MATH_HELPERS_12 = /* wgsl */ `
fn rint_(x: f32) -> f32 {
  // Half to even, from exact pieces: x - floor(x) is exact in f32, x + 0.5 is not.
  let f = floor(x);
  let d = x - f;
  var r = f;
  if (d > 0.5 || (d == 0.5 && f - 2.0 * floor(f * 0.5) == 1.0)) { r = f + 1.0; }
  return copysign_(r, x); // round(-0.3) is -0, as in C
}
fn round_(x: f32, scale: f32, divide: f32) -> f32 {
  if (scale == 1.0) { return rint_(x); }
  if (divide != 0.0) { return rint_(x / scale) * scale; }
  return rint_(x * scale) / scale;
}
fn fmod_(a: f32, b: f32) -> f32 {
  // WGSL's % is a - b * trunc(a / b), off by b when a / b rounds across an integer. Here each
  // step divides by m = b * 2^k, chosen so that the quotient q stays below 2^23: then the fma
  // residual is exact, one correction fixes a quotient rounded up, and x mod m = x mod b.
  if (!isfinite_(a) || isnan_(b) || b == 0.0) { return nan_(); }
  let ab = abs(b);
  var x = abs(a);
  for (var step = 0; step < 16 && x >= ab; step++) {
    let k = max(frexp(x).exp - frexp(ab).exp - 22, 0);
    let m = ldexp(ab, k);
    let q = trunc(x / m);
    x = fma(-q, m, x);
    if (x < 0.0) { x += m; }
    if (x >= m) { x -= m; }
  }
  return copysign_(x, a);
}
fn remainder_(a: f32, b: f32) -> f32 {
  var m = fmod_(a, b);
  if (m != 0.0 && (b < 0.0) != (m < 0.0)) { m += b; }
  return m;
}
fn floordiv_(a: f32, b: f32) -> f32 {
  // PyTorch's div_floor_floating, step for step.
  let sgn = (bitcast<u32>(a) ^ bitcast<u32>(b)) & 0x80000000u;
  if (b == 0.0) {
    if (a == 0.0 || isnan_(a)) { return nan_(); }
    return bitcast<f32>(0x7f800000u | sgn);
  }
  if (isnan_(b)) { return nan_(); }
  let m = fmod_(a, b);
  var d = (a - m) / b;
  if (m != 0.0 && (b < 0.0) != (m < 0.0)) { d -= 1.0; }
  if (d == 0.0) { return bitcast<f32>(sgn); }
  var f = floor(d);
  if (d - f > 0.5) { f += 1.0; }
  return f;
}
// Integer % is avoided: llvmpipe returned wrong signs for it; a - b * (a / b) is C's fmod.
fn fmod_i(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  return a - b * (a / b);
}
fn remainder_i(a: i32, b: i32) -> i32 {
  let m = fmod_i(a, b);
  return select(m, m + b, m != 0 && ((m < 0) != (b < 0)));
}
fn floordiv_i(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  let q = a / b;
  return select(q, q - 1, q * b != a && ((a < 0) != (b < 0)));
}
fn log2_(x: f32) -> f32 {
  if (isnan_(x) || x < 0.0) { return nan_(); }
  if (x == 0.0) { return -inf_(); }
  if (isinf_(x)) { return x; }
  // Near 1 the result is tiny and log2's absolute error would dominate it.
  if (abs(x - 1.0) < 0.5) { return log1p_(x - 1.0) * 1.4426950408889634; }
  return log2(x);
}
fn log10_(x: f32) -> f32 {
  if (isnan_(x) || x < 0.0) { return nan_(); }
  if (x == 0.0) { return -inf_(); }
  if (isinf_(x)) { return x; }
  if (abs(x - 1.0) < 0.5) { return log1p_(x - 1.0) * 0.4342944819032518; }
  return log2(x) * 0.3010299956639812;
}
fn exp2_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  if (x >= 128.0) { return inf_(); }
  if (x < -150.0) { return 0.0; }
  return exp2(x);
}
fn tan_(x: f32) -> f32 {
  if (!isfinite_(x)) { return nan_(); }
  return tan(x);
}
// asin and acos through atan: llvmpipe's builtins are off by up to 4e-4.
fn asin_(x: f32) -> f32 {
  if (isnan_(x) || abs(x) > 1.0) { return nan_(); }
  if (abs(x) == 1.0) { return copysign_(1.5707963267948966, x); }
  return atan(x / sqrt((1.0 - x) * (1.0 + x)));
}
fn acos_(x: f32) -> f32 {
  if (isnan_(x) || abs(x) > 1.0) { return nan_(); }
  return 2.0 * atan(sqrt((1.0 - x) / (1.0 + x)));
}
fn atan_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  if (isinf_(x)) { return copysign_(1.5707963267948966, x); }
  return atan(x);
}
fn atan2_(y: f32, x: f32) -> f32 {
  // C's special cases, signed zeros included; WGSL leaves them undefined.
  let PI = 3.141592653589793;
  if (isnan_(y) || isnan_(x)) { return nan_(); }
  if (isinf_(y)) {
    if (isinf_(x)) { return copysign_(select(0.25 * PI, 0.75 * PI, x < 0.0), y); }
    return copysign_(0.5 * PI, y);
  }
  if (isinf_(x)) { return copysign_(select(0.0, PI, x < 0.0), y); }
  if (y == 0.0) { return copysign_(select(0.0, PI, signbit_(x)), y); }
  if (x == 0.0) { return copysign_(0.5 * PI, y); }
  return atan2(y, x);
}
fn hypot_(a: f32, b: f32) -> f32 {
  if (isinf_(a) || isinf_(b)) { return inf_(); } // even beside a NaN, as C's hypot
  if (isnan_(a) || isnan_(b)) { return nan_(); }
  let x = abs(a);
  let y = abs(b);
  let m = max(x, y);
  if (m == 0.0) { return 0.0; }
  let r = min(x, y) / m;
  return m * sqrt(1.0 + r * r); // no overflow of a * a
}
fn sinh_(x: f32) -> f32 {
  let ax = abs(x);
  var r: f32;
  if (ax < 1.0) {
    let e = expm1_(ax);
    r = 0.5 * (e + e / (e + 1.0));
  } else if (ax < 10.0) {
    let e = exp(ax);
    r = 0.5 * (e - 1.0 / e);
  } else {
    r = exp(ax - 0.6931471805599453); // e^x / 2 without overflowing e^x first
  }
  return copysign_(r, x);
}
fn cosh_(x: f32) -> f32 {
  let ax = abs(x);
  if (ax < 10.0) {
    let e = exp(ax);
    return 0.5 * (e + 1.0 / e);
  }
  return exp(ax - 0.6931471805599453);
}
fn asinh_(x: f32) -> f32 {
  let ax = abs(x);
  var r: f32;
  if (ax > 1e9) {
    r = log(ax) + 0.6931471805599453;
  } else {
    // log1p keeps small arguments accurate; the sign is put back so that odd symmetry is exact.
    r = log1p_(ax + ax * ax / (1.0 + sqrt(1.0 + ax * ax)));
  }
  return copysign_(r, x);
}
fn acosh_(x: f32) -> f32 {
  if (isnan_(x) || x < 1.0) { return nan_(); }
  if (x > 1e9) { return log(x) + 0.6931471805599453; }
  let t = x - 1.0;
  return log1p_(t + sqrt(2.0 * t + t * t));
}
fn atanh_(x: f32) -> f32 {
  let ax = abs(x);
  if (isnan_(x) || ax > 1.0) { return nan_(); }
  if (ax == 1.0) { return copysign_(inf_(), x); }
  return copysign_(0.5 * log1p_(2.0 * ax / (1.0 - ax)), x);
}
`;
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
  if (bitcast<u32>(u) == 0x7f800000u) { return u; } // +inf: log(u) / (u - 1) would be inf / inf
  return log(u) * x / (u - 1.0);
}
fn expm1_(x: f32) -> f32 {
  // Kahan's trick is for small x; past 0.5 exp(x) - 1 loses nothing, and um1 * x below could
  // overflow before the division brings it back.
  if (abs(x) > 0.5) { return exp(x) - 1.0; }
  let u = exp(x);
  if (u == 1.0) { return x; }
  let um1 = u - 1.0;
  if (um1 == -1.0) { return -1.0; }
  return um1 * x / log(u);
}
fn tanh_(x: f32) -> f32 {
  if (isnan_(x)) { return x; } // min() below would turn NaN into 10
  // expm1 keeps small arguments accurate; past 10 tanh is 1 in f32 (and exp would overflow).
  let ax = min(abs(x), 10.0);
  let e = expm1_(2.0 * ax);
  let t = e / (e + 2.0);
  return select(t, -t, x < 0.0);
}
fn sigmoid_(x: f32) -> f32 {
  return 1.0 / (1.0 + exp(-x));
}
fn silu_(x: f32) -> f32 {
  // exp(-x) overflows to inf below -88 in f32, and x / inf is -0: the right limit.
  return x / (1.0 + exp(-x));
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
fn isinf_(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u;
}
fn isfinite_(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}
fn signbit_(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x80000000u) != 0u;
}
fn inf_() -> f32 { return bitcast<f32>(0x7f800000u); }
fn nan_() -> f32 { return bitcast<f32>(0x7fc00000u); }
fn copysign_(m: f32, s: f32) -> f32 {
  return bitcast<f32>((bitcast<u32>(m) & 0x7fffffffu) | (bitcast<u32>(s) & 0x80000000u));
}
`;

const MATH_12_NAMES = [...MATH_HELPERS_12.matchAll(/fn (\w+)\(/g)].map((m) => `${m[1]}(`);

/** The helpers a shader whose code is `body` needs. */
export function mathHelpersFor(body: string): string {
  return MATH_12_NAMES.some((n) => body.includes(n))
    ? MATH_HELPERS + MATH_HELPERS_12
    : MATH_HELPERS;
}

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

/**
 * A shader with one thread per element, the shape of most kernels here: `decls` (bindings,
 * helper functions), then `main` running `body` with `i` the element's linear index, already
 * checked against the element count prm[0]. Dispatch it with `GpuRuntime.dispatchElements`.
 */
export function perElementShader(decls: string, body: string): string {
  return `${decls}
@compute @workgroup_size(${WORKGROUP})
fn main(${MAIN_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= prm[0]) { return; }
  ${body}
}`;
}

/**
 * WGSL that decomposes the linear index `i` over the shape in prm[shapeAt..shapeAt + count)
 * into coordinate `q` of each dim `d` (last dim first), running `body` once per dim.
 */
export function forEachDim(shapeAt: string, body: string, count = "nd"): string {
  return `var rem = i;
  for (var d = ${count} - 1; d >= 0; d--) {
    let s = prm[${shapeAt} + d];
    let q = rem % s;
    rem = rem / s;
    ${body}
  }`;
}

/** Reads parameter word k of the arena binding as a float. */
export function param(index: string): string {
  return `bitcast<f32>(prm[${index}])`;
}
