/** SVG as strings: elements with escaped attributes and text, numbers rounded to 0.01 px. */
import { escapeHtml } from "../../bundle.ts";

export type Attrs = Record<string, string | number | undefined>;

/** A pixel coordinate or length, rounded so the markup stays short. */
export function px(v: number): string {
  return String(Math.round(v * 100) / 100);
}

function attrs(a: Attrs): string {
  let s = "";
  for (const [k, v] of Object.entries(a)) {
    if (v === undefined) continue;
    s += ` ${k}="${escapeHtml(typeof v === "number" ? px(v) : v)}"`;
  }
  return s;
}

/** An element; children are markup already (use text() for text content). */
export function el(tag: string, a: Attrs, ...children: string[]): string {
  const inner = children.join("");
  return inner === "" ? `<${tag}${attrs(a)}/>` : `<${tag}${attrs(a)}>${inner}</${tag}>`;
}

/** A <text> element with escaped content. */
export function text(x: number, y: number, content: string, a: Attrs = {}): string {
  return `<text${attrs({ x, y, ...a })}>${escapeHtml(content)}</text>`;
}

/** A polyline path through the points; null (or non-finite) points break it into pieces. */
export function pathData(points: readonly (readonly [number, number] | null)[]): string {
  let d = "", pen = false;
  for (const p of points) {
    if (p === null || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      pen = false;
      continue;
    }
    d += `${pen ? "L" : "M"}${px(p[0])} ${px(p[1])}`;
    pen = true;
  }
  return d;
}

/** Rough width of a label in the 12 px sans-serif the figures use. */
export function textWidth(s: string, fontSize = 12): number {
  return s.length * fontSize * 0.6;
}
