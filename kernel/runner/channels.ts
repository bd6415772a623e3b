/**
 * The client's ZeroMQ sockets: DEALERs for shell and control (requests and their replies),
 * a SUB subscribed to everything for iopub (outputs and status). No stdin (we send
 * allow_stdin: false) and no heartbeat (the kernel's process exit tells us it died).
 */
import { Dealer, Subscriber } from "zeromq";
import type { ConnectionInfo } from "./kernel_process.ts";
import { decode, encode, type Message, Signer } from "./messages.ts";

export type ChannelName = "shell" | "control" | "iopub";

export type MessageHandler = (channel: ChannelName, msg: Message) => void;

export class Channels {
  readonly signer: Signer;
  readonly #shell = new Dealer({ linger: 0 });
  readonly #control = new Dealer({ linger: 0 });
  // No receive limit: a full SUB queue makes the kernel's PUB socket drop messages silently.
  readonly #iopub = new Subscriber({ linger: 0, receiveHighWaterMark: 0 });
  // zeromq allows one pending send per socket, so sends on a socket are chained.
  readonly #sending: Record<"shell" | "control", Promise<void>> = {
    shell: Promise.resolve(),
    control: Promise.resolve(),
  };
  #closed = false;
  readonly #poll: ReturnType<typeof setInterval>;
  /** Messages that failed to decode (bad signature, malformed); they are dropped. */
  readonly rejected: string[] = [];

  constructor(info: ConnectionInfo, onMessage: MessageHandler) {
    this.signer = new Signer(info.key, info.signature_scheme);
    const url = (port: number) => `${info.transport}://${info.ip}:${port}`;
    this.#shell.connect(url(info.shell_port));
    this.#control.connect(url(info.control_port));
    this.#iopub.connect(url(info.iopub_port));
    this.#iopub.subscribe();
    const sockets = { shell: this.#shell, control: this.#control, iopub: this.#iopub };
    // Polled instead of awaiting receive(): under Deno's libuv shim for N-API addons
    // (denoland/deno#34657) a receive() parked on the socket's poll handle can miss its wakeup
    // (or crash), so receive() is only called when ZMQ_EVENTS says a message is waiting.
    const busy = new Set<ChannelName>();
    this.#poll = setInterval(() => {
      for (
        const [name, socket] of Object.entries(sockets) as [ChannelName, Dealer | Subscriber][]
      ) {
        if (busy.has(name) || this.#closed || !socket.readable) continue;
        busy.add(name);
        this.#drain(name, socket, onMessage).finally(() => busy.delete(name));
      }
    }, 5);
  }

  async #drain(name: ChannelName, socket: Dealer | Subscriber, onMessage: MessageHandler) {
    while (!this.#closed && socket.readable) {
      let frames: Uint8Array[];
      try {
        frames = await socket.receive();
      } catch (e) {
        if (!this.#closed) this.rejected.push(`${name}: socket failed: ${(e as Error).message}`);
        return;
      }
      let msg: Message;
      try {
        msg = decode(frames, this.signer);
      } catch (e) {
        this.rejected.push(`${name}: ${(e as Error).message}`);
        continue;
      }
      onMessage(name, msg);
    }
  }

  send(channel: "shell" | "control", msg: Message): Promise<void> {
    const socket = channel === "shell" ? this.#shell : this.#control;
    const frames = encode(msg, this.signer);
    const sent = this.#sending[channel].then(() => socket.send(frames));
    this.#sending[channel] = sent.catch(() => {});
    return sent;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#poll);
    for (const s of [this.#shell, this.#control, this.#iopub]) s.close();
  }
}
