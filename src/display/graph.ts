/**
 * Draws the computational graph behind a tensor, as in the lecture's figure for d = a·b + a:
 * leaf tensors (boxes: name, shape, value, and .grad after backward), the ops that used them
 * (ellipses: Mul, Add, MatMul, ...) and the output. The graph is the one autograd recorded: a
 * leaf used twice is one AccumulateGrad node, so `a` is one box with two outgoing edges.
 *
 * Building the DOT text is pure (graphToDot); drawGraph lays it out with Graphviz compiled to
 * WebAssembly (npm @viz-js/viz), loaded on first use.
 */
import {
  type Displayable,
  escapeHtml,
  JUPYTER_DISPLAY,
  type MimeBundle,
  PrintsAsText,
} from "./bundle.ts";
import type { Node } from "../autograd/node.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { checkOptions } from "../core/options.ts";

export interface GraphOptions {
  /** Values of one-element tensors (default true). */
  showValues?: boolean;
  /** .grad of leaves (and of tensors that called retainGrad()) after backward (default true). */
  showGrads?: boolean;
  /** Shapes (default true). */
  showShapes?: boolean;
  /** The shapes each op saved for backward (default false). */
  showSaved?: boolean;
  /** Graphviz direction: "BT" (default) puts inputs at the bottom and the output on top. */
  rankdir?: "BT" | "TB" | "LR" | "RL";
  /**
   * Names for tensors, e.g. `{ a, b, d }` or `model.namedParameters()`. A name on an
   * intermediate tensor labels the op that produced it. Without one, a tensor's own `name`
   * property is used if it has one; otherwise leaves read "leaf" and the root "output".
   */
  names?: Readonly<Record<string, Tensor>> | Iterable<readonly [string, Tensor]>;
}

/** The keys of GraphOptions, which graphToDot and drawGraph check. */
const GRAPH_KEYS = [
  "showValues",
  "showGrads",
  "showShapes",
  "showSaved",
  "rankdir",
  "names",
] as const satisfies readonly (keyof GraphOptions)[];

/** What the graph holds, ready to print as DOT or as text. */
interface GraphModel {
  nodes: { id: string; kind: "leaf" | "op" | "output"; lines: string[] }[];
  edges: [string, string][];
  /** One line per named tensor, e.g. "d = Add(Mul(a, b), a)". */
  text: string;
}

type ScalarCache = ReadonlyMap<Tensor, number>;

function nameMap(names: GraphOptions["names"]): Map<Tensor, string> {
  const out = new Map<Tensor, string>();
  if (!names) return out;
  const entries = Symbol.iterator in names
    ? names as Iterable<readonly [string, Tensor]>
    : Object.entries(names as Record<string, Tensor>);
  for (const [name, t] of entries) if (!out.has(t)) out.set(t, name);
  return out;
}

/** The label PyTorch's node name stands for: MulBackward -> Mul, MmBackward -> MatMul. */
export function opLabel(nodeName: string): string {
  const base = nodeName.replace(/Backward\d*$/, "");
  if (/^(Mm|Bmm|Mv|MatMul)$/.test(base)) return "MatMul";
  if (base.startsWith("Linalg")) return `linalg.${base.slice(6).toLowerCase()}`;
  return base;
}

function shapeText(shape: readonly number[]): string {
  return shape.length === 0 ? "scalar" : `[${shape.join(", ")}]`;
}

/** A short decimal: integers as they are, others with 4 significant digits. */
export function formatValue(v: number | boolean): string {
  if (typeof v === "boolean") return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  return String(Number(v.toPrecision(4)));
}

function scalar(t: Tensor, cache: ScalarCache): number | undefined {
  if (t.numel() !== 1) return undefined;
  const cached = cache.get(t);
  if (cached !== undefined) return cached;
  try {
    return Number(t.item());
  } catch {
    return undefined; // a GPU tensor read outside drawGraph: shown without its value
  }
}

function isAccumulate(node: Node): node is Node & { variable: Tensor } {
  return node.name === "AccumulateGrad" && "variable" in node;
}

