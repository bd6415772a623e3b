/**
 * glibc malloc settings for tensor-sized buffers, applied once when BLAS loads (FFI is known to
 * work then). By default glibc serves a 256 KiB-4 MiB ArrayBuffer from fresh pages more often
 * than not: V8 frees dead buffers in batches after a GC, glibc returns the emptied heap top to
 * the kernel (trim), and the next outputs fault their pages back in one by one, zeroed by the
 * kernel, while BLAS's other thread waits. That made a 256x256 sgemm 1.3-1.5x slower in
 * our runs. Keeping buffers under 32 MiB in the heap (mmap threshold, glibc's maximum) and
 * trimming only past 256 MiB of free top lets freed memory be reused warm. Buffers of 32 MiB
 * and more still map and unmap, so the memory kept back is bounded by the 256 MiB pad.
 * GRADIENTE_MALLOC=default leaves malloc alone; non-glibc systems are left alone too.
 */
import { env } from "../../core/host.ts";

const M_TRIM_THRESHOLD = -1, M_MMAP_THRESHOLD = -3;
const MMAP_THRESHOLD = 32 << 20, TRIM_THRESHOLD = 256 << 20;

let status: string | undefined;

/** Applies the settings once; returns what was done, for cpuMatmulInfo(). */
export function tuneMalloc(): string {
  if (status !== undefined) return status;
  if (env("GRADIENTE_MALLOC") === "default") return status = "malloc left as is (GRADIENTE_MALLOC)";
  try {
    // deno-lint-ignore no-explicit-any
    const D = (globalThis as any).Deno;
    const libc = D.dlopen("libc.so.6", { mallopt: { parameters: ["i32", "i32"], result: "i32" } });
    const ok = libc.symbols.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) === 1 &&
      libc.symbols.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) === 1;
    status = ok
      ? "glibc malloc: buffers < 32 MiB reuse the heap, trimmed past 256 MiB"
      : "glibc mallopt refused the settings; malloc left as is";
  } catch {
    status = "not glibc: malloc left as is";
  }
  return status;
}
