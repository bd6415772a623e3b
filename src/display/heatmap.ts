/**
 * A matrix (a layer's weights, a confusion matrix) as a heatmap with a colour bar. "coolwarm"
 * is diverging and centred at 0 (grey is 0, blue negative, red positive, over +-max|value|);
 * "viridis" and "gray" span min..max.
 */
import type { Tensor } from "../tensor/tensor.ts";
import type { TypedArray } from "../core/dtype.ts";
import { makeFormatter } from "../tensor/format.ts";
import { escapeHtml } from "./bundle.ts";
import { checkColormap, colorAt, type Colormap, cssGradient } from "./colormap.ts";
import { checkScale, defaultScale, imgTag, PngImage, upscale } from "./png.ts";
import { cpuValues, finiteRange, normalizer } from "./values.ts";
import { BOX, DIM } from "./style.ts";
import { checkOptions } from "../core/options.ts";

export interface HeatmapOptions {
  /** Default "viridis". */
  cmap?: Colormap;
  /** Nearest-neighbour upscaling factor; by default the longer side becomes >= 112 px. */
  scale?: number;
  /** The values at the ends of the colour scale (default: see the module doc). */
  range?: readonly [number, number];
  /** A title above the map (HTML view). */
  title?: string;
}

function heatmapFrom(values: TypedArray, shape: readonly number[], opts: HeatmapOptions): PngImage {
  if (shape.length !== 2) {
    throw new Error(
      `heatmap: expected a matrix of shape [R, C], got [${shape.join(", ")}]. ` +
        "Reshape it first, e.g. t.reshape(rows, -1).",
    );
  }
  const [rows, cols] = shape;
  const cmap = checkColormap("heatmap", opts.cmap ?? "viridis");
  const scale = checkScale("heatmap", opts.scale ?? defaultScale(rows, cols));
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
  const pixels = upscale({ data, width: cols, height: rows, channels: 3 }, scale);
  const fmt = makeFormatter(Float64Array.from(range), "float64");
  const [lo, hi] = range.map(fmt);
  const title = opts.title ? `${opts.title}: ` : "";
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
      `<div style="${DIM};margin-top:2px">[${rows}, ${cols}] · ${cmap}</div></div>`;
  };
  return new PngImage(
    pixels,
    `${title}heatmap ${pixels.width}×${pixels.height} of [${rows}, ${cols}] (${cmap}, ${lo} to ${hi})`,
    html,
  );
}

/** A heatmap PNG of a matrix (CPU) with a colour bar in HTML; `heatmapAsync` reads any device. */
export function heatmap(weight: Tensor, opts: HeatmapOptions = {}): PngImage {
  checkOptions("heatmap", opts, ["cmap", "scale", "range", "title"]);
  return heatmapFrom(cpuValues("heatmap", weight), weight.shape, opts);
}

export async function heatmapAsync(weight: Tensor, opts: HeatmapOptions = {}): Promise<PngImage> {
  checkOptions("heatmapAsync", opts, ["cmap", "scale", "range", "title"]);
  return heatmapFrom(await weight.data(), weight.shape, opts);
}
