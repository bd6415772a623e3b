// heatmap({ annotate }): values written into the PNG pixels with the built-in number font.
import assert from "node:assert/strict";
import { decode } from "fast-png";
import { heatmap, heatmapAsync, JUPYTER_DISPLAY, tensor, zeros } from "gradiente";
import { cellLabel, luminance, textColor } from "../src/display/heatmap.ts";
import { GLYPHS } from "../src/display/font.ts";
import { colorAt } from "../src/display/colormap.ts";

type Img = {
  width: number;
  height: number;
  data: ArrayLike<number> & { slice(a: number, b: number): ArrayLike<number> };
  channels: number;
};
const px = (d: Img, x: number, y: number) =>
  Array.from(d.data.slice((y * d.width + x) * d.channels, (y * d.width + x) * d.channels + 3));

/** The text inside cell (r, c) of size s: its ink colour and the glyph grid it spells. */
function readCell(d: Img, r: number, c: number, s: number) {
  const bg = px(d, c * s, r * s); // the corner is never ink
  let x0 = Infinity, x1 = -1, y0 = Infinity, y1 = -1, ink: number[] | null = null;
  for (let y = r * s; y < (r + 1) * s; y++) {
    for (let x = c * s; x < (c + 1) * s; x++) {
      const p = px(d, x, y);
      if (p.join() === bg.join()) continue;
      ink ??= p;
      assert.deepEqual(p, ink, "one ink colour per cell");
      [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
    }
  }
  const f = (y1 - y0 + 1) / 5;
  const grid = (gx: number) =>
    Array.from({ length: 5 }, (_, gr) =>
      Array.from(
        { length: 3 },
        (_, gc) => px(d, gx + gc * f, y0 + gr * f).join() === ink!.join(),
      ));
  return { bg, ink: ink!, f, width: x1 - x0 + 1, x0, y0, grid };
}

Deno.test("heatmap annotate: the glyph of each cell's integer, black or white by luminance", () => {
  const m = tensor([[7, 1], [0, 20]]);
  const img = heatmap(m, { annotate: true });
  const d = decode(img.png);
  const s = d.width / 2;
  assert.equal(d.height, 2 * s);
  // 7 is a dark blue-green in viridis over 0..20: white text; 20 is yellow: black text.
  const seven = readCell(d, 0, 0, s);
  assert.deepEqual(seven.bg, colorAt("viridis", 7 / 20));
  assert.deepEqual(seven.ink, [255, 255, 255]);
  assert.deepEqual(seven.grid(seven.x0), GLYPHS.get("7"));
  assert.equal(seven.width, 3 * seven.f);
  const twenty = readCell(d, 1, 1, s);
  assert.deepEqual(twenty.ink, [0, 0, 0]);
  assert.deepEqual(twenty.grid(twenty.x0), GLYPHS.get("2"));
  assert.deepEqual(twenty.grid(twenty.x0 + 4 * twenty.f), GLYPHS.get("0"));
  assert.equal(twenty.width, 7 * twenty.f);
  assert.deepEqual(readCell(d, 1, 0, s).ink, [255, 255, 255]); // 0: the darkest
  // Centred: the ink is as far from the left edge as from the right (within a pixel).
  assert.ok(Math.abs(seven.x0 - (s - seven.x0 - seven.width)) <= 1);
  // A 7 in the brightest cell is drawn in black.
  const bright = decode(heatmap(tensor([[0, 7]]), { annotate: true, scale: 20 }).png);
  const b = readCell(bright, 0, 1, 20);
  assert.deepEqual(b.ink, [0, 0, 0]);
  assert.deepEqual(b.grid(b.x0), GLYPHS.get("7"));
  assert.equal(heatmap(m, { annotate: false }).png.length < img.png.length, true);
});

Deno.test("heatmap annotate: the cell grows to fit the longest label; too small a scale throws", () => {
  const small = decode(heatmap(zeros(10, 10).add(3), { annotate: true }).png);
  const wide = decode(heatmap(tensor([[12345, 1], [2, 3]]).expand(2, 2), { annotate: true }).png);
  const cell = (d: Img, cols: number) => d.width / cols;
  assert.ok(cell(small, 10) >= 12); // the default 112 px / 10 rows
  // "12345" at 2 px per font pixel: 19 font pixels wide plus margins.
  assert.ok(cell(wide, 2) >= 19 * 2 + 2);
  const w = readCell(wide, 0, 0, cell(wide, 2));
  assert.equal(w.width, 19 * w.f);
  assert.ok(w.width < cell(wide, 2));
  assert.throws(
    () => heatmap(tensor([[12345]]), { annotate: true, scale: 8 }),
    /heatmap: scale 8 is too small to write '12345'.*scale >= 21/,
  );
  // "auto" skips text when it does not fit or the matrix is large, and annotates small ones.
  const plain = heatmap(tensor([[12345]]), { scale: 8 }).png;
  assert.deepEqual(heatmap(tensor([[12345]]), { annotate: "auto", scale: 8 }).png, plain);
  const big = zeros(40, 40);
  assert.deepEqual(heatmap(big, { annotate: "auto" }).png, heatmap(big).png);
  assert.notDeepEqual(
    heatmap(tensor([[1, 2]]), { annotate: "auto" }).png,
    heatmap(tensor([[1, 2]])).png,
  );
  assert.throws(() => heatmap(big, { annotate: "yes" as never }), /annotate must be/);
});

Deno.test("heatmap annotate: float labels in short form; NaN and inf", () => {
  const cases: [number, string][] = [
    [0.8312, "0.83"],
    [0.5, "0.50"],
    [-0.125, "-0.13"],
    [5.67, "5.7"],
    [123.4, "123"],
    [0.01234, "0.012"],
    [1.5e-5, "1.5e-5"],
    [123456.7, "1.2e+5"],
    [0, "0"],
    [-0.0001, "-1.0e-4"],
    [NaN, "nan"],
    [-Infinity, "-inf"],
  ];
  for (const [v, s] of cases) assert.equal(cellLabel(v, false), s, String(v));
  assert.equal(cellLabel(42, true), "42");
  const d = decode(heatmap(tensor([[0.5, 0.25]]), { annotate: true, cmap: "gray" }).png);
  const c = readCell(d, 0, 0, d.width / 2);
  assert.equal(c.width, (4 * 4 - 1) * c.f); // "0.50": two significant digits
  for (const [i, ch] of [..."0.50"].entries()) {
    assert.deepEqual(c.grid(c.x0 + 4 * i * c.f), GLYPHS.get(ch));
  }
});

Deno.test("heatmap annotate: text colour follows luminance", () => {
  assert.deepEqual(textColor([255, 255, 255]), [0, 0, 0]);
  assert.deepEqual(textColor([0, 0, 0]), [255, 255, 255]);
  assert.deepEqual(textColor(colorAt("viridis", 1)), [0, 0, 0]);
  assert.deepEqual(textColor(colorAt("viridis", 0)), [255, 255, 255]);
  assert.deepEqual(textColor([128, 128, 128]), [0, 0, 0]); // luminance 0.216
  assert.ok(Math.abs(luminance([255, 255, 255]) - 1) < 1e-12);
});

Deno.test("heatmap: tick labels drawn in grey margins; axis titles in HTML and text", async () => {
  const m = tensor([[5, 1], [2, 8]]);
  const img = heatmap(m, {
    annotate: true,
    xlabels: [0, 1],
    ylabels: ["3", "-1"],
    xlabel: "predicted",
    ylabel: "true",
    title: "confusion",
  });
  const plain = decode(heatmap(m, { annotate: true }).png);
  const d = decode(img.png);
  assert.equal(d.channels, 4);
  assert.ok(d.width > plain.width && d.height > plain.height);
  const grey = (x: number, y: number) =>
    px(d, x, y).join() === "128,128,128" && d.data[(y * d.width + x) * 4 + 3] === 255;
  let left = 0, below = 0;
  const left0 = d.width - plain.width;
  for (let y = 0; y < d.height; y++) {
    for (let x = 0; x < d.width; x++) {
      if (!grey(x, y)) continue;
      if (x < left0 && y < plain.height) left++;
      if (y >= plain.height && x >= left0) below++;
    }
  }
  assert.ok(left > 0 && below > 0);
  // The map itself sits at the right of the left margin, unchanged.
  assert.deepEqual(px(d, left0, 0), px(plain, 0, 0));
  assert.equal(d.data[3], 0, "margins are transparent");
  const b = img[JUPYTER_DISPLAY]();
  assert.match(
    b["text/plain"] as string,
    /^confusion: heatmap .* of \[2, 2\] \(viridis, 1\. to 8\., values in the cells\); rows: true, columns: predicted$/,
  );
  assert.ok((b["text/html"] as string).includes("rows: true, columns: predicted"));
  assert.deepEqual(
    (await heatmapAsync(m, { annotate: true })).png,
    heatmap(m, { annotate: true }).png,
  );
  assert.throws(
    () => heatmap(m, { xlabels: ["cat", "dog"] }),
    /heatmap: xlabels entry 'cat' cannot be drawn.*xlabel\/ylabel/,
  );
  assert.throws(() => heatmap(m, { ylabels: [1] }), /got 1 ylabels for 2 rows/);
  assert.throws(() => heatmap(m, { anotate: true } as never), /annotate/);
});
