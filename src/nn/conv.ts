/** Conv1d, Conv2d, ConvTranspose1d and ConvTranspose2d. */
import type { Tensor } from "../tensor/tensor.ts";
import { empty, type FactoryOptions } from "./util.ts";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from "./init.ts";
import { checkOptions } from "../core/options.ts";
import { shapeStr } from "../core/shape.ts";
import { conv1d, conv2d, type ConvPadding, convTranspose1d, convTranspose2d } from "../ops/conv.ts";
import { pad } from "../ops/pad.ts";

export type PaddingMode = "zeros" | "reflect" | "replicate" | "circular";

export interface ConvLayerOptions extends FactoryOptions {
  stride?: number | readonly number[];
  /** An int, a tuple, "valid" or "same" (stride 1 only), as torch. */
  padding?: number | readonly number[] | "same" | "valid";
  dilation?: number | readonly number[];
  groups?: number;
  /** Whether to learn an additive bias (default true). */
  bias?: boolean;
  /** How the input is padded (default "zeros"). */
  paddingMode?: PaddingMode;
}

export interface ConvTransposeLayerOptions extends FactoryOptions {
  stride?: number | readonly number[];
  padding?: number | readonly number[];
  outputPadding?: number | readonly number[];
  groups?: number;
  bias?: boolean;
  dilation?: number | readonly number[];
  /** Only "zeros", as torch's ConvTranspose layers. */
  paddingMode?: "zeros";
}

function tuple(op: string, name: string, v: number | readonly number[], n: number): number[] {
  const t = typeof v === "number" ? Array(n).fill(v) : [...v];
  if (t.length !== n || t.some((x) => !Number.isInteger(x) || x < 0)) {
    throw new Error(
      `${op}: ${name} must be a non-negative integer or ${n} of them, got ${JSON.stringify(v)}.`,
    );
  }
  return t;
}

const fmt = (t: readonly number[]) => `(${t.join(", ")}${t.length === 1 ? "," : ""})`;

/**
 * Pads the last spatial dims with F.pad in reflect / replicate / circular mode, as torch's conv
 * layers do before a zero-padding convolution; the limits are checked here first so the error
 * names the layer and its paddingMode.
 */
function padSpatial(op: string, x: Tensor, mode: PaddingMode, pads: [number, number][]): Tensor {
  pads.forEach(([before, after], i) => {
    const n = x.shape[x.ndim - pads.length + i];
    const limit = mode === "reflect" ? n - 1 : mode === "circular" ? n : Infinity;
    if (before > limit || after > limit || n === 0) {
      throw new Error(
        `${op}: paddingMode "${mode}" needs padding of at most ${limit} on a dim of size ${n} ` +
          `(input ${shapeStr(x.shape)}), got ${before} and ${after}. Use less padding or ` +
          'paddingMode "zeros".',
      );
    }
  });
  if (pads.every(([before, after]) => before === 0 && after === 0)) return x;
  // F.pad lists the last dim first.
  return pad(x, [...pads].reverse().flat(), { mode: mode as Exclude<PaddingMode, "zeros"> });
}

