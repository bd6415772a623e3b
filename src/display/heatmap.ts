/**
 * A matrix (a layer's weights, a confusion matrix) as a heatmap with a colour bar. "coolwarm"
 * is diverging and centred at 0 (grey is 0, blue negative, red positive, over +-max|value|);
 * "viridis" and "gray" span min..max. With `annotate`, each cell's value is written into the
 * PNG pixels with the built-in number font (font.ts), black or white by the cell's luminance.
 */
import type { Tensor } from "../tensor/tensor.ts";
import type { TypedArray } from "../core/dtype.ts";
import { makeFormatter } from "../tensor/format.ts";
import { escapeHtml } from "./bundle.ts";
import { checkColormap, colorAt, type Colormap, cssGradient } from "./colormap.ts";
import { checkScale, defaultScale, imgTag, type Pixels, PngImage, upscale } from "./png.ts";
import { cpuValues, finiteRange, normalizer } from "./values.ts";
import { BOX, DIM } from "./style.ts";
import { checkOptions } from "../core/options.ts";
import { drawable, drawText, FONT_CHARS, GLYPH_H, textWidth } from "./font.ts";

export interface HeatmapOptions {
  /** Default "viridis". */
  cmap?: Colormap;
  /**
   * Pixels per cell (nearest-neighbour upscaling); by default the longer side becomes >= 112 px,
   * and with `annotate` a cell is at least wide enough for its longest value.
   */
  scale?: number;
  /** The values at the ends of the colour scale (default: see the module doc). */
  range?: readonly [number, number];
  /** A title above the map (HTML view and text). */
  title?: string;
  /**
   * Write each cell's value into the image: `true` always (an explicit `scale` too small for the
   * text is an error), `"auto"` when the matrix is at most 30×30 and the text fits. Default false.
   * Integer matrices print as integers, others with 2 significant digits (0.83, -12, 1.5e-5).
   */
  annotate?: boolean | "auto";
  /** Tick labels drawn left of the rows / below the columns (digits, '-', '+', '.', 'e' only). */
  ylabels?: readonly (string | number)[];
  xlabels?: readonly (string | number)[];
  /** Axis titles, in the HTML view and the text (the PNG font has no letters). */
  ylabel?: string;
  xlabel?: string;
}

const KEYS = [
  "cmap",
  "scale",
  "range",
  "title",
  "annotate",
  "xlabels",
  "ylabels",
  "xlabel",
  "ylabel",
];

/** A cell's value as drawn: integers as integers, others to 2 significant digits. */
export function cellLabel(v: number, integers: boolean): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (integers || v === 0) return String(v);
  const e = Math.floor(Math.log10(Math.abs(v)));
  if (e >= -2 && e < 3) {
    const s = v.toFixed(Math.max(0, 1 - e));
    return s === "-0" || /^-0\.0*$/.test(s) ? s.slice(1) : s;
  }
  return v.toExponential(1);
}

