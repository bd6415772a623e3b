/**
 * Float-valued elementwise math (issue 12): powers and logs in other bases, the remaining
 * trigonometric and hyperbolic functions, atan2, hypot, lerp, and one-sided clamps. Integer
 * and bool inputs are promoted to float32, as in PyTorch; each backward is derivatives.yaml's.
 */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { type DType, floatTypeFor, promoteTypes } from "../core/dtype.ts";
import { broadcastShapes } from "../core/shape.ts";
import { record } from "../autograd/node.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { asTensor, operands } from "./operand.ts";
import { abs, backwardName, clamp, floatUnary } from "./unary.ts";
import { add, arith, div, mul, pow, sub } from "./binary.ts";
import { ge, gt, le, lt } from "./compare.ts";
import { where } from "./where.ts";
import { to } from "./copy.ts";
import { sumTo } from "./reduce.ts";

const LN2 = Math.LN2, LN10 = Math.LN10;

const sq = (x: Tensor) => mul(x, x);
/** 1 / sqrt(v): the factor asin, acos, asinh and acosh differentiate to. */
const invSqrt = (v: Tensor) => rsqrt(v);

export function reciprocal(input: TensorLike): Tensor {
  return floatUnary("reciprocal", input, (g, [y]) => [mul(g, sq(y)).mul(-1)], "output");
}

export function rsqrt(input: TensorLike): Tensor {
  return floatUnary("rsqrt", input, (g, [y]) => [mul(g, mul(sq(y), y)).mul(-0.5)], "output");
}

/** x * x; integers stay integers (bool becomes int32), as torch.square. */
export function square(input: TensorLike): Tensor {
  return pow(input, 2);
}

export function exp2(input: TensorLike): Tensor {
  return floatUnary("exp2", input, (g, [y]) => [mul(g, y).mul(LN2)], "output");
}

/** exp(x) - 1, accurate for small x. */
export function expm1(input: TensorLike): Tensor {
  return floatUnary("expm1", input, (g, [y]) => [mul(g, add(y, 1))], "output");
}

export function log2(input: TensorLike): Tensor {
  return floatUnary("log2", input, (g, [x]) => [div(g, mul(x, LN2))], "input");
}

export function log10(input: TensorLike): Tensor {
  return floatUnary("log10", input, (g, [x]) => [div(g, mul(x, LN10))], "input");
}

export function tan(input: TensorLike): Tensor {
  return floatUnary("tan", input, (g, [y]) => [mul(g, add(sq(y), 1))], "output");
}

export function asin(input: TensorLike): Tensor {
  return floatUnary("asin", input, (g, [x]) => [mul(g, invSqrt(sub(1, sq(x))))], "input");
}

export function acos(input: TensorLike): Tensor {
  return floatUnary("acos", input, (g, [x]) => [mul(g, invSqrt(sub(1, sq(x)))).mul(-1)], "input");
}

export function atan(input: TensorLike): Tensor {
  return floatUnary("atan", input, (g, [x]) => [div(g, add(sq(x), 1))], "input");
}

export function sinh(input: TensorLike): Tensor {
  return floatUnary("sinh", input, (g, [x]) => [mul(g, cosh(x))], "input");
}

export function cosh(input: TensorLike): Tensor {
  return floatUnary("cosh", input, (g, [x]) => [mul(g, sinh(x))], "input");
}

export function asinh(input: TensorLike): Tensor {
  return floatUnary("asinh", input, (g, [x]) => [mul(g, invSqrt(add(sq(x), 1)))], "input");
}

export function acosh(input: TensorLike): Tensor {
  return floatUnary("acosh", input, (g, [x]) => [mul(g, invSqrt(sub(sq(x), 1)))], "input");
}

export function atanh(input: TensorLike): Tensor {
  return floatUnary("atanh", input, (g, [x]) => [div(g, sub(1, sq(x)))], "input");
}

/** The angle of the point (other, input), in (-π, π], as torch.atan2(input, other). */
export function atan2(input: TensorLike, other: TensorLike): Tensor {
  return arith(
    "atan2",
    input,
    other,
    "Atan2Backward",
    (g, a, b, _out, need) => {
      const r = add(sq(a), sq(b));
      return [need.x ? div(mul(g, b), r) : null, need.y ? div(mul(g, a), r).mul(-1) : null];
    },
    { x: true, y: true },
    floatTypeFor,
  );
}

