/** The plot functions: data in (arrays, TypedArrays, CPU tensors), a Figure out. */
import { Figure } from "./figure.ts";
import { isNumeric, isTensorLike, jsonSafe, type Numeric, toNumber, toNumbers } from "./input.ts";
import { type AxisLayout, type Layout, PALETTE, type Trace } from "./spec.ts";
import { bounds } from "./svg/scale.ts";
import { checkOptions } from "../../core/options.ts";

export interface PlotOptions {
  title?: string;
  xlabel?: string;
  ylabel?: string;
  /** Pixels; the SVG uses both, plotly fills the cell's width up to `width`. */
  width?: number;
  height?: number;
  logX?: boolean;
  logY?: boolean;
  /** Axis limits in data units. */
  xrange?: [number, number];
  yrange?: [number, number];
  /** Show the legend (by default: when there are two or more named traces). */
  legend?: boolean;
  /** Embed plotly.js in this figure (see plot.config). */
  inline?: boolean;
  /** Raw plotly layout, merged over the one these options build. */
  layout?: Layout;
}

/** One series of points. Without x, x is 0, 1, 2, ... */
export interface Series {
  x?: Numeric | readonly string[];
  y: Numeric;
  name?: string;
  color?: string;
  dash?: "solid" | "dash" | "dot";
}

/** y values alone, one series, or several. */
export type SeriesInput = Numeric | Series | readonly Series[];

function isSeries(v: unknown): v is Series {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) &&
    !isTensorLike(v) && "y" in v && typeof v.y !== "number";
}

function seriesList(input: SeriesInput, fn: string): Series[] {
  if (Array.isArray(input) && input.length > 0 && input.every(isSeries)) return input as Series[];
  if (isSeries(input)) return [input];
  if (isNumeric(input)) return [{ y: input }];
  throw new Error(
    `plot.${fn}: expected y values (an array, a TypedArray or a tensor), a series { x, y, name } ` +
      `or an array of series, got ${describeValue(input)}.`,
  );
}

function describeValue(v: unknown): string {
  if (v === null || typeof v !== "object") return String(v);
  return Array.isArray(v) ? `an array starting with ${describeValue(v[0])}` : "an object without y";
}

function xValues(s: Series, n: number, where: string, start = 0): (number | string)[] {
  if (s.x === undefined) return Array.from({ length: n }, (_, i) => i + start);
  const strings = Array.isArray(s.x) && s.x.some((v) => typeof v === "string");
  const x = strings
    ? (s.x as readonly unknown[]).map(String)
    : toNumbers(s.x as Numeric, `x of ${where}`);
  if (x.length !== n) {
    throw new Error(`plot: ${where} has ${x.length} x values but ${n} y values; they must match.`);
  }
  return x;
}

function seriesTraces(
  list: readonly Series[],
  type: Trace["type"],
  mode: Trace["mode"],
  xStart = 0,
): Trace[] {
  return list.map((s, i) => {
    const where = list.length === 1 ? "the series" : `series ${i}${s.name ? ` (${s.name})` : ""}`;
    const y = toNumbers(s.y, `y of ${where}`);
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const trace: Trace = { type, x: xValues(s, y.length, where, xStart), y: jsonSafe(y) };
    if (s.name !== undefined) trace.name = s.name;
    if (type === "scatter") {
      trace.mode = mode;
      trace.line = { color, width: 2, ...(s.dash ? { dash: s.dash } : {}) };
    }
    trace.marker = { color };
    return trace;
  });
}

/** The layout the options describe, with `defaults` for labels the caller does not give. */
function layoutOf(opts: PlotOptions, defaults: Partial<PlotOptions> = {}): Layout {
  const o = { ...defaults, ...opts };
  const axis = (label?: string, log?: boolean, range?: [number, number]): AxisLayout => {
    const a: AxisLayout = {};
    if (label !== undefined) a.title = { text: label };
    if (log) a.type = "log";
    if (range) a.range = log ? [Math.log10(range[0]), Math.log10(range[1])] : range;
    return a;
  };
  const layout: Layout = {
    xaxis: axis(o.xlabel, o.logX, o.xrange),
    yaxis: axis(o.ylabel, o.logY, o.yrange),
  };
  if (o.title !== undefined) layout.title = { text: o.title };
  if (o.width !== undefined) layout.width = o.width;
  if (o.height !== undefined) layout.height = o.height;
  if (o.legend !== undefined) layout.showlegend = o.legend;
  const raw = opts.layout ?? {};
  return {
    ...layout,
    ...raw,
    xaxis: { ...layout.xaxis, ...raw.xaxis },
    yaxis: { ...layout.yaxis, ...raw.yaxis },
  };
}

