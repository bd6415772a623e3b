/**
 * The machine a run was on, for latest.json and latest.md. Deno lets a script read /proc only
 * with --allow-all, so the CPU model (/proc/cpuinfo's "model name"), cores, memory and load
 * come through node:os and Deno's --allow-sys APIs.
 */
import os from "node:os";
import { cpuMatmulInfo } from "gradiente";
import denoJson from "../deno.json" with { type: "json" };
import { PYTHON, runPythonPeer } from "./subprocess.ts";

export interface Machine {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  /** /proc/loadavg at the start: a busy machine gives noisy figures. */
  loadAverage: string;
  deno: string;
  v8: string;
  gradiente: string;
  matmulPath: string;
  python: string | null;
  numpy: string | null;
  numpyBlas: string | null;
  torch: string | null;
  tfjs: string | null;
}

interface PythonVersions {
  python: string;
  numpy: string | null;
  torch: string | null;
  blas: string | null;
}

export async function describeMachine(): Promise<Machine> {
  const cpus = os.cpus();
  const py = await runPythonPeer<PythonVersions>("versions");
  const path = cpuMatmulInfo();
  const tfjs = /@tensorflow\/tfjs@([\w.-]+)/.exec(denoJson.imports["@tensorflow/tfjs"])?.[1];
  return {
    date: new Date().toISOString(),
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length || navigator.hardwareConcurrency,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30 * 10) / 10,
    os: `${Deno.build.os} ${Deno.build.arch} ${Deno.osRelease()}`,
    loadAverage: Deno.loadavg().map((x) => x.toFixed(2)).join(" "),
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    gradiente: denoJson.version,
    matmulPath: `${path.kind} (${path.detail})`,
    python: py.ok ? py.value.python : null,
    numpy: py.ok ? py.value.numpy : null,
    numpyBlas: py.ok ? py.value.blas : null,
    torch: py.ok ? py.value.torch : null,
    tfjs: tfjs ?? null,
  };
}

export function machineLines(m: Machine): string[] {
  const v = (x: string | null) => x ?? "not installed";
  return [
    `- date: ${m.date}`,
    `- CPU: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM; ${m.os}`,
    `- load average at start: ${m.loadAverage}`,
    `- Deno ${m.deno} (V8 ${m.v8}); gradiente ${m.gradiente}, matmul path ${m.matmulPath}`,
    m.python
      ? `- ${PYTHON} (Python ${m.python}): NumPy ${v(m.numpy)} (BLAS: ${
        m.numpyBlas ?? "unknown"
      }), ` +
        `PyTorch ${v(m.torch)}; TensorFlow.js ${v(m.tfjs)}`
      : `- ${PYTHON} not found: no Python peers; TensorFlow.js ${v(m.tfjs)}`,
  ];
}
