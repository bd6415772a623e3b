import assert from "node:assert/strict";
import { nn, relu, tanh, tensor } from "gradiente";
import * as plot from "../src/display/plot/mod.ts";
import { JUPYTER_DISPLAY, type MimeBundle } from "../src/display/bundle.ts";
import { formatTick, logTicks, niceTicks, tickStep } from "../src/display/plot/svg/scale.ts";
import { plotlySource } from "../src/display/plot/html.ts";
import { parseXml } from "./xml_check.ts";
import { close } from "./helpers.ts";

const bundleOf = (f: plot.Figure) => f[JUPYTER_DISPLAY]() as Promise<MimeBundle>;
const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;
const tickLabels = (svg: string) =>
  [...svg.matchAll(/<text[^>]*class="tick"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

Deno.test("nice ticks: steps of 1, 2 or 5 times a power of ten, printed exactly", () => {
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0, 37, 4), [0, 10, 20, 30]);
  assert.deepEqual(niceTicks(-1.05, 1.05, 4), [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(niceTicks(0.1, 0.35, 5), [0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
  assert.deepEqual(niceTicks(1990, 2024, 3), [1990, 2000, 2010, 2020]);
  assert.equal(tickStep(0, 1, 5), 0.2);
  assert.deepEqual(niceTicks(0, 1).map((v) => formatTick(v, 0.2)), [
    "0",
    "0.2",
    "0.4",
    "0.6",
    "0.8",
    "1.0",
  ]);
  assert.equal(formatTick(2e-5, 1e-5), "2e-5");
  assert.equal(formatTick(2500000, 500000), "2.5e6");
  assert.deepEqual(logTicks(0.01, 10), [0.01, 0.1, 1, 10]);
  assert.deepEqual(logTicks(0.15, 2.5), [0.2, 0.5, 1, 2]);
  // 15 decades: every second power of ten, so the labels do not overlap.
  assert.deepEqual(logTicks(1e-14, 1), [1e-14, 1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 0.01, 1]);
});

Deno.test("plot.line: plotly traces from arrays, TypedArrays and tensors", () => {
  const fig = plot.line([
    { y: [1, 2, 4], name: "list" },
    { x: new Float64Array([0, 0.5, 1]), y: new Float32Array([3, 2, 1]), name: "typed" },
    { y: tensor([[5], [6], [7]]), name: "tensor" },
  ], { title: "Three", xlabel: "step", ylabel: "value" });
  const { data, layout } = fig.toJSON();
  assert.deepEqual(data.map((t) => [t.type, t.mode, t.name]), [
    ["scatter", "lines", "list"],
    ["scatter", "lines", "typed"],
    ["scatter", "lines", "tensor"],
  ]);
  assert.deepEqual(data[0].x, [0, 1, 2]);
  assert.deepEqual(data[0].y, [1, 2, 4]);
  assert.deepEqual(data[1].x, [0, 0.5, 1]);
  assert.deepEqual(data[2].y, [5, 6, 7]);
  assert.notEqual(data[0].line?.color, data[1].line?.color);
  assert.deepEqual(layout.title, { text: "Three" });
  assert.deepEqual(layout.xaxis?.title, { text: "step" });
  assert.deepEqual(layout.yaxis?.title, { text: "value" });
  // A bare array is one series; NaN becomes a gap (null), as plotly's JSON needs.
  assert.deepEqual(plot.line([1, NaN, 3]).toJSON().data[0].y, [1, null, 3]);
  assert.throws(() => plot.line({ x: [1, 2], y: [1, 2, 3] }), /2 x values but 3 y values/);
  assert.throws(() => plot.line(tensor([[1, 2], [3, 4]])), /must be 1-D.*\[2, 2\]/);
});

Deno.test("plot.scatter splits points by label; logY and ranges reach the layout", () => {
  const fig = plot.scatter({ x: [0, 1, 2, 3], y: [1, 1, 2, 2], labels: [1, 0, 1, 0] }, {
    logY: true,
    yrange: [0.1, 10],
    size: 4,
  });
  const { data, layout } = fig.toJSON();
  assert.deepEqual(data.map((t) => [t.name, t.mode, t.x, t.y]), [
    ["0", "markers", [1, 3], [1, 2]],
    ["1", "markers", [0, 2], [1, 2]],
  ]);
  assert.equal(data[0].marker?.size, 4);
  assert.equal(layout.yaxis?.type, "log");
  assert.deepEqual(layout.yaxis?.range, [-1, 1]); // plotly's log ranges are exponents
  const svg = fig.toSVG();
  parseXml(svg);
  assert.equal(count(svg, /<circle /g), 4 + 2); // 4 points, 2 legend swatches
});

Deno.test("plot.bar and plot.histogram: one <rect class=bar> per bar", () => {
  const pets = plot.bar({ cat: 3, dog: 5, bird: 2 }, { title: "Pets" });
  assert.deepEqual(pets.toJSON().data[0].x, ["cat", "dog", "bird"]);
  assert.deepEqual(pets.toJSON().data[0].type, "bar");
  const petsSvg = pets.toSVG();
  parseXml(petsSvg);
  assert.equal(count(petsSvg, /class="bar"/g), 3);
  assert.deepEqual(tickLabels(petsSvg).slice(-3), ["cat", "dog", "bird"]);

  const grouped = plot.bar([
    { x: ["a", "b", "c"], y: [1, 2, 3], name: "2023" },
    { x: ["a", "b", "c"], y: [2, 1, -1], name: "2024" },
  ]).toSVG();
  assert.equal(count(grouped, /class="bar"/g), 6);

  const values = [0, 0.1, 0.2, 0.5, 0.5, 0.9, 1];
  const { edges, counts } = plot.histogramBins(values, 4);
  assert.deepEqual(edges, [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(counts, [3, 0, 2, 2]); // 1 (the top edge) falls in the last bin

  const hist = plot.histogram(tensor(values), { bins: 4 });
  const t = hist.toJSON().data[0];
  assert.deepEqual(t.x, [0.125, 0.375, 0.625, 0.875]);
  assert.deepEqual(t.y, [3, 0, 2, 2]);
  assert.equal(t.width, 0.25);
  assert.equal(hist.toJSON().layout.bargap, 0);
  const histSvg = hist.toSVG();
  parseXml(histSvg);
  assert.equal(count(histSvg, /class="bar"/g), 4);
  const density = plot.histogram(values, { bins: 4, density: true }).toJSON().data[0].y as number[];
  close(density.reduce((a, b) => a + b, 0) * 0.25, 1);
});

Deno.test("plot.fn: JS functions, gradiente ops and modules, sampled on [from, to]", () => {
  const fig = plot.fn(
    [(x: number) => x * x, relu, { f: tanh, name: "tanh" }, new nn.Sigmoid()],
    { from: -2, to: 2, points: 5 },
  );
  const { data } = fig.toJSON();
  // An anonymous function is named by its (short) source.
  assert.match(data[0].name!, /=>\s*x \* x/);
  assert.deepEqual(data.slice(1).map((t) => t.name), ["relu", "tanh", "Sigmoid"]);
  for (const t of data) assert.deepEqual(t.x, [-2, -1, 0, 1, 2]);
  assert.deepEqual(data[0].y, [4, 1, 0, 1, 4]);
  assert.deepEqual(data[1].y, [0, 0, 0, 1, 2]);
  close(data[2].y, [-2, -1, 0, 1, 2].map(Math.tanh), 1e-6);
  close(data[3].y, [-2, -1, 0, 1, 2].map((x) => 1 / (1 + Math.exp(-x))), 1e-6);
  assert.equal(fig.toJSON().layout.xaxis?.title?.text, "x");
  assert.throws(() => plot.fn(Math.sin, { from: 1, to: 0 }), /from < to/);
});

Deno.test("plot.lossCurve: epochs from 1, one trace per history key", () => {
  const fig = plot.lossCurve({ train: [1, 0.5, 0.25], val: new Float32Array([1.2, 0.8, 0.6]) });
  const { data, layout } = fig.toJSON();
  assert.deepEqual(data.map((t) => [t.name, t.x]), [["train", [1, 2, 3]], ["val", [1, 2, 3]]]);
  close(data[1].y, [1.2, 0.8, 0.6], 1e-6);
  assert.equal(layout.xaxis?.title?.text, "epoch");
  assert.equal(layout.yaxis?.title?.text, "loss");
  assert.deepEqual(plot.lossCurve([3, 2]).toJSON().data[0].name, "loss");
});

Deno.test("SVG: well-formed, one path per line trace, ticks, title, escaped text, legend", () => {
  const fig = plot.line([
    { x: [0, 0.5, 1], y: [0, 0.5, 1], name: "a<b" },
    { x: [0, 0.5, 1], y: [1, 0.5, 0], name: "c&d" },
  ], { title: `Loss "x" <&>`, xlabel: "epoch", ylabel: "loss" });
  const svg = fig.toSVG();
  const elements = parseXml(svg);
  assert.equal(elements[0].name, "svg");
  assert.equal(elements[0].attrs.xmlns, "http://www.w3.org/2000/svg");
  assert.equal(count(svg, /<path class="line"/g), 2);
  // Both axes span 0..1 plus a margin, so both get 0, 0.2, ..., 1.0.
  const labels = tickLabels(svg);
  for (const l of ["0", "0.2", "0.4", "0.6", "0.8", "1.0"]) {
    assert.equal(labels.filter((x) => x === l).length, 2, `tick ${l} on both axes`);
  }
  assert.match(svg, /class="title"[^>]*>Loss &quot;x&quot; &lt;&amp;&gt;<\/text>/);
  assert.match(svg, />epoch<\/text>/);
  assert.match(svg, /rotate\(-90[^>]*>loss<\/text>/);
  assert.match(svg, /class="legend".*a&lt;b.*c&amp;d/s);
  // One trace, no name: no legend.
  assert.doesNotMatch(plot.line([1, 2]).toSVG(), /class="legend"/);
  // A gap splits the path into two pieces ("M" twice).
  const gap = plot.line([1, 2, NaN, 3, 4]).toSVG();
  assert.equal(count(/<path class="line" d="([^"]*)"/.exec(gap)![1], /M/g), 2);
});

Deno.test("SVG: long lines are thinned per pixel column but keep their extremes", () => {
  const ys = Array.from({ length: 50_000 }, (_, i) => Math.sin(i / 500));
  ys[12_345] = 5; // a spike must survive
  const svg = plot.line(ys).toSVG();
  parseXml(svg);
  const d = /<path class="line" d="([^"]*)"/.exec(svg)![1];
  assert.ok(count(d, /L/g) < 4 * 700, `${count(d, /L/g)} points drawn`);
  const top = Math.min(...[...d.matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((m) => Number(m[1])));
  // The plot area starts at y=16; sin's peaks (1 of 5) sit near y=250.
  assert.ok(top < 40, `the spike reaches the top (y=${top})`);
});

Deno.test("bundle: plotly JSON, HTML with the pinned CDN and require.js, SVG, one-line text", async () => {
  const fig = plot.line({ y: [1, 2, 3], name: "loss" }, { title: "T" });
  const bundle = await bundleOf(fig);
  assert.deepEqual(
    Object.keys(bundle).sort(),
    [
      plot.PLOTLY_MIME,
      "image/svg+xml",
      "text/html",
      "text/plain",
    ].sort(),
  );
  assert.equal(plot.PLOTLY_MIME, "application/vnd.plotly.v1+json");
  const json = bundle[plot.PLOTLY_MIME] as plot.FigureSpec;
  assert.deepEqual(json.data[0].y, [1, 2, 3]);
  assert.deepEqual(json.layout.title, { text: "T" });

  const html = bundle["text/html"] as string;
  assert.equal(plot.PLOTLY_CDN_URL, `https://cdn.plot.ly/plotly-${plot.PLOTLY_VERSION}.min.js`);
  assert.ok(html.includes(JSON.stringify(plot.PLOTLY_CDN_URL)), "loads the pinned CDN build");
  assert.match(html, /window\.requirejs\.config\(/);
  assert.match(html, /window\.require\(\[name\]/);
  const id = /<div id="([^"]+)"/.exec(html)![1];
  assert.ok(html.includes(`var id = ${JSON.stringify(id)}`), "the script draws into its div");
  assert.ok(html.includes("<svg"), "the static SVG shows until plotly draws");
  assert.ok(!html.includes("plotly.js v"), "no inline library by default");
  // Each display gets its own element id.
  const again = (await bundleOf(fig))["text/html"] as string;
  assert.notEqual(/<div id="([^"]+)"/.exec(again)![1], id);

  const text = bundle["text/plain"] as string;
  assert.ok(!text.includes("\n"));
  assert.match(text, /^Figure "T": lines, 1 trace \(loss\), 3 points, y 1\.\.3$/);
});

Deno.test("HTML: data cannot close the script element", async () => {
  const html = await plot.line({ y: [1], name: "</script><b>x" }).toHTML();
  assert.equal(count(html, /<\/script>/g), 1);
  assert.ok(html.includes("\\u003c/script>\\u003cb>x"));
});

Deno.test("the pinned plotly.js: deno.json, the npm package and the CDN URL agree", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert.equal(
    config.imports["plotly.js-dist-min"],
    `npm:plotly.js-dist-min@${plot.PLOTLY_VERSION}`,
  );
  const src = await plotlySource();
  assert.ok(src.slice(0, 200).includes(`plotly.js v${plot.PLOTLY_VERSION}`));
});

Deno.test("inline mode embeds plotly.js once per session, guarded by a window flag", async () => {
  try {
    plot.config({ inline: true });
    const first = await plot.line([1, 2]).toHTML();
    const second = await plot.line([3, 4]).toHTML();
    assert.ok(first.length > 1_000_000, "the first figure carries the library");
    assert.ok(first.includes(`plotly.js v${plot.PLOTLY_VERSION}`));
    assert.match(first, /if \(!window\.__gradientePlotly_\w+_inline\) \{/);
    assert.equal(count(first, /<\/script>/g), 2);
    assert.ok(second.length < 20_000, "later figures use the copy already on the page");
    // Turning inline on again (a new page) embeds it again.
    plot.config({ inline: true });
    assert.ok((await plot.line([1]).toHTML()).length > 1_000_000);
  } finally {
    plot.config({ inline: false });
  }
  // Per figure.
  const own = await plot.line([1, 2], { inline: true }).toHTML();
  assert.ok(own.length > 1_000_000);
  assert.ok((await plot.line([1, 2]).toHTML()).length < 20_000);
  plot.config({ inline: false });
});
