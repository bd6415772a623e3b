/** Integer-index ops: gather / scatterAdd and indexSelect / indexAdd, each the other's gradient. */
import { Tensor, type TensorLike } from "../tensor/tensor.ts";
import { record } from "../autograd/node.ts";
import { normalizeDim, sameShape, shapeStr } from "../core/shape.ts";
import { asTensor, fromStorage, likeOf, zerosOf } from "./operand.ts";
import { to } from "./copy.ts";
import { backwardName } from "./unary.ts";

export function intIndex(op: string, index: TensorLike, like: Tensor): Tensor {
  if (!(index instanceof Tensor)) {
    const values = ArrayBuffer.isView(index)
      ? Array.from(index as unknown as ArrayLike<number>)
      : ([index] as unknown[]).flat(Infinity);
    const bad = values.find((v) => typeof v !== "number" || !Number.isInteger(v));
    if (bad !== undefined) {
      throw new Error(
        `${op}: index values must be integers, got ${bad}. Pass integer positions ` +
          "(a bool mask is not an index here: use where() or maskedFill()).",
      );
    }
  }
  const idx = index instanceof Tensor ? index : asTensor(index, like, "int32");
  if (idx.dtype !== "int32") {
    throw new Error(
      `${op}: index must be an int32 tensor, got ${idx.dtype}. Convert it with .int().`,
    );
  }
  if (idx.device !== like.device) {
    throw new Error(
      `${op}: index is on '${idx.device}' but the tensor is on '${like.device}'; move one of them.`,
    );
  }
  return idx;
}

export function gather(input: TensorLike, dim: number, index: TensorLike): Tensor {
  const x = asTensor(input);
  const d = normalizeDim("gather", dim, x.ndim);
  const idx = intIndex("gather", index, x);
  if (idx.ndim !== x.ndim || idx.shape.some((s, i) => i !== d && s > x.shape[i])) {
    throw new Error(
      `gather: index of shape ${shapeStr(idx.shape)} does not fit input of shape ${
        shapeStr(x.shape)
      } ` +
        `along dim ${d}: it needs the same number of dims and sizes no larger than the input's outside dim ${d}.`,
    );
  }
  const out = fromStorage(x._backend.gather(x, d, idx), idx.shape, x.dtype, x.device);
  return recordRead(out, "GatherBackward", x, d, idx, scatterAdd);
}

/**
 * A read of x at idx along d (gather, indexSelect), recorded: its gradient is g added into
 * zeros of x's shape by the matching write (scatterAdd, indexAdd).
 */
function recordRead(
  out: Tensor,
  name: string,
  x: Tensor,
  d: number,
  idx: Tensor,
  write: typeof scatterAdd,
): Tensor {
  const inShape = x.shape;
  return record(out, name, [x], (g, [i]) => [
    write(zerosOf(inShape, g.dtype, g.device), d, i, g),
  ], [idx]);
}

export function scatterAdd(
  input: TensorLike,
  dim: number,
  index: TensorLike,
  source: TensorLike,
): Tensor {
  return addAt("scatterAdd", input, dim, index, source);
}

/**
 * scatterAdd and indexAdd: the tensor with source added at the index along dim (scatterAdd:
 * an index of source's shape; indexAdd: a 1-D index of slices). The gradient is g for the
 * tensor and, for source, g read back at the index by the matching read (gather, indexSelect).
 */
function addAt(
  op: "scatterAdd" | "indexAdd",
  input: TensorLike,
  dim: number,
  index: TensorLike,
  source: TensorLike,
): Tensor {
  const base = asTensor(input);
  const d = normalizeDim(op, dim, base.ndim);
  const scatter = op === "scatterAdd";
  const idx = scatter ? intIndex(op, index, base) : indexList(op, index, base);
  const src = scatter ? scatterSource(base, idx, source) : indexSource(op, base, d, idx, source);
  const read = scatter ? gather : indexSelect;
  const out = likeOf(base, base._backend[op](base, d, idx, src));
  return record(out, backwardName(op), [base, src], (g, [i]) => [g, read(g, d, i)], [idx]);
}

/** scatterAdd's source, in base's dtype, checked to have the index's shape and base's rank. */
function scatterSource(base: Tensor, idx: Tensor, source: TensorLike): Tensor {
  const src = to(asTensor(source, base), base.dtype);
  if (!sameShape(idx.shape, src.shape) || idx.ndim !== base.ndim) {
    throw new Error(
      `scatterAdd: index ${shapeStr(idx.shape)} and src ${
        shapeStr(src.shape)
      } must have the same shape, ` +
        `with as many dims as the tensor ${shapeStr(base.shape)}.`,
    );
  }
  return src;
}

/** A 1-D (or scalar) int32 index along a dim: indexSelect, indexAdd and indexCopy's. */
export function indexList(op: string, index: TensorLike, like: Tensor): Tensor {
  const idx = intIndex(op, index, like);
  if (idx.ndim > 1) {
    throw new Error(`${op}: index must be 1-D (or a scalar), got shape ${shapeStr(idx.shape)}.`);
  }
  return idx;
}

/** `x`'s shape with dim d the index's length: what indexSelect gives, indexAdd and indexCopy take. */
function alongIndex(x: Tensor, d: number, idx: Tensor): number[] {
  const shape = [...x.shape];
  if (x.ndim > 0) shape[d] = idx.numel();
  return shape;
}

/** indexAdd / indexCopy's source, in x's dtype, checked to be alongIndex(x, d, idx)'s shape. */
export function indexSource(
  op: string,
  x: Tensor,
  d: number,
  idx: Tensor,
  source: TensorLike,
): Tensor {
  const src = to(asTensor(source, x), x.dtype);
  const expected = alongIndex(x, d, idx);
  if (!sameShape(src.shape, expected)) {
    throw new Error(
      `${op}: source has shape ${shapeStr(src.shape)} but must be ${shapeStr(expected)} ` +
        `(the tensor's shape with dim ${d} the length of the index).`,
    );
  }
  return src;
}

export function indexSelect(input: TensorLike, dim: number, index: TensorLike): Tensor {
  const x = asTensor(input);
  const d = normalizeDim("indexSelect", dim, x.ndim);
  const idx = indexList("indexSelect", index, x);
  const out = fromStorage(
    x._backend.indexSelect(x, d, idx),
    alongIndex(x, d, idx),
    x.dtype,
    x.device,
  );
  return recordRead(out, "IndexSelectBackward", x, d, idx, indexAdd);
}

export function indexAdd(
  input: TensorLike,
  dim: number,
  index: TensorLike,
  source: TensorLike,
): Tensor {
  return addAt("indexAdd", input, dim, index, source);
}
