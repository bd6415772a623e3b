/**
 * quantile as torch computes it: sort the row (NaN last), take rank q·(n − 1) (the last
 * index where the row holds a NaN, so the result is NaN), and read or interpolate the
 * neighbouring sorted values. The gradient flows through the gathers and sort's indices.
 */
import { Tensor, type TensorLike } from "../tensor/tensor.ts";
import { isFloat } from "../core/dtype.ts";
import { normalizeDim, shapeStr } from "../core/shape.ts";
import { checkOptions } from "../core/options.ts";
import { asTensor } from "./operand.ts";
import { expand, permute, reshape, squeeze, unsqueeze } from "./view.ts";
import { add, mul, sub } from "./binary.ts";
import { gt } from "./compare.ts";
import { where } from "./where.ts";
import { sum } from "./reduce.ts";
import { gather } from "./gather.ts";
import { sortAlong } from "./sort.ts";
import { nanMask } from "./median.ts";

export type QuantileInterpolation = "linear" | "lower" | "higher" | "midpoint" | "nearest";

export interface QuantileOptions {
  /** The dim to reduce; null or absent: all entries (flattened). */
  dim?: number | null;
  keepdim?: boolean;
  interpolation?: QuantileInterpolation;
}

const MODES: readonly QuantileInterpolation[] = [
  "linear",
  "lower",
  "higher",
  "midpoint",
  "nearest",
];

/** The q values on the host: positions are computed there, and validated as torch does. */
function qValues(q: number | readonly number[] | Tensor): { list: number[]; scalar: boolean } {
  let list: number[], scalar: boolean;
  if (q instanceof Tensor) {
    if (q.ndim > 1) {
      throw new Error(
        `quantile: q must be a number or a 1-D tensor, got shape ${shapeStr(q.shape)}. ` +
          "Flatten it first.",
      );
    }
    if (!q._backend.readSync) {
      throw new Error(
        `quantile: q is on '${q.device}'; its values are validated and turned into positions ` +
          "on the host, so pass numbers, an array or a CPU tensor (`await q.cpu()`).",
      );
    }
    list = Array.from(q._backend.readSync(q), Number);
    scalar = q.ndim === 0;
  } else if (typeof q === "number") {
    list = [q];
    scalar = true;
  } else {
    list = [...q];
    scalar = false;
  }
  const bad = list.find((v) => typeof v !== "number" || !(v >= 0 && v <= 1));
  if (bad !== undefined) {
    throw new Error(
      `quantile: q must be in the range [0, 1] but got ${bad}. Pass probabilities ` +
        "(0.5 for the median, 0.25 and 0.75 for the quartiles).",
    );
  }
  return { list, scalar };
}

/** Round half to even, as torch.round (numpy's 'nearest' differs here; torch is the reference). */
function roundHalfEven(v: number): number {
  const f = Math.floor(v), r = v - f;
  if (r !== 0.5) return Math.round(v);
  return f % 2 === 0 ? f : f + 1;
}

/**
 * The q-th quantiles along `dim` (all entries when dim is null), as torch.quantile:
 * `quantile(x, 0.5, { dim: 1, interpolation: "lower" })` or `quantile(x, q, dim, keepdim)`.
 * With q a list or 1-D tensor the result gains a leading dim, one entry per q.
 */
export function quantile(
  input: TensorLike,
  q: number | readonly number[] | Tensor,
  dimOrOptions?: number | null | QuantileOptions,
  keepdim?: boolean,
): Tensor {
  const o: QuantileOptions = dimOrOptions !== null && typeof dimOrOptions === "object"
    ? checkOptions("quantile", dimOrOptions, ["dim", "keepdim", "interpolation"])
    : { dim: dimOrOptions, keepdim };
  const mode = o.interpolation ?? "linear";
  if (!MODES.includes(mode)) {
    throw new Error(
      `quantile: interpolation must be one of ${MODES.join(", ")}, got '${mode}'.`,
    );
  }
  const x0 = asTensor(input);
  if (!isFloat(x0.dtype)) {
    throw new Error(
      `quantile: input must be a float tensor, got ${x0.dtype}. Convert it with .float().`,
    );
  }
  const { list, scalar } = qValues(q);
  const all = o.dim === null || o.dim === undefined;
  const d = all ? 0 : normalizeDim("quantile", o.dim as number, x0.ndim);
  const x = all || x0.ndim === 0 ? reshape(x0, [x0.numel()]) : x0;
  if (x.numel() === 0) {
    throw new Error(
      `quantile: the input must be non-empty (shape ${shapeStr(x0.shape)}); ` +
        "a quantile of no values is undefined.",
    );
  }
  const sorted = sortAlong(x, d, false)[0];
  // Rows along the last dim: [...rows, n].
  const perm = [...x.shape.keys()].filter((i) => i !== d).concat([d]);
  const rows = permute(sorted, perm);
  const n = x.shape[d], last = n - 1;
  const nq = list.length;
  const hasNan = unsqueeze(gt(sum(nanMask(rows), -1, true), 0), 0); // [1, ...rows, 1]
  const qShape = [nq, ...rows.shape.slice(0, -1).map(() => 1), 1];
  const src = expand(unsqueeze(rows, 0), [nq, ...rows.shape]);
  const ranks = list.map((v) => v * last);
  const at = (pos: number[]) =>
    gather(src, -1, where(hasNan, last, reshape(asTensor(pos, x, "int32"), qShape)));
  let out: Tensor;
  if (mode === "lower" || mode === "higher" || mode === "nearest") {
    const f = mode === "lower" ? Math.floor : mode === "higher" ? Math.ceil : roundHalfEven;
    out = at(ranks.map(f));
  } else {
    const below = ranks.map(Math.floor);
    const w = mode === "midpoint" ? ranks.map(() => 0.5) : ranks.map((r, i) => r - below[i]);
    const lo = at(below), hi = at(ranks.map(Math.ceil));
    const weight = where(hasNan, 0, reshape(asTensor(w, x, x.dtype), qShape));
    out = add(lo, mul(weight, sub(hi, lo)));
  }
  out = squeeze(out, -1); // [nq, ...rows]
  if (o.keepdim) {
    out = all ? reshape(out, [nq, ...x0.shape.map(() => 1)]) : unsqueeze(out, d + 1);
  }
  return scalar ? squeeze(out, 0) : out;
}
