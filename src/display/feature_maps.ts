/**
 * What a convolutional network sees: `featureMaps(model, x)` runs one sample through the model
 * and shows each layer's output channels as a captioned image grid; `filters(weight)` shows a
 * conv weight [out, in, kh, kw] as a grid of its kernels. Both depend only on tensor shapes,
 * never on layer classes: any module whose output is [N, C, H, W] is a feature map.
 */
import { Tensor } from "../tensor/tensor.ts";
import type { TypedArray } from "../core/dtype.ts";
import { type Module, runForward } from "../nn/module.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { checkOptions } from "../core/options.ts";
import { escapeHtml, JUPYTER_DISPLAY, type MimeBundle, PrintsAsText } from "./bundle.ts";
import { checkColormap, colorAt, type Colormap } from "./colormap.ts";
import { checkScale, defaultScale, imgTag, type Pixels, PngImage, upscale } from "./png.ts";
import { cpuValues, finiteRange } from "./values.ts";
import { drawText, GLYPH_H, textWidth } from "./font.ts";
import { BOX, DIM } from "./style.ts";

export interface FeatureMapsOptions {
  /**
   * Which outputs to show. Default: every leaf module (one without children) whose output is
   * 4-D, in the order forward ran them. A number is a direct child's position (a Sequential's
   * index), a string a dotted module name ("features.0"); or a predicate over name and module.
   */
  layers?: readonly (number | string)[] | ((name: string, module: Module) => boolean);
  /** Channels shown per layer, the first ones (default 16). */
  maxChannels?: number;
  /** Channels per row (default: up to 8). */
  columns?: number;
  /** Pixels per feature-map pixel (default: the longer side becomes >= 64 px). */
  scale?: number;
  /** Default "viridis"; each channel spans its own min..max. */
  cmap?: Colormap;
}

export interface FiltersOptions {
  /** Output channels shown (default 16) and input channels per output channel (default 8). */
  maxOut?: number;
  maxIn?: number;
  /** Kernels per row (default: `in` when it is > 1, else up to 8). */
  columns?: number;
  /** Pixels per weight (default: the longer side becomes >= 40 px). */
  scale?: number;
  /**
   * "shared" (default): one symmetric range ±max|w| over all kernels shown, so colours compare
   * across kernels and 0 is the map's centre; "each": every kernel over its own min..max.
   */
  normalize?: "shared" | "each";
  /** Default "coolwarm" for "shared" (grey is 0), "gray" for "each". */
  cmap?: Colormap;
}

/** One layer's recorded output. */
export interface FeatureMapLayer {
  /** Dotted module name ("0", "features.0"; "" for the model itself). */
  name: string;
  /** The module's class name. */
  type: string;
  /** The output's shape, batch included. */
  shape: number[];
  /** How many channels are drawn. */
  shown: number;
  /** "0: Conv2d (6×24×24)". */
  caption: string;
  /** The channels as one grid, each channel's number above it. */
  image: PngImage;
}

interface Call {
  name: string;
  module: Module;
  out: unknown;
  leaf: boolean;
}

/**
 * Runs model(x) under noGrad and in eval mode (restored afterwards, so BatchNorm's running
 * statistics are untouched and Dropout is off), recording each submodule's output by
 * shadowing its forward with a non-enumerable own property: Module.ownMembers walks the
 * enumerable fields, so the wrapper never shows up as a member.
 */
function recordCalls(op: string, model: Module, x: Tensor): Call[] {
  const calls: Call[] = [];
  const undo: (() => void)[] = [];
  const named = model.namedModules();
  const modes = named.map(([, m]) => m.training);
  const wrap = named.length === 1 ? named : named.slice(1);
  try {
    for (const [name, m] of wrap) {
      const target = m as unknown as { forward?: unknown };
      const orig = target.forward;
      if (typeof orig !== "function") continue; // containers without forward
      const own = Object.getOwnPropertyDescriptor(m, "forward");
      const leaf = m.children().length === 0;
      Object.defineProperty(m, "forward", {
        configurable: true,
        enumerable: false,
        writable: true,
        value: function (this: Module, ...args: unknown[]) {
          const out = orig.apply(this, args);
          calls.push({ name, module: m, out, leaf });
          return out;
        },
      });
      undo.push(() => {
        if (own) Object.defineProperty(m, "forward", own);
        else delete target.forward;
      });
    }
    model.eval();
    noGrad(() => runForward(model, [x.ndim === 3 ? x.unsqueeze(0) : x]));
  } catch (e) {
    if (e instanceof Error) e.message = `${op}: the model's forward failed: ${e.message}`;
    throw e;
  } finally {
    undo.forEach((f) => f());
    named.forEach(([, m], i) => (m.training = modes[i]));
  }
  return calls;
}

