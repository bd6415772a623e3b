/**
 * Outputs that change while a cell runs: shown once, then replaced in place.
 *
 * In Deno's kernel an output is a `display_data` message whose `transient.display_id` names it;
 * later `update_display_data` messages with the same id replace it (Jupyter messaging 5.1).
 * Both are sent with `Deno.jupyter.broadcast(msgType, content)`, which resolves once the
 * message is handed to the kernel's iopub socket. Deno reports the cell finished ("idle") on
 * another path, so a final update must be awaited before the cell ends or it may arrive after.
 *
 * Updates are throttled (4 per second by default): a training loop may report every batch,
 * but frontends re-render each message. The newest state always wins: a throttled update is
 * sent by a timer (when the loop yields to the event loop), by the next update after the
 * interval, or by flush()/close(), which always deliver the final state.
 *
 * Outside a notebook the same objects print one status line on stderr.
 */
import type { MimeBundle } from "../display/bundle.ts";
import { JUPYTER_DISPLAY } from "../display/bundle.ts";
import { type Figure, lossCurve, type PlotOptions } from "../display/plot/mod.ts";
import { type Numeric, toNumber, toNumbers } from "../display/plot/input.ts";
import { detectFrontend } from "./display.ts";
import { endLine, showLine, stderrSink, type TextSink } from "./terminal.ts";

/** The content of a display_data / update_display_data message. */
export interface DisplayContent {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient: { display_id: string };
}

export type DisplayMsgType = "display_data" | "update_display_data";

/** Sends one iopub message: `Deno.jupyter.broadcast`'s signature, so it can be just that. */
export type Publish = (msgType: DisplayMsgType, content: DisplayContent) => Promise<void> | void;

// deno-lint-ignore no-explicit-any
type Any = any;

/**
 * How to publish in the kernel this code runs in: Deno's `Deno.jupyter.broadcast`, tslab's
 * display handles, or null (no notebook). Looked up on each call, never at import time:
 * `Deno.jupyter` throws outside `deno jupyter`.
 */
export function notebookPublisher(): Publish | null {
  let jupyter: Any = null;
  try {
    jupyter = (globalThis as Any).Deno?.jupyter ?? null;
  } catch {
    jupyter = null; // "Deno.jupyter is only available in `deno jupyter` subcommand"
  }
  if (jupyter && typeof jupyter.broadcast === "function") {
    return (msgType, content) => jupyter.broadcast(msgType, content);
  }
  const frontend = detectFrontend();
  if (frontend.name === "tslab") {
    return (msgType, content) =>
      frontend.show(content.data, {
        id: content.transient.display_id,
        update: msgType === "update_display_data",
        raw: true,
      });
  }
  return null;
}

export interface LiveOptions {
  /**
   * Where messages go: by default the running notebook kernel, if any. `null` forces the
   * terminal line; tests pass a function that records the messages.
   */
  publish?: Publish | null;
  /** Minimum milliseconds between two messages (default 250: at most 4 per second). */
  minInterval?: number;
  /** Where the status line goes outside a notebook (default stderr). */
  sink?: TextSink;
  /** The clock, in milliseconds (tests pass a fake one). */
  now?: () => number;
  /** The display id (default a fresh random one). */
  displayId?: string;
}

/** What a live output shows: its current state as a MIME bundle, and as one line of text. */
export interface LiveView {
  bundle(final: boolean): MimeBundle | Promise<MimeBundle>;
  line(): string;
}

/**
 * One output updated in place, throttled. The view is rendered only when a message goes out,
 * so throttled updates cost nothing.
 */
export class LiveOutput {
  readonly displayId: string;
  readonly #view: LiveView;
  readonly #publish: Publish | null;
  readonly #sink: TextSink | null;
  readonly #interval: number;
  readonly #now: () => number;
  #shown = false;
  #last = -Infinity;
  #pending = false;
  #closed = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #queue: Promise<void> = Promise.resolve();
  #warned = false;

