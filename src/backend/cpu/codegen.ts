/**
 * Generated elementwise loops. Each (expression, operand layout) pair compiles once into a
 * plain JS function, so the hot loop has no per-element closure call or switch and V8 can
 * inline the arithmetic. Operands are contiguous ("c"), a single broadcast value ("k"), or
 * arbitrary strided ("s"); any "s" operand selects the odometer loop.
 */
import type { TypedArray } from "../../core/dtype.ts";
import { isContiguousLayout, numelOf } from "../../core/shape.ts";

export interface Operand {
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

type Kernel = (
  out: TypedArray,
  n: number,
  shape: readonly number[],
  A: Operand,
  B: Operand | undefined,
  C: Operand | undefined,
  p0: number,
  p1: number,
) => void;

const NAMES = ["a", "b", "c"];
/** Kernels by expression, then by layoutCode(): a number, so a lookup builds no string. */
const cache = new Map<string, Map<number, Kernel>>();

const LAYOUTS = "cks";

/** 0 contiguous, 1 a single broadcast value, 2 strided. */
function layoutOf(o: Operand): number {
  const { shape, strides } = o;
  let constant = true;
  for (let i = 0; i < shape.length; i++) {
    if (strides[i] !== 0 && shape[i] !== 1) {
      constant = false;
      break;
    }
  }
  if (constant) return 1;
  return isContiguousLayout(shape, strides) ? 0 : 2;
}

function arrayType(a: TypedArray): number {
  return a instanceof Float32Array
    ? 0
    : a instanceof Float64Array
    ? 1
    : a instanceof Int32Array
    ? 2
    : 3;
}

function build(expr: string, modes: string): Kernel {
  const ops = NAMES.slice(0, modes.length);
  const head = ops.map((v) =>
    `const ${v}d = ${v.toUpperCase()}.data, ${v}s = ${v.toUpperCase()}.strides; let ${v}o = ${v.toUpperCase()}.offset;`
  ).join("\n");
  let body: string;
  if (!modes.includes("s")) {
    const consts = ops.map((v, k) => modes[k] === "k" ? `const ${v} = ${v}d[${v}o];` : "").join("");
    const loads = ops.map((v, k) => modes[k] === "c" ? `const ${v} = ${v}d[${v}o + i];` : "").join(
      "",
    );
    body = `${consts}\nfor (let i = 0; i < n; i++) { ${loads} out[i] = ${expr}; }`;
  } else {
    const innerStrides = ops.map((v) => `const ${v}t = ${v}s[last];`).join("");
    const starts = ops.map((v) => `let ${v}p = ${v}o;`).join("");
    const loads = ops.map((v) => `const ${v} = ${v}d[${v}p]; ${v}p += ${v}t;`).join("");
    const step = ops.map((v) => `${v}o += ${v}s[d];`).join("");
    const unwind = ops.map((v) => `${v}o -= ${v}s[d] * shape[d];`).join("");
    body = `
if (n === 0) return;
const nd = shape.length, last = nd - 1, len = shape[last];
${innerStrides}
const idx = new Int32Array(nd);
let o = 0;
const rows = n / len;
for (let r = 0; r < rows; r++) {
  ${starts}
  for (let j = 0; j < len; j++) { ${loads} out[o++] = ${expr}; }
  for (let d = nd - 2; d >= 0; d--) {
    idx[d]++; ${step}
    if (idx[d] < shape[d]) break;
    ${unwind} idx[d] = 0;
  }
}`;
  }
  return new Function("out", "n", "shape", "A", "B", "C", "p0", "p1", `${head}\n${body}`) as Kernel;
}

/** Runs `expr` (in variables a, b, c and params p0, p1) over same-shaped operands into out. */
export function runElementwise(
  expr: string,
  out: TypedArray,
  operands: readonly Operand[],
  p0 = 0,
  p1 = 0,
): void {
  const shape = operands[0].shape;
  const n = numelOf(shape);
  // One compiled function per layout and array types: a kernel that only ever sees
  // Float32Arrays stays monomorphic, which V8 makes several times faster than a shared one.
  let code = arrayType(out);
  for (const o of operands) {
    code = code * 16 + (shape.length === 0 ? 0 : layoutOf(o)) * 4 + arrayType(o.data);
  }
  let byLayout = cache.get(expr);
  if (!byLayout) cache.set(expr, byLayout = new Map());
  let k = byLayout.get(code);
  if (!k) {
    let modes = "";
    for (const o of operands) modes += LAYOUTS[shape.length === 0 ? 0 : layoutOf(o)];
    k = build(expr, modes);
    byLayout.set(code, k);
  }
  k(out, n, shape, operands[0], operands[1], operands[2], p0, p1);
}
