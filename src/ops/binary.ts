/** Elementwise arithmetic of two operands with NumPy broadcasting. */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import type { BinaryOp } from "../backend/backend.ts";
import { type BackwardFn, record } from "../autograd/node.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { arithmeticType, type DType, floatTypeFor, isFloat } from "../core/dtype.ts";
import { broadcastShapes, sameShape } from "../core/shape.ts";
import { fromStorage, operands } from "./operand.ts";
import { to } from "./copy.ts";
import { sumTo } from "./reduce.ts";
import { log } from "./unary.ts";
import { eq, gt, lt } from "./compare.ts";
import { where } from "./where.ts";

/** The (stride-0) view of x at a broadcast shape, outside autograd: for kernels only. */
export function broadcastView(x: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const lead = shape.length - x.ndim;
  const strides = shape.map((
    s,
    i,
  ) => (i < lead || x.shape[i - lead] !== s ? 0 : x.strides[i - lead]));
  return x._view(shape, strides, x.offset);
}

/**
 * Runs a binary kernel on broadcast, dtype-promoted operands. `compute` picks the dtype the
 * kernel computes in from the promoted one; `result` the output dtype (bool for comparisons).
 */
export function binaryKernel(
  op: BinaryOp,
  a: TensorLike,
  b: TensorLike,
  compute: (promoted: DType) => DType,
  result?: DType,
  name: string = op,
): [Tensor, Tensor, Tensor] {
  const [x0, y0, promoted] = operands(name, a, b);
  const dt = compute(promoted);
  const x = x0.dtype === dt ? x0 : to(x0, dt), y = y0.dtype === dt ? y0 : to(y0, dt);
  const shape = sameShape(x.shape, y.shape) ? x.shape : broadcastShapes(name, x.shape, y.shape);
  const outDtype = result ?? dt;
  // bool stays bool under add/mul/maximum/minimum, as in PyTorch: they are or/and on {0, 1}.
  const kernel = outDtype === "bool" && !result ? BOOL_KERNEL[op] ?? op : op;
  const storage = x._backend.binary(
    kernel,
    broadcastView(x, shape),
    broadcastView(y, shape),
    outDtype,
  );
  return [fromStorage(storage, shape, outDtype, x.device), x, y];
}

const BOOL_KERNEL: Partial<Record<BinaryOp, BinaryOp>> = {
  add: "or",
  mul: "and",
  maximum: "or",
  minimum: "and",
};

/** The compute dtype of add, mul, maximum and minimum: bool with bool stays bool. */
const keepBool = (d: DType): DType => d;

interface Saves {
  x?: boolean;
  y?: boolean;
  out?: boolean;
}

export function arith(
  op: BinaryOp,
  a: TensorLike,
  b: TensorLike,
  name: string,
  rule: (
    g: Tensor,
    x: Tensor,
    y: Tensor,
    out: Tensor,
    need: { x: boolean; y: boolean },
  ) => [Tensor | null, Tensor | null],
  saves: Saves | ((need: { x: boolean; y: boolean }) => Saves),
  compute: (d: DType) => DType = arithmeticType,
): Tensor {
  const [out, x, y] = binaryKernel(op, a, b, compute);
  const xShape = x.shape, yShape = y.shape;
  const needX = x.requiresGrad, needY = y.requiresGrad;
  if (!(needX || needY) || !isGradEnabled()) return out; // nothing to record: skip the bookkeeping
  const need = { x: needX, y: needY };
  const save = typeof saves === "function" ? saves(need) : saves;
  if (!save.x && !save.y && !save.out) { // add, sub: nothing to keep, so no bookkeeping
    return record(out, name, [x, y], (g) => {
      const [gx, gy] = rule(g, unsaved, unsaved, unsaved, need);
      return [needX && gx ? sumTo(gx, xShape) : null, needY && gy ? sumTo(gy, yShape) : null];
    });
  }
  // A constant scalar operand (a JS number) is kept by the closure rather than saved, so, as
  // in PyTorch, x.mul(2) frees nothing and can be backpropagated through again. Each slot is
  // then: not needed (-1), held by the closure (-2), or its index among the saved tensors.
  const saved: Tensor[] = [];
  const slot = (wanted: boolean | undefined, t: Tensor) =>
    !wanted ? -1 : t.ndim === 0 && !t.requiresGrad ? -2 : saved.push(t) - 1;
  const sx = slot(save.x, x), sy = slot(save.y, y), so = slot(save.out, out);
  // The rule reaches x, y and out only through these and `s`, so a released node keeps none.
  const hx = sx === -2 ? x : null, hy = sy === -2 ? y : null, ho = so === -2 ? out : null;
  const pick = (i: number, held: Tensor | null, s: readonly Tensor[]) =>
    i === -1 ? unsaved : i === -2 ? held! : s[i];
  const backward: BackwardFn = (g, s) => {
    const [gx, gy] = rule(g, pick(sx, hx, s), pick(sy, hy, s), pick(so, ho, s), need);
    return [needX && gx ? sumTo(gx, xShape) : null, needY && gy ? sumTo(gy, yShape) : null];
  };
  return record(out, name, [x, y], backward, saved);
}

