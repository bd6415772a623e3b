/** cat, stack, split and chunk. */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { record } from "../autograd/node.ts";
import { promoteTypes } from "../core/dtype.ts";
import { normalizeDim, shapeStr } from "../core/shape.ts";
import { asTensor, zerosOf } from "./operand.ts";
import { to } from "./copy.ts";
import { unsqueeze } from "./view.ts";
import { narrow } from "./indexing.ts";

export function cat(tensors: readonly TensorLike[], dim = 0): Tensor {
  if (tensors.length === 0) throw new Error("cat: expected a non-empty list of tensors.");
  const ts0 = tensors.map((t) => asTensor(t));
  const dtype = ts0.map((t) => t.dtype).reduce(promoteTypes);
  const ts = ts0.map((t) => to(t, dtype));
  const first = ts[0];
  const d = normalizeDim("cat", dim, first.ndim);
  ts.forEach((t, i) => {
    const ok = t.ndim === first.ndim && t.shape.every((s, j) => j === d || s === first.shape[j]);
    if (!ok || t.device !== first.device) {
      throw new Error(
        `cat: tensor ${i} has shape ${
          shapeStr(t.shape)
        } on '${t.device}', which does not match tensor 0's ` +
          `${
            shapeStr(first.shape)
          } on '${first.device}': all sizes must agree except along dim ${d}.`,
      );
    }
  });
  const sizes = ts.map((t) => t.shape[d]);
  const shape = [...first.shape];
  shape[d] = sizes.reduce((a, b) => a + b, 0);
  const out = zerosOf(shape, dtype, first.device);
  let at = 0;
  for (const t of ts) {
    const dst = narrow(out.detach(), d, at, t.shape[d]);
    out._backend.assign(dst, t);
    at += t.shape[d];
  }
  return record(out, "CatBackward", ts, (g) => {
    let start = 0;
    return sizes.map((n) => {
      const part = narrow(g, d, start, n);
      start += n;
      return part;
    });
  });
}

export function stack(tensors: readonly TensorLike[], dim = 0): Tensor {
  if (tensors.length === 0) throw new Error("stack: expected a non-empty list of tensors.");
  const ts = tensors.map((t) => asTensor(t));
  ts.forEach((t, i) => {
    if (t.shape.join() !== ts[0].shape.join()) {
      throw new Error(
        `stack: all tensors must have the same shape, but tensor ${i} is ${
          shapeStr(t.shape)
        } and tensor 0 is ` +
          `${shapeStr(ts[0].shape)}.`,
      );
    }
  });
  const d = normalizeDim("stack", dim, ts[0].ndim + 1);
  return cat(ts.map((t) => unsqueeze(t, d)), d);
}

/** Splits into pieces of `size` (the last may be smaller) or of the listed sizes. */
export function split(x: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  const d = normalizeDim("split", dim, x.ndim);
  const total = x.shape[d];
  let sizes: number[];
  if (typeof sizeOrSections === "number") {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections <= 0) {
      throw new Error(`split: split size must be a positive integer, got ${sizeOrSections}.`);
    }
    sizes = [];
    for (let at = 0; at < total; at += sizeOrSections) {
      sizes.push(Math.min(sizeOrSections, total - at));
    }
    if (total === 0) sizes = [0];
  } else {
    sizes = [...sizeOrSections];
    const sum = sizes.reduce((a, b) => a + b, 0);
    if (sum !== total) {
      throw new Error(
        `split: section sizes [${
          sizes.join(", ")
        }] add up to ${sum}, but dim ${d} has size ${total}.`,
      );
    }
  }
  let start = 0;
  return sizes.map((n) => {
    const part = narrow(x, d, start, n);
    start += n;
    return part;
  });
}

/** Splits into `chunks` pieces of ceil(size / chunks) (fewer if the dim is small), as PyTorch. */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) {
    throw new Error(`chunk: the number of chunks must be a positive integer, got ${chunks}.`);
  }
  const d = normalizeDim("chunk", dim, x.ndim);
  const size = Math.max(1, Math.ceil(x.shape[d] / chunks));
  return split(x, size, d);
}
