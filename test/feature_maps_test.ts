// featureMaps and filters: layers found by output shape, channels normalised one by one.
import assert from "node:assert/strict";
import { decode } from "fast-png";
import {
  arange,
  featureMaps,
  featureMapsAsync,
  filters,
  filtersAsync,
  heatmap,
  heatmapAsync,
  isGradEnabled,
  JUPYTER_DISPLAY,
  nn,
  type Tensor,
  tensor,
} from "gradiente";
import { colorAt } from "../src/display/colormap.ts";
import { gpu } from "./webgpu_helpers.ts";

const seen: { training: boolean; grad: boolean }[] = [];

/** x * 2, keeping the shape. */
class Scale extends nn.Module {
  forward(x: Tensor): Tensor {
    seen.push({ training: this.training, grad: isGradEnabled() });
    return x.mul(2);
  }
}

/** [N, 1, 4, 4] -> [N, 4, 2, 2]: channel k holds the values 4k..4k+3. */
class Split extends nn.Module {
  forward(x: Tensor): Tensor {
    return x.reshape(x.shape[0], 4, 2, 2);
  }
}

class Net extends nn.Module {
  features = new nn.Sequential(new Scale(), new Split());
  head = new nn.Flatten();
  forward(x: Tensor): Tensor {
    return this.head.call(this.features.call(x)).sum(1);
  }
}

/** Opaque pixel colours of a decoded RGBA PNG, with their counts, grey label ink left out. */
function colours(png: Uint8Array): Map<string, number> {
  const d = decode(png);
  assert.equal(d.channels, 4);
  const out = new Map<string, number>();
  for (let i = 0; i < d.width * d.height; i++) {
    if (d.data[4 * i + 3] !== 255) continue;
    const c = [d.data[4 * i], d.data[4 * i + 1], d.data[4 * i + 2]].join();
    if (c === "128,128,128") continue;
    out.set(c, (out.get(c) ?? 0) + 1);
  }
  return out;
}

const x = arange(16).reshape(1, 4, 4); // one sample [C, H, W]

Deno.test("featureMaps: a Sequential's 4-D outputs, each channel over its own min..max", async () => {
  const model = new nn.Sequential(new Scale(), new Split(), new nn.Flatten());
  const fm = featureMaps(model, x);
  assert.deepEqual(fm.layers.map((l) => l.caption), ["0: Scale (1×4×4)", "1: Split (4×2×2)"]);
  assert.deepEqual(fm.layers[1].shape, [1, 4, 2, 2]);
  // Each channel of Split spans 4 values, so every channel uses the same 4 colours: t = 0, 1/3,
  // 2/3, 1. One shared range over the layer would give 16 different colours.
  const split = colours(fm.layers[1].image.png);
  const want = [0, 1 / 3, 2 / 3, 1].map((t) => colorAt("viridis", t).join());
  assert.deepEqual([...split.keys()].sort(), want.sort());
  const s = 32; // 2x2 maps scaled to >= 64 px
  for (const c of want) assert.equal(split.get(c), 4 * s * s); // one pixel block per channel
  assert.equal(colours(fm.layers[0].image.png).size, 16);
  // Channel numbers in grey above the maps.
  const d = decode(fm.layers[1].image.png);
  let grey = 0;
  for (let i = 0; i < d.width * d.height; i++) {
    if (d.data[4 * i] === 128 && d.data[4 * i + 3]) grey++;
  }
  assert.ok(grey > 0);
  const b = fm[JUPYTER_DISPLAY]();
  assert.match(
    b["text/plain"] as string,
    /Feature maps of Sequential.*2 layer\(s\):\n {2}0: Scale/s,
  );
  const html = b["text/html"] as string;
  assert.equal(html.split("<img").length - 1, 2);
  assert.ok(html.includes("<figcaption>1: Split (4×2×2)</figcaption>"));
  const stacked = decode(fm.image.png);
  assert.equal(stacked.height, fm.layers[0].image.height + fm.layers[1].image.height + 8);
  assert.equal(typeof b["image/png"], "string");
  assert.deepEqual((await featureMapsAsync(model, x.unsqueeze(0))).image.png, fm.image.png);
});

Deno.test("featureMaps: any Module; leaves by default, names, indices, predicates", () => {
  const net = new Net();
  net.train();
  seen.length = 0;
  const fm = featureMaps(net, x.to("float32").requiresGrad_());
  assert.deepEqual(fm.layers.map((l) => l.name), ["features.0", "features.1"]);
  assert.deepEqual(seen, [{ training: false, grad: false }]); // eval mode, no graph
  assert.equal(net.training && net.features.training, true, "modes restored");
  for (const [, m] of net.namedModules()) {
    assert.equal(Object.getOwnPropertyDescriptor(m, "forward"), undefined, "forward restored");
  }
  assert.deepEqual(Object.keys(net.stateDict()), []);
  assert.deepEqual(featureMaps(net, x, { layers: [0] }).layers.map((l) => l.caption), [
    "features: Sequential (4×2×2)",
  ]);
  assert.deepEqual(featureMaps(net, x, { layers: ["features.1"] }).layers[0].shown, 4);
  const pred = featureMaps(net, x, { layers: (_n, m) => m instanceof Split, maxChannels: 3 });
  assert.deepEqual(pred.layers.map((l) => [l.caption, l.shown]), [
    ["features.1: Split (4×2×2, first 3 of 4 channels)", 3],
  ]);
  assert.equal(colours(pred.layers[0].image.png).get(colorAt("viridis", 1).join()), 3 * 32 * 32);
  // A model that is itself one layer shows its own output.
  assert.deepEqual(
    featureMaps(new Split(), x.reshape(1, 1, 4, 4)).layers[0].caption,
    "output: Split (4×2×2)",
  );
});

