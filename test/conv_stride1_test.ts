/**
 * The CPU's fused stride-1 conv2d (wide column matrix, per-sample GEMMs) against the im2col
 * composition written out with public ops (pad + unfold + matmul), on the geometries its
 * special cases split on: padding or none (the input read in place, the last sample's overrun),
 * 1×1 kernels, output width equal to the padded width, groups, dilation, asymmetric "same"
 * padding; with BLAS, the WASM kernel and the JS kernel; gradients of all three ops, double
 * backward, and non-finite inputs in the weight gradient.
 */
import assert from "node:assert/strict";
import {
  autograd,
  conv2d,
  cpuMatmulInfo,
  enableGrad,
  Generator,
  matmul,
  pad,
  randn,
  type Tensor,
  unfold,
} from "gradiente";
import { resetBlas } from "../src/backend/cpu/blas.ts";
import { setConvChunk } from "../src/backend/cpu/conv_stride1.ts";
import { checkGrad, gradInputs } from "./grad_helpers.ts";

interface Case {
  x: number[];
  w: number[];
  bias: boolean;
  /** [top, bottom, left, right], and the conv2d padding argument giving it. */
  pads: [number, number, number, number];
  padding: number | [number, number] | "same" | "valid";
  dilation?: number | [number, number];
  groups?: number;
}

const CASES: Case[] = [
  { x: [3, 4, 7, 6], w: [5, 4, 3, 3], bias: true, pads: [1, 1, 1, 1], padding: 1 },
  { x: [2, 3, 6, 7], w: [4, 3, 3, 2], bias: false, pads: [0, 0, 0, 0], padding: 0 },
  { x: [2, 4, 5, 5], w: [6, 4, 1, 1], bias: true, pads: [0, 0, 0, 0], padding: 0 },
  { x: [2, 4, 5, 5], w: [6, 2, 1, 1], bias: true, pads: [1, 1, 2, 2], padding: [1, 2], groups: 2 },
  { x: [2, 3, 6, 5], w: [4, 3, 3, 1], bias: true, pads: [1, 1, 0, 0], padding: [1, 0] },
  {
    x: [2, 4, 7, 8],
    w: [6, 2, 2, 3],
    bias: true,
    pads: [1, 1, 2, 2],
    padding: "same",
    dilation: [2, 2],
    groups: 2,
  },
  { x: [1, 2, 6, 6], w: [3, 2, 4, 2], bias: false, pads: [1, 2, 0, 1], padding: "same" },
  { x: [2, 6, 5, 4], w: [3, 2, 3, 3], bias: true, pads: [2, 2, 1, 1], padding: [2, 1], groups: 3 },
];

/** The same convolution as pad + unfold + one matmul per group, all differentiable. */
function reference(x: Tensor, w: Tensor, b: Tensor | null, c: Case): Tensor {
  const [t, bo, l, r] = c.pads;
  const xp = pad(x, [l, r, t, bo]);
  const [O, Cg, kh, kw] = w.shape;
  const G = c.groups ?? 1, N = x.shape[0];
  const cols = unfold(xp, { kernelSize: [kh, kw], dilation: c.dilation ?? 1 });
  const L = cols.shape[2];
  const y = matmul(w.reshape([G, O / G, Cg * kh * kw]), cols.reshape([N, G, Cg * kh * kw, L]));
  const d = typeof c.dilation === "number" ? [c.dilation, c.dilation] : c.dilation ?? [1, 1];
  const oh = x.shape[2] + t + bo - d[0] * (kh - 1), ow = x.shape[3] + l + r - d[1] * (kw - 1);
  const out = y.reshape([N, O, oh, ow]);
  return b ? out.add(b.reshape([O, 1, 1])) : out;
}

function inputs(c: Case, dtype: "float32" | "float64", seed: number) {
  const gen = new Generator(seed);
  const mk = (shape: number[]) => randn(shape, { dtype, generator: gen }).requiresGrad_();
  return { x: mk(c.x), w: mk(c.w), b: c.bias ? mk([c.w[0]]) : null };
}

const opts = (c: Case) => ({ padding: c.padding, dilation: c.dilation, groups: c.groups });

function maxDiff(a: Tensor, b: Tensor): number {
  return a.sub(b).abs().max().item() as number;
}

function compareAll(dtype: "float32" | "float64", tol: number): void {
  CASES.forEach((c, i) => {
    const { x, w, b } = inputs(c, dtype, 100 + i);
    const y = conv2d(x, w, b, opts(c));
    const ref = reference(x, w, b, c);
    assert.deepEqual(y.shape, ref.shape, `case ${i}`);
    assert.ok(maxDiff(y, ref) < tol, `case ${i} forward: ${maxDiff(y, ref)}`);
    const v = randn(y.shape, { dtype, generator: new Generator(7 + i) });
    const ins = b ? [x, w, b] : [x, w];
    const gs = autograd.grad(y, ins, { gradOutputs: [v] });
    const rs = autograd.grad(ref, ins, { gradOutputs: [v] });
    gs.forEach((g, j) => assert.ok(maxDiff(g!, rs[j]!) < tol, `case ${i} grad ${j}`));
  });
}

