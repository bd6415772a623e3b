/**
 * The Backend interface: kernels only, no autograd. A backend owns its storage type
 * (TypedArrays on the CPU, GPUBuffers on WebGPU) and computes on strided views of it.
 * Every kernel returns new contiguous storage for its output, except `assign`, which
 * writes through a view (used by cat, index backward and in-place updates).
 */
import type { ValueRule } from "./messages.ts";
import type { Device, DType, TypedArray } from "../core/dtype.ts";

/** Backend-owned memory. Opaque outside the backend that made it. */
export type Storage = unknown;

/** A strided window onto storage: what every kernel reads. */
export interface View {
  readonly storage: Storage;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

export type UnaryOp =
  | "copy"
  | "neg"
  | "exp"
  | "log"
  | "log1p"
  | "erf"
  | "sqrt"
  | "abs"
  | "sign"
  | "sin"
  | "cos"
  | "tanh"
  | "sigmoid"
  | "relu"
  | "leakyRelu" // param: negative slope
  | "clamp" // params: min, max
  | "silu" // x·sigmoid(x)
  | "softplus" // params: beta, threshold (x where beta·x > threshold, as torch)
  | "elu" // params: alpha, input scale: x > 0 ? x : alpha·expm1(x·scale)
  | "not"
  | MathUnaryOp;

/** Issue 12's elementwise math; float-valued unless noted. */
export type MathUnaryOp =
  | "floor"
  | "ceil"
  | "round" // params: 10^|decimals|, 1 when decimals <= 0 (divide first), as torch.round
  | "trunc"
  | "frac"
  | "reciprocal"
  | "rsqrt"
  | "exp2"
  | "expm1"
  | "log2"
  | "log10"
  | "tan"
  | "asin"
  | "acos"
  | "atan"
  | "sinh"
  | "cosh"
  | "asinh"
  | "acosh"
  | "atanh"
  | "isnan" // bool results from here on
  | "isinf"
  | "isfinite"
  | "signbit"
  | "nanToNum"; // params: nan, posinf, neginf replacements

export type BinaryOp =
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "pow"
  | "maximum"
  | "minimum"
  | "eq"
  | "ne"
  | "lt"
  | "le"
  | "gt"
  | "ge"
  | "and"
  | "or"
  | MathBinaryOp;

/** Issue 12's binary elementwise math; remainder, fmod and floorDivide also on int32. */
export type MathBinaryOp = "atan2" | "hypot" | "remainder" | "fmod" | "floorDivide" | "xor";

export type ReduceOp = "sum" | "prod" | "max" | "min" | "argmax" | "argmin";

/** Inclusive scans along one dim; cummax/cummin give the int32 index of the running extreme. */
export type ScanOp = "cumsum" | "cumprod" | "logcumsumexp" | "cummax" | "cummin";

/**
 * The sliding-window geometry of im2col/col2im over an image of `channels` × `height` ×
 * `width`: pairs are (rows, columns). `padding` is the top and left padding only; the bottom
 * and right follow from `blocks`, the number of window positions, so asymmetric padding
 * ("same" with an even kernel) needs nothing more.
 */
export interface ConvGeometry {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly kernel: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly blocks: readonly [number, number];
}

export type { ValueRule };

export interface Backend {
  readonly device: Device;
  /** Copies host data into new storage. */
  fromTypedArray(data: TypedArray, dtype: DType): Storage;
  /** New storage of `size` elements, each `value`. */
  full(size: number, value: number, dtype: DType): Storage;
  /** Synchronous contiguous readback; undefined on devices that can only read asynchronously. */
  readSync?(v: View): TypedArray;
  read(v: View): Promise<TypedArray>;
  /**
   * On devices without readSync: checks every value of `x` against `rule` on the device; a
   * bad one raises `message(value, its row-major position)` at the next read or sync (the
   * first bad value in queue order). `key` identifies the op and the message's parameters.
   */
  checkValues?(
    x: View,
    rule: ValueRule,
    key: string,
    message: (v: number, at: number) => string,
  ): void;

