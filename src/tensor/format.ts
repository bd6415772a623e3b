/**
 * PyTorch-style text repr: `tensor([[1.0000, 2.5000]], requiresGrad=true)`. Follows torch's
 * formatter: integer-valued floats print as `1.`, others with 4 decimals, scientific notation
 * when magnitudes span more than 1000x (or exceed 1e8, or go below 1e-4); more than 1000
 * elements are summarised with 3 edge items per dim.
 */
import type { Tensor } from "./tensor.ts";
import type { TypedArray } from "../core/dtype.ts";
import { numelOf } from "../core/shape.ts";

export const PRINT_OPTIONS = { threshold: 1000, edgeItems: 3, lineWidth: 80, precision: 4 };

function special(v: number): string | null {
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  return null;
}

/** Python's "{:.4e}": two-digit exponent at least. */
function sci(v: number, digits: number): string {
  const [m, e] = v.toExponential(digits).split("e");
  const sign = e[0] === "-" ? "-" : "+";
  const exp = e.replace(/^[+-]/, "").padStart(2, "0");
  return `${m}e${sign}${exp}`;
}

/** Chooses one number format for all values, as torch's _Formatter does. */
export function makeFormatter(values: TypedArray, dtype: string): (v: number) => string {
  if (dtype === "bool") return (v) => (v ? "true" : "false");
  if (dtype === "int32") return (v) => String(v);
  const p = PRINT_OPTIONS.precision;
  let intMode = true, max = 0, min = Infinity, any = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || v === 0) continue;
    const a = Math.abs(v);
    any = true;
    if (a > max) max = a;
    if (a < min) min = a;
    if (v !== Math.ceil(v)) intMode = false;
  }
  let fmt: (v: number) => string;
  if (!any) fmt = (v) => `${v.toFixed(0)}.`;
  else if (intMode) {
    fmt = max / min > 1000 || max > 1e8 ? (v) => sci(v, p) : (v) => `${v.toFixed(0)}.`;
  } else if (max / min > 1000 || max > 1e8 || min < 1e-4) fmt = (v) => sci(v, p);
  else fmt = (v) => v.toFixed(p);
  return (v) => special(v) ?? (Object.is(v, -0) ? `-${fmt(0)}` : fmt(v));
}

function render(
  values: TypedArray,
  shape: readonly number[],
  start: number,
  indent: number,
  fmt: (v: number) => string,
  width: number,
  summarize: boolean,
): string {
  const { edgeItems, lineWidth } = PRINT_OPTIONS;
  const n = shape[0];
  const pick = (count: number, each: (i: number) => string): string[] => {
    if (summarize && count > 2 * edgeItems) {
      const head = Array.from({ length: edgeItems }, (_, i) => each(i));
      const tail = Array.from({ length: edgeItems }, (_, i) => each(count - edgeItems + i));
      return [...head, shape.length === 1 ? " ..." : "...", ...tail];
    }
    return Array.from({ length: count }, (_, i) => each(i));
  };
  if (shape.length === 1) {
    const items = pick(n, (i) => fmt(values[start + i]).padStart(width));
    const perLine = Math.max(1, Math.floor((lineWidth - indent) / (width + 2)));
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) {
      lines.push(items.slice(i, i + perLine).join(", "));
    }
    return `[${lines.join(`,\n${" ".repeat(indent + 1)}`)}]`;
  }
  const inner = numelOf(shape.slice(1));
  const rows = pick(
    n,
    (i) => render(values, shape.slice(1), start + i * inner, indent + 1, fmt, width, summarize),
  );
  return `[${rows.join(`,${"\n".repeat(shape.length - 1)}${" ".repeat(indent + 1)}`)}]`;
}

/** The values a summarised print shows (edgeItems from each end of every dim), in order. */
export function summarized(values: TypedArray, shape: readonly number[]): Float64Array {
  const { edgeItems } = PRINT_OPTIONS;
  const out: number[] = [];
  const walk = (start: number, dim: number): void => {
    const n = shape[dim], inner = numelOf(shape.slice(dim + 1));
    for (let i = 0; i < n; i++) {
      if (n > 2 * edgeItems && i === edgeItems) i = n - edgeItems;
      if (dim === shape.length - 1) out.push(values[start + i]);
      else walk(start + i * inner, dim + 1);
    }
  };
  if (shape.length > 0) walk(0, 0);
  return Float64Array.from(out);
}

export function formatValues(
  values: TypedArray,
  shape: readonly number[],
  dtype: string,
  indent: number,
): string {
  const summarize = values.length > PRINT_OPTIONS.threshold;
  // As torch: only the values shown pick the format, and for floats only the finite non-zero
  // ones set the width (so nan, inf and -0. are not padded for).
  const shown = summarize ? summarized(values, shape) : values;
  const fmt = makeFormatter(shown, dtype);
  if (shape.length === 0) return fmt(values[0]);
  if (values.length === 0) return "[]";
  const float = dtype === "float32" || dtype === "float64";
  let width = 0;
  for (let i = 0; i < shown.length; i++) {
    if (float && (shown[i] === 0 || !Number.isFinite(shown[i]))) continue;
    width = Math.max(width, fmt(shown[i]).length);
  }
  return render(values, shape, 0, indent, fmt, width, summarize);
}

/** `values` (read with `await t.data()`) lets a tensor on any device print its values. */
export function formatTensor(t: Tensor, values?: TypedArray): string {
  const prefix = "tensor(";
  const suffix: string[] = [];
  if (t.device !== "cpu") suffix.push(`device='${t.device}'`);
  const body = values || t.device === "cpu"
    ? formatValues(values ?? t._values(), t.shape, t.dtype, prefix.length)
    : "...";
  // Values on an async-only device are not shown (printing cannot wait), so show the size.
  if ((t.numel() === 0 && t.ndim !== 1) || body === "...") {
    suffix.push(`size=[${t.shape.join(", ")}]`);
  }
  // An empty tensor shows no values to tell its dtype by, so torch names every non-float one.
  if (t.dtype === "float64" || (t.numel() === 0 && t.dtype !== "float32")) {
    suffix.push(`dtype=${t.dtype}`);
  }
  if (t.gradFn) suffix.push(`gradFn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) suffix.push("requiresGrad=true");
  // A suffix that would run past the line width starts a new line, as in torch's _add_suffixes.
  let out = prefix + body;
  let last = out.length - out.lastIndexOf("\n") + 1;
  for (const s of suffix) {
    if (last + s.length + 2 > PRINT_OPTIONS.lineWidth) {
      out += `,\n${" ".repeat(prefix.length)}${s}`;
      last = prefix.length + s.length;
    } else {
      out += `, ${s}`;
      last += s.length + 2;
    }
  }
  return `${out})`;
}
