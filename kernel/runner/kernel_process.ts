/**
 * Starting a kernel as Jupyter does: a connection file (five free TCP ports on 127.0.0.1 and a
 * random HMAC key), then the kernelspec's argv with `{connection_file}` substituted, run in the
 * notebook's directory so Deno finds the project's deno.json from there.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KernelSpec } from "../kernelspec.ts";

export interface ConnectionInfo {
  transport: "tcp";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: "hmac-sha256";
  kernel_name: string;
}

/** Distinct free ports: all listeners stay open until every port is chosen. */
async function freePorts(n: number, hostname: string): Promise<number[]> {
  const listeners = Array.from({ length: n }, () => Deno.listen({ hostname, port: 0 }));
  try {
    return listeners.map((l) => (l.addr as Deno.NetAddr).port);
  } finally {
    for (const l of listeners) l.close();
    await Promise.resolve();
  }
}

export async function makeConnectionInfo(kernelName: string): Promise<ConnectionInfo> {
  const ip = "127.0.0.1";
  const [shell, iopub, stdin, control, hb] = await freePorts(5, ip);
  const key = Array.from(
    crypto.getRandomValues(new Uint8Array(32)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  return {
    transport: "tcp",
    ip,
    shell_port: shell,
    iopub_port: iopub,
    stdin_port: stdin,
    control_port: control,
    hb_port: hb,
    key,
    signature_scheme: "hmac-sha256",
    kernel_name: kernelName,
  };
}

/**
 * Runs the kernel as its child and ends it when the runner is gone. The runner holds the write
 * end of this shell's stdin: it sends the connection info as one line, then nothing. When the
 * runner exits in any way (kill -9 too) `read` sees end-of-file, the kernel is killed and the
 * connection directory (the HMAC key) removed. The shell makes that directory itself, after
 * it is running, so no moment exists where the key is on disk with nobody to remove it. The
 * kernel gets /dev/null as stdin, so only the runner holds the pipe (fd 3 carries it past
 * sh's rule that a background job's stdin is /dev/null). The shell's own stderr goes to
 * /dev/null once the kernel has the pipe: its "Killed" notice, written to a pipe nobody
 * reads after the runner died, would end it by SIGPIPE before it removed the directory. The
 * kernel's exit status is passed on.
 */
const WATCHDOG = `dir=$1; shift
exec 3<&0
IFS= read -r conn <&3 || exit 70
(umask 077 && mkdir "$dir" && printf '%s\\n' "$conn" > "$dir/connection.json") || exit 71
"$@" </dev/null 3<&- &
k=$!
{ while read -r _; do :; done; kill -9 "$k" 2>/dev/null; } <&3 &
w=$!
exec 3<&- 2>/dev/null
trap '' PIPE
wait "$k"; c=$?
rm -rf "$dir"
kill "$w" 2>/dev/null
exit "$c"`;

const SIGNALS: Record<number, Deno.Signal> = {
  2: "SIGINT",
  6: "SIGABRT",
  9: "SIGKILL",
  11: "SIGSEGV",
  15: "SIGTERM",
};

/** The shell reports a kernel killed by signal n as exit code 128 + n. */
function watchedStatus(status: Deno.CommandStatus): Deno.CommandStatus {
  const signal = SIGNALS[status.code - 128];
  return signal ? { success: false, code: status.code, signal } : status;
}

/** A running kernel process; its output is kept (the tail) to explain a crash. */
export class KernelProcess {
  readonly #child: Deno.ChildProcess;
  readonly #tempDir: string;
  #log = "";
  readonly exited: Promise<Deno.CommandStatus>;
  readonly command: string[];

  /** The watchdog's stdin (see WATCHDOG); null where the kernel runs unwatched. */
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array> | null;

  private constructor(
    child: Deno.ChildProcess,
    tempDir: string,
    command: string[],
    stdin: WritableStreamDefaultWriter<Uint8Array> | null,
  ) {
    this.#child = child;
    this.#stdin = stdin;
    this.#tempDir = tempDir;
    this.command = command;
    const drain = async (stream: ReadableStream<Uint8Array>) => {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        this.#log = (this.#log + chunk).slice(-16384);
      }
    };
    const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
    this.exited = child.status.then(async (status) => {
      if (stdin) {
        await stdin.close().catch(() => {});
        status = watchedStatus(status);
      }
      await drained.catch(() => {});
      await Deno.remove(tempDir, { recursive: true }).catch(() => {});
      return status;
    });
  }

  /**
   * Writes the connection file and starts `spec`'s argv (or `deno jupyter --kernel` when there
   * is no spec) in `cwd`.
   */
  static async start(
    spec: KernelSpec | null,
    info: ConnectionInfo,
    cwd: string,
  ): Promise<KernelProcess> {
    // Windows has no sh: there the kernel runs unwatched (see WATCHDOG).
    const watched = Deno.build.os !== "windows";
    const random = Array.from(
      crypto.getRandomValues(new Uint8Array(8)),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
    const tempDir = watched
      ? join(tmpdir(), `gradiente-kernel-${random}`)
      : await Deno.makeTempDir({ prefix: "gradiente-kernel-" });
    const connectionFile = join(tempDir, "connection.json");
    if (!watched) {
      await Deno.writeTextFile(connectionFile, JSON.stringify(info, null, 1), { mode: 0o600 });
    }
    const argv =
      (spec?.argv ?? [Deno.execPath(), "jupyter", "--kernel", "--conn", "{connection_file}"])
        .map((a) => a.replaceAll("{connection_file}", connectionFile));
    const command = watched ? ["/bin/sh", "-c", WATCHDOG, "watchdog", tempDir, ...argv] : argv;
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(command[0], {
        args: command.slice(1),
        cwd,
        env: spec?.env,
        stdin: watched ? "piped" : "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (e) {
      await Deno.remove(tempDir, { recursive: true }).catch(() => {});
      throw new Error(`cannot start the kernel (${argv.join(" ")}): ${(e as Error).message}`);
    }
    let stdin: WritableStreamDefaultWriter<Uint8Array> | null = null;
    if (watched) {
      stdin = child.stdin.getWriter();
      await stdin.write(new TextEncoder().encode(JSON.stringify(info) + "\n")).catch(() => {});
    }
    return new KernelProcess(child, tempDir, argv, stdin);
  }

  /**
   * Removes the connection file once the kernel has read it (it reads it at startup only),
   * so the HMAC key is on disk only while the kernel starts.
   */
  async removeConnectionFile(): Promise<void> {
    await Deno.remove(this.#tempDir, { recursive: true }).catch(() => {});
  }

  /** What the kernel printed (the last 16 KiB). */
  get log(): string {
    return this.#log;
  }

  kill(): void {
    if (this.#stdin) {
      // Closing the watchdog's stdin makes it kill the kernel and clean up; killing the shell
      // itself would orphan the kernel.
      this.#stdin.close().catch(() => {});
      return;
    }
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
}
