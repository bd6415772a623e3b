/**
 * Convolutions as im2col + matmul: unfold / fold (torch's F.unfold / F.fold, each the other's
 * gradient), conv1d / conv2d and their transposes. The convolutions are compositions of
 * unfold/fold, reshapes and matmul, so their backward (grad input = fold(Wᵀ·g), grad weight =
 * g·colsᵀ, grad bias = Σg) and every higher derivative come from those ops' own rules, and
 * the GEMMs run through matmul (BLAS on the CPU).
 */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { record } from "../autograd/node.ts";
import { shapeStr } from "../core/shape.ts";
import { isFloat } from "../core/dtype.ts";
import type { ConvGeometry } from "../backend/backend.ts";
import { checkOptions } from "../core/options.ts";
import { asTensor, fromStorage } from "./operand.ts";
import { contiguous } from "./copy.ts";
import { reshape, squeeze, transpose, unsqueeze } from "./view.ts";
import { matmul } from "./matmul.ts";
import { add } from "./binary.ts";

/** An int, or a (rows, columns) pair, as torch's _pair arguments. */
export type Pair = number | readonly [number, number];

function pair(op: string, name: string, v: Pair | undefined, dflt: number, min: number) {
  const p = v === undefined ? [dflt, dflt] : typeof v === "number" ? [v, v] : [...v];
  if (p.length !== 2 || p.some((x) => !Number.isInteger(x) || x < min)) {
    throw new Error(
      `${op}: ${name} must be an integer >= ${min} or a pair of them, got ${JSON.stringify(v)}. ` +
        `Pass e.g. ${name}: ${Math.max(min, 1)} or ${name}: [${Math.max(min, 1)}, ${
          Math.max(min, 1)
        }].`,
    );
  }
  return p as [number, number];
}

function floatInput(op: string, x: Tensor, name: string): void {
  if (!isFloat(x.dtype)) {
    throw new Error(
      `${op}: ${name} must be a float tensor, got ${x.dtype}. Convert it with .float() (or .double()).`,
    );
  }
}

/** Window positions along one dim, from the padded size. */
function blocksAlong(size: number, padTotal: number, k: number, d: number, s: number): number {
  return Math.floor((size + padTotal - d * (k - 1) - 1) / s) + 1;
}

function im2col(x: Tensor, g: ConvGeometry): Tensor {
  const xc = contiguous(x);
  const [n] = xc.shape;
  const rows = g.channels * g.kernel[0] * g.kernel[1];
  const out = fromStorage(
    xc._backend.im2col(xc, g),
    [n, rows, g.blocks[0] * g.blocks[1]],
    xc.dtype,
    xc.device,
  );
  return record(out, "Im2ColBackward", [xc], (grad) => [col2im(grad, g)]);
}

function col2im(cols: Tensor, g: ConvGeometry): Tensor {
  const cc = contiguous(cols);
  const [n] = cc.shape;
  const out = fromStorage(
    cc._backend.col2im(cc, g),
    [n, g.channels, g.height, g.width],
    cc.dtype,
    cc.device,
  );
  return record(out, "Col2ImBackward", [cc], (grad) => [im2col(grad, g)]);
}

export interface UnfoldOptions {
  kernelSize: Pair;
  dilation?: Pair;
  padding?: Pair;
  stride?: Pair;
}

export interface FoldOptions extends UnfoldOptions {
  /** The (H, W) of the image the blocks are summed into. */
  outputSize: Pair;
}

function windowOptions(op: string, opts: UnfoldOptions) {
  return {
    kernel: pair(op, "kernelSize", opts.kernelSize, 1, 1),
    dilation: pair(op, "dilation", opts.dilation, 1, 1),
    padding: pair(op, "padding", opts.padding, 0, 0),
    stride: pair(op, "stride", opts.stride, 1, 1),
  };
}

function tooSmall(op: string, size: readonly number[], w: ReturnType<typeof windowOptions>) {
  return new Error(
    `${op}: the sliding blocks do not fit: spatial size ${shapeStr(size)} with kernelSize ${
      shapeStr(w.kernel)
    }, dilation ${shapeStr(w.dilation)}, padding ${shapeStr(w.padding)} and stride ${
      shapeStr(w.stride)
    } leaves no block position. Use a smaller kernel or dilation, or more padding.`,
  );
}

/**
 * Extracts sliding local blocks (torch's F.unfold, im2col): [N, C, H, W] (or [C, H, W]) ->
 * [N, C·kh·kw, L], one column per block position.
 */
