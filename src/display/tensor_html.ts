/**
 * A tensor as a MIME bundle: its text repr, and an HTML view with a header (shape, dtype,
 * device, autograd state) and the values as tables, summarised and formatted as the text repr
 * is (more than 1000 elements: 3 edge items per dim, one number format for all shown values).
 */
import type { Tensor } from "../tensor/tensor.ts";
import type { TypedArray } from "../core/dtype.ts";
import { formatTensor, makeFormatter, PRINT_OPTIONS, summarized } from "../tensor/format.ts";
import { contiguousStrides, numelOf } from "../core/shape.ts";
import { escapeHtml, type MimeBundle } from "./bundle.ts";
import { BOX, DIM, TABLE, TD, TH, THEAD } from "./style.ts";

/**
 * The bundle of a tensor whose values can be read synchronously (CPU). For a tensor on
 * another device the HTML says how to read them: `await tensorBundleAsync(t)` (which the
 * tensor's own Jupyter display method does) or `await t.data()`.
 */
export function tensorBundle(t: Tensor): MimeBundle {
  if (t.device !== "cpu") {
    const note = `<div style="${DIM}">values on ${escapeHtml(t.device)}: await t.data()</div>`;
    return { "text/plain": String(t), "text/html": wrap(header(t) + note) };
  }
  const grad = t.grad && t.grad.device === "cpu" ? t.grad._values() : null;
  return build(t, t._values(), grad);
}

/** The bundle of a tensor on any device: its values are read with `await t.data()`. */
export async function tensorBundleAsync(t: Tensor): Promise<MimeBundle> {
  const values = await t.data();
  const grad = t.grad ? await t.grad.data() : null;
  return build(t, values, grad);
}

function build(t: Tensor, values: TypedArray, grad: TypedArray | null): MimeBundle {
  // On CPU the text is exactly the repr; elsewhere the repr's "..." gets the values read.
  const text = t.device === "cpu" ? String(t) : String(t).replace(
    formatTensor(t),
    formatTensor(t, values),
  );
  let html = header(t) + valuesHtml(values, t.shape, t.dtype);
  if (t.grad && grad) {
    html += `<div style="margin-top:6px"><b>grad</b> <span style="${DIM}">` +
      `${escapeHtml(t.grad.dtype)}</span></div>` + valuesHtml(grad, t.grad.shape, t.grad.dtype);
  }
  return { "text/plain": text, "text/html": wrap(html) };
}

function wrap(inner: string): string {
  return `<div class="gradiente-tensor" style="${BOX}">${inner}</div>`;
}

function header(t: Tensor): string {
  const parts = [
    `shape [${t.shape.join(", ")}]`,
    t.dtype,
    t.device,
    `requiresGrad: ${t.requiresGrad}`,
  ];
  if (t.gradFn) parts.push(`gradFn: ${t.gradFn.name}`);
  const n = numelOf(t.shape);
  if (n > PRINT_OPTIONS.threshold) {
    parts.push(`${n.toLocaleString("en-US")} elements, ${PRINT_OPTIONS.edgeItems} shown per edge`);
  }
  return `<div style="margin-bottom:4px"><b>${escapeHtml(t.constructor.name)}</b> ` +
    `<span style="${DIM}">${parts.map(escapeHtml).join(" · ")}</span></div>`;
}

/** The indices shown along a dim of size n; null stands for the elided middle. */
function picks(n: number, summarize: boolean): (number | null)[] {
  const e = PRINT_OPTIONS.edgeItems;
  if (summarize && n > 2 * e) {
    return [
      ...Array.from({ length: e }, (_, i) => i),
      null,
      ...Array.from({ length: e }, (_, i) => n - e + i),
    ];
  }
  return Array.from({ length: n }, (_, i) => i);
}

const ELLIPSIS_TD = `<td style="${TD};text-align:center;opacity:0.55">`;

/** The values as tables: one per 2-D slice, titled by its leading indices ("[0, :, :]"). */
function valuesHtml(values: TypedArray, shape: readonly number[], dtype: string): string {
  const summarize = values.length > PRINT_OPTIONS.threshold;
  const fmt = makeFormatter(summarize ? summarized(values, shape) : values, dtype);
  const cell = (v: number) => `<td style="${TD}">${escapeHtml(fmt(v))}</td>`;
  if (shape.length === 0) {
    return `<table style="${TABLE}"><tbody><tr>${cell(values[0])}</tr></tbody></table>`;
  }
  if (values.length === 0) return `<div style="${DIM}">(empty)</div>`;
  const strides = contiguousStrides(shape);
  const nd = shape.length;
  const rows = nd === 1 ? [null] : picks(shape[nd - 2], summarize);
  const cols = picks(shape[nd - 1], summarize);
  const rowStride = nd === 1 ? 0 : strides[nd - 2];

  const table = (offset: number): string => {
    const head = (nd === 1 ? "" : `<th style="${TH}"></th>`) +
      cols.map((j) => `<th style="${TH}">${j === null ? "⋯" : j}</th>`).join("");
    const body = rows.map((i) => {
      const label = nd === 1 ? "" : `<th style="${TH}">${i ?? "⋮"}</th>`;
      // The elided row when summarising: ⋮ in every column, ⋱ where it crosses the elided column.
      if (nd > 1 && i === null) {
        return `<tr>${label}${
          cols.map((j) => `${ELLIPSIS_TD}${j === null ? "⋱" : "⋮"}</td>`).join("")
        }</tr>`;
      }
      const base = offset + (i ?? 0) * rowStride;
      return `<tr>${label}${
        cols.map((j) => j === null ? `${ELLIPSIS_TD}⋯</td>` : cell(values[base + j])).join("")
      }</tr>`;
    }).join("");
    return `<table style="${TABLE}"><thead style="${THEAD}"><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
  };

  if (nd <= 2) return table(0);
  const out: string[] = [];
  const walk = (dim: number, prefix: number[], offset: number): void => {
    if (dim === nd - 2) {
      const title = `[${[...prefix, ":", ":"].join(", ")}]`;
      out.push(`<div style="${DIM};margin-top:4px">${title}</div>${table(offset)}`);
      return;
    }
    for (const i of picks(shape[dim], summarize)) {
      if (i === null) out.push(`<div style="${DIM};padding-left:8px">⋮</div>`);
      else walk(dim + 1, [...prefix, i], offset + i * strides[dim]);
    }
  };
  walk(0, [], 0);
  return out.join("");
}
