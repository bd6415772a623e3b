/**
 * A 3×5 bitmap font for numbers drawn into PNG pixels (heatmap cell values, tick labels,
 * channel numbers). Text inside the image survives where HTML does not: notebooks opened
 * untrusted in Jupyter, and GitHub, strip inline styles and SVG but keep <img> data: URIs.
 * Only what numbers need: digits, '-', '+', '.', 'e', and the letters of "nan" and "inf".
 */
import type { Pixels } from "./png.ts";

const ROWS: Record<string, string> = {
  "0": "111 101 101 101 111",
  "1": "010 110 010 010 111",
  "2": "111 001 111 100 111",
  "3": "111 001 111 001 111",
  "4": "101 101 111 001 001",
  "5": "111 100 111 001 111",
  "6": "111 100 111 101 111",
  "7": "111 001 001 001 001",
  "8": "111 101 111 101 111",
  "9": "111 101 111 001 111",
  "-": "000 000 111 000 000",
  "+": "000 010 111 010 000",
  ".": "000 000 000 000 010",
  "e": "000 011 111 100 011",
  "n": "000 110 101 101 101",
  "a": "000 011 101 101 011",
  "i": "010 000 010 010 010",
  "f": "011 100 110 100 100",
  " ": "000 000 000 000 000",
};

export const GLYPH_W = 3;
export const GLYPH_H = 5;

/** Each glyph as 5 rows of 3 booleans. */
export const GLYPHS: ReadonlyMap<string, readonly boolean[][]> = new Map(
  Object.entries(ROWS).map((
    [ch, rows],
  ) => [ch, rows.split(" ").map((r) => [...r].map((b) => b === "1"))]),
);

/** The characters the font can draw. */
export const FONT_CHARS = Object.keys(ROWS).filter((c) => c !== " ").join("");

export function drawable(text: string): boolean {
  return [...text].every((c) => GLYPHS.has(c));
}

/** Width in pixels of `text` at font scale `f` (one glyph column of space between glyphs). */
export function textWidth(text: string, f: number): number {
  return text.length === 0 ? 0 : (text.length * (GLYPH_W + 1) - 1) * f;
}

/** Paints `text` with its top-left corner at (x, y), each font pixel an f×f block; clipped. */
export function drawText(
  p: Pixels,
  text: string,
  x: number,
  y: number,
  f: number,
  color: readonly number[],
): void {
  const c = p.channels;
  [...text].forEach((ch, i) => {
    const glyph = GLYPHS.get(ch);
    if (!glyph) throw new Error(`drawText: the built-in font has no glyph for '${ch}'.`);
    const gx = x + i * (GLYPH_W + 1) * f;
    for (let r = 0; r < GLYPH_H; r++) {
      for (let col = 0; col < GLYPH_W; col++) {
        if (!glyph[r][col]) continue;
        for (let dy = 0; dy < f; dy++) {
          const py = y + r * f + dy;
          if (py < 0 || py >= p.height) continue;
          for (let dx = 0; dx < f; dx++) {
            const px = gx + col * f + dx;
            if (px < 0 || px >= p.width) continue;
            p.data.set(color.slice(0, c), (py * p.width + px) * c);
          }
        }
      }
    }
  });
}
