/**
 * The sort kernel: one thread per element counts the elements of its row that sort before it
 * (NaN largest, ties by position) and writes itself at that rank. That is one pass, stable by
 * construction, with no power-of-two padding and no workgroup-memory limit on the row length,
 * at O(len²) work per row: the right trade for rows up to a few thousand elements (top-k of
 * logits, medians of batches). Long rows would want a bitonic or merge sort instead.
 */
import type { View } from "../backend.ts";
import { contiguousStrides, numelOf } from "../../core/shape.ts";
import { bindings, forEachDim, ISNAN_WGSL, perElementShader, wgslType } from "./wgsl.ts";
import { type GpuRuntime, type GpuStorage, viewBuffer } from "./runtime.ts";

/** WGSL `before(a, ia, b, ib)`: does a (at position ia) sort before b (at ib)? */
function beforeFn(t: "f32" | "i32" | "u32"): string {
  const nan = t === "f32"
    ? `let an = isnan_(a);
  let bn = isnan_(b);
  if (an) { return select(bn && ia < ib, !bn || ia < ib, desc); }
  if (bn) { return !desc; }`
    : "";
  return `${t === "f32" ? ISNAN_WGSL : ""}
fn before(a: ${t}, ia: i32, b: ${t}, ib: i32, desc: bool) -> bool {
  ${nan}
  if (a == b) { return ia < ib; }
  return select((a < b), (a > b), desc);
}`;
}

export function sortKernel(
  rt: GpuRuntime,
  x: View,
  dim: number,
  descending: boolean,
): [GpuStorage, GpuStorage] {
  const t = wgslType(x.dtype, "sort");
  const n = numelOf(x.shape);
  const values = rt.alloc(n, "sort");
  const indices = rt.alloc(n, "sort");
  if (n === 0) return [values, indices];
  const nd = x.shape.length;
  const pipeline = rt.pipeline(`sort:${t}`, () =>
    perElementShader(
      `${bindings([["x", t], ["vals", t, "read_write"], ["idx", "i32", "read_write"]])}
${beforeFn(t)}`,
      `// prm: n, nd, dim, len, desc, inner, shape[nd], xOff, xStrides[nd]
  let nd = prm[1];
  let dim = prm[2];
  let len = prm[3];
  let desc = prm[4] != 0;
  var xo = prm[6 + nd];
  var c = 0;
  ${forEachDim("6", "xo += q * prm[7 + nd + d];\n    if (d == dim) { c = q; }")}
  let st = prm[7 + nd + dim];
  let row = xo - c * st;
  let me = x[xo];
  var rank = 0;
  for (var j = 0; j < len; j++) {
    if (j != c && before(x[row + j * st], j, me, c, desc)) { rank++; }
  }
  let at = i + (rank - c) * prm[5];
  vals[at] = me;
  idx[at] = c;`,
    ));
  rt.dispatchElements(
    pipeline,
    [viewBuffer(x, "sort"), values.live("sort"), indices.live("sort")],
    [
      n,
      nd,
      dim,
      x.shape[dim],
      descending ? 1 : 0,
      contiguousStrides(x.shape)[dim],
      ...x.shape,
      x.offset,
      ...x.strides,
    ],
    n,
  );
  return [values, indices];
}
