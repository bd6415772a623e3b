/** Embedding: a lookup table of learned vectors. */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { empty, type FactoryOptions } from "./util.ts";
import { normal_ } from "./init.ts";
import * as F from "./functional/layers.ts";
import { checkOptions } from "../core/options.ts";

/**
 * Maps int32 indices of any shape to rows of a weight [numEmbeddings, embeddingDim], which
 * starts as N(0, 1): output shape [...indices, embeddingDim].
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, opts: FactoryOptions = {}) {
    super();
    checkOptions("Embedding", opts, ["dtype", "device"]);
    for (const [k, v] of [["numEmbeddings", numEmbeddings], ["embeddingDim", embeddingDim]]) {
      if (!Number.isInteger(v) || (v as number) < 1) {
        throw new Error(`Embedding: ${k} must be a positive integer, got ${v}.`);
      }
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.weight = new Parameter(empty("Embedding", [numEmbeddings, embeddingDim], opts));
    this.resetParameters();
  }

  resetParameters(): void {
    normal_(this.weight);
  }

  forward(indices: TensorLike): Tensor {
    return F.embedding(indices, this.weight);
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}`;
  }
}
