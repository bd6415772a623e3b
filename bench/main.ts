/**
 * `deno task bench` runs every benchmark side by side with its peers, prints the tables and
 * writes bench/results/<name>.json, latest.json and latest.md; `deno task bench:quick` is the
 * short smoke version (results under bench/results/quick/). Names select benchmarks:
 * `deno task bench matmul xor_manual_loop`.
 */
import {
  type Bench,
  type BenchResult,
  markdownTable,
  peersLine,
  printResult,
  resultsDir,
  runBench,
  saveResult,
  writeAtomic,
} from "./report.ts";
import { describeMachine, type Machine, machineLines } from "./machine.ts";
import { matmul } from "./matmul.ts";
import { conv } from "./conv.ts";
import { opOverhead } from "./op_overhead.ts";
import { xorManualLoop } from "./xor_manual_loop.ts";
import { mnistEpoch } from "./mnist_epoch.ts";
import { lenetEpoch } from "./lenet_epoch.ts";
import { memory } from "./memory.ts";
import { webgpuBench } from "./webgpu.ts";

const BENCHES: Record<string, Bench> = {
  matmul,
  op_overhead: opOverhead,
  xor_manual_loop: xorManualLoop,
  mnist_epoch: mnistEpoch,
  conv,
  lenet_epoch: lenetEpoch,
  memory,
  webgpu: webgpuBench,
};

function markdownReport(machine: Machine, results: BenchResult[], quick: boolean): string {
  const parts = [
    `# gradiente benchmarks${quick ? " (quick smoke run: short workloads, extrapolated)" : ""}`,
    "",
    ...machineLines(machine),
    "",
    "Ratios are ours/peer (lower is better for times and memory, higher for GFLOP/s) or " +
    "peer/ours (how many times faster we are), as each target says.",
  ];
  for (const r of results) {
    parts.push("", `## ${r.title}`, "", markdownTable(r.rows), "", peersLine(r.peers));
    parts.push(...r.notes.map((n) => `- ${n}`));
  }
  return parts.join("\n") + "\n";
}

const quick = Deno.args.includes("--quick");
const names = Deno.args.filter((a) => !a.startsWith("--"));
const unknown = names.filter((n) => !(n in BENCHES));
if (unknown.length) {
  console.error(`unknown benchmark(s) ${unknown.join(", ")}; choose from ${Object.keys(BENCHES)}`);
  Deno.exit(2);
}
const start = performance.now();
const machine = await describeMachine();
console.log(machineLines(machine).join("\n"));
const results: BenchResult[] = [];
for (const name of names.length ? names : Object.keys(BENCHES)) {
  try {
    const result = await runBench(BENCHES[name], { quick });
    printResult(result);
    await saveResult(result);
    results.push(result);
  } catch (e) {
    console.error(`\n## ${name} FAILED\n${e instanceof Error ? e.stack : e}`);
  }
}
const dir = resultsDir(quick);
await writeAtomic(`${dir}latest.json`, JSON.stringify({ machine, quick, results }, null, 2) + "\n");
await writeAtomic(`${dir}latest.md`, markdownReport(machine, results, quick));
const minutes = (performance.now() - start) / 60000;
console.log(`\nwrote ${dir}latest.json and latest.md (${minutes.toFixed(1)} min)`);
