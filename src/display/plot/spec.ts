/**
 * A figure is plotly's JSON: traces plus layout. We use the subset below, which both plotly.js
 * (interactive) and our SVG renderer (static fallback) draw; plotly gets exactly this data.
 */

export interface Trace {
  type: "scatter" | "bar";
  x: (number | string)[];
  /** null marks a gap (plotly's JSON has no NaN). */
  y: (number | null)[];
  name?: string;
  mode?: "lines" | "markers" | "lines+markers";
  line?: { color?: string; width?: number; dash?: "solid" | "dash" | "dot" };
  marker?: { color?: string; size?: number; opacity?: number };
  /** Bar width in x units (histograms set it to the bin width). */
  width?: number;
  opacity?: number;
  showlegend?: boolean;
}

export interface AxisLayout {
  title?: { text: string };
  type?: "linear" | "log" | "category";
  /** In data units, or in powers of ten on a log axis (as plotly has it). */
  range?: [number, number];
}

export interface Layout {
  title?: { text: string };
  xaxis?: AxisLayout;
  yaxis?: AxisLayout;
  width?: number;
  height?: number;
  showlegend?: boolean;
  barmode?: "group" | "overlay";
  /** Fraction of each bar slot left empty (plotly's default is 0.2; histograms use 0). */
  bargap?: number;
}

export interface FigureSpec {
  data: Trace[];
  layout: Layout;
}

/** D3's category10, plotly.js's default colorway, set on every trace so both renderers agree. */
export const PALETTE: readonly string[] = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

/** A trace's color: its own, or the palette's for its position. */
export function traceColor(t: Trace, i: number): string {
  return t.line?.color ?? t.marker?.color ?? PALETTE[i % PALETTE.length];
}

export const DEFAULT_WIDTH = 640;
export const DEFAULT_HEIGHT = 400;
