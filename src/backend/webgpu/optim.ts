/** Fused optimizer steps on the GPU: one dispatch per parameter instead of a dozen ops. */
import type { AdamHyper, SgdHyper, View } from "../backend.ts";
import { numelOf } from "../../core/shape.ts";
import { bindings, perElementShader } from "./wgsl.ts";
import { type GpuRuntime, viewBuffer } from "./runtime.ts";

function checkFloat(op: string, views: readonly View[]): void {
  for (const v of views) {
    if (v.dtype !== "float32") {
      throw new Error(`${op}: webgpu optimizer steps need float32 tensors, got ${v.dtype}.`);
    }
  }
}

/** WGSL f(k): float parameter k, stored after both kernels' five int parameters. */
const F_PARAM = "fn f(k: i32) -> f32 { return bitcast<f32>(prm[5 + k]); }";

const ADAM_BINDINGS = bindings([
  ["p", "f32", "read_write"],
  ["g", "f32"],
  ["m", "f32", "read_write"],
  ["v", "f32", "read_write"],
]);

/** Adam / AdamW in place on contiguous p, m, v; same arithmetic as the CPU kernel. */
export function adamKernel(
  rt: GpuRuntime,
  p: View,
  grad: View,
  m: View,
  v: View,
  h: AdamHyper,
): void {
  checkFloat("Adam", [p, grad, m, v]);
  const n = numelOf(p.shape);
  if (n === 0) return;
  const pipeline = rt.pipeline("adam", () =>
    perElementShader(
      `${ADAM_BINDINGS}\n${F_PARAM}`,
      `// prm: n, pOff, gOff, mOff, vOff; floats: beta1, beta2, eps, coupledWd, shrink, stepSize,
  // bias2Sqrt, sign (-1 to maximize)
  let beta1 = f(0);
  let beta2 = f(1);
  var gi = f(7) * g[prm[2] + i];
  var w = p[prm[1] + i];
  gi = gi + f(3) * w;
  w = w * f(4);
  let mi = m[prm[3] + i] * beta1 + gi * (1.0 - beta1);
  let vi = v[prm[4] + i] * beta2 + gi * gi * (1.0 - beta2);
  m[prm[3] + i] = mi;
  v[prm[4] + i] = vi;
  p[prm[1] + i] = w - f(5) * (mi / (sqrt(vi) / f(6) + f(2)));`,
    ));
  const coupledWd = h.decoupled ? 0 : h.weightDecay;
  const shrink = h.decoupled ? 1 - h.lr * h.weightDecay : 1;
  rt.dispatchElements(
    pipeline,
    [viewBuffer(p, "Adam"), viewBuffer(grad, "Adam"), viewBuffer(m, "Adam"), viewBuffer(v, "Adam")],
    [n, p.offset, grad.offset, m.offset, v.offset],
    n,
    [h.beta1, h.beta2, h.eps, coupledWd, shrink, h.stepSize, h.bias2Sqrt, h.maximize ? -1 : 1],
  );
}

/** SGD (momentum, dampening, Nesterov, weight decay) in place; `buf` is the momentum buffer. */
export function sgdKernel(
  rt: GpuRuntime,
  p: View,
  grad: View,
  momentumBuf: View | null,
  h: SgdHyper,
): void {
  checkFloat("SGD", momentumBuf ? [p, grad, momentumBuf] : [p, grad]);
  const n = numelOf(p.shape);
  if (n === 0) return;
  // Without momentum there is no buffer; bind p in its place (the kernel never touches it).
  const withBuf = momentumBuf !== null;
  const pipeline = rt.pipeline(`sgd:${withBuf}`, () =>
    perElementShader(
      `${
        bindings([
          ["p", "f32", "read_write"],
          ["g", "f32"],
          ...(withBuf ? [["b", "f32", "read_write"] as const] : []),
        ])
      }\n${F_PARAM}`,
      `// prm: n, pOff, gOff, bOff, first; floats: lr, momentum, dampening, wd, nesterov, sign
  var d = f(5) * g[prm[2] + i];
  let w = p[prm[1] + i];
  d = d + f(3) * w;
  ${
        withBuf
          ? `var bi = d;
  if (prm[4] == 0) { bi = b[prm[3] + i] * f(1) + d * (1.0 - f(2)); }
  b[prm[3] + i] = bi;
  d = select(bi, d + f(1) * bi, f(4) != 0.0);`
          : ""
      }
  p[prm[1] + i] = w - f(0) * d;`,
    ));
  const buffers = [viewBuffer(p, "SGD"), viewBuffer(grad, "SGD")];
  if (momentumBuf) buffers.push(viewBuffer(momentumBuf, "SGD"));
  rt.dispatchElements(
    pipeline,
    buffers,
    [n, p.offset, grad.offset, momentumBuf?.offset ?? 0, h.first ? 1 : 0],
    n,
    [h.lr, h.momentum, h.dampening, h.weightDecay, h.nesterov ? 1 : 0, h.maximize ? -1 : 1],
  );
}
