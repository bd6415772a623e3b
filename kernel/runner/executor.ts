/**
 * Runs a notebook top to bottom in a fresh kernel (cwd = the notebook's directory), records
 * each code cell's outputs and execution_count, and writes the notebook back. Every cell runs
 * even after an error, as long as the kernel lives; errors are collected as failures unless
 * the cell is tagged `raises-exception` (nbclient's convention for cells meant to fail).
 */
import { basename, dirname, join, resolve } from "node:path";
import { DISPLAY_NAME, findKernelSpec, KERNEL_NAME } from "../kernelspec.ts";
import { InterruptFailedError, KernelClient, KernelDiedError } from "./client.ts";
import type { Message } from "./messages.ts";
import { type Cell, type Notebook, readNotebook, writeNotebook } from "./nbformat.ts";
import { type Output, OutputCollector } from "./outputs.ts";
import { ASYNC_ERROR_MIME, preludeCode } from "./prelude.ts";
import { FLUSH_PREFIX, flushCode, StreamRouter } from "./streams.ts";

export interface RunOptions {
  /** Per-cell timeout in seconds (default 120); the cell is interrupted when it runs out. */
  timeout?: number;
  /** The kernelspec to start (default "gradiente"; without one, `deno jupyter --kernel`). */
  kernelName?: string;
  /** Write the executed notebook here instead of over the input (a directory). */
  outputDir?: string;
  /** Stream characters kept per cell (default 1,000,000); the rest is replaced by a note. */
  maxOutput?: number;
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
  /** Cells whose stream output was cut at `maxOutput` characters (a note says so). */
  truncated: { index: number; id: string; dropped: number }[];
  /** How the kernel was started ("kernelspec gradiente (<dir>)" or the fallback). */
  kernel: string;
}

/** The cell's output did not come through the kernel's pipes in time (see streams.ts). */
export class OutputLostError extends Error {}

const DEFAULT_MAX_OUTPUT = 1_000_000;

