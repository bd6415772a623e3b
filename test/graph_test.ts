import assert from "node:assert/strict";
import { nn, tensor } from "gradiente";
import { drawGraph, graphToDot, opLabel } from "../src/display/graph.ts";
import { JUPYTER_DISPLAY, type MimeBundle } from "../src/display/bundle.ts";
import { parseXml } from "./xml_check.ts";

/** Nodes (id -> label lines) and edges of the DOT graphToDot writes. */
function parseDot(dot: string) {
  const nodes = new Map<string, string[]>();
  const edges: [string, string][] = [];
  for (const line of dot.split("\n")) {
    const node = /^\s+(\w+) \[label=<(.*)>, /.exec(line);
    if (node) {
      const lines = node[2].split("<BR/>").map((l) => l.replace(/<[^>]+>/g, ""));
      nodes.set(node[1], lines);
    }
    const edge = /^\s+(\w+) -> (\w+);$/.exec(line);
    if (edge) edges.push([edge[1], edge[2]]);
  }
  const byTitle = (title: string) => [...nodes].filter(([, l]) => l[0] === title).map(([id]) => id);
  const only = (title: string) => {
    const ids = byTitle(title);
    assert.equal(ids.length, 1, `one node titled ${title}, got ${ids.length}`);
    return ids[0];
  };
  return { nodes, edges, byTitle, only };
}

function lecture() {
  const a = tensor([2], { requiresGrad: true });
  const b = tensor([3], { requiresGrad: true });
  const d = a.mul(b).add(a); // d = a*b + a
  return { a, b, d };
}

Deno.test("graphToDot: d = a*b + a has one `a` feeding both Mul and Add", () => {
  const { a, b, d } = lecture();
  const g = parseDot(graphToDot(d, { names: { a, b, d } }));
  const [na, nb, mul, add, out] = ["a", "b", "Mul", "Add", "d"].map(g.only);
  assert.deepEqual(
    g.edges.filter(([from]) => from === na).map(([, to]) => to).sort(),
    [add, mul].sort(),
  );
  assert.deepEqual(g.edges.filter(([from]) => from === nb), [[nb, mul]]);
  assert.deepEqual(g.edges.filter(([from]) => from === mul), [[mul, add]]);
  assert.deepEqual(g.edges.filter(([from]) => from === add), [[add, out]]);
  assert.equal(g.edges.length, 5);
  assert.equal(g.nodes.size, 5);
  assert.deepEqual(g.nodes.get(na), ["a", "[1]", "value 2"]);
  assert.deepEqual(g.nodes.get(nb), ["b", "[1]", "value 3"]);
  assert.deepEqual(g.nodes.get(out), ["d", "[1]", "value 8"]);
});

Deno.test("graphToDot: after backward the leaves show their grads (a.grad = 4, b.grad = 2)", () => {
  const { a, b, d } = lecture();
  d.backward();
  const g = parseDot(graphToDot(d, { names: { a, b, d } }));
  assert.deepEqual(g.nodes.get(g.only("a")), ["a", "[1]", "value 2", "grad 4"]);
  assert.deepEqual(g.nodes.get(g.only("b")), ["b", "[1]", "value 3", "grad 2"]);
  const bare = parseDot(graphToDot(d, { names: { a }, showValues: false, showGrads: false }));
  assert.deepEqual(bare.nodes.get(bare.only("a")), ["a", "[1]"]);
  assert.deepEqual(bare.byTitle("leaf").length, 1); // b has no name here
  assert.deepEqual(bare.byTitle("output").length, 1);
});

Deno.test("graphToDot: names from a tensor's own name, from namedParameters, and rankdir", () => {
  const { a, b, d } = lecture();
  Object.assign(a, { name: "alpha" });
  const g = parseDot(graphToDot(d, { names: { b } }));
  g.only("alpha");
  g.only("b");

  const layer = new nn.Linear(3, 2);
  const x = tensor([[1, 2, 3]]);
  const y = layer.forward(x).sum();
  const dot = graphToDot(y, { names: layer.namedParameters(), rankdir: "LR" });
  assert.match(dot, /rankdir=LR/);
  const lg = parseDot(dot);
  assert.deepEqual(lg.nodes.get(lg.only("weight"))?.slice(0, 2), ["weight", "[2, 3]"]);
  assert.deepEqual(lg.nodes.get(lg.only("bias"))?.slice(0, 2), ["bias", "[2]"]);
  assert.equal(lg.byTitle("Sum").length, 1);
  assert.match(graphToDot(d), /rankdir=BT/);
});

Deno.test("op labels drop Backward; matmul variants read MatMul", () => {
  assert.equal(opLabel("MulBackward"), "Mul");
  assert.equal(opLabel("MulBackward0"), "Mul");
  for (const n of ["MmBackward", "BmmBackward", "MvBackward"]) assert.equal(opLabel(n), "MatMul");
  assert.equal(opLabel("LinalgSolveBackward"), "linalg.solve");
  const w = tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const g = parseDot(graphToDot(w.matmul(tensor([[1], [1]])), { names: { w } }));
  g.only("MatMul");
  assert.deepEqual(g.nodes.get(g.only("w")), ["w", "[2, 2]"]); // no value for 4 elements
});

Deno.test("named intermediates label their op, with value and retained grad", () => {
  const { a, b } = lecture();
  const c = a.mul(b);
  c.retainGrad();
  const e = c.add(a).mul(c);
  e.backward(undefined, { retainGraph: true }); // keeps the saved tensors to show
  const g = parseDot(graphToDot(e, { names: { a, b, c, e }, showSaved: true }));
  const lines = g.nodes.get(g.only("c = Mul"))!;
  assert.deepEqual(lines, ["c = Mul", "saved [1], [1]", "value 6", `grad ${2 * 6 + 2}`]);
});

Deno.test("drawGraph: Graphviz SVG with the labels; bundle with SVG, HTML and text", async () => {
  const { a, b, d } = lecture();
  d.backward();
  const fig = await drawGraph(d, { names: { a, b, d } });
  const elements = parseXml(fig.svg);
  assert.equal(elements[0].name, "svg");
  for (
    const label of [">a<", ">b<", ">d<", ">Mul<", ">Add<", ">grad 4<", ">grad 2<", ">value 8<"]
  ) {
    assert.ok(fig.svg.includes(label), `SVG shows ${label}`);
  }
  assert.equal(fig.svg.match(/class="node"/g)?.length, 5);
  assert.equal(fig.svg.match(/class="edge"/g)?.length, 5);
  assert.equal(fig.text, "d = Add(Mul(a, b), a)");
  assert.ok(fig.dot.startsWith("digraph"));
  const bundle = await fig[JUPYTER_DISPLAY]() as MimeBundle;
  assert.equal(bundle["image/svg+xml"], fig.svg);
  assert.ok((bundle["text/html"] as string).includes(fig.svg));
  assert.equal(bundle["text/plain"], "d = Add(Mul(a, b), a)");
});

Deno.test("drawGraph: a leaf alone, several roots, and text for named intermediates", async () => {
  const a = tensor([1.5], { requiresGrad: true });
  const leaf = await drawGraph(a, { names: { a } });
  assert.match(leaf.text, /^a \(a leaf/);
  assert.ok(leaf.svg.includes(">value 1.5<"));

  const b = tensor([3], { requiresGrad: true });
  const c = a.mul(b);
  const [u, v] = [c.exp(), c.neg()];
  const both = await drawGraph([u, v], { names: { a, b, c, u, v } });
  assert.equal(both.text, "c = Mul(a, b)\nu = Exp(c)\nv = Neg(c)");
  const g = parseDot(both.dot);
  g.only("c = Mul"); // shared by both roots: one node
  assert.equal(g.byTitle("u").length + g.byTitle("v").length, 2);
});
