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

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  )
    .replace(/'/g, "&#39;");
}