export function unfold(input: TensorLike, opts: UnfoldOptions): Tensor {
  checkOptions("unfold", opts, ["kernelSize", "dilation", "padding", "stride"]);
  const x = asTensor(input);
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new Error(
      `unfold: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got shape ${
        shapeStr(x.shape)
      }. Only 4-D image batches are supported: reshape the input.`,
    );
  }
  floatInput("unfold", x, "input");
  const w = windowOptions("unfold", opts);
  const x4 = x.ndim === 3 ? unsqueeze(x, 0) : x;
  const [, C, H, W] = x4.shape;
  const blocks: [number, number] = [
    blocksAlong(H, 2 * w.padding[0], w.kernel[0], w.dilation[0], w.stride[0]),
    blocksAlong(W, 2 * w.padding[1], w.kernel[1], w.dilation[1], w.stride[1]),
  ];
  if (blocks[0] < 1 || blocks[1] < 1) throw tooSmall("unfold", [H, W], w);
  const out = im2col(x4, { channels: C, height: H, width: W, ...w, blocks });
  return x.ndim === 3 ? squeeze(out, 0) : out;
}

/**
 * Sums sliding local blocks into an image (torch's F.fold, col2im; unfold's adjoint):
 * [N, C·kh·kw, L] (or [C·kh·kw, L]) -> [N, C, H, W] with (H, W) = outputSize.
 */
export function fold(input: TensorLike, opts: FoldOptions): Tensor {
  checkOptions("fold", opts, ["outputSize", "kernelSize", "dilation", "padding", "stride"]);
  const x = asTensor(input);
  if (x.ndim !== 2 && x.ndim !== 3) {
    throw new Error(
      `fold: expected a 2-D (C·kh·kw, L) or 3-D (N, C·kh·kw, L) input, got shape ${
        shapeStr(x.shape)
      }. Pass unfold's output layout.`,
    );
  }
  floatInput("fold", x, "input");
  const w = windowOptions("fold", opts);
  const [H, W] = pair("fold", "outputSize", opts.outputSize, 1, 1);
  const x3 = x.ndim === 2 ? unsqueeze(x, 0) : x;
  const [, rows, L] = x3.shape;
  const kk = w.kernel[0] * w.kernel[1];
  if (rows % kk !== 0) {
    throw new Error(
      `fold: input of shape ${shapeStr(x.shape)}: dim ${
        x.ndim - 2
      } (${rows}) must be divisible by the product of kernelSize ${
        shapeStr(w.kernel)
      } (${kk}). Pass the kernelSize the blocks were made with.`,
    );
  }
  const blocks: [number, number] = [
    blocksAlong(H, 2 * w.padding[0], w.kernel[0], w.dilation[0], w.stride[0]),
    blocksAlong(W, 2 * w.padding[1], w.kernel[1], w.dilation[1], w.stride[1]),
  ];
  if (blocks[0] < 1 || blocks[1] < 1) throw tooSmall("fold", [H, W], w);
  if (blocks[0] * blocks[1] !== L) {
    throw new Error(
      `fold: input of shape ${shapeStr(x.shape)} has ${L} blocks, but outputSize ${
        shapeStr([H, W])
      } with these kernelSize/dilation/padding/stride gives ${blocks[0]}×${blocks[1]} = ${
        blocks[0] * blocks[1]
      }. Pass the outputSize and options the blocks were made with.`,
    );
  }
  const out = col2im(x3, { channels: rows / kk, height: H, width: W, ...w, blocks });
  return x.ndim === 2 ? squeeze(out, 0) : out;
}

export type ConvPadding = Pair | "same" | "valid";

export interface ConvOptions {
  stride?: Pair;
  /** An int, a pair, "valid" (no padding) or "same" (output size = input size; stride 1). */
  padding?: ConvPadding;
  dilation?: Pair;
  groups?: number;
}

export interface ConvTransposeOptions {
  stride?: Pair;
  padding?: Pair;
  outputPadding?: Pair;
  groups?: number;
  dilation?: Pair;
}

const CONV_KEYS = ["stride", "padding", "dilation", "groups"];

function checkGroups(op: string, groups: number | undefined): number {
  const g = groups ?? 1;
  if (!Number.isInteger(g) || g < 1) {
    throw new Error(
      `${op}: groups must be a positive integer, got ${groups}. Pass e.g. groups: 1.`,
    );
  }
  return g;
}

