/**
 * Plots for notebooks. Each function returns a Figure: plotly's JSON (interactive in
 * JupyterLab, VS Code and classic Notebook through a pinned plotly.js) with a static SVG
 * fallback of our own, so saved notebooks show the plot on GitHub too.
 *
 * @example
 * ```ts
 * import { plot, relu, sigmoid, tanh } from "gradiente";
 * plot.fn([relu, sigmoid, tanh], { from: -4, to: 4, title: "Activations" });
 * plot.lossCurve({ train: trainLosses, val: valLosses });
 * plot.config({ inline: true }); // embed plotly.js: renders offline
 * ```
 * @module
 */
export { Figure, type FigureOptions, PLOTLY_MIME } from "./figure.ts";
export { config, type PlotConfig, PLOTLY_CDN_URL, PLOTLY_SRI, PLOTLY_VERSION } from "./html.ts";
export type { Numeric } from "./input.ts";
export {
  bar,
  fn,
  type FnOptions,
  type FnSeries,
  histogram,
  histogramBins,
  type HistogramOptions,
  line,
  lossCurve,
  type PlotFn,
  type PlotOptions,
  scatter,
  type ScatterOptions,
  type ScatterSeries,
  type Series,
  type SeriesInput,
} from "./plots.ts";
export type { AxisLayout, FigureSpec, Layout, Trace } from "./spec.ts";
export { niceTicks } from "./svg/scale.ts";
