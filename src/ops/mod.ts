/** Every op, as a free function; Tensor methods forward here. */
export { asTensor, dimArg, onesLikeOf, shapeArgs } from "./operand.ts";
export { clone, contiguous, to, toAsync } from "./copy.ts";
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
  sumTo,
  type ValuesIndices,
  variance,
} from "./reduce.ts";
export { crossEntropyRows, logSoftmax, softmax } from "./softmax.ts";
export { dot, matmul, type MatmulOptions, mm, outer } from "./matmul.ts";
export { assignInPlace } from "./inplace.ts";
