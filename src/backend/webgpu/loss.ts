/** Fused cross entropy of logit rows against class indices: one thread per row. */
import type { View } from "../backend.ts";
import { bindings, perElementShader, wgslType } from "./wgsl.ts";
import { type GpuRuntime, type GpuStorage, viewBuffer } from "./runtime.ts";

export function crossEntropyKernel(
  rt: GpuRuntime,
  x: View,
  target: View,
  ignoreIndex: number,
): GpuStorage {
  wgslType(x.dtype, "crossEntropy");
  const [n, c] = x.shape;
  const out = rt.alloc(n, "crossEntropy");
  if (n === 0) return out;
  const pipeline = rt.pipeline("crossEntropyRows", () =>
    perElementShader(
      bindings([["x", "f32"], ["t", "i32"], ["out", "f32", "read_write"]]),
      `// prm: n, c, xOff, tOff, tStride, ignoreIndex
  let c = prm[1];
  let k = t[prm[3] + i * prm[4]];
  if (k == prm[5]) { out[i] = 0.0; return; }
  // A bad target was reported by the loss's device-side check; never read past the row.
  if (k < 0 || k >= c) { out[i] = bitcast<f32>(0x7fc00000u); return; }
  let base = prm[2] + i * c;
  var m = x[base];
  for (var j = 1; j < c; j++) { m = max(m, x[base + j]); }
  var s = 0.0;
  for (var j = 0; j < c; j++) { s += exp(x[base + j] - m); }
  out[i] = log(s) + m - x[base + k];`,
    ));
  rt.dispatchElements(
    pipeline,
    [
      viewBuffer(x, "crossEntropy"),
      viewBuffer(target, "crossEntropy"),
      out.live("crossEntropy"),
    ],
    [n, c, x.offset, target.offset, target.strides[0] ?? 0, ignoreIndex],
    n,
  );
  return out;
}
