/**
 * Runs a notebook top to bottom in a fresh kernel (cwd = the notebook's directory), records
 * each code cell's outputs and execution_count, and writes the notebook back. Every cell runs
 * even after an error, as long as the kernel lives; errors are collected as failures unless
 * the cell is tagged `raises-exception` (nbclient's convention for cells meant to fail).
 */
import { basename, dirname, join, resolve } from "node:path";
import { DISPLAY_NAME, findKernelSpec, KERNEL_NAME } from "../kernelspec.ts";
import { InterruptFailedError, KernelClient } from "./client.ts";
import { type Cell, type Notebook, readNotebook, writeNotebook } from "./nbformat.ts";
import { OutputCollector } from "./outputs.ts";

export interface RunOptions {
  /** Per-cell timeout in seconds (default 120); the cell is interrupted when it runs out. */
  timeout?: number;
  /** The kernelspec to start (default "gradiente"; without one, `deno jupyter --kernel`). */
  kernelName?: string;
  /** Write the executed notebook here instead of over the input (a directory). */
  outputDir?: string;
}

export interface CellFailure {
  /** Index of the cell in the notebook (markdown cells count). */
  index: number;
  id: string;
  ename: string;
  evalue: string;
  traceback: string[];
}

export interface NotebookResult {
  path: string;
  written: string;
  codeCells: number;
  seconds: number;
  failures: CellFailure[];
  /** How the kernel was started ("kernelspec gradiente (<dir>)" or the fallback). */
  kernel: string;
}

export async function runNotebook(path: string, options: RunOptions = {}): Promise<NotebookResult> {
  const started = performance.now();
  const timeoutMs = (options.timeout ?? 120) * 1000;
  const kernelName = options.kernelName ?? KERNEL_NAME;
  const nb = await readNotebook(path);
  const found = await findKernelSpec(kernelName);
  if (!found && kernelName !== KERNEL_NAME) throw new Error(`no kernelspec named "${kernelName}"`);
  const outputs = new OutputCollector();
  const code = nb.cells.map((c, i) => ({ c, i })).filter(({ c }) => c.cell_type === "code");
  for (const { c } of code) {
    c.outputs = [];
    c.execution_count = null;
  }

  const client = await KernelClient.start({
    spec: found?.spec ?? null,
    kernelName,
    cwd: dirname(resolve(path)),
  });
  const replies = new Map<number, Record<string, unknown>>();
  let fatal: Error | null = null;
  let current = -1;
  try {
    for (const { c, i } of code) {
      if (c.source.trim() === "") continue;
      current = i;
      const timeoutError = (what: string) => {
        const evalue = `the cell ran longer than ${timeoutMs / 1000} s; ${what}`;
        outputs.push(i, {
          output_type: "error",
          ename: "TimeoutError",
          evalue,
          traceback: [`TimeoutError: ${evalue} (runner option --timeout)`],
        });
      };
      let outcome;
      try {
        outcome = await client.execute(c.source, {
          timeoutMs,
          onIopub: (msg) => outputs.handle(i, msg),
        });
      } catch (e) {
        if (e instanceof InterruptFailedError) {
          timeoutError(
            "interrupt_request did not stop it (Deno's kernel interrupts running JavaScript, " +
              "not a pending await), so the kernel was stopped",
          );
        }
        throw e;
      }
      const { reply, timedOut } = outcome;
      replies.set(i, reply);
      if (typeof reply.execution_count === "number") c.execution_count = reply.execution_count;
      if (timedOut) timeoutError("it was interrupted (interrupt_request)");
    }
    await client.drain();
  } catch (e) {
    fatal = e as Error;
    client.kill();
  }
  if (fatal) await client.process.exited;
  else await client.shutdown();

  const failures = finishCells(code, outputs, replies);
  if (fatal) {
    const skipped = code.filter(({ c, i }) => i > current && c.source.trim() !== "").length;
    failures.push({
      index: -1,
      id: "",
      ename: fatal.constructor.name,
      evalue: `${fatal.message}; ${skipped} later code cell(s) not run`,
      traceback: [],
    });
  }
  if (client.rejected.length > 0) {
    failures.push({
      index: -1,
      id: "",
      ename: "ProtocolError",
      evalue: `dropped ${client.rejected.length} message(s): ${
        client.rejected.slice(0, 3).join("; ")
      }`,
      traceback: [],
    });
  }

  setKernelMetadata(nb, kernelName, found?.spec.display_name, client.kernelInfo);
  const written = options.outputDir ? join(options.outputDir, basename(path)) : path;
  await writeNotebook(written, nb);
  return {
    path,
    written,
    codeCells: code.length,
    seconds: (performance.now() - started) / 1000,
    failures,
    kernel: found
      ? `kernelspec ${kernelName} (${found.dir})`
      : `${Deno.execPath()} jupyter --kernel`,
  };
}

/**
 * Moves the collected outputs into the cells, adds errors the kernel only put in its reply
 * (Deno does so for an interrupted cell), and lists the error outputs as failures, except in
 * cells tagged `raises-exception`.
 */
function finishCells(
  code: { c: Cell; i: number }[],
  outputs: OutputCollector,
  replies: Map<number, Record<string, unknown>>,
): CellFailure[] {
  const failures: CellFailure[] = [];
  for (const { c, i } of code) {
    c.outputs = outputs.outputs(i);
    const reply = replies.get(i);
    if (reply?.status === "error" && !c.outputs.some((o) => o.output_type === "error")) {
      outputs.push(i, {
        output_type: "error",
        ename: String(reply.ename ?? "Error"),
        evalue: String(reply.evalue ?? ""),
        traceback: Array.isArray(reply.traceback) ? reply.traceback.map(String) : [],
      });
    }
    if (((c.metadata.tags ?? []) as string[]).includes("raises-exception")) continue;
    for (const o of c.outputs) {
      if (o.output_type !== "error") continue;
      failures.push({
        index: i,
        id: c.id,
        ename: o.ename,
        evalue: o.evalue,
        traceback: o.traceback,
      });
    }
  }
  return failures;
}

function setKernelMetadata(
  nb: Notebook,
  name: string,
  displayName: string | undefined,
  info: Record<string, unknown>,
): void {
  nb.metadata.kernelspec = {
    display_name: displayName ?? (name === KERNEL_NAME ? DISPLAY_NAME : name),
    language: "typescript",
    name,
  };
  if (info.language_info) nb.metadata.language_info = info.language_info;
}
