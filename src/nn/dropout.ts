/** Dropout. */
import type { Tensor } from "../tensor/tensor.ts";
import { Module } from "./module.ts";
import * as F from "./functional/layers.ts";

/**
 * While training, zeroes each element with probability p and scales the others by 1/(1-p)
 * (inverted dropout); the identity in eval mode.
 */
export class Dropout extends Module {
  readonly p: number;

  constructor(p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) {
      throw new Error(`Dropout: probability p must be between 0 and 1, got ${p}.`);
    }
    this.p = p;
  }

  forward(input: Tensor): Tensor {
    return F.dropout(input, this.p, this.training);
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
