/**
 * classificationReport: per-class precision, recall, F1 and support, plus accuracy and the
 * macro and weighted averages, as a value that prints like scikit-learn's text report and
 * renders as an HTML table in notebooks.
 */
import { countsOf, labelPair, maxLabel, perClass } from "./classification.ts";
import type { MetricInput } from "./input.ts";
import { checkOptions } from "../core/options.ts";
import { PrintsAsText } from "../display/bundle.ts";

export interface ReportRow {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassRow extends ReportRow {
  /** The class label (0, 1, 2, ...). */
  label: number;
  /** The printed name: targetNames[label], or the label itself. */
  name: string;
}

export interface ClassificationReportOptions {
  /**
   * Names of the classes 0..K-1, in order. Given, every class listed gets a row (even one
   * absent from the data); without them, the rows are the labels found in yTrue or yPred.
   */
  targetNames?: readonly string[];
  /** Decimals printed by toString() and toHTML() (default 2, as scikit-learn). */
  digits?: number;
}

/**
 * Python's "{:.Nf}": like toFixed, but an exact tie (0.125 -> "0.12") rounds to even, since
 * Python formats the exact binary value with round-half-even.
 */
export function formatFixed(v: number, digits: number): string {
  const s = v.toFixed(digits);
  if (!Number.isFinite(v)) return s;
  const exact = Math.abs(v).toFixed(Math.min(100, digits + 30));
  const tail = exact.slice(exact.indexOf(".") + 1 + digits);
  if (!/^50*$/.test(tail)) return s;
  const down = (Math.sign(v) * Math.floor(Math.abs(v) * 10 ** digits) / 10 ** digits).toFixed(
    digits,
  );
  const lastDigit = Number(down.replace(/\D/g, "").slice(-1));
  return lastDigit % 2 === 0 ? down : s;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  );
}

export class ClassificationReport extends PrintsAsText {
  /** One row per class, in label order. */
  readonly rows: readonly ClassRow[];
  /** Fraction of correct predictions. */
  readonly accuracy: number;
  /** Unweighted mean of the per-class scores (support: all samples). */
  readonly macroAvg: ReportRow;
  /** Mean of the per-class scores weighted by support. */
  readonly weightedAvg: ReportRow;
  /** Total number of samples. */
  readonly support: number;
  readonly digits: number;

  constructor(
    rows: readonly ClassRow[],
    accuracy: number,
    macroAvg: ReportRow,
    weightedAvg: ReportRow,
    digits: number,
  ) {
    super();
    this.rows = rows;
    this.accuracy = accuracy;
    this.macroAvg = macroAvg;
    this.weightedAvg = weightedAvg;
    this.support = macroAvg.support;
    this.digits = digits;
  }

  /** The row of one class, by name or label. */
  get(cls: string | number): ClassRow | undefined {
    return this.rows.find((r) => (typeof cls === "number" ? r.label === cls : r.name === cls));
  }

  /** scikit-learn's output_dict layout: {name: {...}, accuracy, "macro avg", "weighted avg"}. */
  toJSON(): Record<string, ReportRow | number> {
    const out: Record<string, ReportRow | number> = {};
    for (const { name, precision, recall, f1, support } of this.rows) {
      out[name] = { precision, recall, f1, support };
    }
    out["accuracy"] = this.accuracy;
    out["macro avg"] = { ...this.macroAvg };
    out["weighted avg"] = { ...this.weightedAvg };
    return out;
  }