function checkBias(op: string, bias: Tensor | null, channels: number): void {
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== channels)) {
    throw new Error(
      `${op}: bias must have shape [${channels}] (one value per output channel), got ${
        shapeStr(bias.shape)
      }.`,
    );
  }
}

/** Adds a per-channel bias to [N, C, ...spatial]. */
function addBias(out: Tensor, bias: Tensor | null): Tensor {
  if (!bias) return out;
  const s = out.shape.slice(1).map((v, i) => (i === 0 ? v : 1));
  return add(out, reshape(bias, s));
}

/** Per-side paddings [[top, bottom], [left, right]] for conv's padding argument. */
function convPadding(
  op: string,
  padding: ConvPadding | undefined,
  kernel: readonly [number, number],
  dilation: readonly [number, number],
  stride: readonly [number, number],
): [[number, number], [number, number]] {
  if (padding === "valid") return [[0, 0], [0, 0]];
  if (padding === "same") {
    if (stride[0] !== 1 || stride[1] !== 1) {
      throw new Error(
        `${op}: padding: "same" is not supported for strided convolutions (stride ${
          shapeStr(stride)
        }). Use stride 1 or give the padding as numbers.`,
      );
    }
    // As torch: the total d·(k-1) is split with the odd one out on the bottom/right.
    return [0, 1].map((i) => {
      const total = dilation[i] * (kernel[i] - 1);
      const before = Math.floor(total / 2);
      return [before, total - before];
    }) as [[number, number], [number, number]];
  }
  if (typeof padding === "string") {
    throw new Error(
      `${op}: padding must be a number, a pair, "same" or "valid", got "${padding}".`,
    );
  }
  const [ph, pw] = pair(op, "padding", padding, 0, 0);
  return [[ph, ph], [pw, pw]];
}

/** The shared 2-D convolution on a batched [N, C, H, W] input and [O, C/g, kh, kw] weight. */
function convolution(
  op: string,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  opts: ConvOptions,
  spatial: 1 | 2,
): Tensor {
  const groups = checkGroups(op, opts.groups);
  const [N, C, H, W] = x.shape;
  const [O, Cg, kh, kw] = weight.shape;
  const shown = (s: readonly number[]) => shapeStr(spatial === 1 ? [s[0], s[1], s[3]] : s);
  if (C !== Cg * groups) {
    throw new Error(
      `${op}: input has ${C} channels (shape ${shown(x.shape)}) but weight of shape ${
        shown(weight.shape)
      } with groups=${groups} expects ${Cg * groups} (weight.shape[1]·groups). Pass an input ` +
        `with ${Cg * groups} channels, or a weight of shape [${O}, ${C / groups}, ...].`,
    );
  }
  if (O % groups !== 0) {
    throw new Error(
      `${op}: the weight's ${O} output channels (shape ${
        shown(weight.shape)
      }) are not divisible by groups=${groups}. Use a number of output channels divisible by groups.`,
    );
  }
  checkBias(op, bias, O);
  const one = (v: Pair | undefined, dflt: number): Pair | undefined =>
    spatial === 2 || v === undefined ? v : typeof v === "number" ? [dflt, v] : v;
  const stride = pair(op, "stride", one(opts.stride, 1), 1, 1);
  const dilation = pair(op, "dilation", one(opts.dilation, 1), 1, 1);
  const padding = spatial === 1 && typeof opts.padding === "number"
    ? [0, opts.padding] as const
    : opts.padding;
  const [[pt, pb], [pl, pr]] = convPadding(op, padding, [kh, kw], dilation, stride);
  const blocks: [number, number] = [
    blocksAlong(H, pt + pb, kh, dilation[0], stride[0]),
    blocksAlong(W, pl + pr, kw, dilation[1], stride[1]),
  ];
  if (blocks[0] < 1 || blocks[1] < 1) {
    const sz = spatial === 1 ? [W + pl + pr] : [H + pt + pb, W + pl + pr];
    const k = spatial === 1 ? [dilation[1] * (kw - 1) + 1] : [
      dilation[0] * (kh - 1) + 1,
      dilation[1] * (kw - 1) + 1,
    ];
    throw new Error(
      `${op}: the (dilated) kernel ${shapeStr(k)} is larger than the padded input ${
        shapeStr(sz)
      } (input ${shown(x.shape)}). Use a smaller kernel or dilation, or more padding.`,
    );
  }
  const g: ConvGeometry = {
    channels: C,
    height: H,
    width: W,
    kernel: [kh, kw],
    dilation,
    padding: [pt, pl],
    stride,
    blocks,
  };
  const K = Cg * kh * kw;
  const cols = reshape(im2col(x, g), [N, groups, K, -1]);
  const w = reshape(weight, [groups, O / groups, K]);
  const out = reshape(matmul(w, cols), [N, O, blocks[0], blocks[1]]);
  return addBias(out, bias);
}