abstract class ConvNd extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[] | "same" | "valid";
  readonly dilation: readonly number[];
  readonly outputPadding: readonly number[];
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  readonly transposed: boolean;
  weight: Parameter;
  bias: Parameter | null;

  constructor(
    op: string,
    n: 1 | 2,
    transposed: boolean,
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    opts: ConvLayerOptions & { outputPadding?: number | readonly number[] },
  ) {
    super();
    const keys = transposed
      ? ["stride", "padding", "outputPadding", "groups", "bias", "dilation", "paddingMode"]
      : ["stride", "padding", "dilation", "groups", "bias", "paddingMode"];
    checkOptions(op, opts, [...keys, "dtype", "device"]);
    for (const [k, v] of [["inChannels", inChannels], ["outChannels", outChannels]] as const) {
      if (!Number.isInteger(v) || v < 1) {
        throw new Error(`${op}: ${k} must be a positive integer, got ${v}.`);
      }
    }
    const groups = opts.groups ?? 1;
    if (!Number.isInteger(groups) || groups < 1) {
      throw new Error(`${op}: groups must be a positive integer, got ${groups}.`);
    }
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new Error(
        `${op}: inChannels (${inChannels}) and outChannels (${outChannels}) must both be ` +
          `divisible by groups (${groups}). Pick a groups value that divides both.`,
      );
    }
    const mode = opts.paddingMode ?? "zeros";
    const modes = transposed ? ["zeros"] : ["zeros", "reflect", "replicate", "circular"];
    if (!modes.includes(mode)) {
      throw new Error(
        `${op}: paddingMode must be ${modes.map((m) => `"${m}"`).join(", ")}, got "${mode}".`,
      );
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = tuple(op, "kernelSize", kernelSize, n);
    if (this.kernelSize.some((k) => k < 1)) {
      throw new Error(`${op}: kernelSize must be positive, got ${JSON.stringify(kernelSize)}.`);
    }
    this.stride = tuple(op, "stride", opts.stride ?? 1, n);
    const padding = opts.padding ?? 0;
    if (typeof padding === "string" && transposed) {
      throw new Error(`${op}: padding "${padding}" is not supported; give it as numbers.`);
    }
    if (typeof padding === "string") {
      if (padding !== "same" && padding !== "valid") {
        throw new Error(
          `${op}: padding must be a number, a tuple, "same" or "valid", got "${padding}".`,
        );
      }
      if (padding === "same" && this.stride.some((s) => s !== 1)) {
        throw new Error(
          `${op}: padding "same" is not supported for strided convolutions (stride ${
            fmt(this.stride)
          }). Use stride 1 or numeric padding.`,
        );
      }
      this.padding = padding;
    } else {
      this.padding = tuple(op, "padding", padding, n);
    }
    this.dilation = tuple(op, "dilation", opts.dilation ?? 1, n);
    this.outputPadding = tuple(op, "outputPadding", opts.outputPadding ?? 0, n);
    this.groups = groups;
    this.paddingMode = mode;
    this.transposed = transposed;
    const shape = transposed
      ? [inChannels, outChannels / groups, ...this.kernelSize]
      : [outChannels, inChannels / groups, ...this.kernelSize];
    this.weight = new Parameter(empty(op, shape, opts));
    this.bias = opts.bias === false ? null : new Parameter(empty(op, [outChannels], opts));
    this.resetParameters();
  }

  /** Re-draws weight and bias from PyTorch's default (kaiming-uniform, a = √5). */
  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const { fanIn } = calculateFanInAndFanOut(this.weight);
      if (fanIn !== 0) {
        const bound = 1 / Math.sqrt(fanIn);
        uniform_(this.bias, -bound, bound);
      }
    }
  }

  /** The input padded for a non-zeros paddingMode, with the conv then run unpadded. */
  protected padded(op: string, input: Tensor): [Tensor, ConvPadding | number] {
    const n = this.kernelSize.length;
    const pad = n === 1 ? (p: readonly number[]) => p[0] : (p: readonly number[]) => [p[0], p[1]];
    if (this.paddingMode === "zeros") {
      const p = this.padding;
      return [input, typeof p === "string" ? p : pad(p) as ConvPadding];
    }
    const pads: [number, number][] = this.kernelSize.map((k, i) => {
      if (this.padding === "valid") return [0, 0];
      if (this.padding === "same") {
        const total = this.dilation[i] * (k - 1);
        const before = Math.floor(total / 2);
        return [before, total - before];
      }
      return [this.padding[i], this.padding[i]];
    });
    return [padSpatial(op, input, this.paddingMode, pads), 0];
  }

  override extraRepr(): string {
    const parts = [
      `${this.inChannels}, ${this.outChannels}, kernelSize=${fmt(this.kernelSize)}`,
      `stride=${fmt(this.stride)}`,
    ];
    const p = this.padding;
    if (typeof p === "string") parts.push(`padding=${p}`);
    else if (p.some((v) => v !== 0)) parts.push(`padding=${fmt(p)}`);
    if (this.dilation.some((v) => v !== 1)) parts.push(`dilation=${fmt(this.dilation)}`);
    if (this.outputPadding.some((v) => v !== 0)) {
      parts.push(`outputPadding=${fmt(this.outputPadding)}`);
    }
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (this.bias === null) parts.push("bias=false");
    if (this.paddingMode !== "zeros") parts.push(`paddingMode=${this.paddingMode}`);
    return parts.join(", ");
  }
}

/** 1-D convolution over [N, C, L] (or [C, L]); weight [out, in/groups, k]. */
export class Conv1d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    opts: ConvLayerOptions = {},
  ) {
    super("Conv1d", 1, false, inChannels, outChannels, kernelSize, opts);
  }

  forward(input: Tensor): Tensor {
    const [x, padding] = this.padded("Conv1d", input);
    return conv1d(x, this.weight, this.bias, {
      stride: this.stride[0],
      padding: padding as number | "same" | "valid",
      dilation: this.dilation[0],
      groups: this.groups,
    });
  }
}

/** 2-D convolution over [N, C, H, W] (or [C, H, W]); weight [out, in/groups, kh, kw]. */
export class Conv2d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    opts: ConvLayerOptions = {},
  ) {
    super("Conv2d", 2, false, inChannels, outChannels, kernelSize, opts);
  }

  forward(input: Tensor): Tensor {
    const [x, padding] = this.padded("Conv2d", input);
    return conv2d(x, this.weight, this.bias, {
      stride: [this.stride[0], this.stride[1]],
      padding,
      dilation: [this.dilation[0], this.dilation[1]],
      groups: this.groups,
    });
  }
}

/** 1-D transposed convolution; weight [in, out/groups, k]. */
export class ConvTranspose1d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    opts: ConvTransposeLayerOptions = {},
  ) {
    super("ConvTranspose1d", 1, true, inChannels, outChannels, kernelSize, opts);
  }

  forward(input: Tensor): Tensor {
    return convTranspose1d(input, this.weight, this.bias, {
      stride: this.stride[0],
      padding: (this.padding as number[])[0],
      outputPadding: this.outputPadding[0],
      dilation: this.dilation[0],
      groups: this.groups,
    });
  }
}

/** 2-D transposed convolution (conv2d's adjoint); weight [in, out/groups, kh, kw]. */
export class ConvTranspose2d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    opts: ConvTransposeLayerOptions = {},
  ) {
    super("ConvTranspose2d", 2, true, inChannels, outChannels, kernelSize, opts);
  }

  forward(input: Tensor): Tensor {
    const p = this.padding as number[];
    return convTranspose2d(input, this.weight, this.bias, {
      stride: [this.stride[0], this.stride[1]],
      padding: [p[0], p[1]],
      outputPadding: [this.outputPadding[0], this.outputPadding[1]],
      dilation: [this.dilation[0], this.dilation[1]],
      groups: this.groups,
    });
  }
}