Deno.test("featureMaps: errors name the layer, the shapes and the fix", () => {
  class Broken extends nn.Module {
    forward(_x: Tensor): Tensor {
      throw new Error("Broken: bad input");
    }
  }
  const broken = new nn.Sequential(new Scale(), new Broken());
  assert.throws(
    () => featureMaps(broken, x),
    /featureMaps: the model's forward failed: Broken: bad/,
  );
  assert.equal(Object.getOwnPropertyDescriptor(broken.get(1), "forward"), undefined);
  assert.equal(broken.training, true);
  const model = new nn.Sequential(new Scale(), new nn.Flatten());
  assert.throws(
    () => featureMaps(model, arange(32).reshape(2, 1, 4, 4)),
    /one sample of shape \[C, H, W\] or \[1, C, H, W\], got \[2, 1, 4, 4\].*x\.index\(i\)/,
  );
  assert.throws(
    () => featureMaps(model, x, { layers: [1] }),
    /layer '1' \(Flatten\) returned shape \[1, 16\].*before the flatten/,
  );
  assert.throws(
    () => featureMaps(model, x, { layers: ["conv1"] }),
    /no module named 'conv1' ran in forward; the modules that ran: '0', '1'/,
  );
  assert.throws(() => featureMaps(model, x, { layers: [5] }), /index 5 is out of range for 2/);
  assert.throws(
    () => featureMaps(new nn.Sequential(new nn.Flatten()), x),
    /no layer of Sequential produced a 4-D/,
  );
  assert.throws(() => featureMaps(model, x, { maxChanels: 3 } as never), /maxChannels/);
  assert.throws(
    () => featureMaps(model, x, { maxChannels: 0 }),
    /maxChannels must be a positive integer/,
  );
});

Deno.test("filters: shared symmetric coolwarm range, or each kernel over its own range", () => {
  const w = tensor([[[[0, 1], [-1, 2]]], [[[0, 0], [0, 4]]]]); // [2, 1, 2, 2]
  const shared = filters(w, { scale: 1 });
  const c = colours(shared.png);
  // One range -4..4: 0 is the centre grey, 4 the red end, 2 half way.
  assert.equal(c.get(colorAt("coolwarm", 0.5).join()), 4);
  assert.equal(c.get(colorAt("coolwarm", 1).join()), 1);
  assert.equal(c.get(colorAt("coolwarm", 0.75).join()), 1);
  assert.equal(c.get(colorAt("coolwarm", 0.375).join()), 1);
  assert.match(
    shared.description,
    /2 kernel\(s\) 2×2 of weight \[2, 1, 2, 2\], one range -4\.00 to 4\.00/,
  );
  const each = colours(filters(w, { scale: 1, normalize: "each" }).png);
  assert.equal(each.get("255,255,255"), 2); // each kernel's max is white
  assert.equal(each.get("0,0,0"), 4); // kernel 0's -1; kernel 1's three zeros
  const multi = filters(arange(2 * 3 * 9).reshape(2, 3, 3, 3), { maxIn: 2 });
  assert.match(multi.description, /4 kernel\(s\) 3×3 .*first 2 out × 2 in.*labels out\.in/);
  assert.ok((multi[JUPYTER_DISPLAY]()["text/html"] as string).includes("<figcaption>Filters:"));
  assert.throws(() => filters(arange(4).reshape(2, 2)), /\[out, in, kh, kw\], got \[2, 2\]/);
  assert.throws(() => filters(w, { normalize: "all" as never }), /"shared" or "each"/);
});

Deno.test("featureMaps and filters on a conv net: captions after each conv and its ReLU", () => {
  const conv = new nn.Conv2d(1, 6, 5);
  const model = new nn.Sequential(
    conv,
    new nn.ReLU(),
    new nn.Conv2d(6, 20, 3),
    new nn.Flatten(),
    new nn.Linear(20 * 22 * 22, 10),
  );
  const fm = featureMaps(model, arange(784).reshape(1, 28, 28).to("float32").div(784));
  assert.deepEqual(fm.layers.map((l) => l.caption), [
    "0: Conv2d (6×24×24)",
    "1: ReLU (6×24×24)",
    "2: Conv2d (20×22×22, first 16 of 20 channels)",
  ]);
  assert.equal(fm.layers[2].shown, 16);
  const f = filters(conv.weight);
  assert.match(f.description, /^Filters: 6 kernel\(s\) 5×5 of weight \[6, 1, 5, 5\], one range/);
  assert.ok(f.width > 6 * 5 * 8);
});

Deno.test({
  name: "featureMapsAsync on webgpu: the CPU's pictures; the sync form names the async twin",
  ...gpu,
  fn: async () => {
    const model = new nn.Sequential(new Scale(), new Split(), new nn.Flatten());
    const xf = x.to("float32");
    const cpu = featureMaps(model, xf);
    model.to("webgpu");
    const g = await featureMapsAsync(model, xf.to("webgpu"));
    assert.deepEqual(g.image.png, cpu.image.png);
    assert.throws(() => featureMaps(model, xf.to("webgpu")), /await featureMapsAsync/);
    const w = tensor([[[[0, 1], [-1, 2]]]]);
    assert.deepEqual((await filtersAsync(w.to("webgpu"))).png, filters(w).png);
    const m = tensor([[1, 2], [3, 4]]);
    assert.deepEqual(
      (await heatmapAsync(m.to("webgpu"), { annotate: true })).png,
      heatmap(m, { annotate: true }).png,
    );
  },
});
