/** autograd.grad: gradients of outputs with respect to chosen inputs, returned not accumulated. */
import { Tensor, type TensorLike } from "../tensor/tensor.ts";
import { runBackward } from "./engine.ts";
import { asTensor, onesLikeOf } from "../ops/operand.ts";
import { sameShape, shapeStr } from "../core/shape.ts";
import { checkOptions } from "../core/options.ts";

export interface GradOptions {
  /** The vector of the vector-Jacobian product, one per output (default: ones for scalars). */
  gradOutputs?: TensorLike | readonly (TensorLike | null)[];
  retainGraph?: boolean;
  /** Record the backward pass itself, so the result can be differentiated again. */
  createGraph?: boolean;
  /** Return null for inputs the outputs do not depend on instead of throwing. */
  allowUnused?: boolean;
}

function list<T>(x: T | readonly T[]): readonly T[] {
  return Array.isArray(x) ? x as readonly T[] : [x as T];
}

export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  options: GradOptions = {},
): (Tensor | null)[] {
  checkOptions("autograd.grad", options, [
    "gradOutputs",
    "retainGraph",
    "createGraph",
    "allowUnused",
  ]);
  const outs = list(outputs);
  const ins = list(inputs);
  // An array is a list of per-output gradients when there are several outputs or when its
  // entries are tensors (or null), as in grad(y, x, { gradOutputs: [v] }); otherwise it is
  // the nested-array values of the one output's gradient.
  const isList = Array.isArray(options.gradOutputs) &&
    (outs.length > 1 ||
      (options.gradOutputs as readonly unknown[]).some((g) => g === null || g instanceof Tensor));
  const given = options.gradOutputs === undefined
    ? outs.map(() => null)
    : isList
    ? options.gradOutputs as readonly (TensorLike | null)[]
    : [options.gradOutputs as TensorLike];
  const gradOutputs = outs.map((o, i) => {
    const g = given[i];
    if (g === null || g === undefined) {
      if (o.numel() !== 1) {
        throw new Error(
          `autograd.grad: output ${i} has shape ${
            shapeStr(o.shape)
          }, so it needs a gradOutputs entry ` +
            "(grad can be implicitly created only for scalar outputs).",
        );
      }
      return onesLikeOf(o);
    }
    const t = asTensor(g, o);
    if (!sameShape(t.shape, o.shape)) {
      throw new Error(
        `autograd.grad: gradOutputs[${i}] has shape ${
          shapeStr(t.shape)
        } but output ${i} has shape ${shapeStr(o.shape)}.`,
      );
    }
    return t;
  });
  const createGraph = options.createGraph ?? false;
  return runBackward("autograd.grad", outs, gradOutputs, {
    retainGraph: options.retainGraph ?? createGraph,
    createGraph,
    inputs: ins,
    allowUnused: options.allowUnused,
  });
}
