/** Activation layers: thin Modules over nn.functional. */
import type { Tensor } from "../tensor/tensor.ts";
import { Module } from "./module.ts";
import * as F from "./functional/activation.ts";

export class ReLU extends Module {
  forward(input: Tensor): Tensor {
    return F.relu(input);
  }
}

/** max(0, x) + negativeSlope·min(0, x). */
export class LeakyReLU extends Module {
  readonly negativeSlope: number;

  constructor(negativeSlope = 0.01) {
    super();
    this.negativeSlope = negativeSlope;
  }

  forward(input: Tensor): Tensor {
    return F.leakyRelu(input, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

export class Sigmoid extends Module {
  forward(input: Tensor): Tensor {
    return F.sigmoid(input);
  }
}

export class Tanh extends Module {
  forward(input: Tensor): Tensor {
    return F.tanh(input);
  }
}

/** GELU with the exact erf (default) or, with { approximate: "tanh" }, the tanh approximation. */
export class GELU extends Module {
  readonly approximate: "none" | "tanh";

  constructor({ approximate = "none" }: F.GeluOptions = {}) {
    super();
    if (approximate !== "none" && approximate !== "tanh") {
      throw new Error(`GELU: approximate must be "none" or "tanh", got "${approximate}".`);
    }
    this.approximate = approximate;
  }

  forward(input: Tensor): Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }

  override extraRepr(): string {
    return `approximate="${this.approximate}"`;
  }
}

/** Softmax along `dim`: each slice along it becomes a probability distribution. */
export class Softmax extends Module {
  readonly dim: number;

  constructor(dim: number) {
    super();
    this.dim = checkDim("Softmax", dim);
  }

  forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** log(softmax(x)) along `dim`, computed stably in one pass. */
export class LogSoftmax extends Module {
  readonly dim: number;

  constructor(dim: number) {
    super();
    this.dim = checkDim("LogSoftmax", dim);
  }

  forward(input: Tensor): Tensor {
    return F.logSoftmax(input, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

function checkDim(op: string, dim: number): number {
  if (!Number.isInteger(dim)) {
    throw new Error(
      `${op}: dim must be an integer, got ${dim}. Pass the class dim, e.g. new nn.${op}(1) for [N, C].`,
    );
  }
  return dim;
}