/** WCAG relative luminance of an sRGB colour, 0 (black) to 1 (white). */
export function luminance(rgb: ArrayLike<number>): number {
  const [r, g, b] = [rgb[0], rgb[1], rgb[2]];
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** Black on light cells, white on dark: 0.179 is where both contrast ratios are equal. */
export function textColor(rgb: ArrayLike<number>): [number, number, number] {
  return luminance(rgb) > 0.179 ? [0, 0, 0] : [255, 255, 255];
}

/** Font scale (pixels per font pixel) that fits `text` in a `cell`-pixel square, or 0. */
function fontFor(cell: number, longest: number): number {
  const fits = (f: number) => (longest * 4 - 1) * f + 2 * f <= cell && (GLYPH_H + 2) * f <= cell;
  for (let f = Math.max(1, Math.min(4, Math.floor(cell / 12))); f >= 1; f--) if (fits(f)) return f;
  return 0;
}

function tickLabels(
  op: string,
  name: string,
  labels: readonly (string | number)[] | undefined,
  n: number,
): string[] | null {
  if (labels === undefined) return null;
  if (labels.length !== n) {
    throw new Error(
      `${op}: got ${labels.length} ${name} for ${n} ${name === "xlabels" ? "columns" : "rows"}.`,
    );
  }
  return labels.map((l) => {
    const s = String(l);
    if (!drawable(s)) {
      throw new Error(
        `${op}: ${name} entry '${s}' cannot be drawn: the PNG's built-in font has only the ` +
          `characters "${FONT_CHARS}". Use class numbers as labels and name the axis with ` +
          "xlabel/ylabel (shown in the HTML view).",
      );
    }
    return s;
  });
}

function heatmapFrom(
  op: string,
  values: TypedArray,
  shape: readonly number[],
  opts: HeatmapOptions,
): PngImage {
  if (shape.length !== 2) {
    throw new Error(
      `${op}: expected a matrix of shape [R, C], got [${shape.join(", ")}]. ` +
        "Reshape it first, e.g. t.reshape(rows, -1).",
    );
  }
  const [rows, cols] = shape;
  const cmap = checkColormap(op, opts.cmap ?? "viridis");
  const annotate = opts.annotate ?? false;
  if (annotate !== true && annotate !== false && annotate !== "auto") {
    throw new Error(`${op}: annotate must be true, false or "auto", got ${String(annotate)}.`);
  }
  const xl = tickLabels(op, "xlabels", opts.xlabels, cols);
  const yl = tickLabels(op, "ylabels", opts.ylabels, rows);
  let integers = true;
  for (const v of values) if (Number.isFinite(v) && !Number.isInteger(v)) integers = false;
  const wanted = annotate === true || (annotate === "auto" && rows <= 30 && cols <= 30);
  const labels = wanted ? Array.from(values, (v) => cellLabel(Number(v), integers)) : [];
  const longest = labels.reduce((m, s) => Math.max(m, s.length), 0);
  // Two pixels per font pixel reads at a glance; the cell grows to hold the longest label
  // with 4 px either side.
  const need = Math.max((longest * 4 - 1) * 2 + 8, (GLYPH_H + 2) * 2);
  const scale = checkScale(
    op,
    opts.scale ?? Math.min(64, Math.max(defaultScale(rows, cols), wanted ? need : 0)),
  );
  let f = wanted ? fontFor(scale, longest) : 0;
  if (wanted && f === 0 && annotate === true) {
    throw new Error(
      `${op}: scale ${scale} is too small to write '${
        labels.find((s) => s.length === longest)
      }' in a cell; use scale >= ${Math.max(longest * 4 + 1, GLYPH_H + 2)} or leave scale unset.`,
    );
  }
  let range = opts.range;
  if (!range) {
    const [lo, hi] = finiteRange(values);
    const m = Math.max(Math.abs(lo), Math.abs(hi));
    // An all-zero matrix still centres at 0 (grey in coolwarm).
    range = cmap === "coolwarm" ? [-(m || 1), m || 1] : [lo, hi];
  }
  const norm = normalizer(values, range);
  const data = new Uint8Array(rows * cols * 3);
  for (let i = 0; i < values.length; i++) data.set(colorAt(cmap, norm(values[i])), 3 * i);
  let pixels = upscale({ data, width: cols, height: rows, channels: 3 }, scale);
  for (let i = 0; f > 0 && i < labels.length; i++) {
    const s = labels[i], x0 = (i % cols) * scale, y0 = Math.floor(i / cols) * scale;
    const w = textWidth(s, f);
    const color = textColor(data.subarray(3 * i, 3 * i + 3));
    drawText(
      pixels,
      s,
      x0 + Math.floor((scale - w) / 2),
      y0 + Math.floor((scale - GLYPH_H * f) / 2),
      f,
      color,
    );
  }
  if (xl || yl) pixels = withTicks(pixels, scale, xl, yl, f || Math.min(2, fontFor(scale, 1) || 1));
  if (!wanted) f = 0;
  const fmt = makeFormatter(Float64Array.from(range), "float64");
  const [lo, hi] = range.map(fmt);
  const title = opts.title ? `${opts.title}: ` : "";
  const axes = [
    opts.ylabel ? `rows: ${opts.ylabel}` : "",
    opts.xlabel ? `columns: ${opts.xlabel}` : "",
  ].filter((s) => s).join(", ");
  const html = (src: string) => {
    const h = pixels.height;
    const bar = `<div style="display:flex;flex-direction:column;justify-content:space-between;` +
      `height:${Math.max(h, 60)}px"><span>${escapeHtml(hi)}</span><span>${
        escapeHtml(lo)
      }</span></div>`;
    return `<div class="gradiente-heatmap" style="${BOX}">` +
      (opts.title ? `<div style="margin-bottom:4px">${escapeHtml(opts.title)}</div>` : "") +
      `<div style="display:flex;gap:8px;align-items:flex-start">` +
      imgTag(src, pixels.width, h, `heatmap ${rows}×${cols}`) +
      `<div style="width:14px;height:${Math.max(h, 60)}px;background:${cssGradient(cmap)};` +
      `border:1px solid rgba(128,128,128,0.35)"></div>${bar}</div>` +
      (axes ? `<div>${escapeHtml(axes)}</div>` : "") +
      `<div style="${DIM};margin-top:2px">[${rows}, ${cols}] · ${cmap}</div></div>`;
  };
  return new PngImage(
    pixels,
    `${title}heatmap ${pixels.width}×${pixels.height} of [${rows}, ${cols}] (${cmap}, ${lo} to ${hi}` +
      `${f ? ", values in the cells" : ""})${axes ? `; ${axes}` : ""}`,
    html,
  );
}

/** Tick labels in grey (readable on light and dark themes) on transparent margins. */
function withTicks(
  map: Pixels,
  scale: number,
  xl: string[] | null,
  yl: string[] | null,
  f: number,
): Pixels {
  const gap = 2 * f;
  const left = yl ? Math.max(...yl.map((s) => textWidth(s, f))) + 2 * gap : 0;
  const bottom = xl ? GLYPH_H * f + 2 * gap : 0;
  const width = map.width + left, height = map.height + bottom;
  const out: Pixels = { data: new Uint8Array(width * height * 4), width, height, channels: 4 };
  for (let y = 0; y < map.height; y++) {
    for (let x = 0; x < map.width; x++) {
      const s = (y * map.width + x) * 3, d = (y * width + x + left) * 4;
      out.data.set(map.data.subarray(s, s + 3), d);
      out.data[d + 3] = 255;
    }
  }
  const grey = [128, 128, 128, 255];
  yl?.forEach((s, r) =>
    drawText(
      out,
      s,
      left - gap - textWidth(s, f),
      r * scale + Math.floor((scale - GLYPH_H * f) / 2),
      f,
      grey,
    )
  );
  xl?.forEach((s, c) =>
    drawText(
      out,
      s,
      left + c * scale + Math.floor((scale - textWidth(s, f)) / 2),
      map.height + gap,
      f,
      grey,
    )
  );
  return out;
}

/** A heatmap PNG of a matrix (CPU) with a colour bar in HTML; `heatmapAsync` reads any device. */
export function heatmap(weight: Tensor, opts: HeatmapOptions = {}): PngImage {
  checkOptions("heatmap", opts, KEYS);
  return heatmapFrom("heatmap", cpuValues("heatmap", weight), weight.shape, opts);
}

export async function heatmapAsync(weight: Tensor, opts: HeatmapOptions = {}): Promise<PngImage> {
  checkOptions("heatmapAsync", opts, KEYS);
  return heatmapFrom("heatmapAsync", await weight.data(), weight.shape, opts);
}
