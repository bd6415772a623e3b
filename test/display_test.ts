/** Rich display: tensor HTML, module summaries, PNG images, and the Jupyter display methods. */
import assert from "node:assert/strict";
import { decode } from "fast-png";
import { arange, nn, ones, type Tensor, tensor, zeros } from "gradiente";
import { Tensor as TensorClass } from "../src/tensor/tensor.ts";
import {
  heatmap,
  imageGrid,
  JUPYTER_DISPLAY,
  moduleBundle,
  summary,
  tensorBundle,
  tensorBundleAsync,
  toImage,
  toImageAsync,
} from "../src/display/mod.ts";

const html = (t: Tensor) => tensorBundle(t)["text/html"] as string;
const count = (s: string, sub: string) => s.split(sub).length - 1;
const cells = (s: string) => [...s.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);

Deno.test("tensor HTML: values, shape, dtype, device, gradFn; text/plain is the repr", () => {
  const a = tensor([[1.5, -2.25], [3, 4]], { requiresGrad: true });
  const y = a.mul(2);
  const b = tensorBundle(y);
  assert.equal(b["text/plain"], String(y));
  const h = b["text/html"] as string;
  assert.deepEqual(cells(h), ["3.0000", "-4.5000", "6.0000", "8.0000"]);
  for (const s of ["shape [2, 2]", "float32", "cpu", "requiresGrad: true", "MulBackward"]) {
    assert.ok(h.includes(s), s);
  }
  assert.ok(!h.includes("<script"));
  // One number format for all values, as the text repr: scientific when they span > 1000x.
  const sci = tensor([1e-5, 1]);
  assert.ok(String(sci).includes("1.0000e-05"));
  assert.deepEqual(cells(html(sci)), ["1.0000e-05", "1.0000e+00"]);
  assert.deepEqual(cells(html(tensor([1, 2], { dtype: "int32" }))), ["1", "2"]);
  assert.deepEqual(cells(html(tensor(7.5))), ["7.5000"]);
  assert.ok(html(zeros(0)).includes("(empty)"));
});

Deno.test("tensor HTML: more than 1000 elements are summarised with 3 edge items per dim", () => {
  const t = arange(2000, { dtype: "float32" }).add(1000).reshape(40, 50);
  const c = cells(html(t));
  assert.equal(c.length, 7 * 7); // 3 + ellipsis + 3 rows and columns
  for (const v of ["1000.", "1002.", "1047.", "1049.", "1050.", "2950.", "2999."]) {
    assert.ok(c.includes(v), v);
  }
  assert.ok(!c.includes("2000.") && !c.includes("1003."), "a middle value is shown");
  // Only the shown values pick the format, as in the text repr.
  const wide = arange(2000, { dtype: "float32" }).reshape(40, 50);
  assert.ok(String(wide).includes("4.9000e+01") && cells(html(wide)).includes("4.9000e+01"));
  assert.ok(c.includes("⋯") && c.includes("⋮") && c.includes("⋱"));
  assert.equal(count(html(arange(1000).reshape(10, 100)), "⋯"), 0);
});

Deno.test("tensor HTML: one titled table per leading index, summarised leading dims too", () => {
  const h = html(arange(24).reshape(2, 3, 4));
  assert.equal(count(h, "<table"), 2);
  assert.ok(h.includes("[0, :, :]") && h.includes("[1, :, :]"));
  assert.deepEqual(cells(h).slice(12, 14), ["12", "13"]);
  const big = html(zeros(8, 2, 2, 40));
  assert.equal(count(big, "<table"), 6 * 2);
  assert.ok(big.includes("[7, 1, :, :]") && !big.includes("[3, 0, :, :]"));
});

Deno.test("tensor HTML: the gradient is shown after backward", () => {
  const a = tensor([1.5, 2.5], { requiresGrad: true });
  assert.ok(!html(a).includes("<b>grad</b>"));
  a.mul(a).sum().backward();
  const h = html(a);
  const at = h.indexOf("<b>grad</b>");
  assert.ok(at > 0);
  assert.deepEqual(cells(h.slice(at)), ["3.", "5."]);
});