/** sqrt(a² + b²) without overflow or underflow in between. */
export function hypot(input: TensorLike, other: TensorLike): Tensor {
  return arith(
    "hypot",
    input,
    other,
    "HypotBackward",
    (g, x, y, out, need) => [
      need.x ? mul(g, div(x, out)) : null,
      need.y ? mul(g, div(y, out)) : null,
    ],
    (need) => ({ x: need.x, y: need.y, out: true }),
    floatTypeFor,
  );
}

/**
 * start + weight * (end - start), with weight a number or a tensor (all three broadcast).
 * PyTorch's formula: from the nearer end, so that weight 1 gives exactly end.
 */
export function lerp(start: TensorLike, end: TensorLike, weight: TensorLike): Tensor {
  const [s0, e0, promoted] = operands("lerp", start, end);
  const wt = typeof weight === "number" ? null : asTensor(weight, s0);
  if (wt && wt.device !== s0.device) {
    throw new Error(
      `lerp: weight is on '${wt.device}' but start and end are on '${s0.device}'. ` +
        `Move it with .to('${s0.device}').`,
    );
  }
  // Checked here so that a mismatch names lerp, not the sub inside it.
  broadcastShapes("lerp", s0.shape, e0.shape, ...(wt ? [wt.shape] : []));
  let dt: DType = floatTypeFor(promoted);
  if (wt) dt = floatTypeFor(promoteTypes(dt, wt.dtype));
  const s = to(s0, dt), e = to(e0, dt), w = wt ? to(wt, dt) : (weight as number);
  const out = noGrad(() => {
    const d = sub(e, s);
    if (typeof w === "number") return Math.abs(w) < 0.5 ? add(s, mul(d, w)) : sub(e, mul(d, 1 - w));
    return where(lt(abs(w), 0.5), add(s, mul(w, d)), sub(e, mul(d, sub(1, w))));
  });
  const sShape = s.shape, eShape = e.shape;
  const needS = s.requiresGrad, needE = e.requiresGrad;
  if (typeof w === "number") {
    // A number weight: the rule needs no tensor, so nothing is saved.
    return record(out, "LerpBackward", [s, e], (g) => [
      needS ? sumTo(mul(g, 1 - w), sShape) : null,
      needE ? sumTo(mul(g, w), eShape) : null,
    ]);
  }
  const wShape = w.shape, needW = w.requiresGrad;
  return record(out, "LerpBackward", [s, e, w], (g, [ss, es, ws]) => [
    needS ? sumTo(mul(g, sub(1, ws)), sShape) : null,
    needE ? sumTo(mul(g, ws), eShape) : null,
    needW ? sumTo(mul(g, sub(es, ss)), wShape) : null,
  ], [s, e, w]);
}

/**
 * clamp(x, min): values below min become min. A tensor (or array) bound broadcasts, and NaN
 * in either operand gives NaN, as torch.clamp_min.
 */
export function clampMin(input: TensorLike, min: TensorLike): Tensor {
  return typeof min === "number" ? clamp(input, min) : clampBy("clampMin", input, min);
}

/** clamp(x, null, max): values above max become max; a tensor bound as in clampMin. */
export function clampMax(input: TensorLike, max: TensorLike): Tensor {
  return typeof max === "number" ? clamp(input, null, max) : clampBy("clampMax", input, max);
}

/**
 * A tensor-bound clampMin (maximum of x and the bound) or clampMax (minimum). The gradient
 * goes to x where x is on the kept side of the bound (ties included), else to the bound, as
 * torch.
 */
function clampBy(op: "clampMin" | "clampMax", input: TensorLike, bound: TensorLike): Tensor {
  const isMin = op === "clampMin";
  checkBound(op, isMin ? "min" : "max", bound);
  const [x, b] = operands(op, input, bound);
  broadcastShapes(op, x.shape, b.shape); // so that a mismatch names the op
  const [kept, clamped] = isMin ? [ge, lt] : [le, gt];
  return arith(
    isMin ? "maximum" : "minimum",
    x,
    b,
    backwardName(op),
    (g, x, m, _out, need) => [
      need.x ? mul(g, kept(x, m)) : null,
      need.y ? mul(g, clamped(x, m)) : null,
    ],
    { x: true, y: true },
  );
}

function checkBound(op: string, name: string, v: unknown): void {
  if (v === null || v === undefined || typeof v === "boolean" || typeof v === "string") {
    throw new Error(
      `${op}: ${name} must be a number or a tensor, got ${v === null ? "null" : typeof v}. ` +
        `Pass e.g. ${op}(x, 0), or use clamp(x, min, max) for both bounds.`,
    );
  }
}
