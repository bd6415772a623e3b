/** Drawing of each trace type: lines and markers (scatter) and bars. */
import type { Trace } from "../spec.ts";
import { el, pathData } from "./elements.ts";
import type { Scale } from "./scale.ts";

/** Where x values land: a pixel position, and how many pixels one x unit or one bar slot takes. */
export interface XPlacement {
  pos(v: number | string): number;
  /** Pixels spanned by a width given in x units (a histogram bin). */
  span(width: number): number;
  /** Pixels between neighbouring bars of one trace. */
  slot(t: Trace): number;
}

type Point = readonly [number, number] | null;

/** One <path class="line"> for the line, one <circle> per point for markers. */
export function drawScatter(t: Trace, color: string, x: XPlacement, y: Scale): string {
  const points: Point[] = t.x.map((xv, i) => {
    const yv = t.y[i];
    return yv === null || yv === undefined ? null : [x.pos(xv), y(yv)];
  });
  const mode = t.mode ?? "lines";
  let out = "";
  if (mode.includes("lines")) {
    out += el("path", {
      class: "line",
      d: pathData(thin(points)),
      fill: "none",
      stroke: color,
      "stroke-width": t.line?.width ?? 2,
      "stroke-dasharray": t.line?.dash === "dash"
        ? "6 4"
        : t.line?.dash === "dot"
        ? "2 3"
        : undefined,
      "stroke-linejoin": "round",
      opacity: t.opacity,
    });
  }
  if (mode.includes("markers")) {
    const r = (t.marker?.size ?? 6) / 2;
    const circles = points.filter((p): p is readonly [number, number] =>
      p !== null && Number.isFinite(p[0]) && Number.isFinite(p[1])
    ).map(([cx, cy]) => el("circle", { cx, cy, r }));
    out += el("g", {
      class: "markers",
      fill: color,
      "fill-opacity": t.marker?.opacity ?? t.opacity,
    }, ...circles);
  }
  return out;
}

/**
 * One <rect class="bar"> per value. Several bar traces sit side by side in each slot
 * (barmode "group") or on top of each other (barmode "overlay", used by histograms).
 */
export function drawBars(
  traces: readonly { t: Trace; color: string }[],
  x: XPlacement,
  y: Scale,
  barmode: "group" | "overlay",
  bargap: number,
): string {
  const groups = barmode === "group" ? traces.length : 1;
  const base = y.domain[0] > 0 ? y.domain[0] : 0; // a log axis has no zero
  return traces.map(({ t, color }, k) => {
    const full = t.width !== undefined ? x.span(t.width) : x.slot(t) * (1 - bargap);
    const w = full / groups;
    const rects = t.x.map((xv, i) => {
      const v = t.y[i];
      if (v === null || v === undefined || !Number.isFinite(v)) return "";
      const left = x.pos(xv) - full / 2 + (groups > 1 ? k * w : 0);
      const [y0, y1] = [y(base), y(v)];
      return el("rect", {
        class: "bar",
        x: left,
        y: Math.min(y0, y1),
        width: Math.max(0, w),
        height: Math.abs(y1 - y0) || 0,
      });
    });
    return el("g", { fill: color, "fill-opacity": t.opacity ?? t.marker?.opacity }, ...rects);
  }).join("");
}

/**
 * Keeps a long line's look with fewer points: per pixel column, its first, lowest, highest and
 * last points. Only for x increasing left to right; anything else is drawn as is.
 */
export function thin(points: readonly Point[]): Point[] {
  if (points.length < 2000) return [...points];
  let prev = -Infinity;
  for (const p of points) {
    if (p === null) continue;
    if (p[0] < prev) return [...points];
    prev = p[0];
  }
  const out: Point[] = [];
  let column: (readonly [number, number])[] = [];
  const flush = () => {
    if (column.length === 0) return;
    const lo = column.reduce((a, b) => (b[1] < a[1] ? b : a));
    const hi = column.reduce((a, b) => (b[1] > a[1] ? b : a));
    const keep = new Set([column[0], lo, hi, column[column.length - 1]]);
    out.push(...column.filter((p) => keep.has(p)));
    column = [];
  };
  for (const p of points) {
    if (p === null) {
      flush();
      out.push(null);
    } else {
      if (column.length > 0 && Math.round(p[0]) !== Math.round(column[0][0])) flush();
      column.push(p);
    }
  }
  flush();
  return out;
}
