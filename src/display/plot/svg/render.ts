/**
 * The static rendering of a figure: axes with nice ticks, gridlines, the traces, title, axis
 * titles and a legend, as one standalone SVG document (what GitHub and nbconvert show).
 */
import { DEFAULT_HEIGHT, DEFAULT_WIDTH, type FigureSpec, type Trace, traceColor } from "../spec.ts";
import { el, text, textWidth } from "./elements.ts";
import { bounds, extent, linearScale, logScale, type Scale } from "./scale.ts";
import { drawBars, drawScatter, type XPlacement } from "./traces.ts";

const AXIS = "#444";
const GRID = "#e6e6e6";
const FONT = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";

export function renderSvg(spec: FigureSpec, clipId = "gd-clip"): string {
  const { data, layout } = spec;
  const W = layout.width ?? DEFAULT_WIDTH, H = layout.height ?? DEFAULT_HEIGHT;
  const title = layout.title?.text, xTitle = layout.xaxis?.title?.text;
  const yTitle = layout.yaxis?.title?.text;
  const top = title ? 40 : 16, bottom = H - (xTitle ? 52 : 32);

  const y = yScale(spec, bottom, top);
  const yTicks = y.ticks().map((v) => ({ v, label: y.format(v), at: y(v) }));
  const labelWidth = Math.max(0, ...yTicks.map((t) => textWidth(t.label)));
  const left = Math.round(labelWidth + (yTitle ? 34 : 14));
  const colored = data.map((t, i) => ({ t, color: traceColor(t, i) }));
  const key = legend(spec, colored);
  // The legend sits right of the plot area, as plotly places it.
  const right = W - 16 - (key ? key.width + 8 : 0);
  const x = xAxis(spec, left, right);

  const parts: string[] = [el("rect", { class: "background", width: W, height: H, fill: "white" })];
  // Gridlines, then the traces clipped to the plot area, then axes on top.
  parts.push(el(
    "g",
    { class: "grid", stroke: GRID, "stroke-width": 1 },
    ...yTicks.map((t) => el("line", { x1: left, x2: right, y1: t.at, y2: t.at })),
    ...x.ticks.filter(() => x.grid).map((t) =>
      el("line", { x1: t.at, x2: t.at, y1: top, y2: bottom })
    ),
  ));
  parts.push(el(
    "clipPath",
    { id: clipId },
    el("rect", { x: left, y: top, width: right - left, height: bottom - top }),
  ));
  const bars = colored.filter(({ t }) => t.type === "bar");
  parts.push(el(
    "g",
    { class: "traces", "clip-path": `url(#${clipId})` },
    bars.length > 0
      ? drawBars(bars, x.place, y, layout.barmode ?? "group", layout.bargap ?? 0.2)
      : "",
    ...colored.filter(({ t }) => t.type === "scatter").map(({ t, color }) =>
      drawScatter(t, color, x.place, y)
    ),
  ));
  parts.push(el(
    "g",
    { class: "axes", stroke: AXIS, "stroke-width": 1 },
    el("line", { x1: left, x2: right, y1: bottom, y2: bottom }),
    el("line", { x1: left, x2: left, y1: top, y2: bottom }),
    ...yTicks.map((t) => el("line", { x1: left - 5, x2: left, y1: t.at, y2: t.at })),
    ...x.ticks.map((t) => el("line", { x1: t.at, x2: t.at, y1: bottom, y2: bottom + 5 })),
  ));
  parts.push(el(
    "g",
    { class: "tick-labels", fill: AXIS },
    ...yTicks.map((t) =>
      text(left - 8, t.at, t.label, {
        class: "tick",
        "text-anchor": "end",
        "dominant-baseline": "middle",
      })
    ),
    ...x.ticks.map((t) =>
      text(t.at, bottom + 18, t.label, { class: "tick", "text-anchor": "middle" })
    ),
  ));
  if (title) {
    parts.push(
      text(W / 2, 24, title, { class: "title", "text-anchor": "middle", "font-size": 16 }),
    );
  }
  if (xTitle) {
    parts.push(
      text((left + right) / 2, H - 12, xTitle, { class: "axis-title", "text-anchor": "middle" }),
    );
  }
  if (yTitle) {
    const cy = (top + bottom) / 2;
    parts.push(text(16, cy, yTitle, {
      class: "axis-title",
      "text-anchor": "middle",
      transform: `rotate(-90 16 ${Math.round(cy)})`,
    }));
  }
  if (key) parts.push(key.draw(right + 12, top));
  return el(
    "svg",
    {
      xmlns: "http://www.w3.org/2000/svg",
      width: W,
      height: H,
      viewBox: `0 0 ${W} ${H}`,
      "font-family": FONT,
      "font-size": 12,
    },
    ...parts,
  );
}

function finiteYs(data: readonly Trace[]): number[] {
  return data.flatMap((t) => t.y.filter((v): v is number => v !== null && Number.isFinite(v)));
}

