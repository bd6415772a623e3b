/**
 * CBLAS through Deno's FFI: cblas_sgemm / cblas_dgemm from a system library (OpenBLAS,
 * a libcblas, or a libblas that carries the cblas symbols), found lazily on first use.
 * Strided operands map to transpose flags and leading dimensions, so a transposed view
 * costs no copy. Anything missing (not Deno, no --allow-ffi, no library, GRADIENTE_BLAS=off)
 * leaves the WASM or pure-JS kernel in charge (matmul.ts), and `cpuMatmulInfo()` says which.
 */
import type { TypedArray } from "../../core/dtype.ts";
import type { Operand } from "./codegen.ts";
import { env } from "../../core/host.ts";
import { tuneMalloc } from "./malloc.ts";
import { withCoreType } from "./openblas_core.ts";

const CANDIDATES = [
  "libopenblas.so.0",
  "libopenblas.so",
  "libcblas.so.3",
  "libblas.so.3",
  "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
  "/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
  "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
  "/usr/local/opt/openblas/lib/libopenblas.dylib",
  "/System/Library/Frameworks/Accelerate.framework/Accelerate",
];

const GEMM_PARAMS = [
  "i32", // order
  "i32", // transA
  "i32", // transB
  "i32", // M
  "i32", // N
  "i32", // K
  "f32", // alpha (f64 for dgemm)
  "buffer", // A
  "i32", // lda
  "buffer", // B
  "i32", // ldb
  "f32", // beta (f64 for dgemm)
  "buffer", // C
  "i32", // ldc
] as const;

const ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;

type Gemm = (...args: unknown[]) => void;
interface Blas {
  sgemm: Gemm;
  dgemm: Gemm;
  path: string;
  /** What tuneMalloc() did: BLAS is fast enough that fresh output pages dominate otherwise. */
  malloc: string;
  /** OpenBLAS's thread count controls, where the library has them. */
  setThreads?: (n: number) => void;
  getThreads?: () => number;
}

let blas: Blas | null | undefined;
let reason = "not tried yet";

function load(): Blas | null {
  // deno-lint-ignore no-explicit-any
  const D = (globalThis as any).Deno;
  const setting = env("GRADIENTE_BLAS");
  if (setting === "off" || setting === "0") {
    reason = "disabled by GRADIENTE_BLAS=off";
    return null;
  }
  if (!D?.dlopen) {
    reason = "no FFI here (Deno.dlopen is missing: not running on Deno)";
    return null;
  }
  const paths = setting ? [setting] : CANDIDATES;
  const errors: string[] = [];
  for (const path of paths) {
    try {
      const [lib, core] = withCoreType(D, () =>
        D.dlopen(path, {
          cblas_sgemm: { parameters: GEMM_PARAMS, result: "void" },
          cblas_dgemm: {
            parameters: GEMM_PARAMS.map((p) => (p === "f32" ? "f64" : p)),
            result: "void",
          },
          openblas_get_corename: { parameters: [], result: "pointer", optional: true },
          openblas_set_num_threads: { parameters: ["i32"], result: "void", optional: true },
          openblas_get_num_threads: { parameters: [], result: "i32", optional: true },
        }));
      const named = lib.symbols.openblas_get_corename;
      const kernels = named ? ` (OpenBLAS ${D.UnsafePointerView.getCString(named())} kernels)` : "";
      reason = path + kernels;
      const malloc = [core, tuneMalloc()].filter((s) => s).join("; ");
      return {
        sgemm: lib.symbols.cblas_sgemm,
        dgemm: lib.symbols.cblas_dgemm,
        path: path + kernels,
        malloc,
        setThreads: lib.symbols.openblas_set_num_threads ?? undefined,
        getThreads: lib.symbols.openblas_get_num_threads ?? undefined,
      };
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (
        /permission|--allow-ffi|NotCapable|PermissionDenied/i.test(msg) ||
        e?.constructor?.name === "NotCapable"
      ) {
        reason = "FFI not permitted (run with --allow-ffi to use BLAS)";
        return null;
      }
      errors.push(`${path}: ${msg.split("\n")[0]}`);
    }
  }
  reason = `no CBLAS library found (tried ${errors.length} paths; install libopenblas0 or set ` +
    `GRADIENTE_BLAS=/path/to/libopenblas.so)`;
  return null;
}

function getBlas(): Blas | null {
  if (blas === undefined) blas = load();
  return blas;
}

/** The library in use, or null and why none is. */
export function blasStatus(): { path: string | null; reason: string; malloc?: string } {
  const b = getBlas();
  return { path: b?.path ?? null, reason, malloc: b?.malloc };
}

/** @internal Forget the loaded library (tests switch GRADIENTE_BLAS between runs). */
export function resetBlas(): void {
  blas = undefined;
  reason = "not tried yet";
}

/**
 * A [rows, cols] matrix of a batch as CBLAS sees it: row-major with leading dimension ld,
 * transposed or not. Undefined when the strides fit neither (negative, zero or gapped
 * inner strides), and the caller packs a copy.
 */
