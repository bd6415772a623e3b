/**
 * Classification metrics on integer class labels, with scikit-learn's definitions:
 * accuracy, precision, recall, F1 (binary or averaged over classes) and the confusion matrix.
 * Labels are [n] tensors or arrays of 0, 1, 2, ...; a [n, C] tensor of scores is read as
 * its argmax over classes. An undefined ratio (no predicted or no true samples of a class)
 * counts as 0, as scikit-learn's default zero_division does (without its warning).
 */
import type { Tensor } from "../tensor/tensor.ts";
import { tensor } from "../tensor/creation.ts";
import { labels, type MetricInput, pair } from "./input.ts";
import { checkOptions } from "../core/options.ts";

export type Average = "binary" | "macro" | "micro" | "weighted";

export interface AverageOptions {
  /**
   * "binary" (default, as scikit-learn): the score of the class posLabel, for two-class data.
   * "macro": the plain mean of the per-class scores. "weighted": their mean weighted by
   * support. "micro": from the total counts (equals accuracy for single-label data).
   * Averages run over the classes that occur in yTrue or yPred.
   */
  average?: Average;
  /** The positive class for average "binary" (default 1). */
  posLabel?: number;
}

/** Per-class counts: confusion matrix cm[true][pred] over classes 0..k-1. */
export interface Counts {
  k: number;
  cm: Int32Array;
  tp: Float64Array;
  /** Samples predicted as each class (tp + fp). */
  predicted: Float64Array;
  /** Samples truly of each class (tp + fn). */
  support: Float64Array;
  n: number;
}

export function labelPair(
  op: string,
  yTrue: MetricInput,
  yPred: MetricInput,
): [Int32Array, Int32Array] {
  const [a, b] = pair(op, yTrue, yPred);
  const t = labels(op, "yTrue", a), p = labels(op, "yPred", b);
  if (t.length !== p.length) {
    throw new Error(
      `${op}: yTrue has ${t.length} labels but yPred has ${p.length}; they must be the same length.`,
    );
  }
  return [t, p];
}

export function countsOf(t: Int32Array, p: Int32Array, k: number): Counts {
  const cm = new Int32Array(k * k);
  for (let i = 0; i < t.length; i++) cm[t[i] * k + p[i]]++;
  const tp = new Float64Array(k), predicted = new Float64Array(k), support = new Float64Array(k);
  for (let r = 0; r < k; r++) {
    tp[r] = cm[r * k + r];
    for (let c = 0; c < k; c++) (support[r] += cm[r * k + c]), (predicted[c] += cm[r * k + c]);
  }
  return { k, cm, tp, predicted, support, n: t.length };
}

/** The largest label in either array (0 for empty ones). */
export function maxLabel(t: Int32Array, p: Int32Array): number {
  let m = 0;
  for (let i = 0; i < t.length; i++) m = Math.max(m, t[i], p[i]);
  return m;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

/** Per-class precision, recall and F1 from counts. */
export function perClass(
  c: Counts,
  cls: number,
): { precision: number; recall: number; f1: number } {
  const tp = c.tp[cls], fp = c.predicted[cls] - tp, fn = c.support[cls] - tp;
  return {
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    f1: ratio(2 * tp, 2 * tp + fp + fn),
  };
}

/** Fraction of samples whose predicted label equals the true one. */
export function accuracy(yTrue: MetricInput, yPred: MetricInput): number {
  const [t, p] = labelPair("accuracy", yTrue, yPred);
  let hits = 0;
  for (let i = 0; i < t.length; i++) if (t[i] === p[i]) hits++;
  return hits / t.length;
}

type Score = "precision" | "recall" | "f1";

function averaged(op: Score, yTrue: MetricInput, yPred: MetricInput, opts: AverageOptions): number {
  const { average = "binary", posLabel = 1 } = checkOptions(op, opts, ["average", "posLabel"]);
  if (!["binary", "macro", "micro", "weighted"].includes(average)) {
    throw new Error(
      `${op}: unknown average '${average}'; use "binary", "macro", "micro" or "weighted".`,
    );
  }
  const [t, p] = labelPair(op, yTrue, yPred);
  if (average === "binary") {
    if (!Number.isInteger(posLabel) || posLabel < 0) {
      throw new Error(`${op}: posLabel must be a non-negative integer label, got ${posLabel}.`);
    }
    const seen = new Set<number>([...t, ...p]);
    if (new Set([...seen, posLabel]).size > 2) {
      throw new Error(
        `${op}: average "binary" needs two classes, but the labels are [${
          [...seen].sort((a, b) => a - b).join(", ")
        }]${seen.has(posLabel) ? "" : ` and posLabel is ${posLabel}`}. For multiclass data ` +
          'pass { average: "macro" } (or "weighted" / "micro").',
      );
    }
    const c = countsOf(t, p, Math.max(maxLabel(t, p), posLabel) + 1);
    return perClass(c, posLabel)[op];
  }
  const c = countsOf(t, p, maxLabel(t, p) + 1);
  if (average === "micro") {
    // Each sample is one tp or one (fp, fn) pair, so all three scores are the accuracy.
    let tp = 0;
    for (let i = 0; i < c.k; i++) tp += c.tp[i];
    return tp / c.n;
  }
  let sum = 0, weight = 0;
  for (let cls = 0; cls < c.k; cls++) {
    if (c.support[cls] === 0 && c.predicted[cls] === 0) continue; // class absent from both
    const w = average === "weighted" ? c.support[cls] : 1;
    sum += w * perClass(c, cls)[op];
    weight += w;
  }
  return ratio(sum, weight);
}

/** Precision tp / (tp + fp): of the samples predicted positive, the fraction that are. */
export function precision(
  yTrue: MetricInput,
  yPred: MetricInput,
  options: AverageOptions = {},
): number {
  return averaged("precision", yTrue, yPred, options);
}

/** Recall tp / (tp + fn): of the truly positive samples, the fraction found. */
export function recall(
  yTrue: MetricInput,
  yPred: MetricInput,
  options: AverageOptions = {},
): number {
  return averaged("recall", yTrue, yPred, options);
}

/** F1 = 2 · precision · recall / (precision + recall), the harmonic mean (per class, then averaged). */
export function f1(yTrue: MetricInput, yPred: MetricInput, options: AverageOptions = {}): number {
  return averaged("f1", yTrue, yPred, options);
}

export interface ConfusionMatrixOptions {
  /** Number of classes K (labels 0..K-1); default: the largest label seen + 1. */
  numClasses?: number;
}

/**
 * The K x K int32 confusion matrix: entry [i, j] counts samples of true class i predicted as
 * class j (rows are true classes, columns predictions, as scikit-learn).
 */
export function confusionMatrix(
  yTrue: MetricInput,
  yPred: MetricInput,
  options: ConfusionMatrixOptions = {},
): Tensor {
  const op = "confusionMatrix";
  checkOptions(op, options, ["numClasses"]);
  const [t, p] = labelPair(op, yTrue, yPred);
  const top = maxLabel(t, p);
  const k = options.numClasses ?? top + 1;
  if (!Number.isInteger(k) || k < 1) {
    throw new Error(`${op}: numClasses must be a positive integer, got ${k}.`);
  }
  if (top >= k) {
    throw new Error(
      `${op}: found label ${top}, but numClasses is ${k} (labels must be 0..${k - 1}).`,
    );
  }
  return tensor(countsOf(t, p, k).cm, { dtype: "int32" }).reshape(k, k);
}
