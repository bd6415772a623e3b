/**
 * Benchmark 1, matmul: sgemm and dgemm GFLOP/s at 256², 512², 1024², ours on the BLAS path vs
 * NumPy on OpenBLAS (target ≥ 0.9× NumPy); and our no-BLAS kernel (WebAssembly SIMD where the
 * runtime has it, else pure JS) at 512² in a subprocess with GRADIENTE_BLAS=off (target ≥ 5
 * GFLOP/s), beside the pure-JS fallback (GRADIENTE_BLAS=off GRADIENTE_WASM=off) for reference.
 */
import { type Bench, type Row, runStandalone } from "./report.ts";
import { cpuMatmulInfo, manualSeed, matmul as mm, randn, zeros } from "gradiente";
import { caseKey, type MatmulCase, type MatmulFigures } from "./matmul_ours.ts";
import { type Outcome, PeerSession, runDenoScript } from "./subprocess.ts";
import { callsToFill, median, secondsPerCall } from "./measure.ts";

interface NumpyFigures {
  version: string;
  gflops: Record<string, number>;
}

const BLAS_NAME = { float32: "sgemm", float64: "dgemm" } as const;

/**
 * Ours in this process and NumPy in a resident one, one timed sample each in turn, case by
 * case: a burst of load from elsewhere then lands on both sides instead of on one.
 */
async function interleaved(
  cases: MatmulCase[],
  quick: boolean,
  mode: "alloc" | "out",
): Promise<{ ours: MatmulFigures; numpy: Outcome<NumpyFigures> }> {
  const peer = await PeerSession.start("matmul");
  const fill = quick ? 0.05 : 0.25, rounds = quick ? 3 : 7;
  manualSeed(0);
  const oursSamples: Record<string, number[]> = {}, peerSamples: Record<string, number[]> = {};
  try {
    for (const c of cases) {
      const key = caseKey(c);
      const a = randn([c.n, c.n], { dtype: c.dtype }), b = randn([c.n, c.n], { dtype: c.dtype });
      // "out": both sides write into a preallocated result (np.matmul(a, b, out=c)), which
      // takes allocating the output, and the allocator's behaviour, out of the comparison.
      const c0 = zeros([c.n, c.n], { dtype: c.dtype });
      const body = mode === "alloc" ? () => void a.matmul(b) : () => void mm(a, b, { out: c0 });
      const inner = callsToFill(body, fill);
      for (let i = 0; i < 2; i++) body(); // warm-up
      const peerInner = peer.ok
        ? (await peer.value.ask<{ inner: number }>(`fill ${key} ${fill} ${mode}`)).inner
        : 0;
      for (let r = 0; r < rounds; r++) {
        (oursSamples[key] ??= []).push(secondsPerCall(body, { warmup: 0, reps: 1, inner }));
        if (peer.ok) {
          const s = await peer.value.ask<{ seconds: number }>(
            `time ${key} ${peerInner} ${mode}`,
          );
          (peerSamples[key] ??= []).push(s.seconds);
        }
      }
    }
  } finally {
    if (peer.ok) await peer.value.close();
  }
  const gflops = (c: MatmulCase, samples: number[]) => (2 * c.n ** 3) / median(samples) / 1e9;
  return {
    ours: {
      path: cpuMatmulInfo(),
      gflops: Object.fromEntries(
        cases.map((c) => [caseKey(c), gflops(c, oursSamples[caseKey(c)])]),
      ),
    },
    numpy: peer.ok
      ? {
        ok: true,
        value: {
          version: peer.value.version,
          gflops: Object.fromEntries(
            cases.map((c) => [caseKey(c), gflops(c, peerSamples[caseKey(c)])]),
          ),
        },
      }
      : peer,
  };
}

