/**
 * Copies blocks of strided operands into the panel layouts gemm.ts reads, zero-padding the
 * ragged edge so the kernel never needs an edge case. Any strides work (transposed, sliced,
 * negative, broadcast zero strides): packing is where layouts stop mattering.
 */
import type { Operand } from "../codegen.ts";
import { MR } from "./gemm.ts";

type Floats = Float32Array | Float64Array;

/**
 * Rows [i0, i0+mc) x cols [k0, k0+kc) of batch `bi` of A into ceil(mc/MR) panels, each kc
 * columns of MR adjacent values, starting at element `at` of `mem`.
 */
export function packA(
  mem: Floats,
  at: number,
  a: Operand,
  bi: number,
  i0: number,
  mc: number,
  k0: number,
  kc: number,
): void {
  const [bs, rs, cs] = a.strides;
  const src = a.data;
  const base = a.offset + bi * bs + k0 * cs;
  const panels = Math.ceil(mc / MR);
  for (let p = 0; p < panels; p++) {
    const panel = at + p * MR * kc;
    for (let r = 0; r < MR; r++) {
      const i = p * MR + r;
      let d = panel + r;
      if (i >= mc) {
        for (let k = 0; k < kc; k++, d += MR) mem[d] = 0;
        continue;
      }
      let s = base + (i0 + i) * rs;
      for (let k = 0; k < kc; k++, d += MR, s += cs) mem[d] = src[s];
    }
  }
}

/**
 * Rows [k0, k0+kc) x cols [j0, j0+nc) of batch `bi` of B into ceil(nc/nr) panels, each kc
 * rows of nr adjacent values, starting at element `at` of `mem`.
 */
export function packB(
  mem: Floats,
  at: number,
  b: Operand,
  bi: number,
  k0: number,
  kc: number,
  j0: number,
  nc: number,
  nr: number,
): void {
  const [bs, rs, cs] = b.strides;
  const src = b.data;
  const base = b.offset + bi * bs + k0 * rs + j0 * cs;
  const panels = Math.ceil(nc / nr);
  for (let p = 0; p < panels; p++) {
    const width = Math.min(nr, nc - p * nr);
    const col = base + p * nr * cs;
    let d = at + p * kc * nr;
    for (let k = 0; k < kc; k++, d += nr) {
      let s = col + k * rs;
      let j = 0;
      for (; j < width; j++, s += cs) mem[d + j] = src[s];
      for (; j < nr; j++) mem[d + j] = 0;
    }
  }
}
