/** Integer-index ops: gather / scatterAdd and indexSelect / indexAdd, each the other's gradient. */
import { Tensor, type TensorLike } from "../tensor/tensor.ts";
import { record } from "../autograd/node.ts";
import { normalizeDim, sameShape, shapeStr } from "../core/shape.ts";
import { asTensor, fromStorage, zerosOf } from "./operand.ts";
import { to } from "./copy.ts";

function intIndex(op: string, index: TensorLike, like: Tensor): Tensor {
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
  const inShape = x.shape;
  return record(out, "GatherBackward", [x], (g, [i]) => [
    scatterAdd(zerosOf(inShape, g.dtype, g.device), d, i, g),
  ], [idx]);
}

export function scatterAdd(
  input: TensorLike,
  dim: number,
  index: TensorLike,
  source: TensorLike,
): Tensor {
  const base = asTensor(input);
  const d = normalizeDim("scatterAdd", dim, base.ndim);
  const idx = intIndex("scatterAdd", index, base);
  const src = to(asTensor(source, base), base.dtype);
  if (!sameShape(idx.shape, src.shape) || idx.ndim !== base.ndim) {
    throw new Error(
      `scatterAdd: index ${shapeStr(idx.shape)} and src ${
        shapeStr(src.shape)
      } must have the same shape, ` +
        `with as many dims as the tensor ${shapeStr(base.shape)}.`,
    );
  }
  const out = fromStorage(
    base._backend.scatterAdd(base, d, idx, src),
    base.shape,
    base.dtype,
    base.device,
  );
  return record(out, "ScatterAddBackward", [base, src], (g, [i]) => [g, gather(g, d, i)], [idx]);
}

function indexList(op: string, index: TensorLike, like: Tensor): Tensor {
  const idx = intIndex(op, index, like);
  if (idx.ndim > 1) {
    throw new Error(`${op}: index must be 1-D (or a scalar), got shape ${shapeStr(idx.shape)}.`);
  }
  return idx;
}

export function indexSelect(input: TensorLike, dim: number, index: TensorLike): Tensor {
  const x = asTensor(input);
  const d = normalizeDim("indexSelect", dim, x.ndim);
  const idx = indexList("indexSelect", index, x);
  const shape = [...x.shape];
  if (x.ndim > 0) shape[d] = idx.numel();
  const out = fromStorage(x._backend.indexSelect(x, d, idx), shape, x.dtype, x.device);
  const inShape = x.shape;
  return record(out, "IndexSelectBackward", [x], (g, [i]) => [
    indexAdd(zerosOf(inShape, g.dtype, g.device), d, i, g),
  ], [idx]);
}

export function indexAdd(
  input: TensorLike,
  dim: number,
  index: TensorLike,
  source: TensorLike,
): Tensor {
  const base = asTensor(input);
  const d = normalizeDim("indexAdd", dim, base.ndim);
  const idx = indexList("indexAdd", index, base);
  const src = to(asTensor(source, base), base.dtype);
  const expected = [...base.shape];
  if (base.ndim > 0) expected[d] = idx.numel();
  if (!sameShape(src.shape, expected)) {
    throw new Error(
      `indexAdd: source has shape ${shapeStr(src.shape)} but must be ${shapeStr(expected)} ` +
        `(the tensor's shape with dim ${d} the length of the index).`,
    );
  }
  const out = fromStorage(
    base._backend.indexAdd(base, d, idx, src),
    base.shape,
    base.dtype,
    base.device,
  );
  return record(out, "IndexAddBackward", [base, src], (g, [i]) => [g, indexSelect(g, d, i)], [idx]);
}
