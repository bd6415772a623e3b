/**
 * Every public op, as a free function; the root mod.ts re-exports this file whole, and Tensor
 * methods forward here. Helpers that other modules need but users do not live in internal.ts.
 */
export { clone } from "./copy.ts";
export { expand, flatten, permute, reshape, squeeze, transpose, unsqueeze, view } from "./view.ts";
export { index, type IndexSpec, narrow, type Slice } from "./indexing.ts";
export { cat, chunk, split, stack } from "./join.ts";
export { gather, indexAdd, indexSelect, scatterAdd } from "./gather.ts";
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
export { eq, ge, gt, le, logicalAnd, logicalNot, logicalOr, lt, ne } from "./compare.ts";
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
export { type ValuesIndices } from "./values_indices.ts";
export { logSoftmax, softmax } from "./softmax.ts";
export { dot, matmul, type MatmulOptions, mm, outer } from "./matmul.ts";
