/**
 * The backward engine: walks the graph from the roots in reverse topological order (a node
 * runs once all the gradients flowing into it have been summed), calls each node's rule,
 * and either accumulates into leaves' .grad (backward) or returns the gradients of the
 * requested inputs (autograd.grad).
 */
import { AccumulateGrad, type Node } from "./node.ts";
import { isGradEnabled, setGradEnabled } from "./grad_mode.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { sameShape, shapeStr } from "../core/shape.ts";

export interface RunOptions {
  retainGraph: boolean;
  createGraph: boolean;
  /** When given, gradients are returned for these instead of accumulated into leaves. */
  inputs?: readonly Tensor[];
  allowUnused?: boolean;
}

function rootNode(t: Tensor, op: string, i: number): Node {
  if (!t.requiresGrad) {
    throw new Error(
      `${op}: element ${i} of tensors (shape ${
        shapeStr(t.shape)
      }) does not require grad and does not have a gradFn. ` +
        "Create the inputs with { requiresGrad: true } (or call requiresGrad_()) and compute " +
        "the output outside noGrad()." +
        (isGradEnabled() ? "" : " Grad mode is off right now (isGradEnabled() is false): " +
          "this code runs inside noGrad(), or a `using _ = noGrad()` block is still open."),
    );
  }
  return t._gradEdge();
}

/** Counts, for each node reachable from the roots, how many edges point into it. */
function dependencies(roots: readonly Node[]): Map<Node, number> {
  const deps = new Map<Node, number>();
  const seen = new Set<Node>(roots);
  const stack = [...roots];
  while (stack.length) {
    const node = stack.pop()!;
    for (const next of node.nextFunctions) {
      if (!next) continue;
      deps.set(next, (deps.get(next) ?? 0) + 1);
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return deps;
}

export function runBackward(
  op: string,
  outputs: readonly Tensor[],
  gradOutputs: readonly Tensor[],
  opts: RunOptions,
): (Tensor | null)[] {
  const roots = outputs.map((t, i) => rootNode(t, op, i));
  const deps = dependencies(roots);
  const buffers = new Map<Node, Tensor>();
  // Nodes whose buffer is a sum made here: nothing else references it, so a leaf may keep it
  // as its .grad without a copy.
  const summed = new Set<Node>();
  const add = (node: Node, g: Tensor) => {
    const prev = buffers.get(node);
    if (!prev) return void buffers.set(node, g);
    summed.add(node);
    buffers.set(node, prev.add(g));
  };
  const targets = new Map<Node, number[]>();
  opts.inputs?.forEach((t, i) => {
    if (!t.requiresGrad) {
      throw new Error(`${op}: input ${i} (shape ${shapeStr(t.shape)}) does not require grad.`);
    }
    const node = t._gradEdge();
    targets.set(node, [...(targets.get(node) ?? []), i]);
  });
  const results: (Tensor | null)[] = (opts.inputs ?? []).map(() => null);

  // try/finally rather than `using`, which Node 20 cannot parse.
  const mode = setGradEnabled(opts.createGraph);
  try {
    roots.forEach((node, i) => add(node, gradOutputs[i]));
    const ready = roots.filter((n, i) => !deps.has(n) && roots.indexOf(n) === i);
    const visited: Node[] = [];
    // .grad is only written once the whole walk has succeeded, so a backward that fails
    // halfway (a freed graph, a modified saved tensor) leaves every .grad as it was.
    const deposits: [Tensor, Tensor, boolean][] = [];
    while (ready.length) {
      const node = ready.pop()!;
      visited.push(node);
      const grad = buffers.get(node);
      buffers.delete(node);
      if (grad && targets.has(node)) { for (const i of targets.get(node)!) results[i] = grad; }
      // A retained non-leaf and its inputs' nodes see the same tensor: only a leaf may own it.
      if (grad && node.retained && !opts.inputs) deposits.push([node.retained, grad, false]);
      if (node instanceof AccumulateGrad) {
        if (grad && !opts.inputs) deposits.push([node.variable, grad, summed.has(node)]);
        continue;
      }
      const inGrads = grad ? node.apply(grad) : [];
      const nexts = node.nextFunctions;
      for (let i = 0; i < nexts.length; i++) {
        const next = nexts[i];
        if (!next) continue;
        const g = inGrads[i];
        if (g) {
          if (!sameShape(g.shape, node.inputShapes[i])) {
            throw new Error(
              `backward: ${node.name} returned a gradient of shape ${
                shapeStr(g.shape)
              } for input ${i}, ` +
                `whose shape is ${
                  shapeStr(node.inputShapes[i])
                }. This is a bug in gradiente; please report it.`,
            );
          }
          add(next, g);
        }
        const left = deps.get(next)! - 1;
        deps.set(next, left);
        if (left === 0) ready.push(next);
      }
    }
    for (const [t, g, owned] of deposits) t._accumulateGrad(g, opts.createGraph, owned);
    if (!opts.retainGraph) { for (const node of visited) node.release(); }
  } finally {
    mode[Symbol.dispose]();
  }

  if (opts.inputs && !opts.allowUnused) {
    results.forEach((g, i) => {
      if (g === null) {
        throw new Error(
          `autograd.grad: input ${i} was not used to compute the outputs, so it has no gradient. ` +
            "Pass { allowUnused: true } to get null for it instead.",
        );
      }
    });
  }
  return results;
}
