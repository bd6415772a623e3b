// Core ops and autograd through the ESM build (import) and the CommonJS build (require).
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import * as g from "gradiente";

describe("tensors on Node", () => {
  it("elementwise ops broadcast and give the right values", () => {
    const x = g.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(x.add(g.tensor([10, 20, 30])).toArray()).toEqual([[11, 22, 33], [
      14,
      25,
      36,
    ]]);
    expect(x.mul(2).sub(1).toArray()).toEqual([[1, 3, 5], [7, 9, 11]]);
    expect(x.sum(1).toArray()).toEqual([6, 15]);
    expect(x.mean().item()).toBeCloseTo(3.5, 6);
    expect(x.T.shape).toEqual([3, 2]);
    expect(x.index(":", 1).toArray()).toEqual([2, 5]);
  });

  it("matmul uses the JS kernel and says why (BLAS FFI is Deno-only)", () => {
    const a = g.tensor([[1, 2], [3, 4]], { dtype: "float64" });
    expect(a.matmul(a).toArray()).toEqual([[7, 10], [15, 22]]);
    const info = g.cpuMatmulInfo();
    // No BLAS FFI off Deno: the WebAssembly SIMD kernel (Node 20 has SIMD128), or plain JS.
    expect(info.kind).toBe("wasm-simd");
    expect(info.detail).toMatch(/no BLAS: .*Deno\.dlopen is missing/);
  });

  it("random numbers are reproducible with manualSeed", () => {
    g.manualSeed(42);
    const first = g.randn(5).toArray();
    g.manualSeed(42);
    expect(g.randn(5).toArray()).toEqual(first);
  });
});

describe("autograd on Node", () => {
  it("d = a*b + a gives the lecture's gradients", () => {
    const a = g.tensor([2], { requiresGrad: true });
    const b = g.tensor([3], { requiresGrad: true });
    const d = a.mul(b).add(a);
    d.backward();
    expect(d.toArray()).toEqual([8]);
    expect(a.grad!.toArray()).toEqual([4]);
    expect(b.grad!.toArray()).toEqual([2]);
    expect(d.gradFn!.name).toBe("AddBackward");
  });

  it("second derivatives through createGraph, and noGrad", () => {
    const x = g.tensor(3, { requiresGrad: true, dtype: "float64" });
    const y = x.pow(3);
    const [dy] = g.autograd.grad([y], [x], { createGraph: true });
    expect(dy.item()).toBeCloseTo(27, 10);
    const [d2y] = g.autograd.grad([dy], [x]);
    expect(d2y.item()).toBeCloseTo(18, 10);
    expect(g.noGrad(() => x.mul(2)).requiresGrad).toBe(false);
  });

  it("gradcheck passes for a small composite function", () => {
    const w = g.randn([3, 2], { dtype: "float64", requiresGrad: true });
    expect(g.gradcheck((t) => t.tanh().matmul(t.T).sum(), [w])).toBe(true);
  });
});

describe("the CommonJS build (what tslab's cells require)", () => {
  it("require('gradiente') loads cjs/mod.cjs and computes the same values", () => {
    const require = createRequire(import.meta.url);
    expect(require.resolve("gradiente")).toMatch(
      /gradiente[/\\]cjs[/\\]mod\.cjs$/,
    );
    const c = require("gradiente") as typeof g;
    const a = c.tensor([2], { requiresGrad: true });
    const d = a.mul(c.tensor([3])).add(a);
    d.backward();
    expect(a.grad!.toArray()).toEqual([4]);
    expect(c.cpuMatmulInfo().kind).toBe("wasm-simd");
  });
});