Deno.test("tensor display method: async, same bundle; other devices read with await t.data()", async () => {
  const t = tensor([[1, 2], [3, 4.5]]);
  const shown = t[JUPYTER_DISPLAY]();
  assert.ok(shown instanceof Promise);
  assert.deepEqual(await shown, tensorBundle(t));
  assert.deepEqual(await tensorBundleAsync(t), tensorBundle(t));
  const p = new nn.Parameter(ones(2));
  assert.ok(
    ((await p[JUPYTER_DISPLAY]())["text/plain"] as string).startsWith("Parameter containing:"),
  );

  // A stand-in for a GPU tensor: values readable only through data().
  class Remote extends TensorClass {
    override data() {
      return Promise.resolve(new Float32Array([1.5, 2]));
    }
  }
  const g = new Remote(t.storage, [2], "float32", "webgpu");
  const sync = tensorBundle(g);
  assert.ok((sync["text/html"] as string).includes("values on webgpu: await t.data()"));
  const b = await g[JUPYTER_DISPLAY]();
  assert.equal(b["text/plain"], "tensor([1.5000, 2.0000], device='webgpu')");
  assert.deepEqual(cells(b["text/html"] as string), ["1.5000", "2.0000"]);
});

Deno.test("module summary: counts, totals, trainable, sizes; display method", () => {
  const m = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const s = summary(m);
  assert.deepEqual(s.rows.map((r) => [r.name, r.type, r.count]), [
    ["", "Sequential", 0],
    ["0", "Linear", 100480],
    ["1", "ReLU", 0],
    ["2", "Linear", 1290],
  ]);
  const real = m.parameters().reduce((n, p) => n + p.numel(), 0);
  assert.equal(s.totalParams, real);
  assert.equal(s.totalParams, 101770);
  assert.equal(s.paramBytes, 101770 * 4);
  assert.deepEqual(s.rows[1].params, [{ name: "weight", shape: [128, 784] }, {
    name: "bias",
    shape: [128],
  }]);
  (m.get(0) as nn.Linear).requiresGrad_(false);
  const frozen = summary(m);
  assert.equal(frozen.trainableParams, 1290);
  assert.equal(frozen.nonTrainableParams, 100480);
  assert.deepEqual(frozen.rows.map((r) => r.trainable), [null, "no", null, "yes"]);
  const text = String(frozen);
  assert.ok(
    text.includes("Total params: 101,770") && text.includes("Non-trainable params: 100,480"),
  );
  assert.match(text, /0 \(Linear\)\s+\[128, 784\], \[128\]\s+100,480\s+no/);
  const bundle = m[JUPYTER_DISPLAY]();
  assert.deepEqual(bundle, moduleBundle(m));
  assert.equal(bundle["text/plain"], String(m));
  const h = bundle["text/html"] as string;
  for (const v of ["100,480", "1,290", "101,770", "[128, 784], [128]", "Linear", "ReLU"]) {
    assert.ok(h.includes(v), v);
  }
  assert.equal(frozen[JUPYTER_DISPLAY]()["text/plain"], text);
});

Deno.test("module summary: shared parameters count once, buffers are sized, HTML escapes", () => {
  const lin = new nn.Linear(3, 3);
  const s = summary(new nn.Sequential(lin, lin, new nn.BatchNorm1d(4)));
  assert.equal(s.totalParams, 12 + 8);
  assert.equal(s.bufferBytes, (4 + 4 + 1) * 4);
  class Odd extends nn.Module {
    override extraRepr() {
      return `<b>&"x"`;
    }
  }
  const h = moduleBundle(new Odd())["text/html"] as string;
  assert.ok(h.includes("&lt;b&gt;&amp;&quot;x&quot;") && !h.includes("<b>&"));
});

Deno.test("toImage: PNG pixels, nearest-neighbour scale, normalisation, channel layouts", async () => {
  const t = tensor([[0, 1 / 3], [2 / 3, 1]]);
  const one = decode(toImage(t, { scale: 1 }).png);
  assert.deepEqual([one.width, one.height, one.channels], [2, 2, 1]);
  assert.deepEqual([...one.data], [0, 85, 170, 255]);
  const big = toImage(t, { scale: 3 });
  const d = decode(big.png);
  assert.deepEqual([d.width, d.height, big.width, big.height], [6, 6, 6, 6]);
  assert.deepEqual([...d.data.slice(0, 6)], [0, 0, 0, 85, 85, 85]);
  assert.deepEqual([...d.data.slice(30, 36)], [170, 170, 170, 255, 255, 255]);
  // Outside [0, 1]: spread over min..max. A 28x28 digit is upscaled to 112 px by default.
  assert.deepEqual([...decode(toImage(tensor([[-1, 3]]), { scale: 1 }).png).data], [0, 255]);
  const digit = toImage(zeros(28, 28));
  assert.deepEqual([digit.width, digit.height], [112, 112]);
  // [C,H,W] and [H,W,C] with 3 channels are RGB.
  const chw = decode(toImage(tensor([[[1, 0]], [[0, 1]], [[0, 0]]]), { scale: 1 }).png);
  assert.equal(chw.channels, 3);
  assert.deepEqual([...chw.data], [255, 0, 0, 0, 255, 0]);
  const hwc = decode(toImage(tensor([[[1, 0, 0], [0, 0, 1]]]), { scale: 1 }).png);
  assert.deepEqual([...hwc.data], [255, 0, 0, 0, 0, 255]);
  assert.deepEqual((await toImageAsync(t, { scale: 1 })).png, toImage(t, { scale: 1 }).png);
  const b = toImage(t)[JUPYTER_DISPLAY]();
  const bytes = Uint8Array.from(atob(b["image/png"] as string), (c) => c.charCodeAt(0));
  assert.deepEqual([decode(bytes).width, decode(bytes).height], [112, 112]);
  assert.ok((b["text/plain"] as string).includes("112×112"));
  assert.throws(() => toImage(zeros(2, 5, 5)), /1 or 3 channels/);
});

