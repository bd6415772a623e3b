/** Copies and conversions: contiguous, clone, dtype casts and device moves. */
import type { Tensor } from "../tensor/tensor.ts";
import { record } from "../autograd/node.ts";
import {
  type Device,
  type DType,
  isDevice,
  isDType,
  isFloat,
  type TypedArray,
} from "../core/dtype.ts";
import { getBackend } from "../backend/registry.ts";
import { fromStorage } from "./operand.ts";

function copyOf(x: Tensor, dtype: DType, device: Device = x.device): Tensor {
  if (device === x.device) {
    return fromStorage(x._backend.unary("copy", x, dtype), x.shape, dtype, device);
  }
  const host = x._backend.readSync?.(x);
  if (!host) {
    throw new Error(
      `to: moving a tensor off '${x.device}' means reading it back, which is asynchronous ` +
        `there. Use \`await t.toAsync('${device}')\` (or \`await t.cpu()\`).`,
    );
  }
  return moveHost(x, host, dtype, device);
}

function moveHost(x: Tensor, host: TypedArray, dtype: DType, device: Device): Tensor {
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

type Target = DType | Device | { dtype?: DType; device?: Device };

function targetOf(x: Tensor, target: Target): [DType, Device] {
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
  return [dtype, device];
}

export function to(x: Tensor, target: Target): Tensor {
  const [dtype, device] = targetOf(x, target);
  if (dtype === x.dtype && device === x.device) return x;
  return withToBackward(x, copyOf(x, dtype, device));
}

/** to() that also reads back from async-only devices (webgpu -> cpu). */
export async function toAsync(x: Tensor, target: Target): Promise<Tensor> {
  const [dtype, device] = targetOf(x, target);
  if (dtype === x.dtype && device === x.device) return x;
  if (device === x.device || x._backend.readSync) return to(x, target);
  const host = await x._backend.read(x);
  return withToBackward(x, moveHost(x, host, dtype, device));
}

function withToBackward(x: Tensor, out: Tensor): Tensor {
  const dtype = out.dtype;
  if (!isFloat(dtype)) return out; // an integer or bool result carries no gradient
  const inDtype = x.dtype, inDevice = x.device;
  return record(out, "ToCopyBackward", [x], (g) => {
    if (g.device !== inDevice && !g._backend.readSync) {
      throw new Error(
        `backward: a gradient cannot flow from '${g.device}' back to a '${inDevice}' tensor, ` +
          "since reading that device is asynchronous. Make the leaves live where the math " +
          `runs: create them with { device: '${g.device}', requiresGrad: true }, or move the ` +
          `model first with model.to('${g.device}').`,
      );
    }
    return [to(g, { dtype: inDtype, device: inDevice })];
  });
}
