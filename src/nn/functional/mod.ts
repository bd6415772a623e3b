/**
 * torch.nn.functional: the stateless forms of layers, activations and losses. Import it as
 * PyTorch's `F`:
 *
 * ```ts
 * import { nn } from "gradiente";
 * const F = nn.functional;
 * const loss = F.crossEntropy(model.call(x), y, { labelSmoothing: 0.1 });
 * ```
 * @module
 */
export {
  celu,
  elu,
  type EluOptions,
  gelu,
  type GeluOptions,
  hardsigmoid,
  hardswish,
  hardtanh,
  type HardtanhOptions,
  leakyRelu,
  logsigmoid,
  logSoftmax,
  mish,
  prelu,
  relu,
  relu6,
  selu,
  sigmoid,
  silu,
  softmax,
  softplus,
  type SoftplusOptions,
  softsign,
  tanh,
} from "./activation.ts";
export {
  batchNorm,
  type BatchNormOptions,
  dropout,
  dropout2d,
  type DropoutOptions,
  embedding,
  linear,
  oneHot,
} from "./layers.ts";
export {
  type BCELossOptions,
  type BCEWithLogitsLossOptions,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  type CrossEntropyLossOptions,
  huberLoss,
  type HuberLossOptions,
  l1Loss,
  type LossOptions,
  mseLoss,
  nllLoss,
  type NLLLossOptions,
  type Reduction,
} from "./loss.ts";
export * from "./pool.ts";
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
  unfold,
  type UnfoldOptions,
} from "../../ops/conv.ts";
export { pad, type PadMode, type PadOptions } from "../../ops/pad.ts";
export {
  interpolate,
  type InterpolateMode,
  type InterpolateOptions,
  pixelShuffle,
  pixelUnshuffle,
} from "../../ops/interpolate.ts";