/** The keys of PlotOptions, which every plot function takes (some add their own). */
const PLOT_KEYS = [
  "title",
  "xlabel",
  "ylabel",
  "width",
  "height",
  "logX",
  "logY",
  "xrange",
  "yrange",
  "legend",
  "inline",
  "layout",
] as const satisfies readonly (keyof PlotOptions)[];

function figure(data: Trace[], layout: Layout, opts: PlotOptions): Figure {
  return new Figure(data, layout, opts.inline === undefined ? {} : { inline: opts.inline });
}

/**
 * Lines through points: `line(ys)`, `line({ x, y, name })` or `line([{ x, y, name }, ...])`.
 * @example
 * plot.line([{ y: trainLoss, name: "train" }, { y: valLoss, name: "val" }], { logY: true });
 */
export function line(input: SeriesInput, opts: PlotOptions = {}): Figure {
  checkOptions("line", opts, PLOT_KEYS);
  return figure(seriesTraces(seriesList(input, "line"), "scatter", "lines"), layoutOf(opts), opts);
}

/** A labelled scatter series: points split into one trace (one color) per label. */
export interface ScatterSeries extends Series {
  /** A class label per point; each distinct label gets its own trace and color. */
  labels?: Numeric | readonly string[];
}

export interface ScatterOptions extends PlotOptions {
  /** Marker diameter in pixels (default 6). */
  size?: number;
}

/**
 * Markers at points: `scatter({ x, y })`, `scatter({ x, y, labels })` (a color per class),
 * or several series.
 */
export function scatter(
  input: Numeric | ScatterSeries | readonly ScatterSeries[],
  opts: ScatterOptions = {},
): Figure {
  checkOptions("scatter", opts, [...PLOT_KEYS, "size"]);
  const list = seriesList(input, "scatter") as ScatterSeries[];
  const split = list.flatMap((s) => (s.labels === undefined ? [s] : byLabel(s)));
  const traces = seriesTraces(split, "scatter", "markers");
  for (const t of traces) t.marker = { ...t.marker, size: opts.size ?? 6 };
  return figure(traces, layoutOf(opts), opts);
}

function byLabel(s: ScatterSeries): Series[] {
  const y = toNumbers(s.y, "y");
  const x = xValues(s, y.length, "the series") as number[];
  const labels = Array.isArray(s.labels) && s.labels.some((v) => typeof v === "string")
    ? (s.labels as unknown[]).map(String)
    : toNumbers(s.labels as Numeric, "labels").map(String);
  if (labels.length !== y.length) {
    throw new Error(
      `plot.scatter: ${labels.length} labels for ${y.length} points; they must match.`,
    );
  }
  const groups = new Map<string, number[]>();
  labels.forEach((l, i) => groups.set(l, [...(groups.get(l) ?? []), i]));
  return [...groups.keys()].sort(naturalOrder).map((label) => {
    const idx = groups.get(label)!;
    return {
      x: idx.map((i) => x[i]),
      y: idx.map((i) => y[i]),
      name: s.name ? `${s.name} ${label}` : label,
    };
  });
}

function naturalOrder(a: string, b: string): number {
  const [na, nb] = [Number(a), Number(b)];
  return Number.isFinite(na) && Number.isFinite(nb) ? na - nb : a.localeCompare(b);
}

/**
 * Bars: `bar(values)`, `bar({ cat: 3, dog: 5 })`, `bar({ x: labels, y, name })` or several series
 * (grouped side by side).
 */