export async function runNotebook(path: string, options: RunOptions = {}): Promise<NotebookResult> {
  const started = performance.now();
  const timeoutMs = (options.timeout ?? 120) * 1000;
  const maxOutput = options.maxOutput ?? DEFAULT_MAX_OUTPUT;
  const kernelName = options.kernelName ?? KERNEL_NAME;
  const nb = await readNotebook(path);
  const found = await findKernelSpec(kernelName);
  if (!found && kernelName !== KERNEL_NAME) throw new Error(`no kernelspec named "${kernelName}"`);
  const outputs = new OutputCollector();
  const code = nb.cells.map((c, i) => ({ c, i })).filter(({ c }) => c.cell_type === "code");

  // The prelude and the flush markers are Deno code (Deno.jupyter.broadcast); other kernels
  // (tslab) get streams routed to the running cell as they arrive.
  const denoKernel = kernelName === KERNEL_NAME ||
    (found?.spec.argv ?? []).some((a) => /(^|\/)deno$/.test(a));
  const client = await KernelClient.start({
    spec: found?.spec ?? null,
    kernelName,
    cwd: dirname(resolve(path)),
  });
  const replies = new Map<number, Record<string, unknown>>();
  // Cells that did not run (the kernel died first) keep the outputs they had.
  const ran = new Set<number>();
  const interrupted = new Set<number>();
  const streamed = new Map<number, number>();
  const dropped = new Map<number, number>();
  const sinkFor = (i: number) => (name: string, text: string) => {
    const used = streamed.get(i) ?? 0;
    streamed.set(i, used + text.length);
    const room = Math.max(0, maxOutput - used);
    if (text.length > room) {
      dropped.set(i, (dropped.get(i) ?? 0) + text.length - room);
      text = text.slice(0, room);
    }
    if (text) outputs.push(i, { output_type: "stream", name, text });
  };
  const router = new StreamRouter(sinkFor(code[0]?.i ?? 0));
  client.onAnyIopub = (msg) => {
    const c = msg.content as Record<string, unknown>;
    if (msg.header.msg_type === "stream") router.feed(String(c.name), String(c.text));
    const error = asyncError(msg);
    // Interrupting a cell rejects a promise of Deno's with null: that is not the cell's error.
    const byInterrupt = error?.reason === "null" && interrupted.has(error.cell);
    if (error && ran.has(error.cell) && !byInterrupt) outputs.push(error.cell, error.output);
  };
  const onIopub = (i: number) => (msg: Message) => {
    if (msg.header.msg_type !== "stream" && !asyncError(msg)) outputs.handle(i, msg);
  };
  let fatal: Error | null = null;
  let current = -1;
  try {
    const runnable = code.filter(({ c }) => c.source.trim() !== "");
    if (runnable.length > 0 && denoKernel) {
      await client.execute(preludeCode(runnable[0].i), {
        timeoutMs,
        silent: true,
        onIopub: onIopub(runnable[0].i),
      });
    }
    for (const { c, i } of code) {
      ran.add(i);
      c.execution_count = null;
      if (c.source.trim() === "") continue;
      current = i;
      router.sink = sinkFor(i);
      const cellError = (ename: string, evalue: string, hint = "") => {
        outputs.push(i, {
          output_type: "error",
          ename,
          evalue,
          traceback: [`${ename}: ${evalue}${hint}`],
        });
      };
      const timeoutError = (what: string, hint = " (runner option --timeout)") =>
        cellError("TimeoutError", `the cell ran longer than ${timeoutMs / 1000} s; ${what}`, hint);
      try {
        const { reply, timedOut } = await client.execute(c.source, {
          timeoutMs,
          onIopub: onIopub(i),
        });
        replies.set(i, reply);
        if (typeof reply.execution_count === "number") c.execution_count = reply.execution_count;
        if (timedOut) {
          interrupted.add(i);
          timeoutError("it was interrupted (interrupt_request)");
        }
        const next = runnable.find((r) => r.i > i)?.i ?? i;
        if (denoKernel) await flush(client, router, next, timeoutMs, onIopub(i));
      } catch (e) {
        if (e instanceof InterruptFailedError) {
          interrupted.add(i);
          timeoutError(
            "interrupt_request did not stop it (Deno's kernel interrupts running JavaScript, " +
              "not a pending await), so the kernel was stopped",
          );
        } else if (e instanceof KernelDiedError) {
          cellError("KernelDiedError", `the kernel died while this cell ran: ${e.message}`);
        } else if (e instanceof OutputLostError) {
          cellError("OutputLostError", e.message, " (runner option --timeout)");
        } else {
          cellError((e as Error).constructor.name, (e as Error).message);
        }
        throw e;
      }
    }
    await client.drain();
  } catch (e) {
    fatal = e as Error;
    client.kill();
  }
  if (fatal) await client.process.exited;
  else await client.shutdown();
  router.release();

  const done = code.filter(({ i }) => ran.has(i));
  for (const { i } of done) {
    const n = dropped.get(i);
    if (!n) continue;
    outputs.push(i, {
      output_type: "stream",
      name: "stderr",
      text: `\n[output truncated by the notebook runner: ${n} more characters not shown ` +
        `(limit ${maxOutput} per cell, option --max-output)]\n`,
    });
  }
  const failures = finishCells(done, outputs, replies);
  if (fatal) {
    const skipped = code.filter(({ c, i }) => i > current && c.source.trim() !== "").length;
    failures.push({
      index: -1,
      id: "",
      ename: fatal.constructor.name,
      evalue: `${fatal.message}; ${skipped} later code cell(s) not run (they keep their outputs)`,
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
    truncated: done.filter(({ i }) => dropped.has(i)).map(({ c, i }) => ({
      index: i,
      id: c.id,
      dropped: dropped.get(i)!,
    })),
    kernel: found
      ? `kernelspec ${kernelName} (${found.dir})`
      : `${Deno.execPath()} jupyter --kernel`,
  };
}

/**
 * Waits until everything the cell wrote to stdout and stderr has arrived: a marker printed
 * after it on both pipes (streams.ts). Past `timeoutMs` the output is declared lost (a single
 * line of tens of MB stalls Deno's kernel for good).
 */
async function flush(
  client: KernelClient,
  router: StreamRouter,
  nextCell: number,
  timeoutMs: number,
  // Deno labels a cell's late messages (a timer's display update) with the latest request.
  onIopub: (msg: Message) => void,
): Promise<void> {
  const marker = FLUSH_PREFIX + crypto.randomUUID();
  const flushed = router.expect(marker);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() =>
      reject(
        new OutputLostError(
          `the kernel did not deliver the cell's output within ${timeoutMs / 1000} s of its ` +
            `end (Deno's kernel forwards about 15,000 lines/s and stalls on a line of many MB); ` +
            `the kernel was stopped`,
        ),
      ), timeoutMs);
  });
  try {
    await Promise.race([
      client.execute(flushCode(marker, nextCell), {
        timeoutMs,
        silent: true,
        onIopub,
      }).then(() => flushed),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The error a prelude listener published (prelude.ts), as an output for its cell. */
function asyncError(msg: Message): { cell: number; reason: string; output: Output } | null {
  if (msg.header.msg_type !== "display_data") return null;
  const data = (msg.content.data ?? {}) as Record<string, unknown>;
  const e = data[ASYNC_ERROR_MIME] as Record<string, unknown> | undefined;
  if (!e || typeof e !== "object") return null;
  const ename = String(e.ename ?? "Error");
  const evalue = `${String(e.evalue ?? "")} (${String(e.kind)}, raised asynchronously)`;
  // Deno's own frames (ext:) and the prelude's timer wrapper say nothing about the cell.
  const stack = String(e.stack ?? "").split("\n").slice(1).filter((l) =>
    !l.includes("(ext:") && !l.includes("_onTimeout")
  );
  return {
    cell: Number(e.cell),
    reason: String(e.evalue),
    output: {
      output_type: "error",
      ename,
      evalue,
      traceback: [`Uncaught ${ename}: ${evalue}`, ...stack],
    },
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