/** Stands in for a tensor a rule declared it does not read; touching it is a bug. */
const unsaved = new Proxy({}, {
  get() {
    throw new Error("gradiente internal error: a backward rule read a tensor it did not save.");
  },
}) as Tensor;

export function add(a: TensorLike, b: TensorLike, alpha?: number): Tensor {
  if (alpha !== undefined && alpha !== 1) return add(a, mul(b, alpha));
  return arith("add", a, b, "AddBackward", (g) => [g, g], {}, keepBool);
}

const isBool = (v: TensorLike) =>
  typeof v === "boolean" || (typeof v === "object" && "dtype" in v && v.dtype === "bool");

export function sub(a: TensorLike, b: TensorLike, alpha?: number): Tensor {
  if (isBool(a) || isBool(b)) {
    throw new Error(
      isBool(a) && isBool(b)
        ? "sub: subtraction of two bool tensors is not supported (as in PyTorch). Use " +
          "logicalXor(a, b) for their exclusive or, or convert them with .int() first."
        : "sub: subtraction with a bool tensor is not supported (as in PyTorch). If you are " +
          "trying to invert a mask, use logicalNot(); otherwise convert it with .int() first.",
    );
  }
  if (alpha !== undefined && alpha !== 1) return sub(a, mul(b, alpha));
  return arith("sub", a, b, "SubBackward", (g) => [g, mul(g, -1)], {});
}

export function mul(a: TensorLike, b: TensorLike): Tensor {
  // Each operand is saved only when the other one needs its gradient.
  return arith(
    "mul",
    a,
    b,
    "MulBackward",
    (g, x, y, _out, need) => [need.x ? mul(g, y) : null, need.y ? mul(g, x) : null],
    (need) => ({ x: need.y, y: need.x }),
    keepBool,
  );
}

export function div(a: TensorLike, b: TensorLike): Tensor {
  return arith(
    "div",
    a,
    b,
    "DivBackward",
    (g, _x, y, out) => [div(g, y), mul(g, div(out, y)).mul(-1)],
    { y: true, out: true },
    floatTypeFor,
  );
}

export function pow(a: TensorLike, b: TensorLike): Tensor {
  if (
    typeof b === "number" && Number.isInteger(b) && b < 0 && typeof a === "object" &&
    "dtype" in a && !isFloat(a.dtype)
  ) {
    throw new Error(
      `pow: integers to negative integer powers are not allowed (a ${a.dtype} tensor to the ` +
        `power ${b}), as in PyTorch. Convert to float first: x.float().pow(${b}).`,
    );
  }
  return arith(
    "pow",
    a,
    b,
    "PowBackward",
    (g, x, y, out) => [
      mul(g, mul(y, pow(x, sub(y, 1)))),
      // d/dy x^y = x^y ln x; where x = 0 PyTorch (and the limit for y > 0) gives 0, not NaN.
      mul(g, where(eq(x, 0), 0, mul(out, log(x)))),
    ],
    { x: true, y: true, out: true },
    (d) => (d === "bool" ? "int32" : d),
  );
}

function extremum(op: "maximum" | "minimum", a: TensorLike, b: TensorLike): Tensor {
  const pick = op === "maximum" ? gt : lt;
  return arith(
    op,
    a,
    b,
    op === "maximum" ? "MaximumBackward" : "MinimumBackward",
    (g, x, y) => {
      // Where both are equal the gradient is split in half, as in PyTorch.
      const w = where(pick(x, y), 1, where(eq(x, y), 0.5, 0));
      return [mul(g, w), mul(g, sub(1, w))];
    },
    { x: true, y: true },
    keepBool,
  );
}

export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return extremum("maximum", a, b);
}

export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return extremum("minimum", a, b);
}