export function bar(
  input: SeriesInput | Readonly<Record<string, number>>,
  opts: PlotOptions = {},
): Figure {
  checkOptions("bar", opts, PLOT_KEYS);
  const list = isCounts(input)
    ? [{ x: Object.keys(input), y: Object.values(input) }]
    : seriesList(input as SeriesInput, "bar");
  return figure(seriesTraces(list, "bar", undefined), layoutOf(opts), opts);
}

function isCounts(v: unknown): v is Record<string, number> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) &&
    !isTensorLike(v) && Object.values(v).every((e) => typeof e === "number");
}

export interface HistogramOptions extends PlotOptions {
  /** Number of bins, or "auto" (the larger of Sturges' and Freedman-Diaconis' counts). */
  bins?: number | "auto";
  /** The binned interval; values outside it are left out. */
  range?: [number, number];
  /** Divide counts so each histogram integrates to 1. */
  density?: boolean;
}

/** Equal-width bins over [lo, hi]: edges (bins + 1) and counts. */
export function histogramBins(
  values: readonly number[],
  bins: number | "auto" = "auto",
  range?: [number, number],
): { edges: number[]; counts: number[] } {
  const finite = values.filter(Number.isFinite);
  let [lo, hi] = range ?? bounds(finite);
  if (!(lo <= hi)) [lo, hi] = [0, 1];
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const n = bins === "auto" ? autoBins(finite, lo, hi) : bins;
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`plot.histogram: bins must be a positive integer or "auto", got ${bins}.`);
  }
  const w = (hi - lo) / n;
  const edges = Array.from({ length: n + 1 }, (_, i) => (i === n ? hi : lo + i * w));
  const counts = new Array<number>(n).fill(0);
  for (const v of finite) {
    if (v < lo || v > hi) continue;
    counts[Math.min(n - 1, Math.floor((v - lo) / w))]++;
  }
  return { edges, counts };
}

function autoBins(values: readonly number[], lo: number, hi: number): number {
  if (values.length < 2) return 1;
  const sturges = Math.ceil(Math.log2(values.length)) + 1;
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.floor(p * (sorted.length - 1))];
  const iqr = q(0.75) - q(0.25);
  const fd = iqr > 0 ? Math.ceil((hi - lo) / (2 * iqr * sorted.length ** (-1 / 3))) : 0;
  return Math.min(200, Math.max(sturges, fd));
}

/**
 * A histogram of values (or of several series, overlaid with shared bins).
 * @example
 * plot.histogram(model.fc1.weight, { bins: 50, title: "fc1 weights" });
 */
export function histogram(
  input:
    | Numeric
    | { values: Numeric; name?: string }
    | readonly { values: Numeric; name?: string }[],
  opts: HistogramOptions = {},
): Figure {
  checkOptions("histogram", opts, [...PLOT_KEYS, "bins", "range", "density"]);
  const list = Array.isArray(input) && input.length > 0 && input.every((s) => isValues(s))
    ? input as { values: Numeric; name?: string }[]
    : isValues(input)
    ? [input]
    : [{ values: input as Numeric }];
  const values = list.map((s, i) => toNumbers(s.values, `values of series ${i}`));
  const range = opts.range ?? bounds(values.flat()) as [number, number];
  const binned = values.map((v) => histogramBins(v, opts.bins ?? "auto", range));
  const { edges } = binned[0];
  const width = edges[1] - edges[0];
  const centers = edges.slice(0, -1).map((e) => e + width / 2);
  const data: Trace[] = binned.map(({ counts }, i) => {
    const total = counts.reduce((a, b) => a + b, 0);
    const trace: Trace = {
      type: "bar",
      x: centers,
      y: opts.density ? counts.map((c) => (total ? c / (total * width) : 0)) : counts,
      width,
      marker: { color: PALETTE[i % PALETTE.length] },
    };
    if (list[i].name !== undefined) trace.name = list[i].name;
    if (list.length > 1) trace.opacity = 0.6;
    return trace;
  });
  const layout = layoutOf(opts, { ylabel: opts.density ? "density" : "count" });
  return figure(data, { barmode: "overlay", bargap: 0, ...layout }, opts);
}

