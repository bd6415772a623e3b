/** Turning op arguments into tensors, and small argument helpers shared by every op. */
import { Tensor, type TensorLike } from "../tensor/tensor.ts";
import {
  type Device,
  type DType,
  dtypeOfTypedArray,
  promoteWithScalar,
  resultType,
} from "../core/dtype.ts";
import { flattenNested } from "../core/nested.ts";
import type { Storage } from "../backend/backend.ts";
import { getBackend } from "../backend/registry.ts";

/** A new tensor over freshly computed contiguous storage. */
export function fromStorage(
  storage: Storage,
  shape: readonly number[],
  dtype: DType,
  device: Device,
): Tensor {
  return new Tensor(storage, shape, dtype, device);
}

/** A new tensor over fresh storage in x's shape, dtype and device (e.g. a scatter's result). */
export function likeOf(x: Tensor, storage: Storage): Tensor {
  return fromStorage(storage, x.shape, x.dtype, x.device);
}

/** Converts a number / nested array to a tensor on `like`'s device (keeps tensors as they are). */
export function asTensor(x: TensorLike, like?: Tensor, dtype?: DType): Tensor {
  if (x instanceof Tensor) return x;
  const device = like?.device ?? "cpu";
  if (typeof x === "number" || typeof x === "boolean") {
    const dt = dtype ??
      (typeof x === "boolean" ? "bool" : like ? promoteWithScalar(like.dtype, x) : "float32");
    return fromStorage(getBackend(device).full(1, Number(x), dt), [], dt, device);
  }
  if (ArrayBuffer.isView(x)) {
    const dt = dtype ?? dtypeOfTypedArray(x) ?? "float32";
    return fromStorage(
      getBackend(device).fromTypedArray(x as never, dt),
      [(x as unknown as ArrayLike<number>).length],
      dt,
      device,
    );
  }
  const flat = flattenNested(x);
  // Integers beside a bool tensor are int32: bool storage cannot hold them.
  const intLike = like && (like.dtype === "bool" ? "int32" : like.dtype);
  const dt = dtype ?? (flat.allBool ? "bool" : intLike && flat.allInt ? intLike : "float32");
  const arr = getBackend("cpu").full(flat.values.length, 0, dt) as Float64Array;
  arr.set(flat.values);
  const cpu = fromStorage(arr, flat.shape, dt, "cpu");
  return device === "cpu" ? cpu : cpu.to(device);
}

/**
 * Converts both operands of a binary op. A JS number is a "weak" scalar (it takes the other
 * operand's dtype unless it needs a float), as Python scalars are in PyTorch.
 */
/** Throws, naming the op, for an argument that is no tensor, number, boolean or array. */
function checkOperand(op: string, v: unknown): void {
  const t = typeof v;
  if (t === "number" || t === "boolean" || v instanceof Tensor) return;
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return;
  throw new TypeError(
    `${op}: expected a tensor, a number, a boolean or a (nested) array, got ${
      v === null ? "null" : t === "string" ? `the string '${v}'` : t
    }.` + (t === "string" ? " Convert it with Number(...) first." : ""),
  );
}

export function operands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor, DType] {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) {
    checkOperand(op, a);
    checkOperand(op, b);
  }
  if (a instanceof Tensor && b instanceof Tensor) {
    if (a.device !== b.device) {
      throw new Error(
        `${op}: expected both tensors on the same device, but found '${a.device}' and '${b.device}'. ` +
          `Move one with .to('${a.device}') or .to('${b.device}').`,
      );
    }
    return [a, b, resultType(a, b)];
  }
  if (a instanceof Tensor) {
    const dt = typeof b === "number" || typeof b === "boolean"
      ? promoteWithScalar(a.dtype, b)
      : undefined;
    const bt = asTensor(b, a, dt);
    return [a, bt, dt ?? resultType(a, bt)];
  }
  if (b instanceof Tensor) {
    const [bt, at, dt] = operands(op, b, a);
    return [at, bt, dt];
  }
  const at = asTensor(a);
  return operands(op, at, b);
}

/** Accepts both f(2, 3) and f([2, 3]) for shape-like varargs. */
export function shapeArgs(args: readonly (number | readonly number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as readonly number[])];
  return args as number[];
}

export function onesLikeOf(t: Tensor): Tensor {
  return likeOf(t, getBackend(t.device).full(t.numel(), 1, t.dtype));
}

export function zerosOf(shape: readonly number[], dtype: DType, device: Device): Tensor {
  let n = 1;
  for (const s of shape) n *= s;
  return fromStorage(getBackend(device).full(n, 0, dtype), shape, dtype, device);
}

/**
 * `t` itself when it is on the CPU; otherwise an error naming the op, the argument, why the op
 * needs the CPU (it reads values synchronously) and the fix.
 */
export function requireCpu(op: string, name: string, t: Tensor, why: string): Tensor {
  if (t.device !== "cpu") {
    throw new Error(
      `${op}: ${why}, but ${name} lives on '${t.device}'. Bring it over first: ` +
        `await ${name}.cpu().`,
    );
  }
  return t;
}
