/**
 * Pooling: max / avg pooling (1-D, 2-D), adaptive avg / max pooling and maxUnpool2d.
 *
 * Fixed windows (maxPool, avgPool) run the backends' maxPool2d / sumPool2d kernels over the
 * (N*C, H, W) planes; 1-D pools are 2-D ones over a height-1 plane. Adaptive windows vary in
 * size, so they are read through one indexSelect of the planes laid out (H*W, N*C) by a
 * host-built window table (a slot past a short window reads a sentinel row: -inf for max, 0 for
 * avg), then reduced with max / sum along the window axis: exact, with kernels every device has.
 * Backward is recorded per op in tensor ops, as PyTorch's derivatives: max pool scatters g to
 * the argmax (scatterAdd; its derivative is a gather at the indices), avg pool's adjoint is a
 * gather of g/divisor by each position's reader windows and a sum; so double backward works.
 */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { checkOptions } from "../core/options.ts";
import { shapeStr } from "../core/shape.ts";
import { isFloat } from "../core/dtype.ts";
import { asTensor, fromStorage, zerosOf } from "./operand.ts";
import { getBackend } from "../backend/registry.ts";
import type { DType } from "../core/dtype.ts";
import type { ConvGeometry } from "../backend/backend.ts";
import { expand, reshape, transpose, unsqueeze } from "./view.ts";
import { contiguous } from "./copy.ts";
import { record } from "../autograd/node.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { cat } from "./join.ts";
import { gather, indexSelect, scatterAdd } from "./gather.ts";
import { scatter } from "./scatter.ts";
import { checkValues } from "./value_check.ts";
import { max, sum } from "./reduce.ts";
import { div } from "./binary.ts";
import { type ValuesIndices, valuesIndices } from "./values_indices.ts";

/** A number (the same along every spatial dim) or one number per spatial dim. */
export type PoolSize = number | readonly number[];

export interface MaxPoolOptions {
  /** Window step; defaults to kernelSize. */
  stride?: PoolSize | null;
  /** Implicit -inf padding on both sides; at most half the kernel size. */
  padding?: PoolSize;
  /** Spacing between window elements. */
  dilation?: PoolSize;
  /** Round the output size up (a last, partial window), as PyTorch's ceil_mode. */
  ceilMode?: boolean;
  /** Also return the argmax of each window, as flat positions within each input plane. */
  returnIndices?: boolean;
}

export interface AvgPoolOptions {
  stride?: PoolSize | null;
  /** Implicit zero padding on both sides; at most half the kernel size. */
  padding?: PoolSize;
  ceilMode?: boolean;
  /** Count padded positions in the divisor (PyTorch's default, true). */
  countIncludePad?: boolean;
  /** Divide every window's sum by this instead of the window size. */
  divisorOverride?: number | null;
}

export interface AdaptiveMaxPoolOptions {
  returnIndices?: boolean;
}

export interface MaxUnpoolOptions {
  stride?: PoolSize | null;
  padding?: PoolSize;
  /** The output's spatial size (or full shape), to undo a pool whose size rounded down. */
  outputSize?: readonly number[] | null;
}

const MAX_KEYS = ["stride", "padding", "dilation", "ceilMode", "returnIndices"];
const AVG_KEYS = ["stride", "padding", "ceilMode", "countIncludePad", "divisorOverride"];

/** PyTorch's positional kernel_size, or the options object holding kernelSize. */
export type KernelArg<O> = PoolSize | (O & { kernelSize: PoolSize });

function kernelAndOptions<O extends object>(
  op: string,
  a: KernelArg<O>,
  b: O | undefined,
  keys: string[],
): [PoolSize, O] {
  if (typeof a === "number" || Array.isArray(a)) {
    return [a as PoolSize, checkOptions(op, b, keys) as O];
  }
  if (b !== undefined) {
    throw new Error(
      `${op}: give the options once: either (input, kernelSize, options) or ` +
        "(input, { kernelSize, ...options }).",
    );
  }
  const o = checkOptions(op, a as O, [...keys, "kernelSize"]) as O & { kernelSize?: PoolSize };
  if (o.kernelSize === undefined) {
    throw new Error(
      `${op}: kernelSize is required, e.g. ${op}(x, 2) or ${op}(x, { kernelSize: 2 }).`,
    );
  }
  return [o.kernelSize, o];
}