function checkInput(op: string, x: Tensor): void {
  if (!(x.ndim === 3 || (x.ndim === 4 && x.shape[0] === 1))) {
    throw new Error(
      `${op}: expected one sample of shape [C, H, W] or [1, C, H, W], got [${
        x.shape.join(", ")
      }]. ` +
        "Pick one from a batch with x.index(i).",
    );
  }
}

function isTensor(v: unknown): v is Tensor {
  return v instanceof Tensor;
}

function select(op: string, model: Module, calls: Call[], layers: FeatureMapsOptions["layers"]) {
  if (layers === undefined) {
    const picked = calls.filter((c) =>
      (c.leaf || calls.length === 1) && isTensor(c.out) && c.out.ndim === 4
    );
    if (picked.length === 0) {
      throw new Error(
        `${op}: no layer of ${model.constructor.name} produced a 4-D [N, C, H, W] output. ` +
          "Name the layers to show with { layers: [...] }.",
      );
    }
    return picked;
  }
  if (typeof layers === "function") return calls.filter((c) => layers(c.name, c.module));
  if (!Array.isArray(layers)) {
    throw new Error(`${op}: layers must be an array of names or indices, or a function.`);
  }
  const children = model.namedChildren().map(([n]) => n);
  return layers.flatMap((l) => {
    let name = l as string;
    if (typeof l === "number") {
      const k = l < 0 ? l + children.length : l;
      if (!Number.isInteger(l) || k < 0 || k >= children.length) {
        throw new Error(
          `${op}: layer index ${l} is out of range for ${children.length} child module(s).`,
        );
      }
      name = children[k];
    }
    const found = calls.filter((c) => c.name === name);
    if (found.length === 0) {
      const known = [...new Set(calls.map((c) => `'${c.name}'`))].join(", ");
      throw new Error(
        `${op}: no module named '${name}' ran in forward; the modules that ran: ${known}.`,
      );
    }
    return found;
  });
}

function checkCount(op: string, name: string, v: number | undefined, dflt: number): number {
  const n = v ?? dflt;
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`${op}: ${name} must be a positive integer, got ${v}.`);
  }
  return n;
}

/** One map's pixels at scale 1 in a colour map, over [lo, hi] (constant: the map's low end). */
function mapPixels(
  v: TypedArray,
  off: number,
  h: number,
  w: number,
  lo: number,
  hi: number,
  cmap: Colormap,
): Pixels {
  const data = new Uint8Array(h * w * 3);
  const span = hi - lo;
  for (let i = 0; i < h * w; i++) {
    const x = Number(v[off + i]);
    const t = span > 0 && Number.isFinite(x) ? (x - lo) / span : 0;
    data.set(colorAt(cmap, t), 3 * i);
  }
  return { data, width: w, height: h, channels: 3 };
}

/**
 * Cells in a grid on a transparent canvas, each with its label drawn above it in grey (read on
 * light and dark themes) by the built-in number font.
 */
function labelledGrid(cells: Pixels[], labels: string[], cols: number): Pixels {
  const f = 2, gap = 4, strip = GLYPH_H * f + 3;
  const cw = cells[0].width, ch = cells[0].height;
  const colW = Math.max(cw, ...labels.map((s) => textWidth(s, f))) + gap;
  const rows = Math.ceil(cells.length / cols);
  const width = cols * colW + gap, height = rows * (ch + strip + gap) + gap;
  const out: Pixels = { data: new Uint8Array(width * height * 4), width, height, channels: 4 };
  cells.forEach((cell, i) => {
    const x0 = gap + (i % cols) * colW, y0 = gap + Math.floor(i / cols) * (ch + strip + gap);
    drawText(out, labels[i], x0, y0, f, [128, 128, 128, 255]);
    for (let y = 0; y < ch; y++) {
      for (let x = 0; x < cw; x++) {
        const s = (y * cw + x) * 3, d = ((y0 + strip + y) * width + x0 + x) * 4;
        out.data.set(cell.data.subarray(s, s + 3), d);
        out.data[d + 3] = 255;
      }
    }
  });
  return out;
}

