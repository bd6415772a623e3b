/**
 * `deno task notebooks [options] [paths...]`: executes notebooks headlessly through the real
 * kernel and writes their outputs back. One line per notebook; exits 1 when any cell failed.
 */
import { join } from "node:path";
import { type NotebookResult, runNotebook } from "./executor.ts";

const USAGE = `Usage: deno task notebooks [--timeout=SECONDS] [--kernel=NAME] [--output-dir=DIR]
                            [--max-output=CHARS] [paths...]

Runs each notebook (default: notebooks/*.ipynb) in a fresh kernel started in the notebook's
directory and writes the outputs into it (or into DIR). Exits 1 if any cell fails.
  --timeout=SECONDS  per-cell limit; the cell is interrupted (default 120)
  --kernel=NAME      kernelspec to start (default gradiente; falls back to deno jupyter --kernel)
  --output-dir=DIR   write executed notebooks to DIR instead of over the inputs
  --max-output=CHARS stream output kept per cell (default 1000000); the rest is replaced by a
                     visible "output truncated" note`;

interface Args {
  paths: string[];
  timeout?: number;
  kernelName?: string;
  outputDir?: string;
  maxOutput?: number;
  help: boolean;
}

export function parseArgs(argv: string[]): Args {
  const args: Args = { paths: [], help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith("--") && a.includes("=")
      ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]
      : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === "--help" || flag === "-h") args.help = true;
    else if (flag === "--timeout") {
      args.timeout = Number(value());
      if (!(args.timeout > 0)) throw new Error(`--timeout must be a positive number of seconds`);
    } else if (flag === "--kernel") args.kernelName = value();
    else if (flag === "--output-dir") args.outputDir = value();
    else if (flag === "--max-output") {
      args.maxOutput = Number(value());
      if (!(Number.isInteger(args.maxOutput) && args.maxOutput >= 0)) {
        throw new Error(`--max-output must be a whole number of characters`);
      }
    } else if (a.startsWith("-")) throw new Error(`unknown option ${a}`);
    else args.paths.push(a);
  }
  return args;
}

async function defaultPaths(): Promise<string[]> {
  const paths: string[] = [];
  try {
    for await (const e of Deno.readDir("notebooks")) {
      if (e.isFile && e.name.endsWith(".ipynb")) paths.push(join("notebooks", e.name));
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return paths.sort();
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

function report(r: NotebookResult, plain: boolean): string {
  const clean = (s: string) => plain ? s.replace(ANSI, "") : s;
  const cut = r.truncated.length;
  const status = r.failures.length > 0
    ? "FAILED"
    : cut > 0
    ? `OK (output truncated in ${cut} cell${cut > 1 ? "s" : ""})`
    : "OK";
  const lines = [
    `${r.path}  ${r.codeCells} code cells  ${r.seconds.toFixed(1)} s  ${status}` +
    (r.written !== r.path ? `  -> ${r.written}` : ""),
  ];
  for (const t of r.truncated) {
    lines.push(
      `  cell ${t.index}${t.id ? ` (id ${t.id})` : ""}: output truncated, ${t.dropped} ` +
        `characters not kept (--max-output)`,
    );
  }
  for (const f of r.failures) {
    const where = f.index >= 0 ? `cell ${f.index}${f.id ? ` (id ${f.id})` : ""}` : "notebook";
    // Deno's tracebacks start with "Name: message"; print that line only once.
    const trace = f.traceback.flatMap((t) => clean(t).split("\n"));
    if (!trace[0]?.includes(clean(f.evalue))) trace.unshift(`${f.ename}: ${clean(f.evalue)}`);
    lines.push(`  ${where}: ${trace[0]}`, ...trace.slice(1).map((line) => `  ${line}`));
  }
  return lines.join("\n");
}

export async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const paths = args.paths.length > 0 ? args.paths : await defaultPaths();
  if (paths.length === 0) {
    console.log("no notebooks to run (notebooks/*.ipynb is empty)");
    return 0;
  }
  if (args.outputDir) await Deno.mkdir(args.outputDir, { recursive: true });
  const plain = !Deno.stdout.isTerminal();
  let failed = 0;
  for (const path of paths) {
    try {
      const r = await runNotebook(path, args);
      if (r.failures.length > 0) failed++;
      console.log(report(r, plain));
    } catch (e) {
      failed++;
      console.log(`${path}  FAILED\n  ${(e as Error).message.replaceAll("\n", "\n  ")}`);
    }
  }
  if (paths.length > 1) console.log(`${paths.length - failed}/${paths.length} notebooks OK`);
  return failed > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