function yScale(spec: FigureSpec, bottom: number, top: number): Scale {
  const axis = spec.layout.yaxis ?? {};
  const ys = finiteYs(spec.data);
  if (axis.type === "log") {
    const [lo, hi] = axis.range
      ? [10 ** axis.range[0], 10 ** axis.range[1]]
      : extent(ys.filter((v) => v > 0).map(Math.log10)).map((e) => 10 ** e);
    return logScale([lo, hi], bottom, top);
  }
  if (axis.range) return linearScale(axis.range, bottom, top);
  if (spec.data.some((t) => t.type === "bar")) {
    // Bars grow from zero, so zero is in the domain and gets no padding.
    const [min, max] = bounds(ys);
    const [lo, hi] = [Math.min(0, min), Math.max(0, max)];
    const pad = (hi - lo || 1) * 0.05;
    return linearScale([lo < 0 ? lo - pad : 0, hi > 0 ? hi + pad : 0], bottom, top);
  }
  return linearScale(extent(ys), bottom, top);
}

interface XAxis {
  place: XPlacement;
  ticks: { at: number; label: string }[];
  grid: boolean;
}

function xAxis(spec: FigureSpec, left: number, right: number): XAxis {
  const { data, layout } = spec;
  const axis = layout.xaxis ?? {};
  if (axis.type === "category" || data.some((t) => t.x.some((v) => typeof v === "string"))) {
    const categories = [...new Set(data.flatMap((t) => t.x.map(String)))];
    const band = (right - left) / Math.max(1, categories.length);
    const index = new Map(categories.map((c, i) => [c, i]));
    const pos = (v: number | string) => left + ((index.get(String(v)) ?? 0) + 0.5) * band;
    return {
      place: { pos, span: (w) => w * band, slot: () => band },
      ticks: categories.map((c) => ({ at: pos(c), label: c })),
      grid: false,
    };
  }
  const xs = data.flatMap((t) => t.x as number[]).filter(Number.isFinite);
  const bars = data.filter((t) => t.type === "bar");
  let domain: readonly [number, number];
  if (axis.range) {
    domain = axis.type === "log" ? [10 ** axis.range[0], 10 ** axis.range[1]] : axis.range;
  } else if (bars.length > 0) {
    // Bars stick out half a bar on each side of their x.
    const half = Math.max(0, ...bars.map((t) => (t.width ?? minSpacing(t.x as number[])) / 2));
    const [lo, hi] = bounds(xs);
    domain = xs.length === 0 ? [0, 1] : [lo - half, hi + half];
  } else if (axis.type === "log") {
    domain = extent(xs.filter((v) => v > 0).map(Math.log10), 0.02).map((e) => 10 ** e) as [
      number,
      number,
    ];
  } else {
    domain = extent(xs, 0.02);
  }
  const s = axis.type === "log" ? logScale(domain, left, right) : linearScale(domain, left, right);
  return {
    place: {
      pos: (v) => s(Number(v)),
      span: (w) => Math.abs(s(domain[0] + w) - s(domain[0])),
      slot: (t) => Math.abs(s(domain[0] + minSpacing(t.x as number[])) - s(domain[0])),
    },
    ticks: s.ticks().map((v) => ({ at: s(v), label: s.format(v) })),
    grid: true,
  };
}

/** The smallest gap between distinct x values (1 for a single value). */
function minSpacing(xs: readonly number[]): number {
  const sorted = [...new Set(xs.filter(Number.isFinite))].sort((a, b) => a - b);
  let gap = Infinity;
  for (let i = 1; i < sorted.length; i++) gap = Math.min(gap, sorted[i] - sorted[i - 1]);
  return Number.isFinite(gap) ? gap : 1;
}

/** Shown, as plotly does, when more than one trace is named (or layout.showlegend is true). */
function legend(
  spec: FigureSpec,
  colored: readonly { t: Trace; color: string }[],
): { width: number; draw(x0: number, y0: number): string } | null {
  const entries = colored.filter(({ t }) => t.name !== undefined && t.showlegend !== false);
  const show = spec.layout.showlegend ?? entries.length > 1;
  if (!show || entries.length === 0) return null;
  const width = 30 + Math.max(...entries.map(({ t }) => textWidth(t.name ?? "")));
  const row = 18;
  const draw = (x0: number, y0: number) =>
    el(
      "g",
      { class: "legend" },
      ...entries.map(({ t, color }, i) => {
        const cy = y0 + 8 + i * row;
        const swatch = t.type === "bar"
          ? el("rect", { x: x0, y: cy - 5, width: 16, height: 10, fill: color })
          : (t.mode ?? "lines") === "markers"
          ? el("circle", { cx: x0 + 8, cy, r: 4, fill: color })
          : el("line", { x1: x0, x2: x0 + 20, y1: cy, y2: cy, stroke: color, "stroke-width": 2 });
        return swatch + text(x0 + 26, cy, t.name ?? "", { "dominant-baseline": "middle" });
      }),
    );
  return { width, draw };
}