  constructor(view: LiveView, options: LiveOptions = {}) {
    this.#view = view;
    this.#publish = options.publish === undefined ? notebookPublisher() : options.publish;
    this.#sink = this.#publish ? null : (options.sink ?? stderrSink());
    // A log file gets a line every few seconds, not four a second.
    const interval = options.minInterval ?? 250;
    this.#interval = this.#sink && !this.#sink.tty ? Math.max(interval, 5000) : interval;
    this.#now = options.now ?? (() => performance.now());
    this.displayId = options.displayId ?? `gradiente-${crypto.randomUUID()}`;
  }

  /** Whether messages go to a notebook (else to the terminal line). */
  get inNotebook(): boolean {
    return this.#publish !== null;
  }

  /**
   * The state changed: shows it now if the last message is old enough, else later. The
   * promise resolves when what was sent now has been delivered.
   */
  changed(): Promise<void> {
    if (this.#closed) return this.#queue;
    if (this.#now() - this.#last >= this.#interval) return this.#send(false);
    this.#pending = true;
    if (this.#timer === undefined) {
      const wait = Math.max(0, this.#interval - (this.#now() - this.#last));
      const timer = setTimeout(() => {
        this.#timer = undefined;
        if (this.#pending && !this.#closed) this.#send(false);
      }, wait);
      unref(timer);
      this.#timer = timer;
    }
    return Promise.resolve();
  }

  /** Sends the newest state if it has not been sent, and waits until everything is delivered. */
  flush(): Promise<void> {
    return this.#pending || !this.#shown ? this.#send(false) : this.#queue;
  }

  /** Sends the final state (always) and stops; later changes are ignored. */
  close(): Promise<void> {
    if (this.#closed) return this.#queue;
    const done = this.#send(true);
    this.#closed = true;
    if (this.#sink) endLine(this.#sink);
    return done;
  }

  #send(final: boolean): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = false;
    this.#last = this.#now();
    if (this.#sink) {
      showLine(this.#sink, this.#view.line());
      this.#shown = true;
      return this.#queue;
    }
    const msgType: DisplayMsgType = this.#shown ? "update_display_data" : "display_data";
    this.#shown = true;
    const publish = this.#publish!;
    // One queue keeps messages in order (the display before its updates); the bundle is
    // rendered when its turn comes, so it shows the newest state.
    this.#queue = this.#queue.then(async () => {
      const data = await this.#view.bundle(final);
      await publish(msgType, { data, metadata: {}, transient: { display_id: this.displayId } });
    }).catch((e) => {
      if (!this.#warned) console.warn(`gradiente: a live output could not be updated: ${e}`);
      this.#warned = true;
    });
    return this.#queue;
  }
}

function unref(timer: unknown): void {
  const g = globalThis as Any;
  try {
    if (typeof g.Deno?.unrefTimer === "function") g.Deno.unrefTimer(timer);
    else (timer as Any)?.unref?.();
  } catch {
    // Keeping the process alive for one more tick is harmless.
  }
}

/** Formats a metric for a status line: 4 significant digits, no trailing zeros. */
export function formatMetric(v: number): string {
  if (!Number.isFinite(v) || Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  return abs >= 1e5 || abs < 1e-4
    ? Number(v.toPrecision(4)).toExponential()
    : String(Number(v.toPrecision(4)));
}

export interface LiveLossOptions extends LiveOptions, PlotOptions {
  /** Replace the static SVG with the interactive figure when closed (default true). */
  interactive?: boolean;
}

/** A loss value: a number or a one-element tensor. */
type Loss = number | { readonly shape: readonly number[]; toArray(): unknown };

/**
 * A loss curve that redraws while training runs.
 * @example
 * const live = liveLoss({ logY: true });
 * for (let epoch = 1; epoch <= 20; epoch++) {
 *   // ... train ...
 *   await live.push(epoch, { train: trainLoss, val: valLoss });
 * }
 * await live.close();
 */
export class LiveLossPlot {
  readonly #x = new Map<string, number[]>();
  readonly #y = new Map<string, number[]>();
  readonly #options: LiveLossOptions;
  readonly #output: LiveOutput;

  constructor(options: LiveLossOptions = {}) {
    this.#options = options;
    this.#output = new LiveOutput({
      bundle: (final) => this.#bundle(final),
      line: () => this.line(),
    }, options);
  }

  get displayId(): string {
    return this.#output.displayId;
  }

  /** The values so far, per series. */
  get history(): Record<string, number[]> {
    return Object.fromEntries([...this.#y].map(([k, v]) => [k, [...v]]));
  }

  /**
   * Adds a point: `push(epoch, loss)`, `push(epoch, { train, val })`, or without the epoch
   * (then it is one more than the series' last).
   */
  push(
    epochOrLoss: number | Loss | Record<string, Loss>,
    loss?: Loss | Record<string, Loss>,
  ): Promise<void> {
    const [epoch, values] = loss === undefined
      ? [undefined, epochOrLoss as Loss | Record<string, Loss>]
      : [epochOrLoss as number, loss];
    const record = typeof values === "number" || isTensorish(values)
      ? { loss: values as Loss }
      : values as Record<string, Loss>;
    for (const [name, v] of Object.entries(record)) {
      const xs = this.#x.get(name) ?? [], ys = this.#y.get(name) ?? [];
      xs.push(epoch ?? (xs.length > 0 ? xs[xs.length - 1] + 1 : 1));
      ys.push(toNumber(v, `loss "${name}"`));
      this.#x.set(name, xs);
      this.#y.set(name, ys);
    }
    return this.#output.changed();
  }

  /** Replaces everything with a whole history (as plot.lossCurve takes it), epochs from 1. */
  update(history: Numeric | Readonly<Record<string, Numeric>>): Promise<void> {
    this.#x.clear();
    this.#y.clear();
    const entries: [string, Numeric][] = Array.isArray(history) || ArrayBuffer.isView(history) ||
        isTensorish(history)
      ? [["loss", history as Numeric]]
      : Object.entries(history as Record<string, Numeric>);
    for (const [name, values] of entries) {
      const ys = toNumbers(values, `history "${name}"`);
      this.#y.set(name, ys);
      this.#x.set(name, ys.map((_, i) => i + 1));
    }
    return this.#output.changed();
  }

  /** Delivers the newest state now. */
  flush(): Promise<void> {
    return this.#output.flush();
  }

  /** Delivers the final state (await it before the cell ends). */
  close(): Promise<void> {
    return this.#output.close();
  }

  /** The current curve as a figure. */
  figure(): Figure {
    const {
      publish: _p,
      minInterval: _m,
      sink: _s,
      now: _n,
      displayId: _d,
      interactive: _i,
      ...plot
    } = this.#options;
    const names = [...this.#y.keys()];
    const fig = lossCurve(Object.fromEntries(names.map((n) => [n, this.#y.get(n)!])), plot);
    fig.data.forEach((t, i) => (t.x = this.#x.get(names[i])!));
    return fig;
  }

  /** "epoch 12  train 0.2345  val 0.3456". */
  line(): string {
    const parts = [...this.#y].map(([name, ys]) => `${name} ${formatMetric(ys[ys.length - 1])}`);
    const epochs = [...this.#x.values()].map((xs) => xs[xs.length - 1] ?? 0);
    const epoch = epochs.length > 0 ? Math.max(...epochs) : 0;
    return `epoch ${epoch}  ${parts.join("  ")}`.trimEnd();
  }

  async #bundle(final: boolean): Promise<MimeBundle> {
    const fig = this.figure();
    if (final && (this.#options.interactive ?? true)) {
      return { ...await fig[JUPYTER_DISPLAY](), "text/plain": this.line() };
    }
    return { "image/svg+xml": fig.toSVG(), "text/plain": this.line() };
  }

  [JUPYTER_DISPLAY](): Promise<MimeBundle> {
    return this.figure()[JUPYTER_DISPLAY]();
  }
}

function isTensorish(v: unknown): boolean {
  return typeof v === "object" && v !== null && Array.isArray((v as { shape?: unknown }).shape);
}

/** A live loss curve (see LiveLossPlot). */
export function liveLoss(options: LiveLossOptions = {}): LiveLossPlot {
  return new LiveLossPlot(options);
}
