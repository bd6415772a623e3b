/** Comparisons and logical ops: bool results, no gradient. */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import type { BinaryOp } from "../backend/backend.ts";
import { asTensor, fromStorage } from "./operand.ts";
import { binaryKernel } from "./binary.ts";

function compare(op: BinaryOp, a: TensorLike, b: TensorLike, name?: string): Tensor {
  return binaryKernel(op, a, b, (d) => d, "bool", name)[0];
}

export const eq = (a: TensorLike, b: TensorLike): Tensor => compare("eq", a, b);
export const ne = (a: TensorLike, b: TensorLike): Tensor => compare("ne", a, b);
export const lt = (a: TensorLike, b: TensorLike): Tensor => compare("lt", a, b);
export const le = (a: TensorLike, b: TensorLike): Tensor => compare("le", a, b);
export const gt = (a: TensorLike, b: TensorLike): Tensor => compare("gt", a, b);
export const ge = (a: TensorLike, b: TensorLike): Tensor => compare("ge", a, b);
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor =>
  compare("and", a, b, "logicalAnd");
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => compare("or", a, b, "logicalOr");
/** True where exactly one of the two is nonzero (NaN counts as nonzero), any dtypes. */
export const logicalXor = (a: TensorLike, b: TensorLike): Tensor =>
  compare("xor", a, b, "logicalXor");

export function logicalNot(input: TensorLike): Tensor {
  const x = asTensor(input);
  return fromStorage(x._backend.unary("not", x, "bool"), x.shape, "bool", x.device);
}
