/**
 * The index writes: scatterAdd and scatter (a gather-shaped index) and indexAdd and indexCopy
 * (a 1-D index along one dim), each adding, multiplying or writing src into a copy of the
 * base. One kernel serves all four: they differ only in where src's elements land and in
 * the WGSL `writeAt` that combines them.
 *
 * WGSL has atomics on whole words only, so float adds and all multiplies run a compare-and-
 * swap loop on the bits; sums over repeated indices therefore land in any order, as on CUDA.
 * Positions that fall outside the output are skipped, never written out of bounds; the
 * index check (checkIndex) reports them at the next read with the CPU's message.
 */
import type { View } from "../backend.ts";
import type { DType } from "../../core/dtype.ts";
import { contiguousStrides, numelOf } from "../../core/shape.ts";
import { bindings, forEachDim, perElementShader, type WgslType, wgslType } from "./wgsl.ts";
import { type GpuRuntime, type GpuStorage, viewBuffer } from "./runtime.ts";
import { copyInto } from "./elementwise.ts";
import { checkIndex } from "./indexing.ts";

export type IndexWriteOp = "scatterAdd" | "scatter" | "indexAdd" | "indexCopy";
export type WriteMode = "set" | "add" | "multiply";

/** How an index-writing kernel puts a value into `out`: WGSL `fn writeAt(p: i32, s: T)`. */
interface IndexWrite {
  /** `out`'s array element type (an atomic one for the compare-and-swap loops). */
  element: string;
  fn: string;
}

/**
 * A compare-and-swap loop writing combine(old, s) at out[p], over `out` declared as
 * `atomic<u32>`: WGSL has atomics on whole words only, not float (or multiply) updates.
 */
function casWrite(t: "f32" | "i32", combine: (old: string) => string): IndexWrite {
  return {
    element: "atomic<u32>",
    fn: `fn writeAt(p: i32, s: ${t}) {
  var old = atomicLoad(&out[p]);
  loop {
    let v = ${combine(`bitcast<${t}>(old)`)};
    let r = atomicCompareExchangeWeak(&out[p], old, bitcast<u32>(v));
    if (r.exchanged) { break; }
    old = r.old_value;
  }
}`,
  };
}

/** The atomic add for one element type. */
function atomicAdd(t: "f32" | "i32"): IndexWrite {
  if (t === "i32") {
    return {
      element: "atomic<i32>",
      fn: "fn writeAt(p: i32, s: i32) { atomicAdd(&out[p], s); }",
    };
  }
  return casWrite(t, (old) => `${old} + s`);
}

function addType(op: string, dtype: DType): "f32" | "i32" {
  const t = wgslType(dtype, op);
  if (t === "u32") {
    throw new Error(
      `${op}: bool tensors cannot be summed into on webgpu; convert to .int() first.`,
    );
  }
  return t;
}

/** The WGSL writeAt for a mode over elements of type t. */
function writeFn(mode: WriteMode, t: WgslType): IndexWrite {
  if (mode === "set") return { element: t, fn: `fn writeAt(p: i32, s: ${t}) { out[p] = s; }` };
  if (t === "u32") {
    throw new Error("scatter: bool tensors cannot be multiplied into; convert with .int() first.");
  }
  return mode === "add" ? atomicAdd(t) : casWrite(t, (old) => `${old} * s`);
}

/**
 * out = copy of base; then for every element e of `over` (index's shape for the gather-shaped
 * scatterAdd and scatter, src's for the 1-D-index indexAdd and indexCopy), out[e's position
 * with dim replaced by the index] = src[e], += src[e] or *= src[e] (as `mode` says).
 */
export function indexWriteKernel(
  rt: GpuRuntime,
  op: IndexWriteOp,
  mode: WriteMode,
  base: View,
  dim: number,
  index: View,
  src: View,
): GpuStorage {
  checkIndex(rt, op, index, base.shape[dim] ?? 1, dim);
  const t = mode === "add" ? addType(op, base.dtype) : wgslType(base.dtype, op);
  const write = writeFn(mode, t);
  const out = rt.alloc(numelOf(base.shape), op);
  copyInto(rt, base, base.dtype, out);
  const gatherShaped = op === "scatterAdd" || op === "scatter";
  const over = gatherShaped ? index.shape : src.shape;
  const n = numelOf(over);
  if (n === 0) return out;
  const nd = over.length;
  const srcType = wgslType(src.dtype, op);
  // Gather-shaped ops read their index at each element's coordinates; the others at dim's.
  const indexAt = gatherShaped
    ? "io += q * prm[5 + nd + d];"
    : "if (d == dim) { io += q * prm[5 + nd]; }";
  const pipeline = rt.pipeline(`${op}:${mode}:${t}:${srcType}`, () =>
    perElementShader(
      `${bindings([["src", srcType], ["idx", "i32"], ["out", write.element, "read_write"]])}
${write.fn}`,
      `// prm: n, nd, dim, size, over[nd], idxOff, idxStrides[nd], srcOff, srcStrides[nd], outStrides[nd]
  let nd = prm[1];
  let dim = prm[2];
  var io = prm[4 + nd];
  var so = prm[5 + 2 * nd];
  var oo = 0;
  ${
        forEachDim(
          "4",
          `${indexAt}
    so += q * prm[6 + 2 * nd + d];
    if (d != dim) { oo += q * prm[6 + 3 * nd + d]; }`,
        )
      }
  var k = idx[io];
  if (k < 0) { k += prm[3]; }
  if (k < 0 || k >= prm[3]) { return; }
  writeAt(oo + k * prm[6 + 3 * nd + dim], ${t}(src[so]));`,
    ));
  const idxStrides = gatherShaped
    ? index.strides
    : [index.shape.length === 0 ? 0 : index.strides[0], ...new Array(nd - 1).fill(0)];
  rt.dispatchElements(
    pipeline,
    [viewBuffer(src, op), viewBuffer(index, op), out.live(op)],
    [
      n,
      nd,
      dim,
      base.shape[dim] ?? 1,
      ...over,
      index.offset,
      ...idxStrides,
      src.offset,
      ...src.strides,
      ...contiguousStrides(base.shape),
    ],
    n,
  );
  return out;
}
