/**
 * F.interpolate (nearest, linear / bilinear / trilinear, bicubic) and pixel (un)shuffle.
 * Resizing is separable: each spatial dim is resized in turn by reading the input at the
 * source positions PyTorch computes (indexSelect) and summing the taps with per-position
 * weights, so it runs on both devices and its gradient is indexAdd's scatter of the weighted g.
 */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { shapeStr } from "../core/shape.ts";
import { isFloat } from "../core/dtype.ts";
import { tensor } from "../tensor/creation.ts";
import { checkOptions } from "../core/options.ts";
import { asTensor } from "./operand.ts";
import { indexSelect } from "./gather.ts";
import { add, mul } from "./binary.ts";
import { permute, reshape } from "./view.ts";

export type InterpolateMode =
  | "nearest"
  | "nearest-exact"
  | "linear"
  | "bilinear"
  | "bicubic"
  | "trilinear";

export interface InterpolateOptions {
  /** Output spatial size: one number for every spatial dim, or one per dim. */
  size?: number | readonly number[];
  /** Multiplier of the spatial size (output = floor(input × scale)). */
  scaleFactor?: number | readonly number[];
  /** Default "nearest". */
  mode?: InterpolateMode;
  /** Linear modes: map the corner pixels' centres onto each other (default false). */
  alignCorners?: boolean;
  /** Compute the source positions from the output size rather than from scaleFactor. */
  recomputeScaleFactor?: boolean;
}

const SPATIAL: Record<InterpolateMode, number | null> = {
  nearest: null,
  "nearest-exact": null,
  linear: 1,
  bilinear: 2,
  bicubic: 2,
  trilinear: 3,
};

/** Resizes the spatial dims (all but N and C) of [N, C, W], [N, C, H, W] or [N, C, D, H, W]. */
export function interpolate(input: TensorLike, options: InterpolateOptions = {}): Tensor {
  const {
    size,
    scaleFactor,
    mode = "nearest",
    alignCorners,
    recomputeScaleFactor = false,
  } = checkOptions("interpolate", options, [
    "size",
    "scaleFactor",
    "mode",
    "alignCorners",
    "recomputeScaleFactor",
  ]);
  const x = asTensor(input);
  if (!(mode in SPATIAL)) {
    throw new Error(
      `interpolate: mode must be one of ${Object.keys(SPATIAL).join(", ")}, got '${mode}'.`,
    );
  }
  const k = x.ndim - 2;
  const want = SPATIAL[mode];
  if (k < 1 || k > 3 || (want !== null && want !== k)) {
    throw new Error(
      `interpolate: mode '${mode}' needs a ${
        want === null ? "3-D, 4-D or 5-D" : `${want + 2}-D`
      } input [N, C, ...spatial], got ${shapeStr(x.shape)}.` +
        (k >= 1 && k <= 3 ? ` Use mode '${["linear", "bilinear", "trilinear"][k - 1]}'.` : ""),
    );
  }
  if (!isFloat(x.dtype)) {
    throw new Error(`interpolate: expected a float input, got ${x.dtype}. Convert it first.`);
  }
  if (want === null && alignCorners !== undefined) {
    throw new Error(
      "interpolate: alignCorners only applies to the linear and cubic modes; leave it unset for " +
        `'${mode}'.`,
    );
  }
  if ((size === undefined) === (scaleFactor === undefined)) {
    throw new Error("interpolate: give exactly one of size and scaleFactor.");
  }
  const inSizes = x.shape.slice(2);
  const perDim = (v: number | readonly number[], name: string): number[] => {
    const list = typeof v === "number" ? inSizes.map(() => v) : [...v];
    if (list.length !== k) {
      throw new Error(
        `interpolate: ${name} [${list}] must have one entry per spatial dim (${k} for input ` +
          `${shapeStr(x.shape)}).`,
      );
    }
    return list;
  };
  let outSizes: number[];
  let scales: (number | null)[]; // input/output step per dim, as PyTorch passes to its kernels
  if (size !== undefined) {
    outSizes = perDim(size, "size");
    if (outSizes.some((s) => !Number.isInteger(s) || s < 1)) {
      throw new Error(`interpolate: size must be positive integers, got [${outSizes}].`);
    }
    scales = outSizes.map(() => null);
  } else {
    const f = perDim(scaleFactor!, "scaleFactor");
    if (f.some((s) => !(s > 0) || !Number.isFinite(s))) {
      throw new Error(`interpolate: scaleFactor must be positive, got [${f}].`);
    }
    outSizes = inSizes.map((s, i) => Math.floor(s * f[i]));
    if (outSizes.some((s) => s < 1)) {
      throw new Error(
        `interpolate: scaleFactor [${f}] makes an empty output from ${shapeStr(x.shape)}.`,
      );
    }
    scales = recomputeScaleFactor ? outSizes.map(() => null) : f.map((s) => 1 / s);
  }
  let out = x;
  for (let i = 0; i < k; i++) {
    const d = 2 + i;
    const taps = mode === "nearest" || mode === "nearest-exact"
      ? nearestTaps(inSizes[i], outSizes[i], scales[i], mode === "nearest-exact")
      : mode === "bicubic"
      ? cubicTaps(inSizes[i], outSizes[i], scales[i], alignCorners ?? false)
      : linearTaps(inSizes[i], outSizes[i], scales[i], alignCorners ?? false);
    out = resizeDim(out, d, taps);
  }
  return out;
}

interface Taps {
  /** Per tap: the source position of each output position, and its weight (null: 1). */
  index: Int32Array[];
  weight: (Float64Array | null)[];
}

