/** Pooling layers: max, avg and adaptive pools, and maxUnpool2d. */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { Module } from "./module.ts";
import { checkOptions } from "../core/options.ts";
import * as F from "../ops/pool.ts";
import type { ValuesIndices } from "../ops/values_indices.ts";

const show = (v: unknown): string =>
  Array.isArray(v) ? `(${v.map((x) => x === null ? "None" : String(x)).join(", ")})` : String(v);

type MaxOptions<R extends boolean> = Omit<F.MaxPoolOptions, "returnIndices"> & {
  returnIndices?: R;
};
/** What a pool with returnIndices R returns: the values, or [values, indices]. */
export type PoolResult<R extends boolean> = R extends true ? ValuesIndices : Tensor;

/** Shared by MaxPool1d / MaxPool2d: the options kept as PyTorch's module attributes. */
abstract class MaxPoolNd<R extends boolean> extends Module {
  readonly kernelSize: F.PoolSize;
  readonly stride: F.PoolSize;
  readonly padding: F.PoolSize;
  readonly dilation: F.PoolSize;
  readonly ceilMode: boolean;
  readonly returnIndices: R;

  constructor(name: string, kernelSize: F.PoolSize, options: MaxOptions<R> = {}) {
    super();
    const o = checkOptions(name, options, [
      "stride",
      "padding",
      "dilation",
      "ceilMode",
      "returnIndices",
    ]);
    this.kernelSize = kernelSize;
    this.stride = o.stride ?? kernelSize;
    this.padding = o.padding ?? 0;
    this.dilation = o.dilation ?? 1;
    this.ceilMode = o.ceilMode ?? false;
    this.returnIndices = (o.returnIndices ?? false) as R;
  }

  protected get opts(): F.MaxPoolOptions {
    const { stride, padding, dilation, ceilMode, returnIndices } = this;
    return { stride, padding, dilation, ceilMode, returnIndices };
  }

  override extraRepr(): string {
    return `kernelSize=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${
      show(this.padding)
    }, dilation=${show(this.dilation)}, ceilMode=${this.ceilMode}`;
  }
}

/** Max over sliding windows of (N, C, L) or (C, L); returnIndices gives [values, indices]. */
export class MaxPool1d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(kernelSize: F.PoolSize, options?: MaxOptions<R>) {
    super("MaxPool1d", kernelSize, options);
  }

  forward(input: Tensor): PoolResult<R> {
    return F.maxPool1d(input, this.kernelSize, this.opts) as PoolResult<R>;
  }
}

/** Max over sliding windows of (N, C, H, W) or (C, H, W); returnIndices gives [values, indices]. */
export class MaxPool2d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(kernelSize: F.PoolSize, options?: MaxOptions<R>) {
    super("MaxPool2d", kernelSize, options);
  }

  forward(input: Tensor): PoolResult<R> {
    return F.maxPool2d(input, this.kernelSize, this.opts) as PoolResult<R>;
  }
}

abstract class AvgPoolNd extends Module {
  readonly kernelSize: F.PoolSize;
  readonly stride: F.PoolSize;
  readonly padding: F.PoolSize;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(name: string, kernelSize: F.PoolSize, options: F.AvgPoolOptions, keys: string[]) {
    super();
    const o = checkOptions(name, options, keys);
    this.kernelSize = kernelSize;
    this.stride = o.stride ?? kernelSize;
    this.padding = o.padding ?? 0;
    this.ceilMode = o.ceilMode ?? false;
    this.countIncludePad = o.countIncludePad ?? true;
    this.divisorOverride = o.divisorOverride ?? null;
  }

  override extraRepr(): string {
    return `kernelSize=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${
      show(this.padding)
    }`;
  }
}

/** Mean over sliding windows of (N, C, L) or (C, L). */
export class AvgPool1d extends AvgPoolNd {
  constructor(kernelSize: F.PoolSize, options: Omit<F.AvgPoolOptions, "divisorOverride"> = {}) {
    super("AvgPool1d", kernelSize, options, ["stride", "padding", "ceilMode", "countIncludePad"]);
  }

