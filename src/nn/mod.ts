/**
 * torch.nn for gradiente: Module and Parameter, layers, containers, losses, `init` and
 * `functional` (use it as PyTorch's F: `const F = nn.functional;`).
 *
 * @example
 * ```ts
 * import { nn, optim } from "gradiente";
 * const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
 * const lossFn = new nn.CrossEntropyLoss();
 * const loss = lossFn.call(model.call(x), y); // model.call(x) is PyTorch's model(x)
 * ```
 * @module
 */
export { type LoadStateDictResult, Module, type ToTarget } from "./module.ts";
export { Parameter } from "./parameter.ts";
export { ModuleDict, ModuleList, Sequential } from "./containers.ts";
export { Flatten, Identity, Linear, type LinearOptions } from "./linear.ts";
export { type FactoryOptions } from "./util.ts";
export {
  CELU,
  ELU,
  GELU,
  Hardsigmoid,
  Hardswish,
  Hardtanh,
  LeakyReLU,
  LogSigmoid,
  LogSoftmax,
  Mish,
  PReLU,
  type PReLUOptions,
  ReLU,
  ReLU6,
  SELU,
  Sigmoid,
  SiLU,
  Softmax,
  Softplus,
  Softsign,
  Tanh,
} from "./activation.ts";
export { Dropout } from "./dropout.ts";
export {
  Conv1d,
  Conv2d,
  type ConvLayerOptions,
  ConvTranspose1d,
  ConvTranspose2d,
  type ConvTransposeLayerOptions,
  type PaddingMode,
} from "./conv.ts";
export { BatchNorm1d, BatchNorm2d, type BatchNormOptions } from "./batchnorm.ts";
export {
  Dropout2d,
  PixelShuffle,
  PixelUnshuffle,
  Unflatten,
  Upsample,
  type UpsampleOptions,
} from "./vision.ts";
export { Embedding } from "./embedding.ts";
export {
  BCELoss,
  BCEWithLogitsLoss,
  CrossEntropyLoss,
  HuberLoss,
  L1Loss,
  Loss,
  MSELoss,
  NLLLoss,
} from "./loss.ts";
export * as functional from "./functional/mod.ts";
export * as init from "./init.ts";
export {
  AdaptiveAvgPool1d,
  AdaptiveAvgPool2d,
  AdaptiveMaxPool2d,
  AvgPool1d,
  AvgPool2d,
  MaxPool1d,
  MaxPool2d,
  MaxUnpool2d,
  type PoolResult,
} from "./pool.ts";