function resizeDim(x: Tensor, d: number, taps: Taps): Tensor {
  const n = taps.index[0].length;
  const wShape = x.shape.map((_, i) => (i === d ? n : 1));
  let out: Tensor | null = null;
  for (let t = 0; t < taps.index.length; t++) {
    let term = indexSelect(x, d, tensor(taps.index[t], { dtype: "int32", device: x.device }));
    const w = taps.weight[t];
    if (w) term = mul(term, reshape(tensor(w, { dtype: x.dtype, device: x.device }), wShape));
    out = out ? add(out, term) : term;
  }
  return out!;
}

/** PyTorch's area_pixel_compute_scale: the input step per output step. */
function stepOf(inSize: number, outSize: number, scale: number | null, align: boolean): number {
  if (align) return outSize > 1 ? (inSize - 1) / (outSize - 1) : 0;
  return scale ?? inSize / outSize;
}

/** PyTorch's area_pixel_compute_source_index. */
function sourceOf(step: number, dst: number, align: boolean, cubic: boolean): number {
  if (align) return step * dst;
  const src = step * (dst + 0.5) - 0.5;
  return !cubic && src < 0 ? 0 : src;
}

/** nearest: floor(dst · step) (PyTorch's legacy rule); nearest-exact: the pixel centres'. */
function nearestTaps(inSize: number, outSize: number, scale: number | null, exact: boolean): Taps {
  const step = scale ?? inSize / outSize;
  const index = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    index[o] = Math.min(Math.floor((exact ? o + 0.5 : o) * step), inSize - 1);
  }
  return { index: [index], weight: [null] };
}

function linearTaps(inSize: number, outSize: number, scale: number | null, align: boolean): Taps {
  const step = stepOf(inSize, outSize, scale, align);
  const i0 = new Int32Array(outSize), i1 = new Int32Array(outSize);
  const w0 = new Float64Array(outSize), w1 = new Float64Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const src = sourceOf(step, o, align, false);
    const lo = Math.min(Math.floor(src), inSize - 1);
    i0[o] = lo;
    i1[o] = lo < inSize - 1 ? lo + 1 : lo;
    w1[o] = src - lo;
    w0[o] = 1 - w1[o];
  }
  return { index: [i0, i1], weight: [w0, w1] };
}

/** Keys' cubic convolution with A = -0.75, PyTorch's bicubic, edges clamped. */
function cubicTaps(inSize: number, outSize: number, scale: number | null, align: boolean): Taps {
  const A = -0.75;
  const near = (t: number) => ((A + 2) * t - (A + 3)) * t * t + 1;
  const far = (t: number) => ((A * t - 5 * A) * t + 8 * A) * t - 4 * A;
  const step = stepOf(inSize, outSize, scale, align);
  const index = [0, 1, 2, 3].map(() => new Int32Array(outSize));
  const weight = [0, 1, 2, 3].map(() => new Float64Array(outSize));
  for (let o = 0; o < outSize; o++) {
    const src = sourceOf(step, o, align, true);
    const base = Math.floor(src);
    const t = src - base;
    const ws = [far(t + 1), near(t), near(1 - t), far(2 - t)];
    for (let j = 0; j < 4; j++) {
      index[j][o] = Math.min(Math.max(base - 1 + j, 0), inSize - 1);
      weight[j][o] = ws[j];
    }
  }
  return { index, weight };
}

function checkShuffle(op: string, x: Tensor, r: number): void {
  if (!Number.isInteger(r) || r < 1) {
    throw new Error(`${op}: the factor must be a positive integer, got ${r}.`);
  }
  if (x.ndim < 3) {
    throw new Error(
      `${op}: expected an input [*, C, H, W] of 3 or more dims, got ${shapeStr(x.shape)}.`,
    );
  }
}

/** [*, C·r², H, W] -> [*, C, H·r, W·r], as torch.pixel_shuffle. */
export function pixelShuffle(input: TensorLike, upscaleFactor: number): Tensor {
  const x = asTensor(input);
  const r = upscaleFactor;
  checkShuffle("pixelShuffle", x, r);
  const lead = x.shape.slice(0, -3);
  const [c, h, w] = x.shape.slice(-3);
  if (c % (r * r) !== 0) {
    throw new Error(
      `pixelShuffle: the channel dim (${c}, input ${shapeStr(x.shape)}) must be divisible by ` +
        `upscaleFactor² = ${r * r}.`,
    );
  }
  const m = lead.length;
  const t = reshape(x, [...lead, c / (r * r), r, r, h, w]);
  const p = permute(t, [...lead.map((_, i) => i), m, m + 3, m + 1, m + 4, m + 2]);
  return reshape(p, [...lead, c / (r * r), h * r, w * r]);
}

/** [*, C, H·r, W·r] -> [*, C·r², H, W], as torch.pixel_unshuffle. */
export function pixelUnshuffle(input: TensorLike, downscaleFactor: number): Tensor {
  const x = asTensor(input);
  const r = downscaleFactor;
  checkShuffle("pixelUnshuffle", x, r);
  const lead = x.shape.slice(0, -3);
  const [c, h, w] = x.shape.slice(-3);
  if (h % r !== 0 || w % r !== 0) {
    throw new Error(
      `pixelUnshuffle: height and width (input ${shapeStr(x.shape)}) must be divisible by ` +
        `downscaleFactor = ${r}.`,
    );
  }
  const m = lead.length;
  const t = reshape(x, [...lead, c, h / r, r, w / r, r]);
  const p = permute(t, [...lead.map((_, i) => i), m, m + 2, m + 4, m + 1, m + 3]);
  return reshape(p, [...lead, c * r * r, h / r, w / r]);
}
