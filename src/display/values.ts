/** Reading a tensor's values for an image, and the range its colours span. */
import type { Tensor } from "../tensor/tensor.ts";
import type { TypedArray } from "../core/dtype.ts";

/** The values of a CPU tensor; elsewhere an error naming the async twin of `op`. */
export function cpuValues(op: string, t: Tensor): TypedArray {
  if (t.device !== "cpu") {
    throw new Error(
      `${op}: this tensor lives on '${t.device}', whose values can only be read asynchronously. ` +
        `Use the async twin: await ${op}Async(...).`,
    );
  }
  return t._values();
}

/** The smallest and largest finite values ([0, 0] when there are none). */
export function finiteRange(values: ArrayLike<number>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 0];
}

/**
 * Maps a value to [0, 1] over [lo, hi] (clamped; NaN and a constant image map to 0). Without
 * a range, values already in [0, 1] are kept as they are and others are spread over min..max.
 */
export function normalizer(
  values: ArrayLike<number>,
  range?: readonly [number, number],
): (v: number) => number {
  let [lo, hi] = range ?? finiteRange(values);
  if (!range && lo >= 0 && hi <= 1) [lo, hi] = [0, 1];
  const span = hi - lo;
  return (v) => {
    if (Number.isNaN(v) || span <= 0) return 0;
    return Math.min(1, Math.max(0, (v - lo) / span));
  };
}