function isValues(v: unknown): v is { values: Numeric; name?: string } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && "values" in v;
}

/** A function of x: a JS function, a gradiente op (relu, tanh, ...) or a module (nn.ReLU). */
export type PlotFn =
  | ((x: never) => unknown)
  | { forward(x: never): unknown };

export interface FnSeries {
  f: PlotFn;
  name?: string;
  color?: string;
}

export interface FnOptions extends PlotOptions {
  /** The x interval (default -5 to 5). */
  from?: number;
  to?: number;
  /** Sample count (default 201). */
  points?: number;
}

/**
 * Plots functions of one variable on [from, to]. Each is first called once on all the x
 * values (an array, which gradiente's ops take like a tensor), and, if that does not give
 * one value per x, once per x.
 * @example
 * plot.fn([relu, sigmoid, tanh], { from: -4, to: 4, title: "Activations" });
 * plot.fn({ f: (x: number) => x ** 2, name: "x²" });
 */
export function fn(
  input: PlotFn | FnSeries | readonly (PlotFn | FnSeries)[],
  opts: FnOptions = {},
): Figure {
  checkOptions("fn", opts, [...PLOT_KEYS, "from", "to", "points"]);
  const from = opts.from ?? -5, to = opts.to ?? 5, points = opts.points ?? 201;
  if (!(to > from) || !Number.isInteger(points) || points < 2) {
    throw new Error(
      `plot.fn: need from < to and an integer points >= 2, got from ${from}, to ${to}, points ${points}.`,
    );
  }
  const xs = Array.from(
    { length: points },
    (_, i) => (i === points - 1 ? to : from + (i * (to - from)) / (points - 1)),
  );
  const list = (Array.isArray(input) ? input : [input]) as (PlotFn | FnSeries)[];
  const series: Series[] = list.map((item, i) => {
    const s = typeof item === "object" && "f" in item ? item : { f: item as PlotFn };
    const call = callable(s.f);
    return { x: xs, y: evaluate(call, xs), name: s.name ?? fnName(s.f, i), color: s.color };
  });
  return figure(seriesTraces(series, "scatter", "lines"), layoutOf(opts, { xlabel: "x" }), opts);
}

function callable(f: PlotFn): (x: unknown) => unknown {
  if (typeof f === "function") return f as (x: unknown) => unknown;
  if (f !== null && typeof f === "object" && typeof f.forward === "function") {
    return (x) => (f.forward as (x: unknown) => unknown).call(f, x);
  }
  throw new Error(`plot.fn: expected a function or a module with forward(), got ${String(f)}.`);
}

function evaluate(f: (x: unknown) => unknown, xs: number[]): number[] {
  try {
    const all = f(xs);
    if (isNumeric(all)) {
      const ys = toNumbers(all, "f(x)");
      if (ys.length === xs.length) return ys;
    }
  } catch {
    // A function of one number: evaluated point by point below.
  }
  return xs.map((x) => toNumber(f(x), "f(x)"));
}

function fnName(f: PlotFn, i: number): string {
  if (typeof f === "function") {
    if (f.name) return f.name;
    const src = String(f).replace(/\s+/g, " ");
    return src.length <= 32 ? src : `f${i}`;
  }
  return (f as object).constructor?.name ?? `f${i}`;
}

/**
 * Loss (or metric) per epoch, starting at epoch 1: `lossCurve(losses)` or
 * `lossCurve({ train, val })`.
 */
export function lossCurve(
  history: Numeric | Readonly<Record<string, Numeric>>,
  opts: PlotOptions = {},
): Figure {
  checkOptions("lossCurve", opts, PLOT_KEYS);
  const list: Series[] = isNumeric(history)
    ? [{ y: history, name: "loss" }]
    : Object.entries(history).map(([name, y]) => ({ y, name }));
  const traces = seriesTraces(list, "scatter", "lines", 1);
  const longest = Math.max(0, ...traces.map((t) => t.y.length));
  if (longest <= 30) { for (const t of traces) t.mode = "lines+markers"; }
  return figure(traces, layoutOf(opts, { xlabel: "epoch", ylabel: "loss" }), opts);
}
