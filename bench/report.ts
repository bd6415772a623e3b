/**
 * What every benchmark returns and how it is shown: a table of rows (our figure, the peer's,
 * the ratio with its target), printed to the console and written as JSON under
 * bench/results/ (bench/results/quick/ for `--quick` runs, which are not kept in git).
 */
import { fileURLToPath } from "node:url";

/** The ratio a target is on: ours/peer, peer/ours, or our figure alone (no peer). */
export type RatioKind = "ours/peer" | "peer/ours" | "ours";

export interface Target {
  on: RatioKind;
  op: "≥" | "≤";
  value: number;
}

export interface Row {
  /** What is measured, e.g. "sgemm 512²". */
  measure: string;
  /** The unit of ours and peer: "GFLOP/s", "µs/op", "s", "MiB", ... */
  unit: string;
  ours: number | null;
  /** The peer's figure; null when it was skipped or there is none. */
  peer: number | null;
  /** Who the peer is, e.g. "NumPy 1.24.2"; "–" when there is none. */
  peerName: string;
  target?: Target;
  /** How the figures were obtained, when it is not obvious (extrapolated, partial, ...). */
  note?: string;
}

export interface BenchResult {
  name: string;
  title: string;
  rows: Row[];
  /** Peer name -> version, or null when the peer is not installed. */
  peers: Record<string, string | null>;
  /** Lines worth reading with the table: skipped peers, failures, side results. */
  notes: string[];
  /** Raw figures behind the rows, for later analysis (e.g. every MNIST run's numbers). */
  raw?: Record<string, unknown>;
  quick: boolean;
  seconds: number;
}

export interface BenchOptions {
  quick: boolean;
}

export type Bench = (opts: BenchOptions) => Promise<Omit<BenchResult, "quick" | "seconds">>;

/** The value the target is about, or null when a figure is missing. */
export function ratioOf(row: Row): number | null {
  if (!row.target || row.ours === null) return null;
  if (row.target.on === "ours") return row.ours;
  if (row.peer === null || row.peer === 0 || row.ours === 0) return null;
  return row.target.on === "ours/peer" ? row.ours / row.peer : row.peer / row.ours;
}

export function targetMet(row: Row): boolean | null {
  const r = ratioOf(row);
  if (r === null || !row.target) return null;
  return row.target.op === "≥" ? r >= row.target.value : r <= row.target.value;
}

/** Three significant digits, without exponent notation for everyday magnitudes. */
export function fmt(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return "–";
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

const HEADER = ["measure", "unit", "ours", "peer", "peer figure", "ratio", "target", "met"];

function cells(row: Row): string[] {
  const r = ratioOf(row);
  const met = targetMet(row);
  const t = row.target;
  return [
    row.note ? `${row.measure} (${row.note})` : row.measure,
    row.unit,
    fmt(row.ours),
    row.peerName,
    fmt(row.peer),
    t && t.on !== "ours" ? `${t.on} = ${fmt(r)}` : "–",
    t ? `${t.on} ${t.op} ${t.value}` : "–",
    met === null ? "–" : met ? "yes" : "NO",
  ];
}

/** A Markdown table; it reads as well in a terminal as on GitHub. */
export function markdownTable(rows: Row[]): string {
  const body = rows.map(cells);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...body.map((c) => c[i].length)));
  const line = (c: string[]) => "| " + c.map((x, i) => x.padEnd(widths[i])).join(" | ") + " |";
  return [line(HEADER), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

export function peersLine(peers: Record<string, string | null>): string {
  const parts = Object.entries(peers).map(([name, v]) => `${name} ${v ?? "(not installed)"}`);
  return parts.length ? `peers: ${parts.join(", ")}` : "peers: none";
}

export function printResult(result: BenchResult): void {
  console.log(`\n## ${result.title}${result.quick ? " (quick)" : ""}\n`);
  console.log(markdownTable(result.rows));
  console.log(`\n${peersLine(result.peers)}`);
  for (const note of result.notes) console.log(`- ${note}`);
  console.log(`(${result.seconds.toFixed(1)} s)`);
}

/** bench/results/, or bench/results/quick/ for quick runs. */
export function resultsDir(quick: boolean): string {
  return fileURLToPath(new URL(quick ? "./results/quick/" : "./results/", import.meta.url));
}

/** Writes through a temp file and a rename, so a result file is never half-written. */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const dir = path.slice(0, path.lastIndexOf("/"));
  await Deno.mkdir(dir, { recursive: true });
  const tmp = `${path}.tmp`;
  await Deno.writeTextFile(tmp, text);
  await Deno.rename(tmp, path);
}

export async function saveResult(result: BenchResult): Promise<string> {
  const path = `${resultsDir(result.quick)}${result.name}.json`;
  await writeAtomic(path, JSON.stringify(result, null, 2) + "\n");
  return path;
}

/** Runs one benchmark, timing it and tagging it with the mode. */
export async function runBench(bench: Bench, opts: BenchOptions): Promise<BenchResult> {
  const start = performance.now();
  const partial = await bench(opts);
  return { ...partial, quick: opts.quick, seconds: (performance.now() - start) / 1000 };
}

/** For a benchmark file run on its own: `deno run ... bench/matmul.ts [--quick]`. */
export async function runStandalone(bench: Bench): Promise<void> {
  const result = await runBench(bench, { quick: Deno.args.includes("--quick") });
  printResult(result);
  console.log(`wrote ${await saveResult(result)}`);
}
