/** Pooling, as torch.nn.functional: the ops themselves, re-exported so `F.maxPool2d` reads as in PyTorch. */
export {
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  adaptiveMaxPool2d,
  type AdaptiveMaxPoolOptions,
  avgPool1d,
  avgPool2d,
  type AvgPoolOptions,
  maxPool1d,
  maxPool2d,
  type MaxPoolOptions,
  maxUnpool2d,
  type MaxUnpoolOptions,
  type PoolSize,
} from "../../ops/pool.ts";
