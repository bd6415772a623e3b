/** Image layers: Upsample, PixelShuffle / PixelUnshuffle, Dropout2d and Unflatten. */
import type { Tensor } from "../tensor/tensor.ts";
import { Module } from "./module.ts";
import { checkOptions } from "../core/options.ts";
import * as F from "./functional/layers.ts";
import { interpolate, type InterpolateMode, type InterpolateOptions } from "../ops/interpolate.ts";
import { pixelShuffle, pixelUnshuffle } from "../ops/interpolate.ts";
import { reshape } from "../ops/view.ts";
import { normalizeDim, shapeStr } from "../core/shape.ts";

export interface UpsampleOptions {
  size?: number | readonly number[];
  scaleFactor?: number | readonly number[];
  /** Default "nearest". */
  mode?: InterpolateMode;
  alignCorners?: boolean;
  recomputeScaleFactor?: boolean;
}

// PyTorch's repr: a scale factor as a float (2.0), a per-dim list as a tuple.
const fmt = (v: number | readonly number[], float: boolean) =>
  typeof v === "number"
    ? (float && Number.isInteger(v) ? v.toFixed(1) : `${v}`)
    : `(${v.join(", ")})`;

/** Resizes images (or signals, volumes) with F.interpolate; see `interpolate` for the modes. */
export class Upsample extends Module {
  readonly options: InterpolateOptions;

  constructor(opts: UpsampleOptions) {
    super();
    checkOptions("Upsample", opts, [
      "size",
      "scaleFactor",
      "mode",
      "alignCorners",
      "recomputeScaleFactor",
    ]);
    if ((opts.size === undefined) === (opts.scaleFactor === undefined)) {
      throw new Error("Upsample: give exactly one of size and scaleFactor.");
    }
    this.options = { mode: "nearest", ...opts };
  }

  forward(input: Tensor): Tensor {
    return interpolate(input, this.options);
  }

  override extraRepr(): string {
    const o = this.options;
    const parts = o.size !== undefined
      ? [`size=${fmt(o.size, false)}`]
      : [`scaleFactor=${fmt(o.scaleFactor!, true)}`];
    parts.push(`mode=${o.mode}`);
    if (o.alignCorners !== undefined) parts.push(`alignCorners=${o.alignCorners}`);
    return parts.join(", ");
  }
}

/** [*, C·r², H, W] -> [*, C, H·r, W·r] (sub-pixel convolution's rearrangement). */
export class PixelShuffle extends Module {
  constructor(readonly upscaleFactor: number) {
    super();
  }

  forward(input: Tensor): Tensor {
    return pixelShuffle(input, this.upscaleFactor);
  }

  override extraRepr(): string {
    return `upscaleFactor=${this.upscaleFactor}`;
  }
}

/** [*, C, H·r, W·r] -> [*, C·r², H, W], PixelShuffle's inverse. */
export class PixelUnshuffle extends Module {
  constructor(readonly downscaleFactor: number) {
    super();
  }

  forward(input: Tensor): Tensor {
    return pixelUnshuffle(input, this.downscaleFactor);
  }

  override extraRepr(): string {
    return `downscaleFactor=${this.downscaleFactor}`;
  }
}

/** While training, zeroes whole channels with probability p (scaling the rest by 1/(1-p)). */
export class Dropout2d extends Module {
  readonly p: number;

  constructor(p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) {
      throw new Error(`Dropout2d: probability p must be between 0 and 1, got ${p}.`);
    }
    this.p = p;
  }

  forward(input: Tensor): Tensor {
    return F.dropout2d(input, this.p, this.training);
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

/** Splits dim into the given sizes (one may be -1): [N, 784] -> [N, 1, 28, 28]. Flatten's inverse. */
export class Unflatten extends Module {
  readonly dim: number;
  readonly unflattenedSize: readonly number[];

  constructor(dim: number, sizes: readonly number[]) {
    super();
    if (!Array.isArray(sizes) || sizes.length === 0 || sizes.some((s) => !Number.isInteger(s))) {
      throw new Error(`Unflatten: sizes must be a non-empty array of integers, got [${sizes}].`);
    }
    this.dim = dim;
    this.unflattenedSize = [...sizes];
  }

  forward(input: Tensor): Tensor {
    const d = normalizeDim("Unflatten", this.dim, input.ndim);
    const sizes = this.unflattenedSize;
    const known = sizes.filter((s) => s !== -1).reduce((a, b) => a * b, 1);
    const n = input.shape[d];
    const fits = sizes.includes(-1) ? known > 0 && n % known === 0 : known === n;
    if (!fits || sizes.filter((s) => s === -1).length > 1) {
      throw new Error(
        `Unflatten: sizes [${sizes}] do not multiply to dim ${d} of size ${n} (input ${
          shapeStr(input.shape)
        }). Give sizes whose product is ${n} (at most one -1).`,
      );
    }
    return reshape(input, [...input.shape.slice(0, d), ...sizes, ...input.shape.slice(d + 1)]);
  }

  override extraRepr(): string {
    return `dim=${this.dim}, unflattenedSize=(${this.unflattenedSize.join(", ")})`;
  }
}
