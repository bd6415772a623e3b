export { type BackwardOptions, type NestedArray, Tensor, type TensorLike } from "./tensor.ts";
export { type Device, type DType, type TypedArray } from "../core/dtype.ts";
export * from "./creation.ts";
export { defaultGenerator, Generator, manualSeed } from "../core/random.ts";
export { PRINT_OPTIONS } from "./format.ts";
export {
  empty,
  emptyLike,
  logspace,
  type LogspaceOptions,
  type NestedInput,
} from "./creation_more.ts";