function buildModel(roots: readonly Tensor[], opts: GraphOptions, cache: ScalarCache): GraphModel {
  const showValues = opts.showValues ?? true, showGrads = opts.showGrads ?? true;
  const showShapes = opts.showShapes ?? true;
  const names = nameMap(opts.names);
  const nameOf = (t: Tensor) =>
    names.get(t) ?? ((t as { name?: unknown }).name as string | undefined);
  const opNames = new Map<Node, string>();
  // The root's own name goes on its output box, not on the op that made it.
  for (const [t, name] of names) if (t.gradFn && !roots.includes(t)) opNames.set(t.gradFn, name);

  const tensorLines = (t: Tensor, title: string, grad: Tensor | null) => {
    const lines = [title];
    if (showShapes) lines.push(shapeText(t.shape));
    const v = showValues ? scalar(t, cache) : undefined;
    if (v !== undefined) lines.push(`value ${formatValue(v)}`);
    if (showGrads && grad) {
      const g = scalar(grad, cache);
      lines.push(g !== undefined ? `grad ${formatValue(g)}` : `grad ${shapeText(grad.shape)}`);
    }
    return lines;
  };

  const model: GraphModel = { nodes: [], edges: [], text: "" };
  const ids = new Map<Node, string>();
  const visit = (node: Node): string => {
    const known = ids.get(node);
    if (known) return known;
    const id = `n${ids.size}`;
    ids.set(node, id);
    if (isAccumulate(node)) {
      const t = node.variable;
      model.nodes.push({ id, kind: "leaf", lines: tensorLines(t, nameOf(t) ?? "leaf", t.grad) });
      return id;
    }
    const named = opNames.get(node);
    const lines = [named ? `${named} = ${opLabel(node.name)}` : opLabel(node.name)];
    if (opts.showSaved && node.savedTensors.length > 0) {
      lines.push(`saved ${node.savedTensors.map((s) => shapeText(s.shape)).join(", ")}`);
    }
    const produced = [...names.keys()].find((t) => t.gradFn === node && !roots.includes(t));
    if (produced && showValues) {
      const v = scalar(produced, cache);
      if (v !== undefined) lines.push(`value ${formatValue(v)}`);
    }
    if (showGrads && node.retained?.grad) {
      const g = scalar(node.retained.grad, cache);
      if (g !== undefined) lines.push(`grad ${formatValue(g)}`);
    }
    model.nodes.push({ id, kind: "op", lines });
    for (const next of node.nextFunctions) if (next) model.edges.push([visit(next), id]);
    return id;
  };

  const outputs = roots.map((root, i) => {
    const title = nameOf(root) ?? (roots.length > 1 ? `output ${i}` : "output");
    if (!root.gradFn) {
      // A leaf on its own: nothing was recorded on it.
      model.nodes.push({
        id: `out${i}`,
        kind: "output",
        lines: tensorLines(root, title, root.grad),
      });
      return title;
    }
    const op = visit(root.gradFn);
    model.nodes.push({ id: `out${i}`, kind: "output", lines: tensorLines(root, title, null) });
    model.edges.push([op, `out${i}`]);
    return title;
  });
  const defined = new Set<Node>();
  model.text = roots.map((r, i) => expressionText(r, outputs[i], opNames, nameOf, defined)).join(
    "\n",
  );
  return model;
}

/**
 * "d = Add(Mul(a, b), a)", with a line of its own for each named intermediate tensor (the
 * first time it is used: `defined` is shared by the roots).
 */
function expressionText(
  root: Tensor,
  title: string,
  opNames: ReadonlyMap<Node, string>,
  nameOf: (t: Tensor) => string | undefined,
  defined: Set<Node>,
): string {
  if (!root.gradFn) return `${title} (a leaf: no graph recorded)`;
  const defs: string[] = [];
  let budget = 400;
  const expr = (node: Node | null, top: boolean): string => {
    if (--budget < 0) throw new RangeError("graph too large for a one-line expression");
    if (node === null) return "const";
    if (isAccumulate(node)) return nameOf(node.variable) ?? "leaf";
    const name = opNames.get(node);
    if (name && !top) {
      if (!defined.has(node)) {
        defined.add(node);
        defs.push(`${name} = ${expr(node, true)}`);
      }
      return name;
    }
    return `${opLabel(node.name)}(${node.nextFunctions.map((n) => expr(n, false)).join(", ")})`;
  };
  try {
    const line = `${title} = ${expr(root.gradFn, true)}`;
    return [...defs, line].join("\n");
  } catch {
    return `${title}: a graph of more than ${400} nodes, shape ${shapeText(root.shape)}`;
  }
}

