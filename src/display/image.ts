/**
 * Tensors as pictures: `toImage` for one image ([H,W], [C,H,W] or [H,W,C] with 1 or 3
 * channels), `imageGrid` for a batch ([N,H,W] or [N,C,H,W]). Values in [0, 1] are shown as
 * they are, others are spread over their min..max (or a given `range`). Small images are
 * upscaled nearest-neighbour, so a 28x28 digit is 112 px wide.
 */
import type { Tensor } from "../tensor/tensor.ts";
import type { TypedArray } from "../core/dtype.ts";
import { escapeHtml } from "./bundle.ts";
import { checkColormap, colorAt, type Colormap } from "./colormap.ts";
import { checkScale, defaultScale, imgTag, type Pixels, PngImage, upscale } from "./png.ts";
import { cpuValues, normalizer } from "./values.ts";
import { BOX } from "./style.ts";
import { checkOptions } from "../core/options.ts";

export interface ImageOptions {
  /** Nearest-neighbour upscaling factor; by default the longer side becomes >= 112 px. */
  scale?: number;
  /** Colour map for one-channel images (default "gray"); ignored by RGB images. */
  cmap?: Colormap;
  /** The values that map to black and white; by default [0, 1], or min..max outside it. */
  range?: readonly [number, number];
}

export interface GridOptions extends ImageOptions {
  /** Images per row (default: up to 8). */
  columns?: number;
  /** Transparent pixels between and around the images (default 2). */
  padding?: number;
  /** One caption per image; adds an HTML grid of captioned figures. */
  captions?: readonly string[];
}

/** Where channel k of pixel (y, x) lives in the flat values, for one image layout. */
interface Layout {
  h: number;
  w: number;
  c: 1 | 3;
  at: (y: number, x: number, k: number) => number;
}

function imageLayout(op: string, shape: readonly number[]): Layout {
  const [a, b, c] = shape;
  if (shape.length === 2) return { h: a, w: b, c: 1, at: (y, x) => y * b + x };
  if (shape.length === 3 && (a === 1 || a === 3)) {
    return { h: b, w: c, c: a, at: (y, x, k) => (k * b + y) * c + x };
  }
  if (shape.length === 3 && (c === 1 || c === 3)) {
    return { h: a, w: b, c, at: (y, x, k) => (y * b + x) * c + k };
  }
  throw new Error(
    `${op}: expected an image of shape [H, W], [C, H, W] or [H, W, C] with 1 or 3 channels, ` +
      `got [${shape.join(", ")}]. Pick one image of a batch with t.index(i).`,
  );
}

/** One image's pixels at scale 1: grey (1 channel) or RGB (a colour map or 3 channels). */
function pixelsOf(
  values: TypedArray,
  offset: number,
  l: Layout,
  norm: (v: number) => number,
  cmap: Colormap,
): Pixels {
  const grey = l.c === 1 && cmap === "gray";
  const channels = grey ? 1 : 3;
  const data = new Uint8Array(l.h * l.w * channels);
  for (let y = 0; y < l.h; y++) {
    for (let x = 0; x < l.w; x++) {
      const d = (y * l.w + x) * channels;
      if (l.c === 3) {
        for (let k = 0; k < 3; k++) {
          data[d + k] = Math.round(255 * norm(values[offset + l.at(y, x, k)]));
        }
      } else if (grey) {
        data[d] = Math.round(255 * norm(values[offset + l.at(y, x, 0)]));
      } else {
        data.set(colorAt(cmap, norm(values[offset + l.at(y, x, 0)])), d);
      }
    }
  }
  return { data, width: l.w, height: l.h, channels };
}

function imageFrom(values: TypedArray, shape: readonly number[], opts: ImageOptions): PngImage {
  const l = imageLayout("toImage", shape);
  const cmap = checkColormap("toImage", opts.cmap ?? "gray");
  const scale = checkScale("toImage", opts.scale ?? defaultScale(l.h, l.w));
  const pixels = upscale(pixelsOf(values, 0, l, normalizer(values, opts.range), cmap), scale);
  const kind = l.c === 3 ? "RGB" : cmap === "gray" ? "grayscale" : cmap;
  return new PngImage(
    pixels,
    `Image ${pixels.width}×${pixels.height} (${kind}, from [${shape.join(", ")}], scale ${scale})`,
  );
}

