/**
 * Our matmul throughput, float32 (sgemm) and float64 (dgemm), on square matrices. Run in
 * process by matmul.ts for the BLAS path, and as a subprocess with GRADIENTE_BLAS=off (and
 * GRADIENTE_WASM=off) for the no-BLAS kernels: `deno run ... bench/matmul_ours.ts 512:float32
 * [--quick]` prints JSON.
 */
import { type CpuMatmulInfo, cpuMatmulInfo, type DType, manualSeed, randn } from "gradiente";
import { callsToFill, secondsPerCall } from "./measure.ts";

export interface MatmulCase {
  n: number;
  dtype: "float32" | "float64";
}

export interface MatmulFigures {
  path: CpuMatmulInfo;
  /** GFLOP/s per case, keyed "n:dtype". */
  gflops: Record<string, number>;
}

export function caseKey(c: MatmulCase): string {
  return `${c.n}:${c.dtype}`;
}

export function measureMatmul(cases: MatmulCase[], quick: boolean): MatmulFigures {
  manualSeed(0);
  const gflops: Record<string, number> = {};
  for (const c of cases) {
    const a = randn([c.n, c.n], { dtype: c.dtype as DType });
    const b = randn([c.n, c.n], { dtype: c.dtype as DType });
    const body = () => void a.matmul(b);
    const inner = callsToFill(body, quick ? 0.05 : 0.25);
    const s = secondsPerCall(body, { warmup: 2, reps: quick ? 3 : 7, inner });
    gflops[caseKey(c)] = (2 * c.n ** 3) / s / 1e9;
  }
  return { path: cpuMatmulInfo(), gflops };
}

if (import.meta.main) {
  const cases = Deno.args.filter((a) => !a.startsWith("--")).map((a) => {
    const [n, dtype] = a.split(":");
    return { n: Number(n), dtype: dtype as MatmulCase["dtype"] };
  });
  console.log(JSON.stringify(measureMatmul(cases, Deno.args.includes("--quick"))));
}
