/**
 * Peers and isolated runs of ours as subprocesses that print one JSON object as their last
 * line of output. A peer that is not installed reports `{"skipped": "why"}` (or Python itself
 * is missing), which comes back as a reason instead of a value.
 */
import { fileURLToPath } from "node:url";

/**
 * Debian's Python, which has torch and numpy (a pyenv python3 first on PATH may not);
 * BENCH_PYTHON picks another.
 */
export const PYTHON = Deno.env.get("BENCH_PYTHON") ?? "/usr/bin/python3";

export const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));

/** What our Deno subprocesses may do: read data, env and /proc, and call BLAS. */
const DENO_PERMISSIONS = ["--allow-read", "--allow-env", "--allow-ffi", "--allow-sys"];

export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

async function runJson<T>(
  label: string,
  command: string,
  args: string[],
  env?: Record<string, string>,
): Promise<Outcome<T>> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(command, { args, env, cwd: REPO_ROOT, stdin: "null" }).output();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { ok: false, reason: `${command} not found` };
    throw e;
  }
  const stdout = new TextDecoder().decode(out.stdout).trim();
  const stderr = new TextDecoder().decode(out.stderr).trim();
  if (!out.success) {
    const tail = stderr.split("\n").slice(-6).join("\n");
    return { ok: false, reason: `${label} failed (exit ${out.code}): ${tail}` };
  }
  const last = stdout.split("\n").at(-1) ?? "";
  let value: unknown;
  try {
    value = JSON.parse(last);
  } catch {
    return { ok: false, reason: `${label} printed no JSON: ${last.slice(0, 200)}` };
  }
  const skipped = (value as { skipped?: string }).skipped;
  if (skipped) return { ok: false, reason: skipped };
  return { ok: true, value: value as T };
}

/** Runs bench/peers/<name>.py with Debian's Python. */
export function runPythonPeer<T>(name: string, args: string[] = []): Promise<Outcome<T>> {
  const script = fileURLToPath(new URL(`./peers/${name}.py`, import.meta.url));
  return runJson<T>(`peers/${name}.py`, PYTHON, [script, ...args]);
}

/** Runs a bench/ script in a fresh Deno (own heap, own BLAS setting, own peak RSS). */
export function runDenoScript<T>(
  name: string,
  args: string[] = [],
  env?: Record<string, string>,
): Promise<Outcome<T>> {
  const script = fileURLToPath(new URL(`./${name}`, import.meta.url));
  return runJson<T>(name, Deno.execPath(), ["run", ...DENO_PERMISSIONS, script, ...args], env);
}

/**
 * A Python peer kept running with --serve, answering one JSON line per request line: lets a
 * bench alternate its samples with the peer's instead of timing one after the other.
 */
export class PeerSession {
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #lines: AsyncIterator<string>;

  private constructor(child: Deno.ChildProcess) {
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    this.#lines = child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(lineSplitter())
      [Symbol.asyncIterator]();
  }

  /** Starts bench/peers/<name>.py --serve; a reason instead when Python or the peer is missing. */
  static async start(name: string): Promise<Outcome<PeerSession>> {
    const script = fileURLToPath(new URL(`./peers/${name}.py`, import.meta.url));
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(PYTHON, {
        args: [script, "--serve"],
        cwd: REPO_ROOT,
        stdin: "piped",
        stdout: "piped",
        stderr: "inherit",
      }).spawn();
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return { ok: false, reason: `${PYTHON} not found` };
      throw e;
    }
    const session = new PeerSession(child);
    // A peer without its library prints {"skipped": ...} at once and exits.
    const first = await session.ask<{ skipped?: string }>("version").catch((e) => ({
      skipped: `peers/${name}.py --serve failed: ${e instanceof Error ? e.message : e}`,
    }));
    if (first.skipped) {
      await session.close();
      return { ok: false, reason: first.skipped };
    }
    session.version = (first as { version?: string }).version ?? "?";
    return { ok: true, value: session };
  }

  version = "?";

  async ask<T>(line: string): Promise<T> {
    await this.#writer.write(new TextEncoder().encode(line + "\n"));
    const next = await this.#lines.next();
    if (next.done) throw new Error(`the peer exited before answering "${line}"`);
    return JSON.parse(next.value) as T;
  }

  async close(): Promise<void> {
    await this.#writer.close().catch(() => {});
    await this.#child.status;
  }
}

function lineSplitter(): TransformStream<string, string> {
  let rest = "";
  return new TransformStream({
    transform(chunk, controller) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      for (const p of parts) if (p.trim()) controller.enqueue(p);
    },
    flush(controller) {
      if (rest.trim()) controller.enqueue(rest);
    },
  });
}
