/**
 * What every rich output is: a MIME bundle, mime type -> content. Deno's Jupyter kernel calls
 * an object's [Symbol.for("Jupyter.display")]() and shows the bundle it returns; kernel/
 * adapts the same bundles to other frontends (tslab, the console).
 */
export type MimeBundle = { [mime: string]: unknown };

/** The method name Deno's kernel looks for on displayed values. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** A value that knows how to display itself. */
export interface Displayable {
  [JUPYTER_DISPLAY](): MimeBundle | Promise<MimeBundle>;
}

/**
 * A base for values printed as their toString(): Deno's and Node's console.log (and the REPL)
 * call these two hooks, so a subclass defines toString alone.
 */
export class PrintsAsText {
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  )
    .replace(/'/g, "&#39;");
}
