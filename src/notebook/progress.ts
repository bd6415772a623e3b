/**
 * Progress bars for epochs and batches: count, percent, elapsed time, ETA, rate and running
 * metrics (loss), as HTML in a notebook (one output updated in place) and as a "\r"-redrawn
 * line on stderr in a terminal.
 *
 * @example
 * for (let epoch = 1; epoch <= 5; epoch++) {
 *   const batches = progress(loader, { label: `epoch ${epoch}` });
 *   for await (const [x, y] of batches) {
 *     const loss = step(x, y);
 *     batches.set({ loss });
 *   }
 * }
 */
import { escapeHtml, type MimeBundle } from "../display/bundle.ts";
import { toNumber } from "../display/plot/input.ts";
import { formatMetric, type LiveOptions, LiveOutput } from "./live.ts";

/** Values shown after the bar: numbers, one-element tensors or text. */
export type Postfix = Readonly<
  Record<string, number | string | { readonly shape: readonly number[]; toArray(): unknown }>
>;

export interface ProgressOptions extends LiveOptions {
  /** Shown before the bar, e.g. "epoch 3". */
  label?: string;
  /** Characters of the text bar (default 24). */
  width?: number;
  /** What is counted (default "it"): "3.2it/s". */
  unit?: string;
}

/** Everything one line of progress shows. */
export interface ProgressState {
  n: number;
  total?: number;
  elapsedMs: number;
  label?: string;
  postfix?: Record<string, string>;
  width?: number;
  unit?: string;
}

/** 75 s -> "01:15", 3725 s -> "1:02:05" (whole seconds, cut as tqdm cuts them). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  const s = Math.floor(ms / 1000);
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const two = (v: number) => String(v).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${two(m)}:${two(sec)}`;
}

/** Time left at the average rate so far ("?" before the first step). */
export function eta(state: ProgressState): number {
  if (state.total === undefined || state.n <= 0) return NaN;
  return (state.elapsedMs / state.n) * Math.max(0, state.total - state.n);
}

function rateText(state: ProgressState): string {
  const unit = state.unit ?? "it";
  if (state.n <= 0 || state.elapsedMs <= 0) return `?${unit}/s`;
  const perSecond = state.n / (state.elapsedMs / 1000);
  return perSecond >= 1
    ? `${perSecond.toFixed(2)}${unit}/s`
    : `${(1 / perSecond).toFixed(2)}s/${unit}`;
}

function fraction(state: ProgressState): number | undefined {
  if (state.total === undefined) return undefined;
  return state.total > 0 ? Math.min(1, Math.max(0, state.n / state.total)) : 1;
}

function statsText(state: ProgressState): string {
  const post = Object.entries(state.postfix ?? {}).map(([k, v]) => `${k}=${v}`);
  const time = state.total === undefined
    ? formatDuration(state.elapsedMs)
    : `${formatDuration(state.elapsedMs)}<${formatDuration(eta(state))}`;
  return `[${[time, rateText(state), ...post].join(", ")}]`;
}

const BLOCKS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/**
 * One line, as tqdm prints it:
 * `epoch 1  45%|██████████▊            | 45/100 [00:12<00:14, 3.75it/s, loss=0.1234]`.
 */
export function formatProgress(state: ProgressState): string {
  const label = state.label ? `${state.label} ` : "";
  const f = fraction(state);
  if (f === undefined) return `${label}${state.n}${state.unit ?? "it"} ${statsText(state)}`;
  const width = state.width ?? 24;
  const eighths = Math.round(f * width * 8);
  const bar = ("█".repeat(Math.floor(eighths / 8)) + BLOCKS[eighths % 8]).padEnd(width, " ");
  const percent = `${Math.floor(f * 100)}%`.padStart(4, " ");
  return `${label}${percent}|${bar}| ${state.n}/${state.total} ${statsText(state)}`;
}

/** The same as HTML: a <progress> element and the numbers next to it. */
export function progressHtml(state: ProgressState): string {
  const f = fraction(state);
  const bar = f === undefined
    ? ""
    : `<progress value="${state.n}" max="${state.total}" style="width:16em;vertical-align:middle"></progress> ` +
      `<span>${Math.floor(f * 100)}% ${state.n}/${state.total}</span> `;
  const count = f === undefined ? `<span>${state.n}${escapeHtml(state.unit ?? "it")}</span> ` : "";
  return `<div class="gradiente-progress" style="font-family:ui-monospace,monospace;font-size:12px">` +
    (state.label ? `<b>${escapeHtml(state.label)}</b> ` : "") + bar + count +
    `<span>${escapeHtml(statsText(state))}</span></div>`;
}

