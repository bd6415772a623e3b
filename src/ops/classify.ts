/**
 * Classifying values (isnan, isinf, isfinite, signbit: bool results for any dtype) and
 * nanToNum, which replaces what they find.
 */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import type { UnaryOp } from "../backend/backend.ts";
import { isFloat } from "../core/dtype.ts";
import { checkOptions } from "../core/options.ts";
import { asTensor, fromStorage } from "./operand.ts";
import { apply } from "./unary.ts";
import { mul } from "./binary.ts";
import { clone } from "./copy.ts";

function test(op: UnaryOp, input: TensorLike): Tensor {
  const x = asTensor(input);
  return fromStorage(x._backend.unary(op, x, "bool"), x.shape, "bool", x.device);
}

export const isnan = (input: TensorLike): Tensor => test("isnan", input);
export const isinf = (input: TensorLike): Tensor => test("isinf", input);
/** Neither NaN nor ±inf. */
export const isfinite = (input: TensorLike): Tensor => test("isfinite", input);
/** Whether the sign bit is set: true for negatives and for -0.0, as torch.signbit. */
export const signbit = (input: TensorLike): Tensor => test("signbit", input);

export interface NanToNumOptions {
  /** What NaN becomes (default 0). */
  nan?: number;
  /** What +inf becomes (default: the dtype's largest finite value). */
  posinf?: number | null;
  /** What -inf becomes (default: the dtype's most negative finite value). */
  neginf?: number | null;
}

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Replaces NaN, +inf and -inf, by default with 0 and the dtype's extreme finite values, as
 * torch.nan_to_num. A number as second argument is the NaN replacement. Integer and bool
 * tensors hold none of them: they come back as a copy.
 */
export function nanToNum(input: TensorLike, options?: NanToNumOptions | number): Tensor {
  const o = typeof options === "number"
    ? { nan: options }
    : checkOptions("nanToNum", options, ["nan", "posinf", "neginf"]);
  for (const key of ["nan", "posinf", "neginf"] as const) {
    const v = o[key];
    if (v !== undefined && v !== null && typeof v !== "number") {
      throw new Error(
        `nanToNum: ${key} must be a number, got ${typeof v}. Pass e.g. { ${key}: 0 }.`,
      );
    }
  }
  const x = asTensor(input);
  if (!isFloat(x.dtype)) return clone(x);
  const max = x.dtype === "float64" ? Number.MAX_VALUE : FLOAT32_MAX;
  const params = [o.nan ?? 0, o.posinf ?? max, o.neginf ?? -max];
  return apply(
    "nanToNum",
    x,
    x.dtype,
    "NanToNumBackward",
    (g, [xs]) => [mul(g, isfinite(xs))],
    "input",
    params,
  );
}
