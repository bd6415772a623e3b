/**
 * Starting a kernel as Jupyter does: a connection file (five free TCP ports on 127.0.0.1 and a
 * random HMAC key), then the kernelspec's argv with `{connection_file}` substituted, run in the
 * notebook's directory so Deno finds the project's deno.json from there.
 */
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

/** A running kernel process; its output is kept (the tail) to explain a crash. */
export class KernelProcess {
  readonly #child: Deno.ChildProcess;
  readonly #tempDir: string;
  #log = "";
  readonly exited: Promise<Deno.CommandStatus>;
  readonly command: string[];

  private constructor(child: Deno.ChildProcess, tempDir: string, command: string[]) {
    this.#child = child;
    this.#tempDir = tempDir;
    this.command = command;
    const drain = async (stream: ReadableStream<Uint8Array>) => {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        this.#log = (this.#log + chunk).slice(-16384);
      }
    };
    const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
    this.exited = child.status.then(async (status) => {
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
    const tempDir = await Deno.makeTempDir({ prefix: "gradiente-kernel-" });
    const connectionFile = join(tempDir, "connection.json");
    await Deno.writeTextFile(connectionFile, JSON.stringify(info, null, 1), { mode: 0o600 });
    const argv =
      (spec?.argv ?? [Deno.execPath(), "jupyter", "--kernel", "--conn", "{connection_file}"])
        .map((a) => a.replaceAll("{connection_file}", connectionFile));
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(argv[0], {
        args: argv.slice(1),
        cwd,
        env: spec?.env,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (e) {
      await Deno.remove(tempDir, { recursive: true }).catch(() => {});
      throw new Error(`cannot start the kernel (${argv.join(" ")}): ${(e as Error).message}`);
    }
    return new KernelProcess(child, tempDir, argv);
  }

  /** What the kernel printed (the last 16 KiB). */
  get log(): string {
    return this.#log;
  }

  kill(): void {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
}