Deno.test("imageGrid: grid size, transparent padding, pixels per image, captions in HTML", () => {
  const batch = arange(5, { dtype: "float32" }).div(4).reshape(5, 1, 1, 1).expand(5, 1, 2, 2);
  const g = imageGrid(batch.contiguous(), { columns: 3, scale: 2, padding: 1 });
  const d = decode(g.png);
  assert.deepEqual([d.width, d.height, d.channels], [3 * 4 + 4, 2 * 4 + 3, 2]);
  const px = (
    x: number,
    y: number,
  ) => [...d.data.slice((y * d.width + x) * 2, (y * d.width + x) * 2 + 2)];
  assert.deepEqual(px(0, 0), [0, 0]); // padding
  assert.deepEqual(px(1, 1), [0, 255]); // image 0
  assert.deepEqual(px(1 + 2 * 5, 1), [128, 255]); // image 2 = 0.5
  assert.deepEqual(px(1, 1 + 5), [191, 255]); // image 3 (row 1, col 0) = 0.75
  assert.deepEqual(px(1 + 5 + 3, 1 + 5 + 3), [255, 255]); // image 4's last pixel
  assert.deepEqual(px(1 + 2 * 5, 1 + 5), [0, 0]); // the empty sixth cell
  assert.equal(g[JUPYTER_DISPLAY]()["text/html"], undefined);

  const captions = ["zero", "one", "two", "three", "<four>"];
  const withCaps = imageGrid(zeros(5, 28, 28), { captions })[JUPYTER_DISPLAY]();
  const h = withCaps["text/html"] as string;
  assert.equal(count(h, "<figure"), 5);
  assert.equal(count(h, "<img"), 5);
  assert.ok(h.includes("<figcaption") && h.includes(">three<") && h.includes("&lt;four&gt;"));
  assert.equal(typeof withCaps["image/png"], "string");
  assert.throws(() => imageGrid(zeros(2, 3, 3), { captions: ["a"] }), /1 captions for 2 images/);
});

Deno.test("heatmap: colours at min, zero and max; diverging coolwarm centred at 0", () => {
  const rgb = (t: Tensor, cmap: "viridis" | "coolwarm" | "gray") => {
    const d = decode(heatmap(t, { cmap, scale: 1 }).png);
    return Array.from({ length: d.width }, (_, i) => [...d.data.slice(3 * i, 3 * i + 3)]);
  };
  assert.deepEqual(rgb(tensor([[-2, 0, 1]]), "coolwarm"), [
    [59, 76, 192],
    [221, 221, 221],
    [244, 154, 123],
  ]);
  assert.deepEqual(rgb(tensor([[0, 5, 10]]), "viridis"), [[68, 1, 84], [38, 130, 142], [
    253,
    231,
    37,
  ]]);
  assert.deepEqual(rgb(tensor([[0, 0]]), "coolwarm"), [[221, 221, 221], [221, 221, 221]]);
  const h = heatmap(tensor([[-2, 0, 1]]), { cmap: "coolwarm", title: "W<1>" })[JUPYTER_DISPLAY]();
  const s = h["text/html"] as string;
  assert.ok(s.includes("linear-gradient") && s.includes(">2.<") && s.includes(">-2.<"));
  assert.ok(s.includes("W&lt;1&gt;"));
  const img = decode(heatmap(zeros(28, 10)).png);
  assert.deepEqual([img.width, img.height], [40, 112]);
  assert.throws(() => heatmap(zeros(2, 2, 2)), /\[R, C\]/);
});
