/**
 * The logic-gate truth tables of the lectures (the perceptron and the XOR network): inputs
 * (0,0), (0,1), (1,0), (1,1) as a [4, 2] tensor and the gate's outputs as [4, 1] targets.
 */
import type { Tensor } from "../tensor/tensor.ts";
import { tensor } from "../tensor/creation.ts";
import type { DType } from "../core/dtype.ts";
import { checkOptions } from "../core/options.ts";

export interface TruthTableOptions {
  /** dtype of inputs and targets (default float32). */
  dtype?: DType;
}

const INPUTS = [[0, 0], [0, 1], [1, 0], [1, 1]] as const;

function table(gate: (a: number, b: number) => number, options: TruthTableOptions): [
  Tensor,
  Tensor,
] {
  const dtype = options.dtype ?? "float32";
  return [
    tensor(INPUTS.map(([a, b]) => [a, b]), { dtype }),
    tensor(INPUTS.map(([a, b]) => [gate(a, b)]), { dtype }),
  ];
}

/** AND: [x, y] with y = [[0], [0], [0], [1]]. */
export function and(options: TruthTableOptions = {}): [Tensor, Tensor] {
  return table((a, b) => a & b, checkOptions("and", options, ["dtype"]));
}

/** OR: [x, y] with y = [[0], [1], [1], [1]]. */
export function or(options: TruthTableOptions = {}): [Tensor, Tensor] {
  return table((a, b) => a | b, checkOptions("or", options, ["dtype"]));
}

/** XOR: [x, y] with y = [[0], [1], [1], [0]]; not linearly separable. */
export function xor(options: TruthTableOptions = {}): [Tensor, Tensor] {
  return table((a, b) => a ^ b, checkOptions("xor", options, ["dtype"]));
}
