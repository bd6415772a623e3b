/**
 * Every public op, as a free function; the root mod.ts re-exports this file whole, and Tensor
 * methods forward here. Helpers that other modules need but users do not live in internal.ts.
 */
export { clone } from "./copy.ts";
export { expand, flatten, permute, reshape, squeeze, transpose, unsqueeze, view } from "./view.ts";
export { index, type IndexSpec, narrow, type Slice } from "./indexing.ts";
export { cat, chunk, split, stack } from "./join.ts";
export { gather, indexAdd, indexSelect, scatterAdd } from "./gather.ts";
export { indexAsync, indexPut, indexPut_, type IndexPutOptions, IndexTarget } from "./index_put.ts";
export {
  argwhere,
  argwhereAsync,
  maskedSelect,
  maskedSelectAsync,
  nonzero,
  nonzeroAsync,
  type NonzeroOptions,
} from "./nonzero.ts";
export { indexCopy, scatter, type ScatterOptions, takeAlongDim } from "./scatter.ts";
export { maskedFill, where } from "./where.ts";
export { add, div, maximum, minimum, mul, pow, sub } from "./binary.ts";
export {
  abs,
  clamp,
  cos,
  erf,
  exp,
  leakyRelu,
  log,
  log1p,
  neg,
  relu,
  sigmoid,
  sign,
  sin,
  sqrt,
  tanh,
} from "./unary.ts";
export {
  eq,
  ge,
  gt,
  le,
  logicalAnd,
  logicalNot,
  logicalOr,
  logicalXor,
  lt,
  ne,
} from "./compare.ts";
export {
  argmax,
  argmin,
  logsumexp,
  max,
  mean,
  min,
  prod,
  std,
  sum,
  variance,
  type VarOptions,
} from "./reduce.ts";
export { all, amax, amin, any, countNonzero, nanmean, nansum } from "./reduce_more.ts";
export { cummax, cummin, cumprod, cumsum, logcumsumexp } from "./scan.ts";
export { norm } from "./norm.ts";
export { type ValuesIndices } from "./values_indices.ts";
export { logSoftmax, softmax } from "./softmax.ts";
export { dot, matmul, type MatmulOptions, mm, outer } from "./matmul.ts";
// activation.ts exports nothing but the public activations (silu, gelu, elu, ... prelu).
export * from "./activation.ts";
export { addmm, type AddmmOptions, baddbmm, bmm } from "./products.ts";
export { einsum } from "./einsum.ts";
export { cdist, type CdistOptions } from "./cdist.ts";
export {
  argsort,
  kthvalue,
  msort,
  sort,
  type SortOptions,
  topk,
  type TopkOptions,
} from "./sort.ts";
export { median, nanmedian } from "./median.ts";
export { quantile, type QuantileInterpolation, type QuantileOptions } from "./quantile.ts";
export { unique, uniqueAsync, type UniqueOptions } from "./unique.ts";
export {
  bincount,
  bincountAsync,
  type BincountOptions,
  histc,
  type HistcOptions,
} from "./histogram.ts";
export {
  broadcastTo,
  expandAs,
  flip,
  meshgrid,
  type MeshgridOptions,
  movedim,
  reshapeAs,
  roll,
  swapaxes,
  t,
  unbind,
  unflatten,
  viewAs,
} from "./rearrange.ts";
export { repeat, repeatInterleave, repeatInterleaveAsync, tile } from "./repeat.ts";
export { diag, diagEmbed, diagonal, trace, tril, triu } from "./diagonal.ts";
export {
  bernoulli,
  bernoulli_,
  exponential_,
  type GeneratorOptions,
  multinomial,
  type MultinomialOptions,
  normal,
  normal_,
  type NormalOptions,
  uniform_,
} from "./random.ts";
export {
  ceil,
  floor,
  floorDivide,
  fmod,
  frac,
  remainder,
  round,
  type RoundOptions,
  trunc,
} from "./rounding.ts";
// math.ts exports nothing but public ops (acos ... tan, lerp, clampMin, clampMax).
export * from "./math.ts";
export { isfinite, isinf, isnan, nanToNum, type NanToNumOptions, signbit } from "./classify.ts";
export {
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  adaptiveMaxPool2d,
  type AdaptiveMaxPoolOptions,
  avgPool1d,
  avgPool2d,
  type AvgPoolOptions,
  type KernelArg,
  maxPool1d,
  maxPool2d,
  type MaxPoolOptions,
  maxUnpool2d,
  type MaxUnpoolOptions,
  type PoolSize,
} from "./pool.ts";
export {
  conv1d,
  conv2d,
  type ConvOptions,
  type ConvPadding,
  convTranspose1d,
  convTranspose2d,
  type ConvTransposeOptions,
  fold,
  type FoldOptions,
  type Pair,
  unfold,
  type UnfoldOptions,
} from "./conv.ts";
export { pad, type PadMode, type PadOptions } from "./pad.ts";
export {
  interpolate,
  type InterpolateMode,
  type InterpolateOptions,
  pixelShuffle,
  pixelUnshuffle,
} from "./interpolate.ts";
