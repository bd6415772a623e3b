/** A figure: plotly traces and layout, displayed as plotly JSON, HTML, a static SVG and text. */
import { type Displayable, JUPYTER_DISPLAY, type MimeBundle, PrintsAsText } from "../bundle.ts";
import { plotlyHtml } from "./html.ts";
import type { FigureSpec, Layout, Trace } from "./spec.ts";
import { renderSvg } from "./svg/render.ts";
import { bounds } from "./svg/scale.ts";
import { checkOptions } from "../../core/options.ts";

/** The MIME type of plotly's JSON, rendered by JupyterLab's and VS Code's plotly renderers. */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

let displayCount = 0;

export interface FigureOptions {
  /** Embed plotly.js for this figure (see plot.config). */
  inline?: boolean;
}

export class Figure extends PrintsAsText implements Displayable {
  readonly data: Trace[];
  readonly layout: Layout;
  readonly options: FigureOptions;

  constructor(data: Trace[], layout: Layout = {}, options: FigureOptions = {}) {
    super();
    this.data = data;
    this.layout = layout;
    this.options = options;
  }

  /** Plotly's figure JSON: { data, layout }. */
  toJSON(): FigureSpec {
    return JSON.parse(JSON.stringify({ data: this.data, layout: this.layout }));
  }

  /** The static rendering (standalone SVG document). */
  toSVG(): string {
    return renderSvg(this.toJSON(), `gd-clip-${hash(JSON.stringify(this.toJSON()))}`);
  }

  /** The interactive rendering (plotly.js), with the SVG shown until it draws. */
  toHTML(options: FigureOptions = {}): Promise<string> {
    checkOptions("Figure.toHTML", options, ["inline"]);
    const spec = this.toJSON();
    const id = `gd-plot-${hash(JSON.stringify(spec))}-${++displayCount}`;
    return plotlyHtml(spec, {
      id,
      fallback: this.toSVG(),
      inline: options.inline ?? this.options.inline,
    });
  }

  /** One line: kind, traces, points, ranges. */
  override toString(): string {
    return describe(this.data, this.layout);
  }

  async [JUPYTER_DISPLAY](): Promise<MimeBundle> {
    return {
      [PLOTLY_MIME]: this.toJSON(),
      "text/html": await this.toHTML(),
      "image/svg+xml": this.toSVG(),
      "text/plain": this.toString(),
    };
  }
}

function describe(data: readonly Trace[], layout: Layout): string {
  const kinds = [...new Set(data.map((t) => t.type === "bar" ? "bar" : t.mode ?? "lines"))];
  const title = layout.title?.text ? ` "${layout.title.text}"` : "";
  const names = data.map((t, i) => t.name ?? `trace ${i}`);
  const points = data.reduce((n, t) => n + t.y.length, 0);
  const [lo, hi] = bounds(data.flatMap((t) => t.y));
  const range = lo <= hi ? `, y ${short(lo)}..${short(hi)}` : "";
  const text = `Figure${title}: ${kinds.join("/")}, ${data.length} ` +
    `trace${data.length === 1 ? "" : "s"} (${names.join(", ")}), ${points} points${range}`;
  return text.replace(/\s+/g, " "); // one line, whatever the titles hold
}

function short(v: number): string {
  return String(Number(v.toPrecision(4)));
}

/** FNV-1a, for ids that stay the same when the same figure is rendered again. */
function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}
