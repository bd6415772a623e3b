export { type BackwardOptions, type NestedArray, Tensor, type TensorLike } from "./tensor.ts";
export { type Device, type DType, type TypedArray } from "./dtype.ts";
export * from "./creation.ts";
export { defaultGenerator, Generator, manualSeed } from "./random.ts";
export { PRINT_OPTIONS } from "./format.ts";