/** A 1-D tensor on x's device holding a host-built table. */
function host(a: Int32Array | Float32Array | Float64Array, x: Tensor, dtype: DType): Tensor {
  return fromStorage(getBackend(x.device).fromTypedArray(a, dtype), [a.length], dtype, x.device);
}

/** One number per spatial dim from PyTorch's int-or-tuple argument. */
function perDim(op: string, name: string, v: PoolSize, n: number, min: number): number[] {
  const vs = typeof v === "number" ? Array(n).fill(v) : [...v];
  if (vs.length === 1 && n > 1) vs.push(...Array(n - 1).fill(vs[0]));
  if (vs.length !== n || vs.some((x) => !Number.isInteger(x) || x < min)) {
    throw new Error(
      `${op}: ${name} must be an integer >= ${min} or ${n} of them, got ${JSON.stringify(v)}.` +
        ` Pass e.g. ${name}: ${min === 0 ? 1 : 2}${n > 1 ? ` or [${Array(n).fill(2)}]` : ""}.`,
    );
  }
  return vs;
}

/** x as (B, H, W) planes (1-D pools get H = 1) and how to give the result x's leading dims. */
function planes(op: string, input: TensorLike, spatial: 1 | 2) {
  const x = asTensor(input);
  const want = spatial === 1 ? "(N, C, L) or (C, L)" : "(N, C, H, W) or (C, H, W)";
  if (x.ndim !== spatial + 1 && x.ndim !== spatial + 2) {
    throw new Error(
      `${op}: expected a ${spatial + 1}-D or ${spatial + 2}-D input ${want}, got shape ${
        shapeStr(x.shape)
      }. Add a batch or channel dim with unsqueeze.`,
    );
  }
  if (!isFloat(x.dtype)) {
    throw new Error(`${op}: expected a float tensor, got ${x.dtype}. Convert it with .float().`);
  }
  const lead = x.shape.slice(0, x.ndim - spatial);
  const sp = x.shape.slice(x.ndim - spatial);
  if (sp.some((s) => s === 0) || (lead.length === 2 && lead[1] === 0)) {
    throw new Error(
      `${op}: expected non-empty spatial and channel dims, got input of shape ${
        shapeStr(x.shape)
      }.`,
    );
  }
  const [H, W] = spatial === 1 ? [1, sp[0]] : [sp[0], sp[1]];
  const B = lead.reduce((a, b) => a * b, 1);
  return { x, lead, H, W, B };
}

