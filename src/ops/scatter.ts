/** scatter (write, add or multiply along a dim), indexCopy and takeAlongDim. */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { record } from "../autograd/node.ts";
import { broadcastShapes, normalizeDim, sameShape, shapeStr } from "../core/shape.ts";
import { checkOptions } from "../core/options.ts";
import { asTensor, likeOf, zerosOf } from "./operand.ts";
import { to } from "./copy.ts";
import { expand, reshape } from "./view.ts";
import { gather, indexList, indexSelect, indexSource, intIndex, scatterAdd } from "./gather.ts";
import { index } from "./indexing.ts";

export interface ScatterOptions {
  /** How a source value lands: replace (default), "add" or "multiply". */
  reduce?: "add" | "multiply";
}

function checkScatterShapes(x: Tensor, d: number, idx: Tensor, src: Tensor | null): void {
  const fits = idx.ndim === x.ndim &&
    idx.shape.every((s, i) => (i === d || s <= x.shape[i]) && (!src || s <= src.shape[i])) &&
    (!src || src.ndim === idx.ndim);
  if (!fits) {
    throw new Error(
      `scatter: index of shape ${shapeStr(idx.shape)} does not fit the tensor of shape ${
        shapeStr(x.shape)
      }${src ? ` and src of shape ${shapeStr(src.shape)}` : ""} along dim ${d}: all need the ` +
        `same number of dims, and the index no larger than src anywhere nor than the tensor ` +
        `outside dim ${d}.`,
    );
  }
}

/**
 * torch.scatter: a copy of x with src (or a scalar value) written at the positions `index`
 * names along `dim` (out[i][index[i][j]] = src[i][j] for dim 1), or added / multiplied in.
 */
export function scatter(
  input: TensorLike,
  dim: number,
  index_: TensorLike,
  src: TensorLike,
  options?: ScatterOptions,
): Tensor {
  const x = asTensor(input);
  const { reduce } = checkOptions("scatter", options, ["reduce"]);
  if (reduce !== undefined && reduce !== "add" && reduce !== "multiply") {
    throw new Error(`scatter: reduce must be "add" or "multiply", got '${reduce}'.`);
  }
  const d = normalizeDim("scatter", dim, x.ndim);
  const idx = intIndex("scatter", index_, x);
  const scalar = typeof src === "number" || typeof src === "boolean";
  const full = scalar ? null : to(asTensor(src, x), x.dtype);
  checkScatterShapes(x, d, idx, full);
  // Only the index-shaped corner of src is used; slicing it keeps src's gradient its shape.
  const s = full
    ? (sameShape(full.shape, idx.shape) ? full : index(full, idx.shape.map((n) => ({ stop: n }))))
    : asTensor(Number(src), x, x.dtype);
  const sv = s.ndim === idx.ndim ? s : expand(s, idx.shape);
  if (reduce === "add") return scatterAdd(x, d, idx, sv);
  const mode = reduce === "multiply" ? "multiply" : "none";
  const out = likeOf(x, x._backend.scatter(x, d, idx, sv, mode));
  const inputs = full ? [x, s] : [x];
  if (mode === "multiply") {
    return record(out, "ScatterReduceBackward", inputs, () => {
      throw new Error(
        "backward: the derivative of scatter with reduce 'multiply' is not implemented (as in " +
          "PyTorch). Use mul() with a scattered tensor of factors instead.",
      );
    });
  }
  return record(out, "ScatterBackward", inputs, (g, [i]) => {
    const gx = scatter(g, d, i, 0);
    return full ? [gx, gather(g, d, i)] : [gx];
  }, [idx]);
}

/** torch.index_copy: a copy of x with src's slices written at a 1-D index along dim. */
export function indexCopy(
  input: TensorLike,
  dim: number,
  index_: TensorLike,
  source: TensorLike,
): Tensor {
  const x = asTensor(input);
  const d = normalizeDim("indexCopy", dim, x.ndim);
  const idx = indexList("indexCopy", index_, x);
  const src = indexSource("indexCopy", x, d, idx, source);
  const out = likeOf(x, x._backend.indexCopy(x, d, idx, src));
  const srcShape = src.shape;
  return record(out, "IndexCopyBackward", [x, src], (g, [i]) => [
    indexCopy(g, d, i, zerosOf(srcShape, g.dtype, g.device)),
    indexSelect(g, d, i),
  ], [idx]);
}

/**
 * torch.take_along_dim: gather with broadcasting (x and indices broadcast outside dim); with
 * no dim, picks from the flattened x.
 */
export function takeAlongDim(input: TensorLike, indices: TensorLike, dim?: number | null): Tensor {
  const x = asTensor(input);
  const idx = intIndex("takeAlongDim", indices, x);
  if (dim === undefined || dim === null) return gather(reshape(x, [-1]), 0, reshape(idx, [-1]));
  const d = normalizeDim("takeAlongDim", dim, x.ndim);
  if (idx.ndim !== x.ndim) {
    throw new Error(
      `takeAlongDim: the tensor and the indices need the same number of dims, got ${x.ndim} ` +
        `(shape ${shapeStr(x.shape)}) and ${idx.ndim} (shape ${shapeStr(idx.shape)}). ` +
        "Unsqueeze the indices.",
    );
  }
  const outside = (s: readonly number[]) => s.map((n, i) => (i === d ? 1 : n));
  let shape: number[];
  try {
    shape = broadcastShapes("takeAlongDim", outside(x.shape), outside(idx.shape));
  } catch {
    throw new Error(
      `takeAlongDim: the tensor of shape ${shapeStr(x.shape)} and indices of shape ${
        shapeStr(idx.shape)
      } do not broadcast outside dim ${d}.`,
    );
  }
  const withDim = (n: number) => shape.map((s, i) => (i === d ? n : s));
  return gather(expand(x, withDim(x.shape[d])), d, expand(idx, withDim(idx.shape[d])));
}