export const matmul: Bench = async ({ quick }) => {
  const sizes = quick ? [256, 512] : [256, 512, 1024];
  const cases: MatmulCase[] = (["float32", "float64"] as const).flatMap((dtype) =>
    sizes.map((n) => ({ n, dtype }))
  );
  const jsCases: MatmulCase[] = [{ n: 512, dtype: "float32" }, { n: 512, dtype: "float64" }];
  const notes: string[] = [];

  const { ours, numpy } = await interleaved(cases, quick, "alloc");
  const outRun = await interleaved(cases, quick, "out");
  notes.push(`ours: matmul path ${ours.path.kind} (${ours.path.detail})`);
  notes.push(
    "ours and NumPy (a resident peer process) alternate sample by sample, so load on the " +
      "machine falls on both alike; figures are medians of the samples",
  );
  if (!numpy.ok) notes.push(`NumPy skipped: ${numpy.reason}`);
  const js = await runDenoScript<MatmulFigures>(
    "matmul_ours.ts",
    [...jsCases.map(caseKey), ...(quick ? ["--quick"] : [])],
    { GRADIENTE_BLAS: "off" },
  );
  if (!js.ok) notes.push(`no-BLAS kernel run failed: ${js.reason}`);
  else {notes.push(
      `no-BLAS subprocess: matmul path ${js.value.path.kind} (${js.value.path.detail})`,
    );}
  const pureJs = await runDenoScript<MatmulFigures>(
    "matmul_ours.ts",
    [caseKey(jsCases[0]), ...(quick ? ["--quick"] : [])],
    { GRADIENTE_BLAS: "off", GRADIENTE_WASM: "off" },
  );
  if (!pureJs.ok) notes.push(`pure-JS kernel run failed: ${pureJs.reason}`);
  else notes.push(`pure-JS subprocess: matmul path ${pureJs.value.path.kind}`);

  const peerName = numpy.ok ? `NumPy ${numpy.value.version}` : "NumPy (skipped)";
  const label = ours.path.kind === "blas" ? "" : " [BLAS path NOT active]";
  const rows: Row[] = cases.map((c) => ({
    measure: `${BLAS_NAME[c.dtype]} ${c.n}²${label}`,
    unit: "GFLOP/s",
    ours: ours.gflops[caseKey(c)],
    peer: numpy.ok ? numpy.value.gflops[caseKey(c)] ?? null : null,
    peerName,
    target: { on: "ours/peer", op: "≥", value: 0.9 },
  }));
  const outPeer = outRun.numpy;
  for (const c of cases) {
    const o = outRun.ours.gflops[caseKey(c)];
    const p = outPeer.ok ? outPeer.value.gflops[caseKey(c)] ?? null : null;
    rows.push({
      measure: `${BLAS_NAME[c.dtype]} ${c.n}² into out= (no allocation, both sides)${label}`,
      unit: "GFLOP/s",
      ours: o,
      peer: p,
      peerName,
      note: p ? `ours/peer = ${(o / p).toFixed(2)}` : undefined,
    });
  }
  notes.push(
    "out= rows: matmul(a, b, { out }) vs np.matmul(a, b, out=c), the same BLAS call with " +
      "the result's allocation taken out; the gap between them and the rows above is the cost " +
      "of allocating a fresh zero-filled output (V8 ArrayBuffer) per call",
  );
  const noBlas = js.ok ? js.value.path.kind : "no-BLAS";
  for (const c of jsCases) {
    rows.push({
      measure: `no-BLAS kernel (${noBlas}) ${BLAS_NAME[c.dtype]} ${c.n}²`,
      unit: "GFLOP/s",
      ours: js.ok ? js.value.gflops[caseKey(c)] : null,
      peer: null,
      peerName: "–",
      note: "GRADIENTE_BLAS=off",
      target: c.dtype === "float32" ? { on: "ours", op: "≥", value: 5 } : undefined,
    });
  }
  rows.push({
    measure: `pure-JS fallback sgemm ${jsCases[0].n}²`,
    unit: "GFLOP/s",
    ours: pureJs.ok ? pureJs.value.gflops[caseKey(jsCases[0])] : null,
    peer: null,
    peerName: "–",
    note: "GRADIENTE_BLAS=off GRADIENTE_WASM=off",
  });
  return {
    name: "matmul",
    title: "matmul throughput (GFLOP/s, higher is better)",
    rows,
    peers: { NumPy: numpy.ok ? numpy.value.version : null },
    notes,
  };
};

if (import.meta.main) await runStandalone(matmul);