/** Images one above the other on a transparent canvas, 8 px apart. */
function stack(images: Pixels[]): Pixels {
  const gap = 8;
  const width = Math.max(...images.map((p) => p.width));
  const height = images.reduce((s, p) => s + p.height, 0) + gap * (images.length - 1);
  const out: Pixels = { data: new Uint8Array(width * height * 4), width, height, channels: 4 };
  let y0 = 0;
  for (const p of images) {
    for (let y = 0; y < p.height; y++) {
      out.data.set(p.data.subarray(y * p.width * 4, (y + 1) * p.width * 4), (y0 + y) * width * 4);
    }
    y0 += p.height + gap;
  }
  return out;
}

interface Prepared {
  model: Module;
  picked: Call[];
  opts: FeatureMapsOptions;
}

function prepare(op: string, model: Module, x: Tensor, opts: FeatureMapsOptions): Prepared {
  checkOptions(op, opts, ["layers", "maxChannels", "columns", "scale", "cmap"]);
  checkInput(op, x);
  const calls = recordCalls(op, model, x);
  const picked = select(op, model, calls, opts.layers);
  for (const c of picked) {
    if (!isTensor(c.out) || c.out.ndim < 3) {
      const what = isTensor(c.out) ? `shape [${c.out.shape.join(", ")}]` : typeof c.out;
      throw new Error(
        `${op}: layer '${c.name}' (${c.module.constructor.name}) returned ${what}; feature maps ` +
          "are 4-D [N, C, H, W] (or 3-D [N, H, W], one channel). Pick a layer before the flatten.",
      );
    }
  }
  if (picked.length === 0) throw new Error(`${op}: the layers predicate selected no module.`);
  return { model, picked, opts };
}

function render(op: string, p: Prepared, values: TypedArray[]): FeatureMaps {
  const { opts } = p;
  const cmap = checkColormap(op, opts.cmap ?? "viridis");
  const maxC = checkCount(op, "maxChannels", opts.maxChannels, 16);
  const grids: Pixels[] = [];
  const layers = p.picked.map((c, li): FeatureMapLayer => {
    const out = c.out as Tensor;
    const [, c4, h, w] = out.ndim === 4 ? out.shape : [out.shape[0], 1, out.shape[1], out.shape[2]];
    const shown = Math.min(c4, maxC);
    const scale = checkScale(op, opts.scale ?? defaultScale(h, w, 64));
    const cols = checkCount(op, "columns", opts.columns, Math.min(shown, 8));
    const v = values[li];
    const cells = Array.from({ length: shown }, (_, k) => {
      const sub = v.subarray(k * h * w, (k + 1) * h * w);
      const [lo, hi] = finiteRange(sub);
      return upscale(mapPixels(v, k * h * w, h, w, lo, hi, cmap), scale);
    });
    const labels = cells.map((_, k) => String(k));
    const dims = out.shape.slice(1).join("×");
    const more = shown < c4 ? `, first ${shown} of ${c4} channels` : "";
    const caption = `${c.name || "output"}: ${c.module.constructor.name} (${dims}${more})`;
    const grid = labelledGrid(cells, labels, cols);
    grids.push(grid);
    const image = new PngImage(
      grid,
      `${caption}: ${shown} channel(s), each over its own min..max (${cmap}), scale ${scale}`,
    );
    return {
      name: c.name,
      type: c.module.constructor.name,
      shape: [...out.shape],
      shown,
      caption,
      image,
    };
  });
  return new FeatureMaps(p.model.constructor.name, layers, grids);
}

/** The result of featureMaps: displays as one stacked PNG, HTML with a caption per layer. */
export class FeatureMaps extends PrintsAsText {
  readonly layers: readonly FeatureMapLayer[];
  readonly image: PngImage;
  readonly #model: string;

  constructor(model: string, layers: FeatureMapLayer[], grids: Pixels[]) {
    super();
    this.#model = model;
    this.layers = layers;
    const pixels = stack(grids);
    this.image = new PngImage(pixels, this.toString());
  }

  override toString(): string {
    return `Feature maps of ${this.#model} for one sample, ${this.layers.length} layer(s):\n` +
      this.layers.map((l) => `  ${l.caption}`).join("\n");
  }

  bundle(): MimeBundle {
    const figures = this.layers.map((l) =>
      `<figure style="margin:0 0 10px 0"><figcaption>${escapeHtml(l.caption)}</figcaption>` +
      `${imgTag(l.image.dataUrl(), l.image.width, l.image.height, l.caption)}</figure>`
    ).join("");
    return {
      "image/png": this.image.bundle()["image/png"],
      "text/plain": this.toString(),
      "text/html": `<div class="gradiente-feature-maps" style="${BOX}">${figures}` +
        `<div style="${DIM}">each channel over its own min..max; channel numbers above the maps</div></div>`,
    };
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return this.bundle();
  }
}

