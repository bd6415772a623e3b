/**
 * Graph nodes. Every differentiable op output gets a Node (its gradFn) that holds edges to
 * the nodes of its inputs, the tensors its backward rule needs (saved, and freed after
 * backward unless retainGraph), and the rule itself, written in tensor ops. A leaf tensor
 * that requires grad gets one AccumulateGrad node, shared by all its uses, so a tensor
 * used twice (a in d = a*b + a) is one node with two incoming edges.
 */
import type { Tensor } from "../tensor/tensor.ts";
import { isGradEnabled } from "./grad_mode.ts";
import { shapeStr } from "../core/shape.ts";

export type BackwardFn = (grad: Tensor, saved: readonly Tensor[]) => readonly (Tensor | null)[];

export class Node {
  /** PyTorch-style name, e.g. "MulBackward". */
  readonly name: string;
  /** One edge per input: the input's node, or null where the input needs no gradient. */
  readonly nextFunctions: readonly (Node | null)[];
  /** Shape of each input, so the engine can check what a backward rule returns. */
  readonly inputShapes: readonly (readonly number[])[];
  /** Shape and dtype of the output this node differentiates. */
  readonly outputShape: readonly number[];
  /** Set by retainGrad(): the output tensor whose .grad should be kept. */
  retained: Tensor | null = null;
  #saved: readonly Tensor[] | null;
  #savedVersions: readonly number[];
  #backward: BackwardFn | null;

  constructor(
    name: string,
    inputs: readonly Tensor[],
    output: Tensor,
    backward: BackwardFn | null,
    saved: readonly Tensor[],
  ) {
    this.name = name;
    this.nextFunctions = inputs.map((t) => (t.requiresGrad ? t._gradEdge() : null));
    this.inputShapes = inputs.map((t) => t.shape);
    this.outputShape = output.shape;
    this.#saved = saved;
    this.#savedVersions = saved.map((t) => t._version);
    this.#backward = backward;
  }

  /** Whether backward already ran through this node and freed what it saved. */
  get released(): boolean {
    return this.#backward === null;
  }

  /** The saved tensors (for display and teaching); empty once released. */
  get savedTensors(): readonly Tensor[] {
    return this.#saved ?? [];
  }

  apply(grad: Tensor): readonly (Tensor | null)[] {
    if (this.#backward === null || this.#saved === null) {
      throw new Error(
        `backward: trying to backward through the graph a second time: ${this.name} already ran ` +
          "and freed its saved tensors. Pass { retainGraph: true } to the first backward() (or " +
          "autograd.grad) if you need to backward through the same graph again, or recompute the forward.",
      );
    }
    this.#saved.forEach((t, i) => {
      if (t._version !== this.#savedVersions[i]) {
        throw new Error(
          `backward: a tensor of shape ${
            shapeStr(t.shape)
          } saved by ${this.name} was modified by an ` +
            `in-place operation after it was used (version ${t._version}, expected ${
              this.#savedVersions[i]
            }). Use an out-of-place op (e.g. x.add(y) instead of x.add_(y)) or clone() before modifying.`,
        );
      }
    });
    return this.#backward(grad, this.#saved);
  }

  /**
   * Frees the saved tensors. A node that saved nothing keeps its rule, so (as in PyTorch)
   * backward may pass through it again.
   */
  release(): void {
    if (this.#saved === null || this.#saved.length === 0) return;
    this.#backward = null;
    this.#saved = null;
  }

  toString(): string {
    return `<${this.name}>`;
  }
}

/** The node that deposits a gradient into a leaf tensor's .grad. */
export class AccumulateGrad extends Node {
  readonly variable: Tensor;
  constructor(variable: Tensor) {
    super("AccumulateGrad", [], variable, () => [], []);
    this.variable = variable;
  }
  override get released(): boolean {
    return false;
  }
  override release(): void {}
}

function staleViewError(name: string, t: Tensor): Error {
  return new Error(
    `${name.replace(/Backward\d*$/, "")}: an input (shape ${shapeStr(t.shape)}) is a view ` +
      "taken before an in-place write that autograd recorded (x.at(...).set_(v), indexPut_) " +
      "into the tensor it views; its values include the write but its history does not, so " +
      "its gradient would be wrong. Take the view again after the write (e.g. x.index(...) " +
      "once more).",
  );
}

/**
 * Attaches a gradFn to `out` when grad mode is on and some input requires grad, and
 * returns `out`. `saved` lists the tensors the rule reads; the rule receives them back so
 * that releasing the node really frees them.
 */
export function record(
  out: Tensor,
  name: string,
  inputs: readonly Tensor[],
  backward: BackwardFn,
  saved: readonly Tensor[] = [],
): Tensor {
  if (!isGradEnabled()) return out;
  let needed = false;
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i];
    // Checked whether or not t requires grad: a stale view of a tensor that now has history
    // should itself carry a gradient, and silently having none would be just as wrong.
    if (t._staleView) throw staleViewError(name, t);
    if (t.requiresGrad) needed = true;
  }
  if (!needed) return out;
  out._setGradFn(new Node(name, inputs, out, backward, saved));
  return out;
}
