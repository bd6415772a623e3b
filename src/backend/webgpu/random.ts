/**
 * On-device random numbers: Philox4x32-10 (Salmon et al., 2011; the generator cuRAND and
 * PyTorch's CUDA backend use), counter = element index, key = two words drawn from the
 * caller's seeded Generator. So `manualSeed` makes GPU draws reproducible, although they
 * differ from the CPU's stream (as CUDA's differ from PyTorch's CPU ones).
 */
import { bindings, perElementShader } from "./wgsl.ts";
import type { GpuRuntime, GpuStorage } from "./runtime.ts";

export type RandomKind = "uniform" | "normal";

const PHILOX = /* wgsl */ `
fn mulhilo(a: u32, b: u32) -> vec2<u32> {
  // WGSL has no 32x32->64 multiply: build the high word from 16-bit halves.
  let a0 = a & 0xffffu;
  let a1 = a >> 16u;
  let b0 = b & 0xffffu;
  let b1 = b >> 16u;
  let p00 = a0 * b0;
  let p01 = a0 * b1;
  let p10 = a1 * b0;
  let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  let hi = a1 * b1 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u);
  return vec2<u32>(hi, a * b);
}
fn philox(counter: vec4<u32>, key0: vec2<u32>) -> vec4<u32> {
  var c = counter;
  var k = key0;
  for (var r = 0; r < 10; r++) {
    let x = mulhilo(0xD2511F53u, c.x);
    let y = mulhilo(0xCD9E8D57u, c.z);
    c = vec4<u32>(y.x ^ c.y ^ k.x, y.y, x.x ^ c.w ^ k.y, x.y);
    k = k + vec2<u32>(0x9E3779B9u, 0xBB67AE85u);
  }
  return c;
}`;

export function randomKernel(
  rt: GpuRuntime,
  kind: RandomKind,
  n: number,
  seed: readonly [number, number],
): GpuStorage {
  const out = rt.alloc(n, kind === "uniform" ? "rand" : "randn");
  if (n === 0) return out;
  const value = kind === "uniform"
    ? "f32(r.x >> 8u) * (1.0 / 16777216.0)"
    // Box-Muller; u1 in (0, 1] keeps the log finite.
    : "sqrt(-2.0 * log((f32(r.x >> 8u) + 1.0) * (1.0 / 16777216.0))) * " +
      "cos(6.283185307179586 * f32(r.y >> 8u) * (1.0 / 16777216.0))";
  const pipeline = rt.pipeline(`random:${kind}`, () =>
    perElementShader(
      `${PHILOX}\n${bindings([["out", "f32", "read_write"]])}`,
      `let r = philox(vec4<u32>(u32(i), 0u, 0u, 0u), vec2<u32>(u32(prm[1]), u32(prm[2])));
  out[i] = ${value};`,
    ));
  rt.dispatchElements(pipeline, [out.live("random")], [n, seed[0] | 0, seed[1] | 0], n);
  return out;
}
