/**
 * CBLAS through FFI and the no-BLAS kernel (GRADIENTE_BLAS=off: WebAssembly SIMD) give the same
 * results on every layout the backend can hand them (transposed views, broadcast batches).
 */
import assert from "node:assert/strict";
import { cpuMatmulInfo, manualSeed, matmul, randn, type Tensor } from "gradiente";
import { resetBlas } from "../src/backend/cpu/blas.ts";

function withBlas<T>(setting: string | undefined, fn: () => T): T {
  const before = Deno.env.get("GRADIENTE_BLAS");
  if (setting === undefined) Deno.env.delete("GRADIENTE_BLAS");
  else Deno.env.set("GRADIENTE_BLAS", setting);
  resetBlas();
  try {
    return fn();
  } finally {
    if (before === undefined) Deno.env.delete("GRADIENTE_BLAS");
    else Deno.env.set("GRADIENTE_BLAS", before);
    resetBlas();
  }
}

function maxDiff(a: Tensor, b: Tensor): number {
  return a.sub(b).abs().max().item() as number;
}

const hasLibrary = withBlas(undefined, () => cpuMatmulInfo().kind === "blas");

Deno.test("cpuMatmulInfo reports the WASM kernel when BLAS is turned off", () => {
  const info = withBlas("off", () => cpuMatmulInfo());
  assert.equal(info.kind, "wasm-simd");
  assert.match(info.detail, /GRADIENTE_BLAS=off/);
});

Deno.test("cpuMatmulInfo names a missing library and how to get one", () => {
  const info = withBlas("/nonexistent/libnothing.so", () => cpuMatmulInfo());
  assert.equal(info.kind, "wasm-simd");
  assert.match(info.detail, /no CBLAS library found.*libopenblas0/);
});

Deno.test({
  name: "BLAS and no-BLAS matmul agree on plain, transposed and broadcast layouts",
  ignore: !hasLibrary,
  fn() {
    assert.equal(withBlas(undefined, () => cpuMatmulInfo()).kind, "blas");
    manualSeed(5);
    for (const dtype of ["float32", "float64"] as const) {
      const tol = dtype === "float32" ? 1e-4 : 1e-12;
      const a = randn([7, 5], { dtype }), b = randn([5, 6], { dtype });
      const batch = randn([3, 7, 5], { dtype }), wide = randn([2, 1, 5, 4], { dtype });
      const cases: [string, () => Tensor][] = [
        ["a @ b", () => matmul(a, b)],
        ["aᵀ-view @ a", () => matmul(a.T, a)],
        ["b @ bᵀ-view", () => matmul(b, b.T)],
        ["aᵀ-view @ aᵀ-view…", () => matmul(b.T, a.T)],
        ["batched @ matrix", () => matmul(batch, b)],
        [
          "batch broadcast",
          () => matmul(wide.transpose(-1, -2), randn([3, 5, 2], { dtype })),
        ],
        ["vector @ matrix", () => matmul(a.index(0), b)],
        ["sliced rows", () => matmul(a.index("::2"), b)],
        ["sliced columns", () => matmul(a.index(":", "1:4"), b.index("1:4"))],
        ["reversed rows (negative stride)", () => matmul(a.index("::-1"), b)],
        ["every other column (gapped)", () => matmul(b.T, a.T.index(":", "::2"))],
        ["expanded (zero stride)", () => matmul(a.index(0, null).expand(4, 5), b)],
      ];
      for (const [name, f] of cases) {
        manualSeed(11);
        const fast = withBlas(undefined, f);
        manualSeed(11);
        const slow = withBlas("off", f);
        assert.deepEqual(fast.shape, slow.shape, name);
        assert.ok(maxDiff(fast, slow) < tol, `${dtype} ${name}: ${maxDiff(fast, slow)}`);
      }
    }
  },
});
