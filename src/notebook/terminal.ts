/**
 * Where live outputs go outside a notebook: one status line on stderr, redrawn in place with
 * "\r" on a terminal, printed as plain lines (less often) when stderr is a file or a pipe.
 */

export interface TextSink {
  write(s: string): void;
  /** A terminal: redraw the line in place. Otherwise print whole lines. */
  readonly tty: boolean;
}

// deno-lint-ignore no-explicit-any
const g = globalThis as any;

/** stderr of Deno or Node, looked up when first written to; a no-op sink elsewhere. */
export function stderrSink(): TextSink {
  const encoder = new TextEncoder();
  try {
    if (g.Deno?.stderr) {
      const err = g.Deno.stderr;
      return { write: (s) => err.writeSync(encoder.encode(s)), tty: err.isTerminal() };
    }
    if (g.process?.stderr) {
      const err = g.process.stderr;
      return { write: (s) => err.write(s), tty: Boolean(err.isTTY) };
    }
  } catch {
    // No permission to inspect stderr: fall through.
  }
  return { write: () => {}, tty: false };
}

/** Clears from the cursor to the end of the line, so a shorter redraw leaves no tail. */
const CLEAR_TO_EOL = "\x1b[K";

/** Shows `line` as the current status (replacing the previous one on a terminal). */
export function showLine(sink: TextSink, line: string): void {
  sink.write(sink.tty ? `\r${line}${CLEAR_TO_EOL}` : `${line}\n`);
}

/** Ends the status line on a terminal, so what follows starts on a fresh line. */
export function endLine(sink: TextSink): void {
  if (sink.tty) sink.write("\n");
}
