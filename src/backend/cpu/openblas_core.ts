/**
 * OpenBLAS up to 0.3.21 (Debian 12's) does not know AMD's AVX-512 CPUs (Zen 4, Zen 5) and runs
 * its Haswell (AVX2) kernels there: half the sgemm speed the CPU has (117 vs 224 GFLOP/s at
 * 2048² on a 2-core Zen 5 in our runs). A DYNAMIC_ARCH OpenBLAS picks its kernels when it is
 * loaded, from OPENBLAS_CORETYPE if set, so we set SkylakeX (the AVX-512 kernels) for the
 * dlopen only, and put the variable back as it was, so child processes do not inherit it.
 * Only for AMD CPUs with the AVX-512 subsets those kernels use, only when the user has not set
 * OPENBLAS_CORETYPE, and never with GRADIENTE_OPENBLAS_CORETYPE=keep. Other libraries ignore it.
 */
import { env } from "../../core/host.ts";

const NEEDED = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"];

// deno-lint-ignore no-explicit-any
function amdAvx512(D: any): boolean {
  let info: string;
  try {
    info = D.readTextFileSync("/proc/cpuinfo");
  } catch {
    return false; // not Linux, or no --allow-read: leave OpenBLAS to its own detection
  }
  if (!/^vendor_id\s*:\s*AuthenticAMD/m.test(info)) return false;
  const flags = new Set((/^flags\s*:(.*)$/m.exec(info)?.[1] ?? "").trim().split(/\s+/));
  return NEEDED.every((f) => flags.has(f));
}

const AVX512_CORES = /^(SkylakeX|Cooperlake|SapphireRapids)$/i;

/**
 * Runs `open` (the dlopen) with OPENBLAS_CORETYPE=SkylakeX where that helps; returns what
 * was done, for cpuMatmulInfo(), or "" when nothing was.
 */
// deno-lint-ignore no-explicit-any
export function withCoreType<T>(D: any, open: () => T): [T, string] {
  if (env("GRADIENTE_OPENBLAS_CORETYPE") === "keep") return [open(), ""];
  const set = env("OPENBLAS_CORETYPE");
  if (set !== undefined) {
    // The user's choice stands; say when it leaves the CPU's AVX-512 unused.
    const note = !AVX512_CORES.test(set) && amdAvx512(D)
      ? `OPENBLAS_CORETYPE=${set} is set: this CPU has AVX-512, unset it for OpenBLAS's ` +
        "SkylakeX kernels (about 2x the sgemm speed)"
      : "";
    return [open(), note];
  }
  if (!amdAvx512(D)) return [open(), ""];
  try {
    D.env.set("OPENBLAS_CORETYPE", "SkylakeX");
  } catch {
    return [open(), ""]; // no --allow-env
  }
  try {
    return [open(), "OPENBLAS_CORETYPE=SkylakeX at load (AVX-512 AMD CPU)"];
  } finally {
    D.env.delete("OPENBLAS_CORETYPE");
  }
}
