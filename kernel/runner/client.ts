/**
 * A minimal Jupyter client for one kernel: start, kernel_info handshake, execute with a timeout
 * (interrupt_request on control when it runs out), drain, shutdown.
 *
 * Every message is routed by its parent's msg_id, also after the request finished: Deno's
 * kernel may publish a cell's last outputs (a display update, even the execute_result) after
 * the `idle` status, because they travel another path than the status does.
 */
import type { KernelSpec } from "../kernelspec.ts";
import { type ChannelName, Channels } from "./channels.ts";
import { type ConnectionInfo, KernelProcess, makeConnectionInfo } from "./kernel_process.ts";
import { type Json, makeMessage, type Message } from "./messages.ts";

export class TimeoutError extends Error {}

export class KernelDiedError extends Error {}

/** The cell kept running after interrupt_request (Deno interrupts running JS, not an await). */
export class InterruptFailedError extends Error {}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Request {
  id: string;
  reply: Deferred<Message>;
  idle: Deferred<void>;
  onIopub?: (msg: Message) => void;
}

export interface ExecuteOutcome {
  /** The execute_reply's content (status ok or error, execution_count, ename/evalue/traceback). */
  reply: Json;
  /** The cell ran past its timeout and was interrupted. */
  timedOut: boolean;
}

export interface ClientOptions {
  /** The kernelspec to start; null runs `deno jupyter --kernel` with this deno. */
  spec: KernelSpec | null;
  kernelName: string;
  /** The kernel's working directory (the notebook's). */
  cwd: string;
  startupTimeoutMs?: number;
}

export class KernelClient {
  readonly session = crypto.randomUUID();
  readonly process: KernelProcess;
  readonly #channels: Channels;
  readonly #requests = new Map<string, Request>();
  #lastIopubAt = performance.now();
  /** Sees every iopub message of this session's requests, before the request's handler. */
  onAnyIopub: ((msg: Message) => void) | null = null;
  #died: Promise<never>;
  kernelInfo: Json = {};

