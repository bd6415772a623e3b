/**
 * The index writes: scatterAdd and scatter (a gather-shaped index) and indexAdd and indexCopy
 * (a 1-D index along one dim), each adding, multiplying or writing src into a copy of the
 * base that the caller made. One loop serves all four: they differ only in where src's
 * elements land (the position lists from indexing.ts) and in how they combine.
 */
import type { TypedArray } from "../../core/dtype.ts";
import { contiguousStrides } from "../../core/shape.ts";
import type { Operand } from "./codegen.ts";
import { indexedPositions, indexList, positions, selectedPositions } from "./indexing.ts";

export type IndexWriteOp = "scatterAdd" | "scatter" | "indexAdd" | "indexCopy";
export type WriteMode = "set" | "add" | "multiply";

/**
 * out (contiguous, outShape, pre-filled with the base): for every element e of index (the
 * gather-shaped ops) or of src (the 1-D-index ops), out[e's position with dim replaced by
 * the index] = src[e], += src[e] or *= src[e].
 */
export function indexWriteInto(
  op: IndexWriteOp,
  mode: WriteMode,
  out: TypedArray,
  outShape: readonly number[],
  dim: number,
  index: Operand,
  src: Operand,
): void {
  const strides = contiguousStrides(outShape);
  const size = outShape[dim] ?? 1;
  let po: Int32Array, ps: Int32Array;
  if (op === "scatterAdd" || op === "scatter") {
    po = indexedPositions(op, index, strides, 0, size, dim);
    ps = positions(index.shape, src.strides, src.offset);
  } else {
    const list = indexList(op, index, size, dim);
    const srcShape = [...outShape];
    if (srcShape.length > 0) srcShape[dim] = list.length;
    po = selectedPositions(srcShape, strides, 0, dim, list);
    ps = positions(srcShape, src.strides, src.offset);
  }
  const sd = src.data;
  if (mode === "add") { for (let f = 0; f < po.length; f++) out[po[f]] += sd[ps[f]]; }
  else if (mode === "multiply") { for (let f = 0; f < po.length; f++) out[po[f]] *= sd[ps[f]]; }
  else for (let f = 0; f < po.length; f++) out[po[f]] = sd[ps[f]];
}
