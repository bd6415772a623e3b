/**
 * Rounding and integer-style division: floor, ceil, round, trunc, frac, remainder, fmod and
 * floorDivide, with PyTorch's dtype and sign rules.
 */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import type { BinaryOp, UnaryOp } from "../backend/backend.ts";
import type { DType } from "../core/dtype.ts";
import { isFloat } from "../core/dtype.ts";
import { checkOptions } from "../core/options.ts";
import type { BackwardFn } from "../autograd/node.ts";
import { asTensor, zerosOf } from "./operand.ts";
import { apply, backwardName } from "./unary.ts";
import { arith, div, mul } from "./binary.ts";
import { clone } from "./copy.ts";

/** floor, ceil, round and trunc: integers are already whole (a copy, as torch); bool is refused. */
function whole(op: UnaryOp, name: string, input: TensorLike, params?: number[]): Tensor {
  const x = asTensor(input);
  if (x.dtype === "bool") {
    throw new Error(
      `${name}: bool tensors are not supported (as in PyTorch). Convert first, e.g. x.to('int32').`,
    );
  }
  if (!isFloat(x.dtype)) return clone(x);
  const shape = x.shape;
  // Piecewise constant: the derivative is zero everywhere it exists, as PyTorch defines it.
  const zeros: BackwardFn = (g) => [zerosOf(shape, g.dtype, g.device)];
  return apply(op, x, x.dtype, backwardName(name), zeros, "none", params);
}

export function floor(input: TensorLike): Tensor {
  return whole("floor", "floor", input);
}

export function ceil(input: TensorLike): Tensor {
  return whole("ceil", "ceil", input);
}

export function trunc(input: TensorLike): Tensor {
  return whole("trunc", "trunc", input);
}

export interface RoundOptions {
  /** Digits after the point to keep (negative: before it), as torch.round(x, decimals=). */
  decimals?: number;
}

/** Rounds half to even (0.5 -> 0, 1.5 -> 2, 2.5 -> 2), as PyTorch and NumPy. */
export function round(input: TensorLike, options?: RoundOptions): Tensor {
  const { decimals = 0 } = checkOptions("round", options, ["decimals"]);
  if (!Number.isInteger(decimals)) {
    throw new Error(
      `round: decimals must be an integer, got ${decimals}. Pass e.g. { decimals: 2 }.`,
    );
  }
  const x = asTensor(input);
  if (decimals !== 0 && !isFloat(x.dtype)) {
    throw new Error(
      `round: decimals needs a float tensor, got ${x.dtype} (as in PyTorch). Convert first ` +
        "with x.float().",
    );
  }
  // The same steps as PyTorch: x * 10^d then round then divide, or x / 10^-d for d <= 0.
  return whole("round", "round", x, [10 ** Math.abs(decimals), decimals > 0 ? 0 : 1]);
}

/** x - trunc(x): the fractional part, with x's sign. */
export function frac(input: TensorLike): Tensor {
  const x = asTensor(input);
  if (!isFloat(x.dtype)) {
    throw new Error(
      `frac: needs a float tensor, got ${x.dtype} (as in PyTorch, integers have no fraction). ` +
        "Convert first with x.float().",
    );
  }
  return apply("frac", x, x.dtype, "FracBackward", (g) => [g], "none");
}

/** Integer division and its remainders keep int32; bool operands are refused, as in torch. */
const noBool = (op: string) => (d: DType): DType => {
  if (d === "bool") {
    throw new Error(
      `${op}: bool tensors are not supported (as in PyTorch). Convert first, e.g. x.to('int32').`,
    );
  }
  return d;
};

/**
 * a - q(a, b) * b for a rounded quotient q: the gradient is g for a and -g * q(a, b) for b
 * (q taken on detached operands: it is piecewise constant).
 */
function modulo(
  op: BinaryOp,
  a: TensorLike,
  b: TensorLike,
  q: (a: Tensor, b: Tensor) => Tensor,
): Tensor {
  return arith(
    op,
    a,
    b,
    backwardName(op),
    (g, x, y, _out, need) => [g, need.y ? mul(g, q(x.detach(), y.detach())).mul(-1) : null],
    (need) => ({ x: need.y, y: need.y }),
    noBool(op),
  );
}

/**
 * Python's modulo: a - floor(a / b) * b, so the result takes the divisor's sign
 * (remainder(-3, 2) = 1). Integer division by zero raises on the CPU.
 */
export function remainder(a: TensorLike, b: TensorLike): Tensor {
  return modulo("remainder", a, b, floorDivide);
}

/** C's fmod: a - trunc(a / b) * b, so the result takes the dividend's sign (fmod(-3, 2) = -1). */
export function fmod(a: TensorLike, b: TensorLike): Tensor {
  return modulo("fmod", a, b, (x, y) => trunc(div(x, y)));
}

/**
 * a / b rounded toward -inf (Python's //, torch.floor_divide). Not differentiable, as in
 * PyTorch: backward through it raises.
 */
export function floorDivide(a: TensorLike, b: TensorLike): Tensor {
  return arith(
    "floorDivide",
    a,
    b,
    "FloorDivideBackward",
    () => {
      throw new Error(
        "floorDivide: the derivative is not implemented (as in PyTorch; it is zero wherever it " +
          "exists). Compute it on detached inputs (a.detach()), or use div(a, b) to differentiate.",
      );
    },
    {},
    noBool("floorDivide"),
  );
}