  /** out = op(x) elementwise, written contiguously in `outDtype`. */
  unary(op: UnaryOp, x: View, outDtype: DType, params?: readonly number[]): Storage;
  /** out = op(a, b); a and b are already broadcast to the same shape (stride-0 views). */
  binary(op: BinaryOp, a: View, b: View, outDtype: DType): Storage;
  /** out = cond ? a : b; all three already broadcast to one shape. */
  where(cond: View, a: View, b: View, outDtype: DType): Storage;
  /** Reduces `dims` (sorted, distinct) away; output has the remaining dims, row-major. */
  reduce(op: ReduceOp, x: View, dims: readonly number[]): Storage;
  /**
   * Inclusive scan along `dim` (from the end when `reverse`), output contiguous in x's shape:
   * x's dtype (int32 for bool) for cumsum/cumprod/logcumsumexp, int32 indices for cummax/cummin.
   */
  scan(op: ScanOp, x: View, dim: number, reverse: boolean): Storage;
  /** Softmax or log-softmax along the last dim of a contiguous view. */
  softmax(x: View, log: boolean): Storage;
  /**
   * Batched matmul: a is [B, M, K], b is [B, K, N], any strides (a transposed matrix shows
   * up as swapped strides, a broadcast batch as stride 0). Returns [B, M, N] contiguous.
   * With `out` (contiguous, the result's dtype and B*M*N elements, sharing no memory with a
   * or b), writes the product there and returns out.storage; a backend may ignore `out` and
   * return new storage, which the caller then copies.
   */
  matmul(a: View, b: View, out?: View): Storage;
  /** out[...i_dim...] = x[... index[...] ...] along `dim`; out has index's shape. */
  gather(x: View, dim: number, index: View): Storage;
  /** Returns a copy of `base` where src values are added at the positions `index` names. */
  scatterAdd(base: View, dim: number, index: View, src: View): Storage;
  /** Selects entries of a 1-D int index along `dim`. */
  indexSelect(x: View, dim: number, index: View): Storage;
  /** Returns a copy of `base` with src's slices added at the entries of a 1-D index along `dim`. */
  indexAdd(base: View, dim: number, index: View, src: View): Storage;
  /**
   * Returns a copy of `base` where src values (index's shape) are written ("none") or multiplied
   * in ("multiply") at the positions `index` names along `dim`, as torch.scatter. Repeated
   * positions: "none" keeps one of the values (unspecified which), "multiply" multiplies all.
   */
  scatter(base: View, dim: number, index: View, src: View, reduce: "none" | "multiply"): Storage;
  /** Returns a copy of `base` with src's slices written at the entries of a 1-D index along `dim`. */
  indexCopy(base: View, dim: number, index: View, src: View): Storage;
  /**
   * Stable sort along `dim`: the values and their positions along `dim` (int32), both
   * contiguous in x's shape. NaN sorts as the largest value; equal values keep ascending
   * index order in both directions (torch's stable sort).
   */
  sort(x: View, dim: number, descending: boolean): [values: Storage, indices: Storage];
  /** Writes src (same shape) through the strided view dst, in place. */
  assign(dst: View, src: View): void;
  /**
   * im2col: x is a contiguous float [N, C, H, W] view; returns [N, C·kh·kw, oh·ow] where
   * column (oy, ox) holds the kernel's window at that block (zeros where it hangs over the
   * padding). Row order is (c, ki, kj), as torch's unfold.
   */
  im2col(x: View, g: ConvGeometry): Storage;
  /** col2im, im2col's adjoint: cols [N, C·kh·kw, oh·ow] summed back into [N, C, H, W]. */
  col2im(cols: View, g: ConvGeometry): Storage;
  /**
   * Max pooling of a contiguous float [B, H, W] view over g's windows (g.channels is 1,
   * g.blocks the output size): values [B, oh, ow] and, int32, each window's argmax as a flat
   * position in its H×W plane. Ties go to the first maximum in window order; NaN wins.
   */
  maxPool2d(x: View, g: ConvGeometry): [values: Storage, indices: Storage];
  /** The window sums of a contiguous float [B, H, W] view (padding counts 0): [B, oh, ow]. */
  sumPool2d(x: View, g: ConvGeometry): Storage;
  /**
   * Optional fused Adam/AdamW update, in place on contiguous param, expAvg and expAvgSq
   * (grad contiguous too): one pass instead of a dozen tensor ops. Optimizers fall back to
   * tensor ops where a backend lacks it.
   */
  adamStep?(p: View, grad: View, expAvg: View, expAvgSq: View, h: AdamHyper): void;
  /**
   * Optional stride-1 conv2d (g.stride is [1, 1]): x [N, C, H, W], w [O, C/groups, kh, kw] and
   * bias [O] (or null) contiguous; returns [N, O, oh, ow]. Without it (or without
   * conv2dWeightGrad) conv2d composes im2col and matmul.
   */
  conv2d?(x: View, w: View, bias: View | null, g: ConvGeometry, groups: number): Storage;
  /**
   * Optional weight gradient of that stride-1 conv2d: x [N, C, H, W] and gy [N, O, oh, ow]
   * contiguous; returns [O, C/groups, kh, kw].
   */
  conv2dWeightGrad?(x: View, gy: View, g: ConvGeometry, groups: number): Storage;
  /**
   * Optional fused SGD update in place on contiguous param (and momentum buffer, when
   * momentum is used; `h.first` says the buffer is fresh and takes the gradient as is).
   */
  sgdStep?(p: View, grad: View, momentumBuf: View | null, h: SgdHyper): void;
  /**
   * Optional on-device random float32 numbers (uniform in [0, 1) or standard normal), keyed by
   * two 32-bit words drawn from the caller's Generator. Without it, values are drawn on the
   * host and uploaded.
   */
  random?(kind: "uniform" | "normal", n: number, seed: readonly [number, number]): Storage;
  /**
   * Optional fused cross-entropy of rows: x is a contiguous float [N, C] view of logits,
   * target an int32 [N] view of class indices; returns [N] losses logsumexp(x_i) − x_i[t_i],
   * 0 where t_i is ignoreIndex. Loss functions fall back to logSoftmax + gather without it.
   */
  crossEntropyRows?(x: View, target: View, ignoreIndex: number): Storage;
  /** Optional: frees storage now (Tensor.dispose); the GC would otherwise do it later. */
  release?(storage: Storage): void;
}

/** The scalars of one SGD step, as torch.optim.SGD names them. */
export interface SgdHyper {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
  /** The momentum buffer was just created: it takes the (decayed) gradient as is. */
  first: boolean;
}

/** The scalars of one Adam step; bias corrections are precomputed by the optimizer. */
export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW: decay the weights directly instead of adding wd·p to the gradient. */
  decoupled: boolean;
  maximize: boolean;
  /** lr / (1 − beta1^t) */
  stepSize: number;
  /** sqrt(1 − beta2^t) */
  bias2Sqrt: number;
}