function convInputs(
  op: string,
  input: TensorLike,
  weight: TensorLike,
  bias: TensorLike | null | undefined,
  spatial: 1 | 2,
): [Tensor, Tensor, Tensor | null] {
  const x = asTensor(input);
  const w = asTensor(weight, x);
  const b = bias === null || bias === undefined ? null : asTensor(bias, x);
  const names = spatial === 1 ? ["(C, L)", "(N, C, L)"] : ["(C, H, W)", "(N, C, H, W)"];
  if (x.ndim !== spatial + 1 && x.ndim !== spatial + 2) {
    throw new Error(
      `${op}: expected a ${spatial + 1}-D ${names[0]} or ${spatial + 2}-D ${
        names[1]
      } input, got shape ${shapeStr(x.shape)}. Reshape the input (unsqueeze(0) adds a batch dim).`,
    );
  }
  if (w.ndim !== spatial + 2) {
    throw new Error(
      `${op}: expected a ${spatial + 2}-D weight (outChannels, inChannels/groups, ${
        spatial === 1 ? "k" : "kh, kw"
      }), got shape ${shapeStr(w.shape)}.`,
    );
  }
  floatInput(op, x, "input");
  floatInput(op, w, "weight");
  return [x, w, b];
}

/** 2-D convolution (torch.nn.functional.conv2d); input [N, C, H, W] or [C, H, W]. */
export function conv2d(
  input: TensorLike,
  weight: TensorLike,
  bias?: TensorLike | null,
  opts: ConvOptions = {},
): Tensor {
  checkOptions("conv2d", opts, CONV_KEYS);
  const [x, w, b] = convInputs("conv2d", input, weight, bias, 2);
  const x4 = x.ndim === 3 ? unsqueeze(x, 0) : x;
  const out = convolution("conv2d", x4, w, b, opts, 2);
  return x.ndim === 3 ? squeeze(out, 0) : out;
}

/** 1-D convolution (torch.nn.functional.conv1d); input [N, C, L] or [C, L]. */
export function conv1d(
  input: TensorLike,
  weight: TensorLike,
  bias?: TensorLike | null,
  opts: ConvOptions = {},
): Tensor {
  checkOptions("conv1d", opts, CONV_KEYS);
  const [x, w, b] = convInputs("conv1d", input, weight, bias, 1);
  for (const k of ["stride", "dilation", "padding"] as const) {
    const v = opts[k];
    if (v !== undefined && typeof v !== "number" && typeof v !== "string") {
      if ((v as readonly number[]).length !== 1) {
        throw new Error(`conv1d: ${k} must be a number, got ${JSON.stringify(v)}.`);
      }
    }
  }
  const single = (v: ConvPadding | undefined) => Array.isArray(v) ? (v as readonly number[])[0] : v;
  const o1: ConvOptions = {
    groups: opts.groups,
    stride: single(opts.stride) as number | undefined,
    dilation: single(opts.dilation) as number | undefined,
    padding: single(opts.padding) as ConvPadding | undefined,
  };
  const x3 = x.ndim === 2 ? unsqueeze(x, 0) : x;
  const out = convolution("conv1d", unsqueeze(x3, 2), unsqueeze(w, 2), b, o1, 1);
  const y = squeeze(out, 2);
  return x.ndim === 2 ? squeeze(y, 0) : y;
}

