/** where(cond, a, b) and maskedFill. */
import { Tensor, type TensorLike } from "../tensor/tensor.ts";
import { record } from "../autograd/node.ts";
import { broadcastShapes, sameShape, shapeStr } from "../core/shape.ts";
import { asTensor, fromStorage, operands, zerosOf } from "./operand.ts";
import { to } from "./copy.ts";
import { broadcastView } from "./binary.ts";
import { sumTo } from "./reduce.ts";

function boolCondition(op: string, c: TensorLike, like: Tensor): Tensor {
  const cond = asTensor(c, like, typeof c === "number" ? "bool" : undefined);
  if (cond.dtype !== "bool") {
    throw new Error(
      `${op}: the condition must be a bool tensor, got ${cond.dtype}. Build it with a comparison ` +
        "(e.g. x.gt(0)) or convert it with .bool().",
    );
  }
  return cond;
}

/** Elementwise cond ? a : b, broadcasting all three. */
export function where(condition: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  if (condition instanceof Tensor && !(a instanceof Tensor) && !(b instanceof Tensor)) {
    // Two plain values live where the condition does, in the dtype PyTorch gives two Python
    // scalars: bool for two booleans, float32 if either is fractional, else the integer dtype.
    const values = [a, b].filter((v) => typeof v === "number" || typeof v === "boolean");
    const dt = values.every((v) => typeof v === "boolean")
      ? "bool"
      : values.some((v) => !Number.isInteger(Number(v)))
      ? "float32"
      : "int32";
    const scalar = (v: TensorLike) =>
      typeof v === "number" || typeof v === "boolean" ? asTensor(v, condition, dt) : v;
    a = scalar(a);
    b = scalar(b);
  }
  const [x0, y0, dt] = operands("where", a, b);
  const cond = boolCondition("where", condition, x0);
  const x = to(x0, dt), y = to(y0, dt);
  const shape = broadcastShapes("where", cond.shape, x.shape, y.shape);
  const storage = x._backend.where(
    broadcastView(cond, shape),
    broadcastView(x, shape),
    broadcastView(y, shape),
    dt,
  );
  const out = fromStorage(storage, shape, dt, x.device);
  const xShape = x.shape, yShape = y.shape;
  return record(out, "WhereBackward", [x, y], (g, [c]) => {
    const zero = zerosOf([], g.dtype, g.device);
    return [sumTo(where(c, g, zero), xShape), sumTo(where(c, zero, g), yShape)];
  }, [cond]);
}

/** A copy of x with `value` wherever mask (broadcastable to x) is true. */
export function maskedFill(input: TensorLike, mask: TensorLike, value: number): Tensor {
  const x = asTensor(input);
  const m = boolCondition("maskedFill", mask, x);
  const shape = broadcastShapes("maskedFill", x.shape, m.shape);
  if (!sameShape(shape, x.shape)) {
    throw new Error(
      `maskedFill: the mask of shape ${shapeStr(m.shape)} must broadcast to the tensor's shape ` +
        `${shapeStr(x.shape)}, but broadcasting gives ${shapeStr(shape)}.`,
    );
  }
  const fill = asTensor(value, x, x.dtype);
  return where(m, fill, x);
}