  /** The text table, laid out character for character as scikit-learn's. */
  override toString(): string {
    const d = this.digits;
    const width = Math.max(12, d, ...this.rows.map((r) => r.name.length));
    const num = (v: number) => " " + formatFixed(v, d).padStart(9);
    const line = (name: string, r: ReportRow) =>
      name.padStart(width) + " " + num(r.precision) + num(r.recall) + num(r.f1) + " " +
      String(r.support).padStart(9) + "\n";
    let s = " ".repeat(width) + " " +
      ["precision", "recall", "f1-score", "support"].map((h) => " " + h.padStart(9)).join("") +
      "\n\n";
    for (const r of this.rows) s += line(r.name, r);
    s += "\n";
    s += "accuracy".padStart(width) + " " + " ".repeat(20) + num(this.accuracy) + " " +
      String(this.support).padStart(9) + "\n";
    s += line("macro avg", this.macroAvg);
    s += line("weighted avg", this.weightedAvg);
    return s;
  }

  /** An HTML table for notebooks. */
  toHTML(): string {
    const d = this.digits;
    const td = (v: string) => `<td style="text-align:right">${v}</td>`;
    const row = (name: string, r: ReportRow | null, acc?: number, support?: number) =>
      `<tr><th style="text-align:right">${escapeHtml(name)}</th>` +
      (r
        ? td(formatFixed(r.precision, d)) + td(formatFixed(r.recall, d)) +
          td(formatFixed(r.f1, d)) +
          td(String(r.support))
        : td("") + td("") + td(formatFixed(acc!, d)) + td(String(support))) +
      "</tr>";
    return '<table class="gradiente-classification-report">' +
      "<thead><tr><th></th>" +
      ["precision", "recall", "f1-score", "support"].map((h) =>
        `<th style="text-align:right">${h}</th>`
      )
        .join("") +
      "</tr></thead><tbody>" +
      this.rows.map((r) => row(r.name, r)).join("") +
      "</tbody><tbody>" +
      row("accuracy", null, this.accuracy, this.support) +
      row("macro avg", this.macroAvg) +
      row("weighted avg", this.weightedAvg) +
      "</tbody></table>";
  }

  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/plain": this.toString(), "text/html": this.toHTML() };
  }
}

/**
 * scikit-learn's classification_report as a value: `report.rows`, `report.accuracy`,
 * `report.macroAvg`, `report.weightedAvg`; print it (toString) or show it in a notebook (HTML).
 */
export function classificationReport(
  yTrue: MetricInput,
  yPred: MetricInput,
  options: ClassificationReportOptions = {},
): ClassificationReport {
  const op = "classificationReport";
  const { targetNames, digits = 2 } = checkOptions(op, options, ["targetNames", "digits"]);
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) {
    throw new Error(`${op}: digits must be an integer in 0..20, got ${digits}.`);
  }
  const [t, p] = labelPair(op, yTrue, yPred);
  const top = maxLabel(t, p);
  if (targetNames && top >= targetNames.length) {
    throw new Error(
      `${op}: found label ${top}, but targetNames has ${targetNames.length} names ` +
        `(for labels 0..${targetNames.length - 1}); give one name per class.`,
    );
  }
  const k = targetNames ? targetNames.length : top + 1;
  const c = countsOf(t, p, k);
  const rows: ClassRow[] = [];
  for (let cls = 0; cls < k; cls++) {
    if (!targetNames && c.support[cls] === 0 && c.predicted[cls] === 0) continue;
    rows.push({
      label: cls,
      name: targetNames ? String(targetNames[cls]) : String(cls),
      ...perClass(c, cls),
      support: c.support[cls],
    });
  }
  const avg = (weighted: boolean): ReportRow => {
    let w = 0;
    const r = { precision: 0, recall: 0, f1: 0, support: c.n };
    for (const row of rows) {
      const wi = weighted ? row.support : 1;
      r.precision += wi * row.precision;
      r.recall += wi * row.recall;
      r.f1 += wi * row.f1;
      w += wi;
    }
    if (w > 0) (r.precision /= w), (r.recall /= w), (r.f1 /= w);
    return r;
  };
  let hits = 0;
  for (let i = 0; i < t.length; i++) if (t[i] === p[i]) hits++;
  return new ClassificationReport(rows, hits / c.n, avg(false), avg(true), digits);
}
