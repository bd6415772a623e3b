/** Elementwise functions of one tensor, each with its derivative written in tensor ops. */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import type { UnaryOp } from "../backend/backend.ts";
import { type BackwardFn, record } from "../autograd/node.ts";
import { arithmeticType, type DType, floatTypeFor } from "../core/dtype.ts";
import { asTensor, fromStorage, zerosOf } from "./operand.ts";
import { add, div, mul, sub } from "./binary.ts";
import { ge, gt, le } from "./compare.ts";
import { where } from "./where.ts";
import { logicalAnd } from "./compare.ts";

export function apply(
  op: UnaryOp,
  x: Tensor,
  dtype: DType,
  name: string,
  backward: BackwardFn,
  save: "input" | "output" | "none",
  params?: number[],
): Tensor {
  const out = fromStorage(x._backend.unary(op, x, dtype, params), x.shape, dtype, x.device);
  const saved = save === "input" ? [x] : save === "output" ? [out] : [];
  return record(out, name, [x], backward, saved);
}

/** PyTorch's grad_fn name for an op: "log1p" -> "Log1pBackward". */
export function backwardName(op: string): string {
  return `${op[0].toUpperCase()}${op.slice(1)}Backward`;
}

/**
 * A float-valued function of one tensor (integers and bool give float32, as PyTorch): one
 * kernel, recorded as backwardName(op) with `backward` receiving the saved input or output.
 */
export function floatUnary(
  op: UnaryOp,
  input: TensorLike,
  backward: BackwardFn,
  save: "input" | "output",
  params?: number[],
): Tensor {
  const t = asTensor(input);
  return apply(op, t, floatTypeFor(t.dtype), backwardName(op), backward, save, params);
}

/** As floatUnary, for a function that keeps integers integer (bool gives int32): abs, relu. */
function arithmeticUnary(
  op: UnaryOp,
  input: TensorLike,
  backward: BackwardFn,
  save: "input" | "output" | "none",
): Tensor {
  const t = asTensor(input);
  return apply(op, t, arithmeticType(t.dtype), backwardName(op), backward, save);
}

export function neg(input: TensorLike): Tensor {
  const x = asTensor(input);
  if (x.dtype === "bool") {
    throw new Error(
      "neg: negation of a bool tensor is not supported (as in PyTorch). If you are trying to " +
        "invert a mask, use logicalNot(); otherwise convert it with .int() first.",
    );
  }
  return apply("neg", x, arithmeticType(x.dtype), "NegBackward", (g) => [neg(g)], "none");
}

export function exp(input: TensorLike): Tensor {
  return floatUnary("exp", input, (g, [y]) => [mul(g, y)], "output");
}

export function log(input: TensorLike): Tensor {
  return floatUnary("log", input, (g, [x]) => [div(g, x)], "input");
}

export function log1p(input: TensorLike): Tensor {
  return floatUnary("log1p", input, (g, [x]) => [div(g, add(x, 1))], "input");
}

/** The Gauss error function (exact GELU needs it); d/dx erf(x) = 2/√π·exp(-x²). */
export function erf(input: TensorLike): Tensor {
  return floatUnary(
    "erf",
    input,
    (g, [x]) => [mul(g, mul(exp(neg(mul(x, x))), 2 / Math.sqrt(Math.PI)))],
    "input",
  );
}

export function sqrt(input: TensorLike): Tensor {
  return floatUnary("sqrt", input, (g, [y]) => [div(g, mul(y, 2))], "output");
}

export function abs(input: TensorLike): Tensor {
  return arithmeticUnary("abs", input, (g, [xs]) => [mul(g, sign(xs))], "input");
}

export function sign(input: TensorLike): Tensor {
  // g has the input's shape: the derivative is zero wherever it exists.
  return arithmeticUnary("sign", input, (g) => [zerosOf(g.shape, g.dtype, g.device)], "none");
}

export function sin(input: TensorLike): Tensor {
  return floatUnary("sin", input, (g, [x]) => [mul(g, cos(x))], "input");
}

export function cos(input: TensorLike): Tensor {
  return floatUnary("cos", input, (g, [x]) => [neg(mul(g, sin(x)))], "input");
}

export function tanh(input: TensorLike): Tensor {
  return floatUnary("tanh", input, (g, [y]) => [mul(g, sub(1, mul(y, y)))], "output");
}

export function sigmoid(input: TensorLike): Tensor {
  return floatUnary("sigmoid", input, (g, [y]) => [mul(g, mul(y, sub(1, y)))], "output");
}

export function relu(input: TensorLike): Tensor {
  return arithmeticUnary("relu", input, (g, [y]) => [mul(g, gt(y, 0))], "output");
}

export function leakyRelu(input: TensorLike, negativeSlope = 0.01): Tensor {
  if (typeof negativeSlope !== "number") {
    throw new TypeError(
      `leakyRelu: negativeSlope must be a number, got ${typeof negativeSlope} ${
        String(negativeSlope)
      }. Pass e.g. leakyRelu(x, 0.01).`,
    );
  }
  return floatUnary(
    "leakyRelu",
    input,
    // g * slope keeps g's dtype; where(c, 1, slope) would round the slope to float32 first.
    (g, [x]) => [where(gt(x, 0), g, mul(g, negativeSlope))],
    "input",
    [negativeSlope],
  );
}

/** Limits values to [min, max]; either bound may be omitted (null/undefined). */
export function clamp(input: TensorLike, min?: number | null, max?: number | null): Tensor {
  const x = asTensor(input);
  if ((min === null || min === undefined) && (max === null || max === undefined)) {
    throw new Error(
      "clamp: give at least one of min and max, e.g. x.clamp(0) or x.clamp(null, 1).",
    );
  }
  const lo = min ?? -Infinity, hi = max ?? Infinity;
  // A bound that is not an integer (0.5, inf, NaN) lifts an integer tensor to float32, as
  // PyTorch's result type of the tensor and its bounds as scalars does.
  const fractional = [min, max].some((v) => typeof v === "number" && !Number.isInteger(v));
  const dt = fractional ? floatTypeFor(x.dtype) : arithmeticType(x.dtype);
  // The gradient passes where the input lies inside the bounds (bounds included), as in PyTorch.
  return apply(
    "clamp",
    x,
    dt,
    "ClampBackward",
    (g, [xs]) => [mul(g, logicalAnd(ge(xs, lo), le(xs, hi)))],
    "input",
    [
      lo,
      hi,
    ],
  );
}
