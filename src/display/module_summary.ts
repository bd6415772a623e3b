/**
 * A model summary, as torchinfo's: one row per module (path, type, own parameter shapes and
 * counts, trainable or not) and the totals. `moduleBundle` is what a Module displays as in
 * Jupyter (the repr as text, the table as HTML); `summary(m)` is the same table as a value
 * that prints as text in the console.
 */
import type { Module } from "../nn/module.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { DType } from "../core/dtype.ts";
import { escapeHtml, JUPYTER_DISPLAY, type MimeBundle } from "./bundle.ts";
import { BOX, DIM, TABLE, TD, TD_LEFT, TH, THEAD } from "./style.ts";

export interface SummaryRow {
  /** Dotted path from the model ("" for the model itself). */
  name: string;
  /** The module's class name. */
  type: string;
  depth: number;
  /** The module's own parameters (not its children's), by name. */
  params: { name: string; shape: readonly number[] }[];
  /** Number of elements in the module's own parameters. */
  count: number;
  /** Whether its own parameters require grad; null when it has none. */
  trainable: "yes" | "no" | "partial" | null;
}

export interface ModelSummary {
  rows: SummaryRow[];
  /** Every parameter once (a parameter shared by two modules counts once). */
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  /** Bytes held by the parameters' values. */
  paramBytes: number;
  /** Bytes held by registered buffers (BatchNorm's running statistics). */
  bufferBytes: number;
  /** The summary as a text table, for the console. */
  toString(): string;
  [JUPYTER_DISPLAY](): MimeBundle;
}

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

const numel = (t: Tensor) => t.shape.reduce((a, b) => a * b, 1);
const bytes = (ts: Tensor[]) => ts.reduce((s, t) => s + numel(t) * BYTES[t.dtype], 0);
const int = (n: number) => n.toLocaleString("en-US");

function sizeStr(b: number): string {
  if (b < 1024) return `${b} B`;
  const [v, u] = b < 1024 ** 2 ? [b / 1024, "KiB"] : [b / 1024 ** 2, "MiB"];
  return `${v.toFixed(2)} ${u} (${int(b)} bytes)`;
}

function collect(m: Module): ModelSummary {
  const rows: SummaryRow[] = m.namedModules().map(([name, mod]) => {
    const own = mod.namedParameters({ recurse: false });
    const trainableCount = own.filter(([, p]) => p.requiresGrad).length;
    return {
      name,
      type: mod.constructor.name,
      depth: name === "" ? 0 : name.split(".").length,
      params: own.map(([n, p]) => ({ name: n, shape: p.shape })),
      count: own.reduce((s, [, p]) => s + numel(p), 0),
      trainable: own.length === 0
        ? null
        : trainableCount === own.length
        ? "yes"
        : trainableCount === 0
        ? "no"
        : "partial",
    };
  });
  const params = m.parameters();
  const totalParams = params.reduce((s, p) => s + numel(p), 0);
  const trainableParams = params.filter((p) => p.requiresGrad).reduce((s, p) => s + numel(p), 0);
  const summary: ModelSummary = {
    rows,
    totalParams,
    trainableParams,
    nonTrainableParams: totalParams - trainableParams,
    paramBytes: bytes(params),
    bufferBytes: bytes(m.buffers()),
    toString: () => summaryText(summary),
    [JUPYTER_DISPLAY]: () => ({ "text/plain": summaryText(summary), "text/html": html(summary) }),
  };
  Object.defineProperty(summary, Symbol.for("Deno.customInspect"), {
    value: () => summaryText(summary),
  });
  Object.defineProperty(summary, Symbol.for("nodejs.util.inspect.custom"), {
    value: () => summaryText(summary),
  });
  return summary;
}

const shapes = (r: SummaryRow) => r.params.map((p) => `[${p.shape.join(", ")}]`).join(", ");
const countStr = (r: SummaryRow) => (r.params.length ? int(r.count) : "—");

function totals(s: ModelSummary): [string, string][] {
  const out: [string, string][] = [
    ["Total params", int(s.totalParams)],
    ["Trainable params", int(s.trainableParams)],
    ["Non-trainable params", int(s.nonTrainableParams)],
    ["Params size", sizeStr(s.paramBytes)],
  ];
  if (s.bufferBytes) out.push(["Buffers size", sizeStr(s.bufferBytes)]);
  return out;
}

function summaryText(s: ModelSummary): string {
  const table = [
    ["Layer (type)", "Param shapes", "Param #", "Trainable"],
    ...s.rows.map((r) => [
      `${"  ".repeat(r.depth)}${r.name ? `${r.name} (${r.type})` : r.type}`,
      shapes(r),
      countStr(r),
      r.trainable ?? "",
    ]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  const line = (row: string[]) =>
    row.map((v, c) => (c === 2 ? v.padStart(widths[c]) : v.padEnd(widths[c]))).join("   ")
      .trimEnd();
  const rule = (ch: string) => ch.repeat(widths.reduce((a, b) => a + b, 0) + 3 * 3);
  return [
    rule("="),
    line(table[0]),
    rule("="),
    ...table.slice(1).map(line),
    rule("="),
    ...totals(s).map(([k, v]) => `${k}: ${v}`),
    rule("="),
  ].join("\n");
}

function html(s: ModelSummary): string {
  const th = (v: string, left = false) =>
    `<th style="${TH}${left ? ";text-align:left" : ""}">${v}</th>`;
  const td = (v: string, style = TD_LEFT) => `<td style="${style}">${escapeHtml(v)}</td>`;
  const head = th("Layer", true) + th("Type", true) + th("Param shapes", true) + th("Param #") +
    th("Trainable", true);
  const body = s.rows.map((r) =>
    `<tr>${td(r.name || "(model)", `${TD_LEFT};padding-left:${8 + 16 * r.depth}px`)}` +
    `${td(r.type)}${td(shapes(r))}${td(countStr(r), TD)}${td(r.trainable ?? "")}</tr>`
  ).join("");
  const foot = totals(s).map(([k, v]) =>
    `<tr><td colspan="3" style="${TD_LEFT};opacity:0.75">${escapeHtml(k)}</td>` +
    `<td colspan="2" style="${TD_LEFT}">${escapeHtml(v)}</td></tr>`
  ).join("");
  return `<div class="gradiente-summary" style="${BOX}"><table style="${TABLE}">` +
    `<thead style="${THEAD}"><tr>${head}</tr></thead><tbody>${body}</tbody>` +
    `<tfoot style="border-top:1px solid rgba(128,128,128,0.35)">${foot}</tfoot></table></div>`;
}

/** The model summary (torchinfo's table) as a value: prints as text, displays as HTML. */
export function summary(m: Module): ModelSummary {
  return collect(m);
}

/**
 * A module as a MIME bundle: its PyTorch repr as text, and as HTML the summary table with the
 * repr folded below it.
 */
export function moduleBundle(m: Module): MimeBundle {
  const s = collect(m);
  const repr = `<details style="${BOX}"><summary style="cursor:pointer;${DIM}">repr</summary>` +
    `<pre style="margin:4px 0;background:transparent;color:inherit">${
      escapeHtml(String(m))
    }</pre></details>`;
  return { "text/plain": String(m), "text/html": html(s) + repr };
}
