/** Row-wise softmax / log-softmax, stable: each row is shifted by its max before exp. */
import type { TypedArray } from "../../core/dtype.ts";

export function softmaxRows(
  out: TypedArray,
  x: TypedArray,
  off: number,
  len: number,
  log: boolean,
): void {
  const rows = len === 0 ? 0 : out.length / len;
  for (let r = 0; r < rows; r++) {
    const base = off + r * len, ob = r * len;
    let max = -Infinity;
    for (let j = 0; j < len; j++) if (x[base + j] > max) max = x[base + j];
    if (max === -Infinity) max = 0; // an all -inf row: keep exp(-inf - 0) = 0 instead of NaN
    let sum = 0;
    for (let j = 0; j < len; j++) sum += Math.exp(x[base + j] - max);
    if (log) {
      const lse = Math.log(sum);
      for (let j = 0; j < len; j++) out[ob + j] = x[base + j] - max - lse;
    } else {
      const inv = 1 / sum;
      for (let j = 0; j < len; j++) out[ob + j] = Math.exp(x[base + j] - max) * inv;
    }
  }
}