/** A PNG of one image tensor (CPU); `toImageAsync` reads any device. */
export function toImage(t: Tensor, opts: ImageOptions = {}): PngImage {
  checkOptions("toImage", opts, ["scale", "cmap", "range"]);
  return imageFrom(cpuValues("toImage", t), t.shape, opts);
}

export async function toImageAsync(t: Tensor, opts: ImageOptions = {}): Promise<PngImage> {
  checkOptions("toImageAsync", opts, ["scale", "cmap", "range"]);
  return imageFrom(await t.data(), t.shape, opts);
}

function gridFrom(values: TypedArray, shape: readonly number[], opts: GridOptions): PngImage {
  if (shape.length !== 3 && shape.length !== 4) {
    throw new Error(
      `imageGrid: expected a batch of shape [N, H, W] or [N, C, H, W], got [${shape.join(", ")}].`,
    );
  }
  const n = shape[0];
  if (n === 0) throw new Error("imageGrid: the batch is empty (shape [0, ...]).");
  const l = imageLayout("imageGrid", shape.slice(1));
  const cmap = checkColormap("imageGrid", opts.cmap ?? "gray");
  const scale = checkScale("imageGrid", opts.scale ?? defaultScale(l.h, l.w));
  const cols = opts.columns ?? Math.min(n, 8);
  const pad = opts.padding ?? 2;
  if (!Number.isInteger(cols) || cols < 1) {
    throw new Error(`imageGrid: columns must be a positive integer, got ${cols}.`);
  }
  if (!Number.isInteger(pad) || pad < 0) {
    throw new Error(`imageGrid: padding must be a non-negative integer, got ${pad}.`);
  }
  if (opts.captions && opts.captions.length !== n) {
    throw new Error(`imageGrid: got ${opts.captions.length} captions for ${n} images.`);
  }
  const norm = normalizer(values, opts.range);
  const size = l.h * l.w * l.c;
  const cells = Array.from(
    { length: n },
    (_, i) => upscale(pixelsOf(values, i * size, l, norm, cmap), scale),
  );
  const rows = Math.max(1, Math.ceil(n / cols));
  const cw = l.w * scale, ch = l.h * scale;
  const inC = cells[0].channels;
  const channels = inC === 1 ? 2 : 4; // plus alpha: the padding is transparent
  const width = cols * cw + (cols + 1) * pad, height = rows * ch + (rows + 1) * pad;
  const data = new Uint8Array(width * height * channels);
  cells.forEach((cell, i) => {
    const x0 = pad + (i % cols) * (cw + pad), y0 = pad + Math.floor(i / cols) * (ch + pad);
    for (let y = 0; y < ch; y++) {
      for (let x = 0; x < cw; x++) {
        const s = (y * cw + x) * inC, d = ((y0 + y) * width + x0 + x) * channels;
        for (let k = 0; k < inC; k++) data[d + k] = cell.data[s + k];
        data[d + inC] = 255;
      }
    }
  });
  const desc = `Image grid ${width}×${height}: ${n} images [${
    shape.slice(1).join(", ")
  }], ${cols} columns, scale ${scale}`;
  const captions = opts.captions;
  const html = captions
    ? () => {
      const figures = cells.map((cell, i) =>
        `<figure style="margin:0;text-align:center">${
          imgTag(new PngImage(cell, "").dataUrl(), cell.width, cell.height, captions[i])
        }<figcaption style="margin-top:2px">${escapeHtml(captions[i])}</figcaption></figure>`
      ).join("");
      return `<div class="gradiente-grid" style="${BOX};display:grid;grid-template-columns:` +
        `repeat(${cols}, max-content);gap:8px 12px;align-items:start">${figures}</div>`;
    }
    : null;
  return new PngImage({ data, width, height, channels }, desc, html);
}

/** One PNG of a batch of images in a grid (CPU); `imageGridAsync` reads any device. */
export function imageGrid(batch: Tensor, opts: GridOptions = {}): PngImage {
  checkOptions("imageGrid", opts, ["scale", "cmap", "range", "columns", "padding", "captions"]);
  return gridFrom(cpuValues("imageGrid", batch), batch.shape, opts);
}

export async function imageGridAsync(batch: Tensor, opts: GridOptions = {}): Promise<PngImage> {
  checkOptions("imageGridAsync", opts, [
    "scale",
    "cmap",
    "range",
    "columns",
    "padding",
    "captions",
  ]);
  return gridFrom(await batch.data(), batch.shape, opts);
}