  forward(input: Tensor): Tensor {
    const { stride, padding, ceilMode, countIncludePad } = this;
    return F.avgPool1d(input, this.kernelSize, { stride, padding, ceilMode, countIncludePad });
  }
}

/** Mean over sliding windows of (N, C, H, W) or (C, H, W). */
export class AvgPool2d extends AvgPoolNd {
  constructor(kernelSize: F.PoolSize, options: F.AvgPoolOptions = {}) {
    super("AvgPool2d", kernelSize, options, [
      "stride",
      "padding",
      "ceilMode",
      "countIncludePad",
      "divisorOverride",
    ]);
  }

  forward(input: Tensor): Tensor {
    const { stride, padding, ceilMode, countIncludePad, divisorOverride } = this;
    return F.avgPool2d(input, this.kernelSize, {
      stride,
      padding,
      ceilMode,
      countIncludePad,
      divisorOverride,
    });
  }
}

type OutputSize = number | readonly (number | null)[];

/** Mean over outputSize windows that cover (N, C, L) or (C, L). */
export class AdaptiveAvgPool1d extends Module {
  readonly outputSize: number;
  constructor(outputSize: number) {
    super();
    this.outputSize = outputSize;
  }
  forward(input: Tensor): Tensor {
    return F.adaptiveAvgPool1d(input, this.outputSize);
  }
  override extraRepr(): string {
    return `outputSize=${show(this.outputSize)}`;
  }
}

/** Mean over an outputSize grid of windows; a null entry keeps that input size. */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: OutputSize;
  constructor(outputSize: OutputSize) {
    super();
    this.outputSize = outputSize;
  }
  forward(input: Tensor): Tensor {
    return F.adaptiveAvgPool2d(input, this.outputSize);
  }
  override extraRepr(): string {
    return `outputSize=${show(this.outputSize)}`;
  }
}

/** Max over an outputSize grid of windows; returnIndices gives [values, indices]. */
export class AdaptiveMaxPool2d<R extends boolean = false> extends Module {
  readonly outputSize: OutputSize;
  readonly returnIndices: R;
  constructor(outputSize: OutputSize, options: { returnIndices?: R } = {}) {
    super();
    this.outputSize = outputSize;
    const o = checkOptions("AdaptiveMaxPool2d", options, ["returnIndices"]);
    this.returnIndices = (o.returnIndices ?? false) as R;
  }
  forward(input: Tensor): PoolResult<R> {
    const returnIndices = this.returnIndices;
    return F.adaptiveMaxPool2d(input, this.outputSize, { returnIndices }) as PoolResult<R>;
  }
  override extraRepr(): string {
    return `outputSize=${show(this.outputSize)}`;
  }
}

/** The partial inverse of MaxPool2d: each value written back at its index, zeros elsewhere. */
export class MaxUnpool2d extends Module {
  readonly kernelSize: F.PoolSize;
  readonly stride: F.PoolSize;
  readonly padding: F.PoolSize;
  constructor(kernelSize: F.PoolSize, options: Omit<F.MaxUnpoolOptions, "outputSize"> = {}) {
    super();
    const o = checkOptions("MaxUnpool2d", options, ["stride", "padding"]);
    this.kernelSize = kernelSize;
    this.stride = o.stride ?? kernelSize;
    this.padding = o.padding ?? 0;
  }
  forward(
    input: Tensor,
    indices: TensorLike,
    outputSize?: readonly number[] | null,
  ): Tensor {
    const { stride, padding } = this;
    return F.maxUnpool2d(input, indices, this.kernelSize, { stride, padding, outputSize });
  }
  override extraRepr(): string {
    const pair = (v: F.PoolSize) => show(typeof v === "number" ? [v, v] : v);
    return `kernelSize=${pair(this.kernelSize)}, stride=${pair(this.stride)}, padding=${
      pair(this.padding)
    }`;
  }
}
