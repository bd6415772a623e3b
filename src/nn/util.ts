/** Small helpers shared by the layers. */
import type { Tensor } from "../tensor/tensor.ts";
import { type Device, type DType, isFloat } from "../core/dtype.ts";
import { zeros } from "../tensor/creation.ts";

/** Where a layer creates its parameters. */
export interface FactoryOptions {
  dtype?: DType;
  device?: Device;
}

/** The dtype (float32 by default; it must be a float type) and device for a layer's parameters. */
export function factory(op: string, opts: FactoryOptions): { dtype: DType; device?: Device } {
  const dtype = opts.dtype ?? "float32";
  if (!isFloat(dtype)) {
    throw new Error(`${op}: parameters must be float32 or float64, got dtype '${dtype}'.`);
  }
  return { dtype, device: opts.device };
}

/** A zero-filled float tensor for a parameter that an init function fills next. */
export function empty(op: string, shape: number[], opts: FactoryOptions): Tensor {
  return zeros(shape, factory(op, opts));
}
