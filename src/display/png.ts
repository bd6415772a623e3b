/**
 * PNG output: 8-bit pixels -> PNG bytes (fast-png, pure JS, so it runs in Deno, Node and
 * browsers), nearest-neighbour upscaling, and PngImage, the displayable result of toImage,
 * imageGrid and heatmap.
 */
import { encode } from "fast-png";
import { escapeHtml, JUPYTER_DISPLAY, type MimeBundle, PrintsAsText } from "./bundle.ts";

/** Row-major 8-bit pixels: 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA) channels. */
export interface Pixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

export function encodePng(p: Pixels): Uint8Array {
  return encode({ width: p.width, height: p.height, data: p.data, channels: p.channels, depth: 8 });
}

/** Each pixel becomes a scale x scale block. */
export function upscale(p: Pixels, scale: number): Pixels {
  if (scale === 1) return p;
  const { width, height, channels: c } = p;
  const w = width * scale, h = height * scale;
  const out = new Uint8Array(w * h * c);
  for (let y = 0; y < h; y++) {
    const src = Math.floor(y / scale) * width;
    for (let x = 0; x < w; x++) {
      const s = (src + Math.floor(x / scale)) * c, d = (y * w + x) * c;
      for (let k = 0; k < c; k++) out[d + k] = p.data[s + k];
    }
  }
  return { data: out, width: w, height: h, channels: c };
}

/** The nearest-neighbour scale that makes the longer side at least `target` pixels. */
export function defaultScale(height: number, width: number, target = 112): number {
  return Math.max(1, Math.ceil(target / Math.max(1, height, width)));
}

export function checkScale(op: string, scale: number): number {
  if (!Number.isInteger(scale) || scale < 1 || scale > 64) {
    throw new Error(`${op}: scale must be an integer from 1 to 64, got ${scale}.`);
  }
  return scale;
}

export function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/** A PNG with its size; displays as `image/png` (plus HTML when it has a richer view). */
export class PngImage extends PrintsAsText {
  readonly png: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** What the image shows, in words: its text/plain. */
  readonly description: string;
  readonly #html: string | null;

  constructor(pixels: Pixels, description: string, html: ((src: string) => string) | null = null) {
    super();
    this.png = encodePng(pixels);
    this.width = pixels.width;
    this.height = pixels.height;
    this.description = description;
    this.#html = html ? html(this.dataUrl()) : null;
  }

  /** `data:image/png;base64,...`, for an <img src>. */
  dataUrl(): string {
    return `data:image/png;base64,${base64(this.png)}`;
  }

  bundle(): MimeBundle {
    const out: MimeBundle = { "image/png": base64(this.png), "text/plain": this.description };
    if (this.#html) out["text/html"] = this.#html;
    return out;
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return this.bundle();
  }

  override toString(): string {
    return this.description;
  }
}

/** An <img> that keeps pixels sharp if a frontend rescales it. */
export function imgTag(src: string, width: number, height: number, alt = ""): string {
  return `<img src="${src}" width="${width}" height="${height}" alt="${escapeHtml(alt)}" ` +
    `style="image-rendering:pixelated;max-width:none">`;
}
