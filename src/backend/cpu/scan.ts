/**
 * Inclusive scans along one dim of a strided view: an odometer over the other dims picks a
 * row, and the row is walked in order (or backwards), carrying the running value.
 */
import type { ScanOp } from "../backend.ts";
import type { TypedArray } from "../../core/dtype.ts";
import type { Operand } from "./codegen.ts";

/** log(exp(a) + exp(b)) without overflow; -inf on both sides stays -inf (no inf - inf). */
function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = a > b ? a : b;
  if (m === Infinity) return a !== a || b !== b ? NaN : Infinity;
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

type Step = (acc: number, v: number) => number;

const STEPS: Record<"cumsum" | "cumprod" | "logcumsumexp", Step> = {
  cumsum: (acc, v) => acc + v,
  cumprod: (acc, v) => acc * v,
  logcumsumexp: logAddExp,
};

/** Row bases (input offset, output offset) of every row, in row-major order of the other dims. */
function rowBases(x: Operand, dim: number): { inBase: number[]; outBase: number[] } {
  const inBase: number[] = [], outBase: number[] = [];
  const outStrides: number[] = [];
  let s = 1;
  for (let d = x.shape.length - 1; d >= 0; d--) {
    outStrides[d] = s;
    s *= x.shape[d];
  }
  const dims = x.shape.map((_, d) => d).filter((d) => d !== dim);
  const idx = dims.map(() => 0);
  const rows = dims.reduce((n, d) => n * x.shape[d], 1);
  let ib = x.offset, ob = 0;
  for (let r = 0; r < rows; r++) {
    inBase.push(ib);
    outBase.push(ob);
    for (let k = dims.length - 1; k >= 0; k--) {
      const d = dims[k];
      idx[k]++;
      ib += x.strides[d];
      ob += outStrides[d];
      if (idx[k] < x.shape[d]) break;
      ib -= x.strides[d] * x.shape[d];
      ob -= outStrides[d] * x.shape[d];
      idx[k] = 0;
    }
  }
  return { inBase, outBase };
}

export function scanInto(
  op: ScanOp,
  out: TypedArray,
  x: Operand,
  dim: number,
  reverse: boolean,
): void {
  const len = x.shape[dim];
  if (len === 0 || out.length === 0) return;
  const { inBase, outBase } = rowBases(x, dim);
  const sIn = x.strides[dim];
  let sOut = 1;
  for (let d = dim + 1; d < x.shape.length; d++) sOut *= x.shape[d];
  const first = reverse ? len - 1 : 0, step = reverse ? -1 : 1;
  const data = x.data;
  for (let r = 0; r < inBase.length; r++) {
    let p = inBase[r] + first * sIn, q = outBase[r] + first * sOut;
    if (op === "cummax" || op === "cummin") {
      // Ties move to the latest index and a NaN sticks once seen (its later NaNs too), as torch.
      const max = op === "cummax";
      let best = data[p], at = first;
      for (let j = first, n = 0; n < len; j += step, n++, p += step * sIn, q += step * sOut) {
        const v = data[p];
        if (v !== v || (best === best && (max ? v >= best : v <= best))) {
          best = v;
          at = j;
        }
        out[q] = at;
      }
      continue;
    }
    const f = STEPS[op];
    let acc = data[p];
    out[q] = acc;
    for (let n = 1; n < len; n++) {
      p += step * sIn;
      q += step * sOut;
      acc = f(acc, data[p]);
      out[q] = acc;
    }
  }
}