/** PyTorch's pooling_output_shape, with ceil mode's "last window starts inside" rule. */
function outLen(L: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  let o = Math.floor((L + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (o - 1) * s >= L + p) o--;
  return o;
}

interface Window {
  OH: number;
  OW: number;
  K: number;
  /** OH*OW*K plane positions; H*W is the sentinel. */
  table: Int32Array;
}

interface Params {
  k: number[];
  s: number[];
  p: number[];
  d: number[];
  ceil: boolean;
}

function params(
  op: string,
  spatial: 1 | 2,
  kernelSize: PoolSize,
  o: { stride?: PoolSize | null; padding?: PoolSize; dilation?: PoolSize; ceilMode?: boolean },
): Params {
  const k = perDim(op, "kernelSize", kernelSize, spatial, 1);
  const s = o.stride === undefined || o.stride === null ||
      (Array.isArray(o.stride) && o.stride.length === 0)
    ? k
    : perDim(op, "stride", o.stride, spatial, 1);
  const p = perDim(op, "padding", o.padding ?? 0, spatial, 0);
  const d = perDim(op, "dilation", o.dilation ?? 1, spatial, 1);
  p.forEach((pi, i) => {
    if (pi > Math.floor(k[i] / 2)) {
      throw new Error(
        `${op}: padding should be at most half of kernel size, but got padding=${
          JSON.stringify(o.padding)
        } and kernelSize=${JSON.stringify(kernelSize)}. Use a smaller padding or a larger kernel.`,
      );
    }
  });
  // 1-D pools run as 2-D ones over a height-1 plane.
  const pad2 = (v: number[], fill: number) => spatial === 1 ? [fill, v[0]] : v;
  return { k: pad2(k, 1), s: pad2(s, 1), p: pad2(p, 0), d: pad2(d, 1), ceil: o.ceilMode ?? false };
}

function windows(op: string, shape: readonly number[], H: number, W: number, pr: Params): Window {
  const { k, s, p, d, ceil } = pr;
  const OH = outLen(H, k[0], s[0], p[0], d[0], ceil);
  const OW = outLen(W, k[1], s[1], p[1], d[1], ceil);
  if (OH <= 0 || OW <= 0) {
    throw new Error(
      `${op}: input of shape ${shapeStr(shape)} is too small: the output size would be ${
        shapeStr(H === 1 && k[0] === 1 ? [OW] : [OH, OW])
      }. Use a smaller kernel or dilation, or more padding.`,
    );
  }
  const K = k[0] * k[1];
  const table = new Int32Array(OH * OW * K);
  let at = 0;
  for (let oh = 0; oh < OH; oh++) {
    for (let ow = 0; ow < OW; ow++) {
      for (let i = 0; i < k[0]; i++) {
        const ih = oh * s[0] - p[0] + i * d[0];
        for (let j = 0; j < k[1]; j++) {
          const iw = ow * s[1] - p[1] + j * d[1];
          table[at++] = ih >= 0 && ih < H && iw >= 0 && iw < W ? ih * W + iw : H * W;
        }
      }
    }
  }
  return { OH, OW, K, table };
}

/** The fixed windows as the pooling kernels' geometry (one channel: planes are the batch). */
function geometry(H: number, W: number, pr: Params, w: Window): ConvGeometry {
  const pair = (v: number[]) => [v[0], v[1]] as const;
  return {
    channels: 1,
    height: H,
    width: W,
    kernel: pair(pr.k),
    dilation: pair(pr.d),
    padding: pair(pr.p),
    stride: pair(pr.s),
    blocks: [w.OH, w.OW],
  };
}

/**
 * The windows' values as (OH*OW, K, B), padding slots reading `fill`. The planes are read
 * position-major, (H*W, B), so that each selected row is one contiguous block of B values
 * (indexSelect copies blocks; a per-element read is ~10x slower on the CPU).
 */
function readWindows(x: Tensor, B: number, H: number, W: number, w: Window, fill: number) {
  const cols = transpose(reshape(x, [B, H * W]), 0, 1);
  const sentinel = expand(asTensor(fill, x, x.dtype), [1, B]);
  const padded = cat([cols, sentinel], 0);
  const idx = host(w.table, x, "int32");
  return reshape(indexSelect(padded, 0, idx), [w.OH * w.OW, w.K, B]);
}

function outShape(lead: number[], spatial: 1 | 2, OH: number, OW: number): number[] {
  return spatial === 1 ? [...lead, OW] : [...lead, OH, OW];
}

/**
 * Max over each window, with each window's argmax as a flat position in its input plane. The
 * gradient is recorded directly as a scatter of g to the argmax (as PyTorch's
 * max_pool2d_with_indices_backward): one write per output instead of the K-times-larger adjoint
 * of the window read. Its own derivative in g is a gather at the indices (double backward).
 */
function maxWindows(
  x: Tensor,
  B: number,
  H: number,
  W: number,
  w: Window,
  shape: number[],
  g: ConvGeometry | null,
): [Tensor, Tensor] {
  const O = w.OH * w.OW;
  const [values, indices] = noGrad(() => {
    if (g) {
      const xc = contiguous(reshape(x, [B, H, W]));
      const [v, at] = xc._backend.maxPool2d(xc, g);
      return [
        fromStorage(v, [B, O], x.dtype, x.device),
        fromStorage(at, [B, O], "int32", x.device),
      ];
    }
    const [v, slot] = max(readWindows(x, B, H, W, w, -Infinity), 1);
    const table = expand(reshape(host(w.table, x, "int32"), [O, w.K, 1]), [O, w.K, B]);
    const at = reshape(gather(table, 1, unsqueeze(slot, 1)), [O, B]);
    return [contiguous(transpose(v, 0, 1)), contiguous(transpose(at, 0, 1))];
  });
  const inShape = x.shape;
  record(values, "MaxPool2DWithIndicesBackward", [x], (g, [at]) => [
    reshape(scatterAdd(zerosOf([B, H * W], g.dtype, g.device), 1, at, g), inShape),
  ], [indices]);
  return [reshape(values, shape), reshape(indices, shape)];
}

/**
 * For each plane position, the windows that read it (padded with the sentinel window O), as
 * (H*W, M): the avg-pool adjoint then is a gather of the scaled output gradients and a sum,
 * which indexSelect does in contiguous blocks, instead of an element-wise indexAdd.
 */
function readers(w: Window, HW: number): { inv: Int32Array; M: number } {
  const O = w.OH * w.OW, count = new Int32Array(HW);
  let M = 1;
  for (const p of w.table) if (p < HW) M = Math.max(M, ++count[p]);
  const inv = new Int32Array(HW * M).fill(O);
  count.fill(0);
  w.table.forEach((p, t) => {
    if (p < HW) inv[p * M + count[p]++] = Math.floor(t / w.K);
  });
  return { inv, M };
}

/**
 * Window sums divided by the per-window divisor, in x's leading dims. Its gradient, recorded
 * directly, is the avg-pool adjoint written in tensor ops (so double backward works).
 */
function meanWindows(
  x: Tensor,
  B: number,
  H: number,
  W: number,
  w: Window,
  divisor: Float32Array | Float64Array,
  shape: number[],
  geom: ConvGeometry | null,
): Tensor {
  const O = w.OH * w.OW, HW = H * W;
  const d = reshape(host(divisor, x, x.dtype), [O, 1]);
  const out = noGrad(() => {
    if (!geom) return contiguous(transpose(div(sum(readWindows(x, B, H, W, w, 0), 1), d), 0, 1));
    const xc = contiguous(reshape(x, [B, H, W]));
    const sums = fromStorage(xc._backend.sumPool2d(xc, geom), [B, O], x.dtype, x.device);
    return div(sums, reshape(d, [1, O]));
  });
  const { inv, M } = readers(w, HW);
  const invT = host(inv, x, "int32");
  const inShape = x.shape;
  record(out, "AvgPool2DBackward", [x], (g) => {
    const scaled = cat([div(transpose(g, 0, 1), d), zerosOf([1, B], g.dtype, g.device)], 0);
    const gx = sum(reshape(indexSelect(scaled, 0, invT), [HW, M, B]), 1);
    return [reshape(transpose(gx, 0, 1), inShape)];
  });
  return reshape(out, shape);
}

function maxPool(
  op: string,
  spatial: 1 | 2,
  input: TensorLike,
  kernel: KernelArg<MaxPoolOptions>,
  options: MaxPoolOptions | undefined,
): Tensor | ValuesIndices {
  const [kernelSize, o] = kernelAndOptions(op, kernel, options, MAX_KEYS);
  const { x, lead, H, W, B } = planes(op, input, spatial);
  const pr = params(op, spatial, kernelSize, o);
  const w = windows(op, x.shape, H, W, pr);
  const g = geometry(H, W, pr, w);
  const [values, indices] = maxWindows(x, B, H, W, w, outShape(lead, spatial, w.OH, w.OW), g);
  return o.returnIndices ? valuesIndices(values, indices) : values;
}

/** torch.nn.functional.max_pool1d over (N, C, L) or (C, L). */
export function maxPool1d(
  input: TensorLike,
  kernelSize: PoolSize,
  options: MaxPoolOptions & { returnIndices: true },
): ValuesIndices;
export function maxPool1d(
  input: TensorLike,
  options: MaxPoolOptions & { kernelSize: PoolSize; returnIndices: true },
): ValuesIndices;
export function maxPool1d(
  input: TensorLike,
  kernelSize: KernelArg<MaxPoolOptions>,
  options?: MaxPoolOptions,
): Tensor;
export function maxPool1d(
  input: TensorLike,
  kernelSize: KernelArg<MaxPoolOptions>,
  options?: MaxPoolOptions,
): Tensor | ValuesIndices {
  return maxPool("maxPool1d", 1, input, kernelSize, options);
}

/** torch.nn.functional.max_pool2d over (N, C, H, W) or (C, H, W). NaN wins a window. */
export function maxPool2d(
  input: TensorLike,
  kernelSize: PoolSize,
  options: MaxPoolOptions & { returnIndices: true },
): ValuesIndices;
export function maxPool2d(
  input: TensorLike,
  options: MaxPoolOptions & { kernelSize: PoolSize; returnIndices: true },
): ValuesIndices;
export function maxPool2d(
  input: TensorLike,
  kernelSize: KernelArg<MaxPoolOptions>,
  options?: MaxPoolOptions,
): Tensor;
export function maxPool2d(
  input: TensorLike,
  kernelSize: KernelArg<MaxPoolOptions>,
  options?: MaxPoolOptions,
): Tensor | ValuesIndices {
  return maxPool("maxPool2d", 2, input, kernelSize, options);
}

function avgPool(
  op: string,
  spatial: 1 | 2,
  input: TensorLike,
  kernel: KernelArg<AvgPoolOptions>,
  options: AvgPoolOptions | undefined,
  keys: string[],
): Tensor {
  const [kernelSize, o] = kernelAndOptions(op, kernel, options, keys);
  const { x, lead, H, W, B } = planes(op, input, spatial);
  const pr = params(op, spatial, kernelSize, o);
  const w = windows(op, x.shape, H, W, pr);
  const override = o.divisorOverride ?? null;
  if (override !== null && (!Number.isInteger(override) || override === 0)) {
    throw new Error(
      `${op}: divisorOverride must be a non-zero integer, got ${override}. Omit it to divide ` +
        "by the window size.",
    );
  }
  const includePad = o.countIncludePad ?? true;
  // PyTorch's divisor: the window clipped to the padded input, or to the input itself.
  const divisor = x.dtype === "float64"
    ? new Float64Array(w.OH * w.OW)
    : new Float32Array(w.OH * w.OW);
  const { k, s, p } = pr;
  for (let oh = 0; oh < w.OH; oh++) {
    for (let ow = 0; ow < w.OW; ow++) {
      let h0 = oh * s[0] - p[0], w0 = ow * s[1] - p[1];
      let h1 = Math.min(h0 + k[0], H + p[0]), w1 = Math.min(w0 + k[1], W + p[1]);
      const padded = (h1 - h0) * (w1 - w0);
      h0 = Math.max(h0, 0), w0 = Math.max(w0, 0), h1 = Math.min(h1, H), w1 = Math.min(w1, W);
      divisor[oh * w.OW + ow] = override ?? (includePad ? padded : (h1 - h0) * (w1 - w0));
    }
  }
  const geom = geometry(H, W, pr, w);
  return meanWindows(x, B, H, W, w, divisor, outShape(lead, spatial, w.OH, w.OW), geom);
}

/** torch.nn.functional.avg_pool1d over (N, C, L) or (C, L). */
export function avgPool1d(
  input: TensorLike,
  kernelSize: KernelArg<Omit<AvgPoolOptions, "divisorOverride">>,
  options?: Omit<AvgPoolOptions, "divisorOverride">,
): Tensor {
  // torch's avg_pool1d has no divisor_override.
  const keys = AVG_KEYS.filter((k) => k !== "divisorOverride");
  return avgPool("avgPool1d", 1, input, kernelSize, options, keys);
}

/** torch.nn.functional.avg_pool2d over (N, C, H, W) or (C, H, W). */
export function avgPool2d(
  input: TensorLike,
  kernelSize: KernelArg<AvgPoolOptions>,
  options?: AvgPoolOptions,
): Tensor {
  return avgPool("avgPool2d", 2, input, kernelSize, options, AVG_KEYS);
}

/** Adaptive windows: PyTorch's start = floor(o*L/n), end = ceil((o+1)*L/n). */
function adaptiveWindows(
  op: string,
  spatial: 1 | 2,
  H: number,
  W: number,
  outputSize: number | readonly (number | null)[],
): { w: Window; counts: number[] } {
  const given = typeof outputSize === "number" ? Array(spatial).fill(outputSize) : [...outputSize];
  if (given.length === 1 && spatial === 2) given.push(given[0]);
  const sizes = spatial === 1 ? [W] : [H, W];
  if (
    given.length !== spatial ||
    given.some((v) => v !== null && (!Number.isInteger(v) || v < 1))
  ) {
    throw new Error(
      `${op}: outputSize must be ${
        spatial === 1 ? "an integer" : "an integer or a pair"
      } >= 1 (null keeps an input size), got ${JSON.stringify(outputSize)}.`,
    );
  }
  const out = given.map((v, i) => v ?? sizes[i]);
  const [OH, OW] = spatial === 1 ? [1, out[0]] : [out[0], out[1]];
  const range = (o: number, L: number, n: number) => [
    Math.floor((o * L) / n),
    Math.ceil(((o + 1) * L) / n),
  ];
  let kh = 0, kw = 0;
  for (let o = 0; o < OH; o++) kh = Math.max(kh, range(o, H, OH)[1] - range(o, H, OH)[0]);
  for (let o = 0; o < OW; o++) kw = Math.max(kw, range(o, W, OW)[1] - range(o, W, OW)[0]);
  const K = kh * kw;
  const table = new Int32Array(OH * OW * K).fill(H * W);
  const counts: number[] = [];
  for (let oh = 0; oh < OH; oh++) {
    const [h0, h1] = range(oh, H, OH);
    for (let ow = 0; ow < OW; ow++) {
      const [w0, w1] = range(ow, W, OW);
      let at = (oh * OW + ow) * K;
      for (let i = h0; i < h1; i++) for (let j = w0; j < w1; j++) table[at++] = i * W + j;
      counts.push((h1 - h0) * (w1 - w0));
    }
  }
  return { w: { OH, OW, K, table }, counts };
}

function adaptiveAvg(
  op: string,
  spatial: 1 | 2,
  input: TensorLike,
  outputSize: number | readonly (number | null)[],
): Tensor {
  const { x, lead, H, W, B } = planes(op, input, spatial);
  const { w, counts } = adaptiveWindows(op, spatial, H, W, outputSize);
  const divisor = x.dtype === "float64" ? new Float64Array(counts) : new Float32Array(counts);
  return meanWindows(x, B, H, W, w, divisor, outShape(lead, spatial, w.OH, w.OW), null);
}

/** torch.nn.functional.adaptive_avg_pool1d: outputSize windows that cover the input. */
export function adaptiveAvgPool1d(input: TensorLike, outputSize: number): Tensor {
  return adaptiveAvg("adaptiveAvgPool1d", 1, input, [outputSize]);
}

/** torch.nn.functional.adaptive_avg_pool2d; a null outputSize entry keeps that input size. */
export function adaptiveAvgPool2d(
  input: TensorLike,
  outputSize: number | readonly (number | null)[],
): Tensor {
  return adaptiveAvg("adaptiveAvgPool2d", 2, input, outputSize);
}

/** torch.nn.functional.adaptive_max_pool2d; a null outputSize entry keeps that input size. */
export function adaptiveMaxPool2d(
  input: TensorLike,
  outputSize: number | readonly (number | null)[],
  options: AdaptiveMaxPoolOptions & { returnIndices: true },
): ValuesIndices;
export function adaptiveMaxPool2d(
  input: TensorLike,
  outputSize: number | readonly (number | null)[],
  options?: AdaptiveMaxPoolOptions,
): Tensor;
export function adaptiveMaxPool2d(
  input: TensorLike,
  outputSize: number | readonly (number | null)[],
  options?: AdaptiveMaxPoolOptions,
): Tensor | ValuesIndices {
  const op = "adaptiveMaxPool2d";
  const o = checkOptions(op, options, ["returnIndices"]);
  const { x, lead, H, W, B } = planes(op, input, 2);
  const { w } = adaptiveWindows(op, 2, H, W, outputSize);
  const [values, indices] = maxWindows(x, B, H, W, w, outShape(lead, 2, w.OH, w.OW), null);
  return o.returnIndices ? valuesIndices(values, indices) : values;
}

/**
 * torch.nn.functional.max_unpool2d: zeros of the pooled-from size with each value written at
 * its index (a flat position within its H×W plane, as maxPool2d's returnIndices gives).
 */
export function maxUnpool2d(
  input: TensorLike,
  indices: TensorLike,
  kernel: KernelArg<MaxUnpoolOptions>,
  options?: MaxUnpoolOptions,
): Tensor {
  const op = "maxUnpool2d";
  const [kernelSize, o] = kernelAndOptions(op, kernel, options, [
    "stride",
    "padding",
    "outputSize",
  ]);
  const { x, lead, H, W, B } = planes(op, input, 2);
  const idx = asTensor(indices, x, "int32");
  if (idx.dtype !== "int32" || idx.shape.join() !== x.shape.join()) {
    throw new Error(
      `${op}: indices must be an int32 tensor of the input's shape ${
        shapeStr(x.shape)
      }, got ${idx.dtype} ${
        shapeStr(idx.shape)
      }. Pass the indices maxPool2d returned with returnIndices: true.`,
    );
  }
  const k = perDim(op, "kernelSize", kernelSize, 2, 1);
  const s = o.stride === undefined || o.stride === null ? k : perDim(op, "stride", o.stride, 2, 1);
  const p = perDim(op, "padding", o.padding ?? 0, 2, 0);
  const defaults = [0, 1].map((i) => ([H, W][i] - 1) * s[i] - 2 * p[i] + k[i]);
  let size = defaults;
  if (o.outputSize !== undefined && o.outputSize !== null) {
    const given = o.outputSize.length === x.ndim ? o.outputSize.slice(-2) : [...o.outputSize];
    const bad = given.length !== 2 ||
      given.some((v, i) =>
        !Number.isInteger(v) || v < defaults[i] - s[i] + 1 || v > defaults[i] + s[i] - 1
      );
    if (bad) {
      throw new Error(
        `${op}: outputSize ${JSON.stringify(o.outputSize)} is not a size this pool could have ` +
          `come from: each of the 2 spatial sizes must lie within stride-1 of the default ` +
          `${shapeStr(defaults)}.`,
      );
    }
    size = given;
  }
  const [OH, OW] = size;
  // Checked here, not by scatter: scatter would wrap a negative index and name itself. On
  // the GPU the check raises at the next read, and scatter skips the bad ones meanwhile.
  checkValues(
    idx,
    { lo: 0, hi: OH * OW - 1 },
    `${op}:${OH}x${OW}`,
    (bad) =>
      `${op}: index ${bad} is outside the ${OH}x${OW} output plane (valid 0..${
        OH * OW - 1
      }). Pass the indices of the maxPool2d whose output is being unpooled.`,
  );
  const flatIdx = reshape(idx, [B, H * W]);
  const zeros = zerosOf([B, OH * OW], x.dtype, x.device);
  const out = scatter(zeros, 1, flatIdx, reshape(x, [B, H * W]));
  return reshape(out, [...lead, OH, OW]);
}
