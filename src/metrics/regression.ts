/**
 * Regression metrics, with the formulas of the Sorix lecture (and scikit-learn's meaning):
 * MAE, MAPE (in percent), MSE, RMSE and R². Targets are [n] or [n, k] (k outputs; [n] and
 * [n, 1] are interchangeable). Each returns a JS number.
 */
import { sameShape, shapeStr } from "../core/shape.ts";
import { type MetricInput, pair, values } from "./input.ts";

interface Targets {
  t: Float64Array;
  p: Float64Array;
  n: number;
  k: number;
}

function targets(op: string, yTrue: MetricInput, yPred: MetricInput): Targets {
  const [a, b] = pair(op, yTrue, yPred);
  const cols = (s: readonly number[]) => (s.length <= 1 ? 1 : s[1]);
  const ok = a.ndim <= 2 && b.ndim <= 2 &&
    (sameShape(a.shape, b.shape) || (a.numel() === b.numel() && cols(a.shape) === cols(b.shape)));
  if (!ok) {
    throw new Error(
      `${op}: yTrue has shape ${shapeStr(a.shape)} but yPred has shape ${shapeStr(b.shape)}; ` +
        "they must match ([n] and [n, 1] are accepted together).",
    );
  }
  return { t: values(a), p: values(b), n: a.ndim === 0 ? 1 : a.shape[0], k: cols(a.shape) };
}

function meanOf(op: string, yTrue: MetricInput, yPred: MetricInput, f: (e: number) => number) {
  const { t, p } = targets(op, yTrue, yPred);
  let s = 0;
  for (let i = 0; i < t.length; i++) s += f(p[i] - t[i]);
  return s / t.length;
}

/** Mean absolute error: (1/n) Σ |ŷᵢ − yᵢ|. */
export function mae(yTrue: MetricInput, yPred: MetricInput): number {
  return meanOf("mae", yTrue, yPred, Math.abs);
}

/** Mean squared error: (1/n) Σ (ŷᵢ − yᵢ)². */
export function mse(yTrue: MetricInput, yPred: MetricInput): number {
  return meanOf("mse", yTrue, yPred, (e) => e * e);
}

/** Root mean squared error: √MSE, in the units of y. */
export function rmse(yTrue: MetricInput, yPred: MetricInput): number {
  return Math.sqrt(meanOf("rmse", yTrue, yPred, (e) => e * e));
}

/**
 * Mean absolute percentage error, in percent: (100/n) Σ |(yᵢ − ŷᵢ) / yᵢ|. (scikit-learn's
 * mean_absolute_percentage_error is the same without the factor 100.) Undefined when some
 * yᵢ = 0, which raises an error.
 */
export function mape(yTrue: MetricInput, yPred: MetricInput): number {
  const { t, p } = targets("mape", yTrue, yPred);
  let s = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === 0) {
      throw new Error(
        `mape: yTrue[${i}] is 0, so its percentage error |(y − ŷ)/y| is undefined. MAPE only ` +
          "suits targets away from zero; use mae or rmse here.",
      );
    }
    s += Math.abs((t[i] - p[i]) / t[i]);
  }
  return (100 * s) / t.length;
}

/**
 * Coefficient of determination: R² = 1 − Σ(yᵢ − ŷᵢ)² / Σ(yᵢ − ȳ)². With several outputs, the
 * plain average of each output's R² (scikit-learn's default). A constant yTrue gives 1 for a
 * perfect prediction and 0 otherwise, as scikit-learn does.
 */
export function r2(yTrue: MetricInput, yPred: MetricInput): number {
  const { t, p, n, k } = targets("r2", yTrue, yPred);
  let total = 0;
  for (let c = 0; c < k; c++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += t[i * k + c];
    mean /= n;
    let ssRes = 0, ssTot = 0;
    for (let i = 0; i < n; i++) {
      ssRes += (t[i * k + c] - p[i * k + c]) ** 2;
      ssTot += (t[i * k + c] - mean) ** 2;
    }
    total += ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot;
  }
  return total / k;
}
