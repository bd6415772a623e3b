/** Copies and conversions: contiguous, clone, dtype casts and device moves. */
import type { Tensor } from "../tensor/tensor.ts";
import { record } from "../autograd/node.ts";
import { type Device, type DType, isDevice, isDType, isFloat } from "../tensor/dtype.ts";
import { getBackend } from "../backend/backend.ts";
import { fromStorage } from "./operand.ts";

function copyOf(x: Tensor, dtype: DType, device: Device = x.device): Tensor {
  if (device === x.device) {
    return fromStorage(x._backend.unary("copy", x, dtype), x.shape, dtype, device);
  }
  const host = x._backend.readSync?.(x);
  if (!host) {
    throw new Error(
      `to: moving a tensor from '${x.device}' needs an async read; use await t.data() first.`,
    );
  }
  const moved = fromStorage(
    getBackend(device, "to").fromTypedArray(host, x.dtype),
    x.shape,
    x.dtype,
    device,
  );
  return dtype === x.dtype ? moved : copyOf(moved, dtype);
}

export function contiguous(x: Tensor): Tensor {
  if (x.isContiguous()) return x;
  return record(copyOf(x, x.dtype), "ContiguousBackward", [x], (g) => [g]);
}

export function clone(x: Tensor): Tensor {
  return record(copyOf(x, x.dtype), "CloneBackward", [x], (g) => [g]);
}

export function to(x: Tensor, target: DType | Device | { dtype?: DType; device?: Device }): Tensor {
  let dtype = x.dtype, device = x.device;
  if (typeof target === "string") {
    if (isDType(target)) dtype = target;
    else if (isDevice(target)) device = target;
    else {
      throw new Error(
        `to: unknown dtype or device '${target}'. Use one of float32, float64, int32, bool, or cpu, webgpu.`,
      );
    }
  } else {
    dtype = target.dtype ?? dtype;
    device = target.device ?? device;
    if (!isDType(dtype) || !isDevice(device)) {
      throw new Error(
        `to: unknown ${isDType(dtype) ? `device '${device}'` : `dtype '${dtype}'`}. ` +
          "Use one of float32, float64, int32, bool, or cpu, webgpu.",
      );
    }
  }
  if (dtype === x.dtype && device === x.device) return x;
  const out = copyOf(x, dtype, device);
  if (!isFloat(dtype)) return out; // an integer or bool result carries no gradient
  const inDtype = x.dtype, inDevice = x.device;
  return record(out, "ToCopyBackward", [x], (g) => [to(g, { dtype: inDtype, device: inDevice })]);
}
