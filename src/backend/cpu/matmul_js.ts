/**
 * The pure-JS matmul: packs each operand into row-major panels only when its layout needs
 * it (a transposed matrix arrives as swapped strides, so the caller never copies), then runs
 * a k-blocked i-k-j loop whose inner loop streams contiguous rows of B and C.
 * It serves every dtype and is the fallback where neither BLAS nor WASM SIMD is available;
 * matmul.ts also picks it for tiny float products, where it has the least fixed cost.
 */
import type { TypedArray } from "../../core/dtype.ts";
import type { Operand } from "./codegen.ts";

const K_BLOCK = 256;

/** Returns a row-major [rows, cols] matrix for batch `b`, copying only if needed. */
function rowMajor(
  x: Operand,
  batch: number,
  rows: number,
  cols: number,
  scratch: TypedArray,
): { data: TypedArray; off: number } {
  const [bs, rs, cs] = x.strides;
  const off = x.offset + batch * bs;
  if (cs === 1 && (rs === cols || rows <= 1)) return { data: x.data, off };
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) scratch[i * cols + j] = x.data[off + i * rs + j * cs];
  }
  return { data: scratch, off: 0 };
}

/** out[B, M, N] += a[B, M, K] @ b[B, K, N] (out arrives zeroed). */
export function jsMatmul(out: TypedArray, a: Operand, b: Operand): void {
  const [B, M, K] = a.shape;
  const N = b.shape[2];
  const ctor = out.constructor as new (n: number) => TypedArray;
  const scratchA = new ctor(M * K), scratchB = new ctor(K * N);
  for (let bi = 0; bi < B; bi++) {
    const A = rowMajor(a, bi, M, K, scratchA);
    const Bm = rowMajor(b, bi, K, N, scratchB);
    const ad = A.data, bd = Bm.data, ao = A.off, bo = Bm.off;
    const co = bi * M * N;
    for (let k0 = 0; k0 < K; k0 += K_BLOCK) {
      const k1 = Math.min(K, k0 + K_BLOCK);
      for (let i = 0; i < M; i++) {
        const crow = co + i * N;
        const arow = ao + i * K;
        let k = k0;
        // Four rows of B per pass: a quarter of the loads and stores of C.
        for (; k + 3 < k1; k += 4) {
          const a0 = ad[arow + k],
            a1 = ad[arow + k + 1],
            a2 = ad[arow + k + 2],
            a3 = ad[arow + k + 3];
          const b0 = bo + k * N, b1 = b0 + N, b2 = b1 + N, b3 = b2 + N;
          for (let j = 0; j < N; j++) {
            out[crow + j] += a0 * bd[b0 + j] + a1 * bd[b1 + j] + a2 * bd[b2 + j] + a3 * bd[b3 + j];
          }
        }
        for (; k < k1; k++) {
          const aik = ad[arow + k];
          const brow = bo + k * N;
          for (let j = 0; j < N; j++) out[crow + j] += aik * bd[brow + j];
        }
      }
    }
  }
}
