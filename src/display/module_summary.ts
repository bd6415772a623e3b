/**
 * A model summary, as torchinfo's: one row per module (path, type, own parameter shapes and
 * counts, trainable or not) and the totals; given an input shape, also each module's output
 * shape from a forward pass on zeros. `moduleBundle` is what a Module displays as in
 * Jupyter (the repr as text, the table as HTML); `summary(m)` is the same table as a value
 * that prints as text in the console.
 */
import type { Module } from "../nn/module.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { DType } from "../core/dtype.ts";
import { Tensor as TensorClass } from "../tensor/tensor.ts";
import { zeros } from "../tensor/creation.ts";
import { noGrad } from "../autograd/grad_mode.ts";
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
  /**
   * The shape of its forward's output when the summary was given an input shape ("—" for a
   * module that did not run, a tuple of shapes for several outputs); undefined otherwise.
   */
  outputShape?: string;
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

const shapeOf = (v: unknown): string =>
  v instanceof TensorClass
    ? `[${v.shape.join(", ")}]`
    : Array.isArray(v)
    ? `(${v.map(shapeOf).join(", ")})`
    : "—";

/**
 * Each module's output shape from one forward pass on zeros of `inputShape`, in the dtype and
 * on the device of the model's first parameter. It runs under noGrad in eval mode (restored
 * after), so BatchNorm's running statistics are not touched; each module's forward is wrapped
 * for the pass by an own property that is removed afterwards.
 */
function outputShapes(m: Module, inputShape: readonly number[]): Map<Module, string> {
  const first = m.parameters()[0] ?? m.buffers().find((b) => b.dtype !== "int32");
  const input = zeros([...inputShape], {
    dtype: first && first.dtype !== "bool" && first.dtype !== "int32" ? first.dtype : "float32",
    device: first?.device ?? "cpu",
  });
  const shapes = new Map<Module, string>();
  const mods = m.modules();
  const modes = mods.map((x) => x.training);
  const restore: (() => void)[] = [];
  for (const mod of mods) {
    const own = Object.getOwnPropertyDescriptor(mod, "forward");
    const forward = (mod as unknown as { forward: (...a: unknown[]) => unknown }).forward;
    Object.defineProperty(mod, "forward", {
      configurable: true,
      writable: true,
      enumerable: false,
      value: (...args: unknown[]) => {
        const out = forward.apply(mod, args);
        shapes.set(mod, shapeOf(out));
        return out;
      },
    });
    restore.push(() => {
      delete (mod as { forward?: unknown }).forward;
      if (own) Object.defineProperty(mod, "forward", own);
    });
  }
  try {
    m.eval();
    noGrad(() => (m as unknown as { forward: (x: unknown) => unknown }).forward(input));
  } catch (e) {
    throw new Error(
      `summary: the forward pass on zeros of shape [${inputShape.join(", ")}] failed: ${
        (e as Error).message
      } Check that inputShape includes the batch dim and fits the model's first layer.`,
    );
  } finally {
    for (const r of restore) r();
    mods.forEach((x, i) => (x.training = modes[i]));
  }
  return shapes;
}

function collect(m: Module, inputShape?: readonly number[]): ModelSummary {
  const outs = inputShape ? outputShapes(m, inputShape) : null;
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
      ...(outs ? { outputShape: outs.get(mod) ?? "—" } : {}),
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

const hasOutputs = (s: ModelSummary) => s.rows.some((r) => r.outputShape !== undefined);

function summaryText(s: ModelSummary): string {
  const outCol = hasOutputs(s);
  const table = [
    ["Layer (type)", ...(outCol ? ["Output Shape"] : []), "Param shapes", "Param #", "Trainable"],
    ...s.rows.map((r) => [
      `${"  ".repeat(r.depth)}${r.name ? `${r.name} (${r.type})` : r.type}`,
      ...(outCol ? [r.outputShape ?? "—"] : []),
      shapes(r),
      countStr(r),
      r.trainable ?? "",
    ]),
  ];
  const countCol = outCol ? 3 : 2;
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  const line = (row: string[]) =>
    row.map((v, c) => (c === countCol ? v.padStart(widths[c]) : v.padEnd(widths[c])))
      .join("   ").trimEnd();
  const rule = (ch: string) =>
    ch.repeat(widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1));
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
  const outCol = hasOutputs(s);
  const head = th("Layer", true) + th("Type", true) + (outCol ? th("Output Shape", true) : "") +
    th("Param shapes", true) + th("Param #") + th("Trainable", true);
  const body = s.rows.map((r) =>
    `<tr>${td(r.name || "(model)", `${TD_LEFT};padding-left:${8 + 16 * r.depth}px`)}` +
    `${td(r.type)}${outCol ? td(r.outputShape ?? "—") : ""}${td(shapes(r))}` +
    `${td(countStr(r), TD)}${td(r.trainable ?? "")}</tr>`
  ).join("");
  const foot = totals(s).map(([k, v]) =>
    `<tr><td colspan="${outCol ? 4 : 3}" style="${TD_LEFT};opacity:0.75">${escapeHtml(k)}</td>` +
    `<td colspan="2" style="${TD_LEFT}">${escapeHtml(v)}</td></tr>`
  ).join("");
  return `<div class="gradiente-summary" style="${BOX}"><table style="${TABLE}">` +
    `<thead style="${THEAD}"><tr>${head}</tr></thead><tbody>${body}</tbody>` +
    `<tfoot style="border-top:1px solid rgba(128,128,128,0.35)">${foot}</tfoot></table></div>`;
}

/**
 * The model summary (torchinfo's table) as a value: prints as text, displays as HTML. With
 * `inputShape` (batch dim included, e.g. [1, 3, 32, 32]) it runs the model once on zeros of
 * that shape and adds each layer's output shape.
 */
export function summary(m: Module, inputShape?: readonly number[]): ModelSummary {
  if (
    inputShape !== undefined &&
    (!Array.isArray(inputShape) || inputShape.some((d) => !Number.isInteger(d) || d < 0))
  ) {
    throw new Error(
      `summary: inputShape must be an array of non-negative integers (batch dim included, e.g. ` +
        `[1, 3, 32, 32]), got ${JSON.stringify(inputShape)}.`,
    );
  }
  return collect(m, inputShape);
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
