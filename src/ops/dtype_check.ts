/** The dtype guard of ops that only make sense on floats (norms, logcumsumexp). */
import type { Tensor } from "../tensor/tensor.ts";
import { isFloat } from "../core/dtype.ts";

export function requireFloat(op: string, x: Tensor): void {
  if (!isFloat(x.dtype)) {
    throw new Error(
      `${op}: expected a floating point tensor, got ${x.dtype}. Convert it first with .float() ` +
        "(or .double()).",
    );
  }
}
