// Display bundles on Node: the same MIME bundles Deno's kernel shows, and display() in a
// plain Node process (no kernel) printing the text/plain part.
import { afterEach, describe, expect, it, vi } from "vitest";
import { display, drawGraph, JUPYTER_DISPLAY, nn, plot, tensor, toImage } from "gradiente";

type Bundle = Record<string, unknown>;
const bundleOf = async (x: unknown) =>
  await (x as { [JUPYTER_DISPLAY](): Bundle | Promise<Bundle> })
    [JUPYTER_DISPLAY]();

describe("MIME bundles", () => {
  it("a tensor: text/plain is its repr, text/html a table with the values and header", async () => {
    const t = tensor([[1.5, -2.25], [3, 4]], { requiresGrad: true }).mul(2);
    const b = await bundleOf(t);
    expect(b["text/plain"]).toBe(String(t));
    const html = b["text/html"] as string;
    const cells = [...html.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
    expect(cells).toEqual(["3.0000", "-4.5000", "6.0000", "8.0000"]);
    for (const s of ["shape [2, 2]", "float32", "MulBackward"]) {
      expect(html).toContain(s);
    }
  });

  it("a module: a layer table with parameter shapes and counts, its repr as text", async () => {
    const b = await bundleOf(
      new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU()),
    );
    const text = (html: string) => html.replace(/<[^>]+>/g, "|").replace(/\|+/g, "|");
    // 2*3 weights + 3 biases
    expect(text(b["text/html"] as string)).toContain(
      "|0|Linear|[3, 2], [3]|9|yes|",
    );
    expect(text(b["text/html"] as string)).toContain("|Total params|9|");
    expect(b["text/plain"]).toMatch(
      /^Sequential\(\n {2}\(0\): Linear\(inFeatures=2/,
    );
  });

  it("a plot: plotly JSON, HTML and the static SVG fallback", async () => {
    const b = await bundleOf(plot.line([1, 4, 9], { title: "squares" }));
    const spec = b["application/vnd.plotly.v1+json"] as {
      data: { y: number[] }[];
    };
    expect(spec.data[0].y).toEqual([1, 4, 9]);
    expect(b["image/svg+xml"]).toMatch(/^<svg[\s\S]*squares[\s\S]*<\/svg>$/);
    expect(b["text/html"]).toContain("cdn.plot.ly/plotly-4.1.2.min.js");
  });

  it("inline plotly reads plotly.min.js from the installed dependency", async () => {
    const html = await plot.line([1, 2], { inline: true }).toHTML();
    expect(html.length).toBeGreaterThan(3_000_000);
    expect(html).toContain("plotly.js v4.1.2");
  });

  it("the autograd graph renders to SVG with Graphviz (npm @viz-js/viz) on Node", async () => {
    const a = tensor([2], { requiresGrad: true });
    const b = tensor([3], { requiresGrad: true });
    const d = a.mul(b).add(a);
    const bundle = await bundleOf(await drawGraph(d, { names: { a, b, d } }));
    const svg = bundle["image/svg+xml"] as string;
    expect(svg).toMatch(/^<svg|<\?xml/);
    for (const s of [">Mul<", ">Add<", ">a<", ">d<", ">value 8<"]) {
      expect(svg).toContain(s);
    }
  });

  it("an image: a PNG (base64) with the right signature", async () => {
    const b = await bundleOf(toImage(tensor([[0, 1], [1, 0]])));
    const png = Buffer.from(b["image/png"] as string, "base64");
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(""))
      .toBe("PNG");
  });
});

describe("display() outside a notebook", () => {
  afterEach(() => vi.restoreAllMocks());
  it("prints the text/plain part to the console", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await display(tensor([1, 2]));
    expect(log).toHaveBeenCalledWith("tensor([1., 2.])");
  });
});