  private constructor(info: ConnectionInfo, process: KernelProcess) {
    this.process = process;
    this.#channels = new Channels(info, (channel, msg) => this.#route(channel, msg));
    this.#died = process.exited.then((status) => {
      throw new KernelDiedError(
        `the kernel exited (code ${status.code}${status.signal ? `, ${status.signal}` : ""})` +
          (process.log.trim() ? `; its output:\n${process.log.trimEnd()}` : ""),
      );
    });
    this.#died.catch(() => {});
  }

  static async start(options: ClientOptions): Promise<KernelClient> {
    const info = await makeConnectionInfo(options.kernelName);
    const process = await KernelProcess.start(options.spec, info, options.cwd);
    const client = new KernelClient(info, process);
    try {
      await client.#handshake(options.startupTimeoutMs ?? 60_000);
      await process.removeConnectionFile();
    } catch (e) {
      client.kill();
      await process.exited;
      throw e;
    }
    return client;
  }

  /** Messages the client dropped (bad signatures, socket failures). */
  get rejected(): readonly string[] {
    return this.#channels.rejected;
  }

  #route(channel: ChannelName, msg: Message): void {
    const req = this.#requests.get(msg.parent_header.msg_id ?? "");
    if (channel !== "iopub") {
      req?.reply.resolve(msg);
      return;
    }
    this.#lastIopubAt = performance.now();
    if (!req) return;
    this.onAnyIopub?.(msg);
    if (msg.header.msg_type === "status" && msg.content.execution_state === "idle") {
      req.idle.resolve();
    }
    req.onIopub?.(msg);
  }

  #send(
    channel: "shell" | "control",
    type: string,
    content: Json,
    onIopub?: (msg: Message) => void,
  ): Request {
    const msg = makeMessage(this.session, type, content);
    const req: Request = { id: msg.header.msg_id, reply: deferred(), idle: deferred(), onIopub };
    this.#requests.set(req.id, req);
    this.#channels.send(channel, msg).catch(() => {});
    return req;
  }

  /** `p`, unless `ms` pass first (TimeoutError) or the kernel dies (KernelDiedError). */
  async #within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(`${what}: no answer in ${ms} ms`)), ms);
    });
    try {
      return await Promise.race([p, timeout, this.#died]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * kernel_info until one is answered and its status reached us on iopub: a SUB socket only
   * receives once its subscription has propagated, so the first messages can be lost.
   */
  async #handshake(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const req = this.#send("shell", "kernel_info_request", {});
      const left = deadline - performance.now();
      try {
        await this.#within(req.idle.promise, Math.max(1, Math.min(1000, left)), "kernel_info");
        this.kernelInfo = (await this.#within(req.reply.promise, Math.max(1, left), "kernel_info"))
          .content;
        return;
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        if (performance.now() >= deadline) {
          const log = this.process.log.trim();
          throw new TimeoutError(
            `the kernel did not answer kernel_info in ${timeoutMs} ms` +
              (log ? `; its output:\n${log}` : ""),
          );
        }
      }
    }
  }

  /**
   * Runs `code`; every iopub message it causes goes to `onIopub`, also late ones. Resolves
   * when the reply and the idle status arrived and iopub has been quiet for `settleMs`. Past
   * `timeoutMs` the cell is interrupted with interrupt_request on the control channel.
   */
  async execute(
    code: string,
    options: {
      timeoutMs: number;
      onIopub: (msg: Message) => void;
      settleMs?: number;
      /** The runner's own code: not stored in the history. */
      silent?: boolean;
    },
  ): Promise<ExecuteOutcome> {
    const req = this.#send("shell", "execute_request", {
      code,
      silent: options.silent ?? false,
      store_history: !options.silent,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: false,
    }, options.onIopub);
    const done = Promise.all([req.reply.promise, req.idle.promise]);
    let timedOut = false;
    try {
      await this.#within(done, options.timeoutMs, "execute");
    } catch (e) {
      if (!(e instanceof TimeoutError)) throw e;
      timedOut = true;
      await this.interrupt();
      await this.#within(done, 5000, "interrupted cell").catch((e) => {
        throw e instanceof TimeoutError
          ? new InterruptFailedError("the cell kept running after interrupt_request")
          : e;
      });
    }
    if (!options.silent) await this.#settle(options.settleMs ?? 30, 1000);
    return { reply: (await req.reply.promise).content, timedOut };
  }

  /** Sends interrupt_request on control and waits (briefly) for the interrupt_reply. */
  async interrupt(): Promise<void> {
    const req = this.#send("control", "interrupt_request", {});
    await this.#within(req.reply.promise, 5000, "interrupt_request").catch((e) => {
      if (!(e instanceof TimeoutError)) throw e;
    });
  }

  /** Waits until iopub has been quiet for `quietMs` (at most `maxMs`). */
  async #settle(quietMs: number, maxMs: number): Promise<void> {
    const start = performance.now();
    for (;;) {
      const quiet = performance.now() - this.#lastIopubAt;
      if (quiet >= quietMs || performance.now() - start >= maxMs) return;
      await sleep(quietMs - quiet);
    }
  }

  /**
   * Collects what earlier cells still publish: a kernel_info round trip (the kernel has
   * finished the previous requests when it answers) and then a quiet period.
   */
  async drain(quietMs = 200): Promise<void> {
    const req = this.#send("shell", "kernel_info_request", {});
    await this.#within(Promise.all([req.reply.promise, req.idle.promise]), 10_000, "drain");
    await this.#settle(quietMs, 2000);
  }

  /** shutdown_request on control, then waits for the process; kills it if it lingers. */
  async shutdown(): Promise<void> {
    try {
      const req = this.#send("control", "shutdown_request", { restart: false });
      await this.#within(req.reply.promise, 5000, "shutdown_request");
      let timer: ReturnType<typeof setTimeout> | undefined;
      const lingering = new Promise<boolean>((r) => timer = setTimeout(() => r(true), 5000));
      if (await Promise.race([this.process.exited.then(() => false), lingering])) {
        this.process.kill();
      }
      clearTimeout(timer);
    } catch {
      this.process.kill();
    } finally {
      this.#channels.close();
      await this.process.exited;
    }
  }

  /** Stops the kernel at once (after a failure). */
  kill(): void {
    this.process.kill();
    this.#channels.close();
  }
}
