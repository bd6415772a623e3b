/**
 * Reductions over any set of dims of a strided view, with no copy: the kept dims drive an
 * outer odometer, the reduced dims an inner one whose last dim is a tight strided loop.
 * One generated function per reduction kind.
 */
import type { ReduceOp } from "../backend.ts";
import type { TypedArray } from "../../core/dtype.ts";
import type { Operand } from "./codegen.ts";

interface Spec {
  init: string;
  update: string; // sees `v` (the element) and `k` (its position in the reduced region)
  result: string;
}

const SPECS: Record<ReduceOp, Spec> = {
  sum: { init: "let acc = 0;", update: "acc += v;", result: "acc" },
  prod: { init: "let acc = 1;", update: "acc *= v;", result: "acc" },
  // NaN wins, as in PyTorch: once acc is NaN no comparison replaces it.
  max: { init: "let acc = -Infinity;", update: "if (v > acc || v !== v) acc = v;", result: "acc" },
  min: { init: "let acc = Infinity;", update: "if (v < acc || v !== v) acc = v;", result: "acc" },
  argmax: {
    init: "let acc = -Infinity, at = 0;",
    update: "if (v > acc || (v !== v && acc === acc)) { acc = v; at = k; }",
    result: "at",
  },
  argmin: {
    init: "let acc = Infinity, at = 0;",
    update: "if (v < acc || (v !== v && acc === acc)) { acc = v; at = k; }",
    result: "at",
  },
};

type ReduceKernel = (
  out: TypedArray,
  x: TypedArray,
  off: number,
  keptShape: readonly number[],
  keptStrides: readonly number[],
  redShape: readonly number[],
  redStrides: readonly number[],
) => void;

const kernels = new Map<ReduceOp, ReduceKernel>();

function build(spec: Spec): ReduceKernel {
  const src = `
const nk = keptShape.length, nr = redShape.length;
let nOut = 1; for (let i = 0; i < nk; i++) nOut *= keptShape[i];
let nRed = 1; for (let i = 0; i < nr; i++) nRed *= redShape[i];
const kidx = new Int32Array(nk), ridx = new Int32Array(nr);
const lastLen = nr > 0 ? redShape[nr - 1] : 1, lastStride = nr > 0 ? redStrides[nr - 1] : 0;
const rows = lastLen === 0 ? 0 : nRed / lastLen;
let base = off;
for (let o = 0; o < nOut; o++) {
  ${spec.init}
  let k = 0, rbase = base;
  for (let r = 0; r < rows; r++) {
    let p = rbase;
    for (let j = 0; j < lastLen; j++, k++) { const v = x[p]; p += lastStride; ${spec.update} }
    for (let d = nr - 2; d >= 0; d--) {
      ridx[d]++; rbase += redStrides[d];
      if (ridx[d] < redShape[d]) break;
      rbase -= redStrides[d] * redShape[d]; ridx[d] = 0;
    }
  }
  out[o] = ${spec.result};
  for (let d = nk - 1; d >= 0; d--) {
    kidx[d]++; base += keptStrides[d];
    if (kidx[d] < keptShape[d]) break;
    base -= keptStrides[d] * keptShape[d]; kidx[d] = 0;
  }
}`;
  return new Function(
    "out",
    "x",
    "off",
    "keptShape",
    "keptStrides",
    "redShape",
    "redStrides",
    src,
  ) as ReduceKernel;
}

export function reduceInto(
  op: ReduceOp,
  out: TypedArray,
  x: Operand,
  dims: readonly number[],
): void {
  let k = kernels.get(op);
  if (!k) {
    k = build(SPECS[op]);
    kernels.set(op, k);
  }
  const keptShape: number[] = [], keptStrides: number[] = [];
  const redShape: number[] = [], redStrides: number[] = [];
  x.shape.forEach((s, i) => {
    if (dims.includes(i)) {
      redShape.push(s);
      redStrides.push(x.strides[i]);
    } else {
      keptShape.push(s);
      keptStrides.push(x.strides[i]);
    }
  });
  k(out, x.data, x.offset, keptShape, keptStrides, redShape, redStrides);
}
