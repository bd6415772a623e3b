/** Op helpers the library's other modules use but users do not: not re-exported by mod.ts. */
export { asTensor, onesLikeOf, shapeArgs } from "./operand.ts";
export { contiguous, to, toAsync } from "./copy.ts";
export { sumTo } from "./reduce.ts";
export { crossEntropyRows } from "./softmax.ts";
export { assignInPlace, contiguousCopy, updateGrad, updateInPlace, writable } from "./inplace.ts";
export { writeInPlace } from "./index_put.ts";
export { checkValues } from "./value_check.ts";
