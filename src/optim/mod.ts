/**
 * Optimizers, learning-rate schedulers and gradient clipping, with PyTorch's update rules and
 * defaults.
 *
 * @example
 * ```ts
 * import { optim, randn, tensor } from "gradiente";
 * const w = randn([3], { requiresGrad: true });
 * const opt = new optim.Adam([w], { lr: 0.1 });
 * const sched = new optim.StepLR(opt, { stepSize: 10, gamma: 0.5 });
 * for (let epoch = 0; epoch < 30; epoch++) {
 *   opt.zeroGrad();
 *   w.sub(tensor([1, 2, 3])).pow(2).sum().backward();
 *   opt.step();
 *   sched.step();
 * }
 * ```
 * @module
 */
export {
  Optimizer,
  type OptimizerOptions,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupInput,
  type ParamsInput,
  type ParamState,
} from "./optimizer.ts";
export { SGD, type SGDOptions } from "./sgd.ts";
export { Adam, type AdamOptions, AdamW, type AdamWOptions } from "./adam.ts";
export { RMSprop, type RMSpropOptions } from "./rmsprop.ts";
export { Adagrad, type AdagradOptions } from "./adagrad.ts";
export { clipGradNorm, type ClipGradNormOptions, clipGradValue } from "./clip_grad.ts";
export {
  CosineAnnealingLR,
  ExponentialLR,
  LinearLR,
  LRScheduler,
  ReduceLROnPlateau,
  type ReduceLROnPlateauOptions,
  type SchedulerStateDict,
  StepLR,
} from "./lr_scheduler.ts";
/** The schedulers again, under PyTorch's module name: `optim.lrScheduler.StepLR`. */
export * as lrScheduler from "./lr_scheduler.ts";