/** The shared transposed convolution on [N, Cin, H, W] and weight [Cin, Cout/g, kh, kw]. */
function convolutionTranspose(
  op: string,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  opts: ConvTransposeOptions,
  spatial: 1 | 2,
): Tensor {
  const groups = checkGroups(op, opts.groups);
  const [N, C, H, W] = x.shape;
  const [Cin, Og, kh, kw] = weight.shape;
  const shown = (s: readonly number[]) => shapeStr(spatial === 1 ? [s[0], s[1], s[3]] : s);
  if (C !== Cin) {
    throw new Error(
      `${op}: input has ${C} channels (shape ${shown(x.shape)}) but the weight of shape ${
        shown(weight.shape)
      } expects ${Cin} (weight.shape[0]). Pass an input with ${Cin} channels.`,
    );
  }
  if (Cin % groups !== 0) {
    throw new Error(
      `${op}: the ${Cin} input channels are not divisible by groups=${groups}. ` +
        "Use a number of input channels divisible by groups.",
    );
  }
  const O = Og * groups;
  checkBias(op, bias, O);
  const one = (v: Pair | undefined, dflt: number): Pair | undefined =>
    spatial === 2 || v === undefined ? v : typeof v === "number" ? [dflt, v] : v;
  const stride = pair(op, "stride", one(opts.stride, 1), 1, 1);
  const dilation = pair(op, "dilation", one(opts.dilation, 1), 1, 1);
  const padding = pair(op, "padding", one(opts.padding, 0), 0, 0);
  const outPad = pair(op, "outputPadding", one(opts.outputPadding, 0), 0, 0);
  for (const i of [0, 1]) {
    if (outPad[i] >= stride[i] && outPad[i] >= dilation[i]) {
      throw new Error(
        `${op}: outputPadding ${outPad[i]} must be smaller than either stride (${
          stride[i]
        }) or dilation (${dilation[i]}). Lower outputPadding.`,
      );
    }
  }
  const size = [H, W].map((s, i) =>
    (s - 1) * stride[i] - 2 * padding[i] + dilation[i] * ([kh, kw][i] - 1) + outPad[i] + 1
  );
  if (size[0] < 1 || size[1] < 1) {
    throw new Error(
      `${op}: the output size ${
        shapeStr(spatial === 1 ? [size[1]] : size)
      } is not positive for input ${shown(x.shape)} (padding ${
        shapeStr(spatial === 1 ? [padding[1]] : padding)
      }). Use less padding.`,
    );
  }
  const Cg = Cin / groups, K = Og * kh * kw;
  const xs = reshape(x, [N, groups, Cg, H * W]);
  const w = transpose(reshape(weight, [groups, Cg, K]), 1, 2);
  const cols = reshape(matmul(w, xs), [N, O * kh * kw, H * W]);
  const g: ConvGeometry = {
    channels: O,
    height: size[0],
    width: size[1],
    kernel: [kh, kw],
    dilation,
    padding,
    stride,
    blocks: [H, W],
  };
  return addBias(col2im(cols, g), bias);
}

const CONV_T_KEYS = ["stride", "padding", "outputPadding", "groups", "dilation"];

/** 2-D transposed convolution (torch.nn.functional.conv_transpose2d), conv2d's adjoint. */
export function convTranspose2d(
  input: TensorLike,
  weight: TensorLike,
  bias?: TensorLike | null,
  opts: ConvTransposeOptions = {},
): Tensor {
  checkOptions("convTranspose2d", opts, CONV_T_KEYS);
  const [x, w, b] = convInputs("convTranspose2d", input, weight, bias, 2);
  const x4 = x.ndim === 3 ? unsqueeze(x, 0) : x;
  const out = convolutionTranspose("convTranspose2d", x4, w, b, opts, 2);
  return x.ndim === 3 ? squeeze(out, 0) : out;
}

/** 1-D transposed convolution (torch.nn.functional.conv_transpose1d). */
export function convTranspose1d(
  input: TensorLike,
  weight: TensorLike,
  bias?: TensorLike | null,
  opts: ConvTransposeOptions = {},
): Tensor {
  checkOptions("convTranspose1d", opts, CONV_T_KEYS);
  const [x, w, b] = convInputs("convTranspose1d", input, weight, bias, 1);
  const single = (v: Pair | undefined) => (Array.isArray(v) ? (v as readonly number[])[0] : v);
  const o1: ConvTransposeOptions = {
    groups: opts.groups,
    stride: single(opts.stride) as number | undefined,
    dilation: single(opts.dilation) as number | undefined,
    padding: single(opts.padding) as number | undefined,
    outputPadding: single(opts.outputPadding) as number | undefined,
  };
  const x3 = x.ndim === 2 ? unsqueeze(x, 0) : x;
  const out = convolutionTranspose("convTranspose1d", unsqueeze(x3, 2), unsqueeze(w, 2), b, o1, 1);
  const y = squeeze(out, 2);
  return x.ndim === 2 ? squeeze(y, 0) : y;
}
