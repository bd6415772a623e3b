/**
 * Inline styles shared by the HTML views. Inline (not a <style> block) because notebook
 * viewers such as GitHub's drop style elements, and a <style> in JupyterLab leaks to the page.
 * Colours come from currentColor and translucent greys, so light and dark themes both read.
 */

export const FONT = "font-family:var(--jp-code-font-family,ui-monospace,SFMono-Regular,Menlo," +
  "Consolas,monospace);font-size:12px";

/** The outer box: inherits the theme's text colour, never paints a background. */
export const BOX = `${FONT};color:inherit;background:transparent;line-height:1.35`;

/** JupyterLab centres tables and sets fixed layout; these undo that. Inherited by cells. */
export const TABLE = "border-collapse:collapse;margin:2px 0 6px 0;background:transparent;" +
  "color:inherit;table-layout:auto;border:1px solid rgba(128,128,128,0.35);white-space:nowrap;" +
  "font-variant-numeric:tabular-nums";

/** Cell padding and alignment are not inherited, so each cell carries these few. */
export const TD = "padding:2px 8px;text-align:right";
export const TD_LEFT = "padding:2px 8px;text-align:left";

/** Index labels and column headings: dimmed, not bold. */
export const TH = "padding:2px 8px;text-align:right;font-weight:normal;opacity:0.55";

export const THEAD = "border-bottom:1px solid rgba(128,128,128,0.35)";

export const DIM = "opacity:0.65";