function withBlas(setting: string | undefined, fn: () => void): void {
  const before = [Deno.env.get("GRADIENTE_BLAS"), Deno.env.get("GRADIENTE_WASM")];
  const set = (k: string, v: string | undefined) =>
    v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
  set("GRADIENTE_BLAS", setting === undefined ? undefined : "off");
  set("GRADIENTE_WASM", setting === "js" ? "off" : before[1]);
  resetBlas();
  try {
    fn();
  } finally {
    set("GRADIENTE_BLAS", before[0]);
    set("GRADIENTE_WASM", before[1]);
    resetBlas();
  }
}

Deno.test("stride-1 conv2d equals pad + unfold + matmul, values and gradients (float64)", () => {
  compareAll("float64", 1e-10);
});

Deno.test("stride-1 conv2d equals pad + unfold + matmul in float32", () => {
  compareAll("float32", 1e-4);
});

Deno.test("stride-1 conv2d in chunks of samples, the last one partial", () => {
  // About two samples of the first case per GEMM: 3 samples = a chunk of 2, then 1.
  const old = setConvChunk(2 * (4 * 9 + 5) * 7 * 8 + 10);
  try {
    compareAll("float64", 1e-10);
    setConvChunk(1);
    compareAll("float64", 1e-10);
  } finally {
    setConvChunk(old);
  }
});

Deno.test("stride-1 conv2d without BLAS: the WASM kernel, and the JS kernel", () => {
  withBlas("off", () => compareAll("float64", 1e-10));
  withBlas("js", () => compareAll("float32", 1e-4));
});

Deno.test("gradcheck: stride-1 conv2d, first and second derivatives", () => {
  const r = gradInputs(31);
  checkGrad((x, w, b) => conv2d(x, w, b, { padding: 1 }), [
    r.randn(2, 2, 4, 5),
    r.randn(3, 2, 3, 3),
    r.randn(3),
  ]);
  checkGrad((x, w) => conv2d(x, w, null, { groups: 2, dilation: 2, padding: "same" }), [
    r.randn(1, 4, 5, 5),
    r.randn(2, 2, 2, 2),
  ]);
  const second = (x: Tensor, w: Tensor, v: Tensor) =>
    enableGrad(() => {
      const y = conv2d(x, w, null, { padding: [1, 0], groups: 2 });
      return autograd.grad(y, [x, w], { gradOutputs: [v], createGraph: true }) as Tensor[];
    });
  checkGrad(second, [r.randn(2, 4, 4, 5), r.randn(2, 2, 3, 2), r.randn(2, 2, 4, 4)]);
  const second1x1 = (x: Tensor, w: Tensor, v: Tensor) =>
    enableGrad(() => {
      const y = conv2d(x, w, null);
      return autograd.grad(y, [x, w], { gradOutputs: [v], createGraph: true }) as Tensor[];
    });
  checkGrad(second1x1, [r.randn(2, 3, 3, 2), r.randn(2, 3, 1, 1), r.randn(2, 2, 3, 2)]);
});

Deno.test("stride-1 conv2d weight gradient keeps PyTorch's finite entries with inf input", () => {
  // An inf at the left edge sits in the columns the wide grid throws away for other kernel
  // offsets; only the weight entries whose windows really cover it may be non-finite.
  const c = CASES[0];
  const { x, w } = inputs(c, "float64", 5);
  const xi = x.detach().clone();
  xi.at(0, 1, 2, 0).set_(Infinity);
  xi.requiresGrad_();
  const v = randn([3, 5, 7, 6], { dtype: "float64", generator: new Generator(3) });
  const [g] = autograd.grad(conv2d(xi, w, null, { padding: 1 }), [w], { gradOutputs: [v] });
  const [rg] = autograd.grad(reference(xi, w, null, c), [w], { gradOutputs: [v] });
  const a = g!.toArray() as number[][][][], e = rg!.toArray() as number[][][][];
  const flat = (t: number[][][][]) => t.flat(3);
  const fa = flat(a), fe = flat(e);
  assert.ok(fe.some(Number.isFinite) && fe.some((v) => !Number.isFinite(v)));
  fa.forEach((v, i) => assert.equal(Number.isFinite(v), Number.isFinite(fe[i]), `entry ${i}`));
  fa.forEach((v, i) => {
    if (Number.isFinite(v)) assert.ok(Math.abs(v - fe[i]) < 1e-10);
  });
});

Deno.test("loading BLAS leaves OPENBLAS_CORETYPE as it was (no leak to child processes)", () => {
  const before = Deno.env.get("OPENBLAS_CORETYPE");
  try {
    for (const setting of [undefined, "Haswell"]) {
      if (setting === undefined) Deno.env.delete("OPENBLAS_CORETYPE");
      else Deno.env.set("OPENBLAS_CORETYPE", setting);
      resetBlas();
      const info = cpuMatmulInfo();
      assert.equal(Deno.env.get("OPENBLAS_CORETYPE"), setting);
      if (info.kind === "blas" && setting === undefined) {
        // Our own setting is named where it was made; a user's one is never overridden.
        assert.ok(!/OPENBLAS_CORETYPE=Haswell/.test(info.detail));
      }
      if (setting === "Haswell") assert.ok(!/CORETYPE=SkylakeX at load/.test(info.detail));
    }
  } finally {
    if (before === undefined) Deno.env.delete("OPENBLAS_CORETYPE");
    else Deno.env.set("OPENBLAS_CORETYPE", before);
    resetBlas();
  }
});
