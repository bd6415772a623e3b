/** Linear, Identity and Flatten. */
import type { Tensor } from "../tensor/tensor.ts";
import { empty, type FactoryOptions } from "./util.ts";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import * as F from "./functional/layers.ts";
import { kaimingUniform_, uniform_ } from "./init.ts";
import { checkOptions } from "../core/options.ts";

export interface LinearOptions extends FactoryOptions {
  /** Whether to learn an additive bias (default true). */
  bias?: boolean;
}

/**
 * y = x·Wᵀ + b. The weight has shape [outFeatures, inFeatures]; both it and the bias start
 * as U(-1/√inFeatures, 1/√inFeatures), PyTorch's default (kaiming-uniform with a = √5).
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    checkOptions("Linear", opts, ["bias", "dtype", "device"]);
    for (const [k, v] of [["inFeatures", inFeatures], ["outFeatures", outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 0) {
        throw new Error(`Linear: ${k} must be a non-negative integer, got ${v}.`);
      }
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(empty("Linear", [outFeatures, inFeatures], opts));
    this.bias = opts.bias === false ? null : new Parameter(empty("Linear", [outFeatures], opts));
    this.resetParameters();
  }

  /** Re-draws the weight and bias from PyTorch's default distribution. */
  resetParameters(): void {
    if (this.inFeatures > 0 && this.outFeatures > 0) {
      kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    }
    if (this.bias && this.inFeatures > 0) {
      const bound = 1 / Math.sqrt(this.inFeatures);
      uniform_(this.bias, -bound, bound);
    }
  }

  forward(input: Tensor): Tensor {
    return F.linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${
      this.bias !== null
    }`;
  }
}

/** Returns its input unchanged (a placeholder, e.g. to remove a layer). */
export class Identity extends Module {
  forward(input: Tensor): Tensor {
    return input;
  }
}

/** Flattens dims startDim..endDim into one: [N, 1, 28, 28] -> [N, 784] by default. */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    this.startDim = startDim;
    this.endDim = endDim;
  }

  forward(input: Tensor): Tensor {
    return input.flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}