function layout(
  rs: number,
  cs: number,
  rows: number,
  cols: number,
): { trans: number; ld: number } | undefined {
  if (cs === 1 && (rows <= 1 || rs >= cols)) {
    return { trans: NO_TRANS, ld: rows <= 1 ? Math.max(cols, 1) : rs };
  }
  if (rs === 1 && (cols <= 1 || cs >= rows)) {
    return { trans: TRANS, ld: cols <= 1 ? Math.max(rows, 1) : cs };
  }
  if (rows <= 1 && cs >= 1) return { trans: TRANS, ld: cs };
  if (cols <= 1 && rs >= 1) return { trans: NO_TRANS, ld: rs };
  return undefined;
}

/** A row-major copy of one batch's [rows, cols] matrix, for layouts CBLAS cannot read. */
function pack(x: Operand, batch: number, rows: number, cols: number, out: TypedArray): TypedArray {
  const [bs, rs, cs] = x.strides;
  const off = x.offset + batch * bs;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out[i * cols + j] = x.data[off + i * rs + j * cs];
  }
  return out;
}

/**
 * out[B, M, N] = a[B, M, K] @ b[B, K, N] with CBLAS, when the dtype is float32/float64 and a
 * library is loaded. Returns false to let the WASM or JS kernel do it.
 */
export function blasMatmul(out: TypedArray, a: Operand, b: Operand): boolean {
  const isF32 = out instanceof Float32Array, isF64 = out instanceof Float64Array;
  if (!isF32 && !isF64) return false;
  const lib = getBlas();
  if (!lib) return false;
  const [B, M, K] = a.shape;
  const N = b.shape[2];
  if (M === 0 || N === 0) return true;
  if (K === 0) return true; // out is already zeros
  const la = layout(a.strides[1], a.strides[2], M, K);
  const lb = layout(b.strides[1], b.strides[2], K, N);
  const ctor = out.constructor as new (n: number) => TypedArray;
  const scratchA = la ? undefined : new ctor(M * K), scratchB = lb ? undefined : new ctor(K * N);
  const gemm = isF32 ? lib.sgemm : lib.dgemm;
  // FFI takes a buffer's start, so an offset needs a subarray; most operands start at 0.
  const at = (x: Operand, i: number) => {
    const o = x.offset + i * x.strides[0];
    return o === 0 ? x.data : x.data.subarray(o);
  };
  for (let i = 0; i < B; i++) {
    const A = scratchA ? pack(a, i, M, K, scratchA) : at(a, i);
    const Bm = scratchB ? pack(b, i, K, N, scratchB) : at(b, i);
    const ta = la ?? { trans: NO_TRANS, ld: Math.max(K, 1) };
    const tb = lb ?? { trans: NO_TRANS, ld: Math.max(N, 1) };
    gemm(
      ROW_MAJOR,
      ta.trans,
      tb.trans,
      M,
      N,
      K,
      1,
      A,
      ta.ld,
      Bm,
      tb.ld,
      0,
      i === 0 ? out : out.subarray(i * M * N),
      N,
    );
  }
  return true;
}

/**
 * One raw row-major GEMM, C = A·B + beta·C with offsets and leading dimensions, for kernels
 * that lay out their own operands (the stride-1 convolution). Returns false without a library
 * (or for a dtype CBLAS lacks), and the caller multiplies some other way.
 */
export function blasGemm(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  A: TypedArray,
  aOff: number,
  lda: number,
  B: TypedArray,
  bOff: number,
  ldb: number,
  beta: number,
  C: TypedArray,
  cOff: number,
  ldc: number,
): boolean {
  const isF32 = C instanceof Float32Array;
  if (!isF32 && !(C instanceof Float64Array)) return false;
  const lib = getBlas();
  if (!lib) return false;
  if (M === 0 || N === 0) return true;
  const sub = (x: TypedArray, o: number) => (o === 0 ? x : x.subarray(o));
  (isF32 ? lib.sgemm : lib.dgemm)(
    ROW_MAJOR,
    transA ? TRANS : NO_TRANS,
    transB ? TRANS : NO_TRANS,
    M,
    N,
    K,
    1,
    sub(A, aOff),
    Math.max(lda, 1),
    sub(B, bOff),
    Math.max(ldb, 1),
    beta,
    sub(C, cOff),
    Math.max(ldc, 1),
  );
  return true;
}

/**
 * Would run fn with OpenBLAS on one thread, for a run of small GEMMs (LeNet's conv layers ran
 * 5-8× faster that way on a loaded 2-core machine). Disabled: toggling
 * openblas_set_num_threads in Debian's OpenBLAS 0.3.21 was followed by a glibc "double free or
 * corruption" abort at process exit in CI (after every test had passed). Runs fn as is until
 * that is understood.
 */
export function blasSingleThreaded<T>(fn: () => T): T {
  return fn();
}
