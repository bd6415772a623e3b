/**
 * The WebAssembly SIMD matmul: the no-BLAS path for float32/float64. Operands are packed
 * block by block into the module's memory (pack.ts), multiplied by the register-blocked
 * kernel (gemm.ts), and the C block is copied out. Blocking follows the usual GEMM scheme:
 * a kc x nr panel of B stays in L1 while an mc x kc block of A streams from L2.
 * The module is compiled on first use; where WebAssembly or its SIMD is missing, or
 * GRADIENTE_WASM=off, `wasmMatmul` returns false and the pure-JS kernel runs instead.
 */
import type { TypedArray } from "../../../core/dtype.ts";
import type { Operand } from "../codegen.ts";
import { env } from "../../../core/host.ts";
import { buildModule } from "./encode.ts";
import { gemmKernel, kernelShape, MR } from "./gemm.ts";
import { packA, packB } from "./pack.ts";

type Gemm = (
  a: number,
  b: number,
  c: number,
  mPanels: number,
  nPanels: number,
  k: number,
  ldcBytes: number,
  accumulate: number,
) => void;

interface Wasm {
  memory: WebAssembly.Memory;
  sgemm: Gemm;
  dgemm: Gemm;
  /** Whether the multiply-add is fused (relaxed SIMD). */
  relaxed: boolean;
}

const KC = 256;
/** Rows of A per packed block: mc x KC elements stay within 128 KiB (an L2 share). */
const MC = { 4: 128, 8: 64 } as const;
/** What the C block and B panel may take of the module's memory before N is split. */
const BLOCK_BYTES = 32 << 20;

let wasm: Wasm | null | undefined;
let reason = "not tried yet";
/** Which variants load() tries, in order (tests pin the plain-SIMD one that Node 20 gets). */
let variants = [true, false];

function compile(relaxed: boolean): Wasm {
  const bytes = buildModule([gemmKernel(4, relaxed), gemmKernel(8, relaxed)]);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem: memory } });
  const ex = inst.exports as unknown as { sgemm: Gemm; dgemm: Gemm };
  return { memory, sgemm: ex.sgemm, dgemm: ex.dgemm, relaxed };
}

function load(): Wasm | null {
  const setting = env("GRADIENTE_WASM");
  if (setting === "off" || setting === "0") {
    reason = "disabled by GRADIENTE_WASM=off";
    return null;
  }
  if (typeof WebAssembly !== "object") {
    reason = "no WebAssembly in this runtime";
    return null;
  }
  const errors: string[] = [];
  // Relaxed SIMD (fused multiply-add) first; plain SIMD128 where it is not shipped (Node 20).
  for (const relaxed of variants) {
    try {
      return compile(relaxed);
    } catch (e) {
      errors.push(e instanceof Error ? e.message.split("\n")[0] : String(e));
    }
  }
  reason = `WebAssembly SIMD is not available here (${errors.at(-1)})`;
  return null;
}

export function getWasm(): Wasm | null {
  if (wasm === undefined) wasm = load();
  return wasm;
}

/** Why the WASM kernel is not in use (meaningful when getWasm() is null). */
export function wasmReason(): string {
  return reason;
}

/**
 * @internal Forget the compiled module (tests switch GRADIENTE_WASM between runs); with
 * `relaxed` given, the next load compiles only that variant.
 */
export function resetWasm(relaxed?: boolean): void {
  wasm = undefined;
  reason = "not tried yet";
  variants = relaxed === undefined ? [true, false] : [relaxed];
}

/** A view of the module's memory with at least `bytes` bytes, growing it if needed. */
function memoryView(w: Wasm, f32: boolean, bytes: number): Float32Array | Float64Array | null {
  const have = w.memory.buffer.byteLength;
  if (have < bytes) {
    try {
      w.memory.grow(Math.ceil((bytes - have) / 65536));
    } catch {
      return null; // past the engine's memory limit: the JS kernel needs no extra memory
    }
  }
  return f32 ? new Float32Array(w.memory.buffer) : new Float64Array(w.memory.buffer);
}

const roundUp = (n: number, m: number) => Math.ceil(n / m) * m;

/**
 * out[B, M, N] = a[B, M, K] @ b[B, K, N] with the WASM kernel, for float32/float64 outputs.
 * Returns false (nothing written) when the module is unavailable or the dtype is not float.
 */
export function wasmMatmul(out: TypedArray, a: Operand, b: Operand): boolean {
  const f32 = out instanceof Float32Array;
  if (!f32 && !(out instanceof Float64Array)) return false;
  const w = getWasm();
  if (!w) return false;
  const [nb, M, K] = a.shape;
  const N = b.shape[2];
  if (M === 0 || N === 0 || K === 0) return true; // out is already zeros
  const elem = f32 ? 4 : 8;
  const { nr } = kernelShape(elem);
  const gemm = f32 ? w.sgemm : w.dgemm;
  const mp = roundUp(M, MR), kc0 = Math.min(K, KC), mc0 = Math.min(roundUp(M, MR), MC[elem]);
  const fit = Math.floor(BLOCK_BYTES / ((mp + kc0) * elem) / nr) * nr;
  const ncMax = Math.max(nr, Math.min(roundUp(N, nr), fit));
  // Memory (in elements): C [mp x ncMax] | B block [kc0 x ncMax] | A block [mc0 x kc0].
  const bAt = mp * ncMax, aAt = bAt + kc0 * ncMax;
  const mem = memoryView(w, f32, (aAt + mc0 * kc0) * elem);
  if (!mem) return false;
  for (let bi = 0; bi < nb; bi++) {
    const ob = bi * M * N;
    for (let j0 = 0; j0 < N; j0 += ncMax) {
      const nc = Math.min(ncMax, N - j0), ncp = roundUp(nc, nr);
      for (let k0 = 0; k0 < K; k0 += KC) {
        const kc = Math.min(KC, K - k0);
        packB(mem, bAt, b, bi, k0, kc, j0, nc, nr);
        for (let i0 = 0; i0 < M; i0 += mc0) {
          const mc = Math.min(mc0, M - i0);
          packA(mem, aAt, a, bi, i0, mc, k0, kc);
          gemm(
            aAt * elem,
            bAt * elem,
            i0 * ncp * elem,
            Math.ceil(mc / MR),
            ncp / nr,
            kc,
            ncp * elem,
            k0 > 0 ? 1 : 0,
          );
        }
      }
      for (let i = 0; i < M; i++) {
        const o = ob + i * N + j0, c = i * ncp;
        for (let j = 0; j < nc; j++) out[o + j] = mem[c + j];
      }
    }
  }
  return true;
}