/**
 * A progress bar. `update(n)` sets how many steps are done (not how many more; see
 * increment), with optional metrics to show; `close()` shows the final state.
 * @example
 * const bar = new ProgressBar(epochs, { label: "training" });
 * for (let e = 1; e <= epochs; e++) {
 *   const loss = trainEpoch();
 *   await bar.update(e, { loss });
 * }
 * await bar.close();
 */
export class ProgressBar {
  readonly total: number | undefined;
  #n = 0;
  #postfix: Record<string, string> = {};
  readonly #options: ProgressOptions;
  readonly #start: number;
  readonly #now: () => number;
  #end: number | undefined;
  readonly #output: LiveOutput;

  constructor(total?: number, options: ProgressOptions = {}) {
    if (total !== undefined && !(Number.isFinite(total) && total >= 0)) {
      throw new Error(`ProgressBar: total must be a count >= 0, got ${total}.`);
    }
    this.total = total;
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
    this.#start = this.#now();
    this.#output = new LiveOutput({
      bundle: () => this.bundle(),
      line: () => this.text(),
    }, options);
  }

  /** Steps done. */
  get n(): number {
    return this.#n;
  }

  get displayId(): string {
    return this.#output.displayId;
  }

  /** Sets the number of steps done (and the metrics shown); throttled. */
  update(n: number, postfix?: Postfix): Promise<void> {
    this.#n = n;
    if (postfix) this.set(postfix);
    return this.#output.changed();
  }

  /** Adds `by` steps (default 1). */
  increment(by = 1, postfix?: Postfix): Promise<void> {
    return this.update(this.#n + by, postfix);
  }

  /** Sets metrics shown after the bar (merged with earlier ones), without a redraw. */
  set(postfix: Postfix): void {
    for (const [k, v] of Object.entries(postfix)) {
      this.#postfix[k] = typeof v === "string" ? v : formatMetric(toNumber(v, k));
    }
  }

  /** The final state, delivered (await it before the cell ends). */
  close(): Promise<void> {
    this.#end ??= this.#now();
    return this.#output.close();
  }

  state(): ProgressState {
    return {
      n: this.#n,
      total: this.total,
      elapsedMs: (this.#end ?? this.#now()) - this.#start,
      label: this.#options.label,
      postfix: { ...this.#postfix },
      width: this.#options.width,
      unit: this.#options.unit,
    };
  }

  /** The status line. */
  text(): string {
    return formatProgress(this.state());
  }

  bundle(): MimeBundle {
    const s = this.state();
    return { "text/html": progressHtml(s), "text/plain": formatProgress(s) };
  }
}

/** An iterable wrapped with a progress bar; `set({ loss })` shows metrics as it goes. */
export class ProgressIterable<T> implements AsyncIterable<T>, Iterable<T> {
  readonly bar: ProgressBar;
  readonly #items: Iterable<T> | AsyncIterable<T>;

  constructor(items: Iterable<T> | AsyncIterable<T>, bar: ProgressBar) {
    this.#items = items;
    this.bar = bar;
  }

  /** Metrics shown next to the bar from the next redraw on. */
  set(postfix: Postfix): void {
    this.bar.set(postfix);
  }

  /** `for await`: each step waits for its update, so a notebook sees the bar move. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let n = 0;
    try {
      await this.bar.update(0);
      for await (const item of this.#items as AsyncIterable<T>) {
        yield item;
        await this.bar.update(++n);
      }
    } finally {
      await this.bar.close();
    }
  }

  /**
   * Plain `for`: fine in a terminal; in a notebook the updates only go out when the loop
   * yields to the event loop, so prefer `for await` there. The final state is sent at the end
   * (not awaited: use `await it.bar.close()` after the loop to be sure it is shown).
   */
  *[Symbol.iterator](): Iterator<T> {
    if (!(Symbol.iterator in this.#items)) {
      throw new Error("progress(): an async iterable needs `for await`.");
    }
    let n = 0;
    try {
      this.bar.update(0);
      for (const item of this.#items as Iterable<T>) {
        yield item;
        this.bar.update(++n);
      }
    } finally {
      this.bar.close();
    }
  }
}

function lengthOf(items: unknown): number | undefined {
  const o = items as { length?: unknown; size?: unknown };
  if (typeof o.length === "number") return o.length;
  if (typeof o.size === "number") return o.size;
  return undefined;
}

/**
 * Wraps an iterable (an array, a DataLoader, a generator) with a progress bar. The total is
 * its length (or size) unless given.
 */
export function progress<T>(
  items: Iterable<T> | AsyncIterable<T>,
  options: ProgressOptions & { total?: number } = {},
): ProgressIterable<T> {
  const { total, ...rest } = options;
  return new ProgressIterable(items, new ProgressBar(total ?? lengthOf(items), rest));
}
