/**
 * Stream text -> the cell that wrote it. Deno's kernel forwards stdout and stderr through
 * pipes at its own pace (about 15k lines/s here) and labels each chunk with whatever request
 * is current when it is sent, so a cell's output can arrive long after its idle status,
 * labelled as the next cell's (issue 14: 512k lines, 23k of them shown under the next cell,
 * the rest lost at shutdown). The parent header is therefore no guide for streams. Instead,
 * after each cell the runner prints a unique marker on both pipes (see flushCode) and every
 * chunk before it belongs to that cell: the pipes are FIFOs, so the marker is the cut.
 */
export const FLUSH_PREFIX = "\u0001gradiente-flush-";

type StreamName = "stdout" | "stderr";

export interface StreamSink {
  (name: string, text: string): void;
}

/** The code of the flush request: the markers, and which cell owns asynchronous errors next. */
export function flushCode(marker: string, nextCell: number): string {
  return `globalThis[Symbol.for("gradiente.runner")] && ` +
    `(globalThis[Symbol.for("gradiente.runner")].cell = ${nextCell});\n` +
    `console.log(${JSON.stringify(marker)}); console.error(${JSON.stringify(marker)});`;
}

export class StreamRouter {
  #sink: StreamSink;
  /** Text held back because it may be the start of a marker split across chunks. */
  readonly #held: Record<StreamName, string> = { stdout: "", stderr: "" };
  #marker = "";
  #seen = new Set<StreamName>();
  #onFlushed: (() => void) | null = null;

  constructor(sink: StreamSink) {
    this.#sink = sink;
  }

  /** Where text goes from now on (the next cell's outputs). */
  set sink(sink: StreamSink) {
    this.#sink = sink;
  }

  /** Resolves once `marker` has come through on stdout and on stderr. */
  expect(marker: string): Promise<void> {
    this.#marker = marker;
    this.#seen.clear();
    return new Promise<void>((resolve) => this.#onFlushed = resolve);
  }

  feed(name: string, text: string): void {
    if (name !== "stdout" && name !== "stderr") return this.#sink(name, text);
    let buf = this.#held[name] + text;
    this.#held[name] = "";
    const marker = this.#marker;
    if (marker && !this.#seen.has(name)) {
      const at = buf.indexOf(marker);
      if (at >= 0) {
        if (at > 0) this.#sink(name, buf.slice(0, at));
        // The marker line (console.log adds the newline) is the runner's, not the cell's.
        buf = buf.slice(at + marker.length).replace(/^\r?\n/, "");
        this.#seen.add(name);
        if (this.#seen.size === 2) {
          this.#marker = "";
          const done = this.#onFlushed;
          this.#onFlushed = null;
          // What follows the marker is the next cell's: the caller moves the sink first.
          if (buf) this.#held[name] = buf;
          done?.();
          return;
        }
      } else {
        const keep = partialSuffix(buf, marker);
        this.#held[name] = buf.slice(buf.length - keep);
        buf = buf.slice(0, buf.length - keep);
      }
    }
    if (buf) this.#sink(name, buf);
  }

  /** Hands over text still held back (at the end of the run). */
  release(): void {
    for (const name of ["stdout", "stderr"] as const) {
      const text = this.#held[name];
      this.#held[name] = "";
      if (text) this.#sink(name, text);
    }
  }
}

/** The length of the longest suffix of `s` that is a proper prefix of `marker`. */
function partialSuffix(s: string, marker: string): number {
  for (let i = Math.max(0, s.length - marker.length + 1); i < s.length; i++) {
    if (marker.startsWith(s.slice(i))) return s.length - i;
  }
  return 0;
}