/**
 * One sample's feature maps after each layer (CPU tensors); `featureMapsAsync` reads any
 * device. `x` is [C, H, W] or [1, C, H, W].
 */
export function featureMaps(model: Module, x: Tensor, opts: FeatureMapsOptions = {}): FeatureMaps {
  const p = prepare("featureMaps", model, x, opts);
  return render("featureMaps", p, p.picked.map((c) => cpuValues("featureMaps", c.out as Tensor)));
}

export async function featureMapsAsync(
  model: Module,
  x: Tensor,
  opts: FeatureMapsOptions = {},
): Promise<FeatureMaps> {
  const p = prepare("featureMapsAsync", model, x, opts);
  const values = await Promise.all(p.picked.map((c) => (c.out as Tensor).data()));
  return render("featureMapsAsync", p, values);
}

// ---- filters ------------------------------------------------------------------------------

function filtersFrom(op: string, v: TypedArray, shape: readonly number[], opts: FiltersOptions) {
  checkOptions(op, opts, ["maxOut", "maxIn", "columns", "scale", "normalize", "cmap"]);
  if (shape.length !== 4) {
    throw new Error(
      `${op}: expected a conv weight of shape [out, in, kh, kw], got [${shape.join(", ")}]. ` +
        "Pass conv.weight.",
    );
  }
  const [o, i, kh, kw] = shape;
  if (o * i === 0) throw new Error(`${op}: the weight is empty ([${shape.join(", ")}]).`);
  const mode = opts.normalize ?? "shared";
  if (mode !== "shared" && mode !== "each") {
    throw new Error(`${op}: normalize must be "shared" or "each", got '${mode}'.`);
  }
  const cmap = checkColormap(op, opts.cmap ?? (mode === "shared" ? "coolwarm" : "gray"));
  const no = Math.min(o, checkCount(op, "maxOut", opts.maxOut, 16));
  const ni = Math.min(i, checkCount(op, "maxIn", opts.maxIn, 8));
  const scale = checkScale(op, opts.scale ?? defaultScale(kh, kw, 40));
  const cols = checkCount(op, "columns", opts.columns, ni > 1 ? ni : Math.min(no, 8));
  const size = kh * kw;
  const offsets: number[] = [], labels: string[] = [];
  for (let a = 0; a < no; a++) {
    for (let b = 0; b < ni; b++) {
      offsets.push((a * i + b) * size);
      labels.push(i > 1 ? `${a}.${b}` : String(a));
    }
  }
  let shared: [number, number] = [0, 0];
  if (mode === "shared") {
    let m = 0;
    for (const off of offsets) {
      const [lo, hi] = finiteRange(v.subarray(off, off + size));
      m = Math.max(m, Math.abs(lo), Math.abs(hi));
    }
    shared = [-(m || 1), m || 1];
  }
  const cells = offsets.map((off) => {
    const [lo, hi] = mode === "shared" ? shared : finiteRange(v.subarray(off, off + size));
    return upscale(mapPixels(v, off, kh, kw, lo, hi, cmap), scale);
  });
  const pixels = labelledGrid(cells, labels, cols);
  const range = mode === "shared"
    ? `one range ${shared[0].toPrecision(3)} to ${
      shared[1].toPrecision(3)
    } (${cmap}, 0 at the centre)`
    : `each kernel over its own min..max (${cmap})`;
  const what = `${no * ni} kernel(s) ${kh}×${kw} of weight [${shape.join(", ")}]` +
    (no < o || ni < i ? ` (first ${no} out × ${ni} in)` : "");
  const desc = `Filters: ${what}, ${range}; labels ${i > 1 ? "out.in" : "out"}, scale ${scale}`;
  return new PngImage(
    pixels,
    desc,
    (src) =>
      `<figure class="gradiente-filters" style="${BOX};margin:0"><figcaption>${
        escapeHtml(desc)
      }</figcaption>` +
      `${imgTag(src, pixels.width, pixels.height, desc)}</figure>`,
  );
}

/** A conv weight [out, in, kh, kw] as a labelled grid of its kernels (CPU); see filtersAsync. */
export function filters(weight: Tensor, opts: FiltersOptions = {}): PngImage {
  return filtersFrom("filters", cpuValues("filters", weight), weight.shape, opts);
}

export async function filtersAsync(weight: Tensor, opts: FiltersOptions = {}): Promise<PngImage> {
  return filtersFrom("filtersAsync", await weight.data(), weight.shape, opts);
}
