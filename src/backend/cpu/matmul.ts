/**
 * Which kernel runs a CPU matmul: CBLAS through FFI (blas.ts) when a library is loaded, else
 * the WebAssembly SIMD kernel (wasm/), else the pure-JS kernel (matmul_js.ts), which also
 * serves int32. `cpuMatmulInfo()` reports the choice and the reason for it.
 */
import type { TypedArray } from "../../core/dtype.ts";
import type { Operand } from "./codegen.ts";
import { blasMatmul, blasStatus } from "./blas.ts";
import { getWasm, wasmMatmul, wasmReason } from "./wasm/matmul.ts";
import { jsMatmul } from "./matmul_js.ts";

export interface CpuMatmulInfo {
  /**
   * "blas" when cblas_*gemm runs float32/float64 matmuls, "wasm-simd" for the WebAssembly
   * SIMD kernel (no BLAS), "js" for the pure-JS kernel (neither).
   */
  kind: "blas" | "wasm-simd" | "js";
  /** The library or kernel in use, and why the faster paths are not. */
  detail: string;
}

/** Which matmul path the CPU backend uses, and why. */
export function cpuMatmulInfo(): CpuMatmulInfo {
  const blas = blasStatus();
  if (blas.path) return { kind: "blas", detail: `${blas.path}; ${blas.malloc}` };
  const w = getWasm();
  if (w) {
    const fma = w.relaxed ? "relaxed-SIMD fused multiply-add" : "SIMD128 multiply + add";
    return { kind: "wasm-simd", detail: `${fma}; no BLAS: ${blas.reason}` };
  }
  return { kind: "js", detail: `no BLAS: ${blas.reason}; no WASM: ${wasmReason()}` };
}

/**
 * out[B, M, N] = a[B, M, K] @ b[B, K, N]. A fresh output arrives zeroed; a reused one (matmul's
 * out=) is cleared only where a kernel would not overwrite it (K = 0, the accumulating JS loop).
 */
export function matmulInto(out: TypedArray, a: Operand, b: Operand, zeroed = true): void {
  if (!zeroed && a.shape[2] === 0) {
    out.fill(0);
    return;
  }
  if (blasMatmul(out, a, b)) return;
  if (wasmMatmul(out, a, b)) return;
  if (!zeroed) out.fill(0);
  jsMatmul(out, a, b);
}