/** DOT string literal. */
function quote(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** A Graphviz HTML-like label: the title in bold, the details smaller underneath. */
function htmlLabel(lines: readonly string[]): string {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const [title, ...rest] = lines;
  return `<<B>${esc(title)}</B>${
    rest.map((l) => `<BR/><FONT POINT-SIZE="10" COLOR="#333333">${esc(l)}</FONT>`).join("")
  }>`;
}

const FONT = "Helvetica,Arial,sans-serif";
const STYLE = {
  leaf: `shape=box, style="rounded,filled", fillcolor="#d6eaff", color="#4a7fb5"`,
  op: `shape=ellipse, style=filled, fillcolor="#eeeeee", color="#888888"`,
  output: `shape=box, style="rounded,filled", fillcolor="#d9f2d0", color="#5a9a45"`,
} as const;

function modelToDot(model: GraphModel, opts: GraphOptions): string {
  const lines = [
    "digraph autograd {",
    `  graph [rankdir=${opts.rankdir ?? "BT"}, bgcolor="transparent", nodesep=0.35, ranksep=0.45];`,
    `  node [fontname=${quote(FONT)}, fontsize=11, margin="0.12,0.05"];`,
    `  edge [color="#555555", arrowsize=0.7];`,
    ...model.nodes.map((n) => `  ${n.id} [label=${htmlLabel(n.lines)}, ${STYLE[n.kind]}];`),
    ...model.edges.map(([a, b]) => `  ${a} -> ${b};`),
    "}",
  ];
  return lines.join("\n") + "\n";
}

/**
 * The graph behind `root` (or several roots) in Graphviz's DOT language. Pure: no WASM,
 * no async; values are read with item() (CPU tensors).
 */
export function graphToDot(root: Tensor | readonly Tensor[], options: GraphOptions = {}): string {
  checkOptions("graphToDot", options, GRAPH_KEYS);
  return modelToDot(buildModel(rootsOf(root), options, new Map()), options);
}

function rootsOf(root: Tensor | readonly Tensor[]): readonly Tensor[] {
  return Array.isArray(root) ? root : [root as Tensor];
}

/** The drawn graph: SVG (from Graphviz), the DOT it came from, and a text form. */
export class GraphFigure extends PrintsAsText implements Displayable {
  readonly svg: string;
  readonly dot: string;
  readonly text: string;

  constructor(svg: string, dot: string, text: string) {
    super();
    this.svg = svg;
    this.dot = dot;
    this.text = text;
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return {
      "image/svg+xml": this.svg,
      "text/html": `<div class="gradiente-graph" style="overflow-x:auto" title="${
        escapeHtml(this.text)
      }">${this.svg}</div>`,
      "text/plain": this.text,
    };
  }

  override toString(): string {
    return this.text;
  }
}

interface Viz {
  renderString(src: string, options: { format: string; engine?: string }): string;
}

let viz: Promise<Viz> | null = null;

/** Graphviz (WASM), instantiated once per process. */
function graphviz(): Promise<Viz> {
  viz ??= import("@viz-js/viz").then((m) => m.instance() as Promise<Viz>).catch((e) => {
    viz = null;
    throw new Error(
      `drawGraph: could not load Graphviz (npm @viz-js/viz, a dependency of gradiente): ${
        (e as Error).message
      }. graphToDot() gives the DOT text without it.`,
    );
  });
  return viz;
}

/** Renders DOT to an SVG element (no XML prolog, so it can sit inside HTML too). */
export async function renderDot(dot: string): Promise<string> {
  const svg = (await graphviz()).renderString(dot, { format: "svg", engine: "dot" });
  return svg.slice(svg.indexOf("<svg"));
}

/**
 * Draws the computational graph behind `root`.
 * @example
 * const a = tensor([2], { requiresGrad: true }), b = tensor([3], { requiresGrad: true });
 * const d = a.mul(b).add(a);
 * d.backward();
 * await drawGraph(d, { names: { a, b, d } }); // a and b with their grads 4 and 2
 */
export async function drawGraph(
  root: Tensor | readonly Tensor[],
  options: GraphOptions = {},
): Promise<GraphFigure> {
  checkOptions("drawGraph", options, GRAPH_KEYS);
  const roots = rootsOf(root);
  // Read every one-element value up front, asynchronously, so tensors on any device show.
  const cache = new Map<Tensor, number>();
  const seen = new Set<Node>();
  const want: Tensor[] = [...roots, ...nameMap(options.names).keys()];
  const walk = (node: Node | null) => {
    if (!node || seen.has(node)) return;
    seen.add(node);
    if (isAccumulate(node)) want.push(node.variable);
    if (node.retained) want.push(node.retained);
    node.nextFunctions.forEach(walk);
  };
  roots.forEach((r) => walk(r.gradFn));
  for (const t of want) {
    for (const s of [t, t.grad]) {
      if (s && s.numel() === 1 && !cache.has(s)) cache.set(s, Number(await s.itemAsync()));
    }
  }
  const model = buildModel(roots, options, cache);
  const dot = modelToDot(model, options);
  return new GraphFigure(await renderDot(dot), dot, model.text);
}
