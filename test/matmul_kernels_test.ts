/**
 * The CPU matmul kernels (CBLAS, WebAssembly SIMD, pure JS) against a naive float64 reference,
 * on the strided layouts the backend hands them, odd and empty sizes, both float dtypes; and
 * cpuMatmulInfo() naming the path that runs.
 */
import assert from "node:assert/strict";
import {
  cpuMatmulInfo,
  full,
  manualSeed,
  matmul,
  noGrad,
  randn,
  type Tensor,
  tensor,
  zeros,
} from "gradiente";
import { close, throwsWith } from "./helpers.ts";
import type { Operand } from "../src/backend/cpu/codegen.ts";
import { jsMatmul } from "../src/backend/cpu/matmul_js.ts";
import { getWasm, resetWasm, wasmMatmul } from "../src/backend/cpu/wasm/matmul.ts";
import { blasMatmul, resetBlas } from "../src/backend/cpu/blas.ts";

type Floats = Float32Array | Float64Array;
type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

let seed = 1;
function random(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648 - 0.5;
}

/** How an operand's [rows, cols] matrices are laid out in their buffer. */
type Layout = "rowMajor" | "transposed" | "sliced" | "reversed" | "broadcastRow";

/** A [nb, rows, cols] operand with the given layout (batch stride 0 when `sharedBatch`). */
function operand(
  C: Ctor,
  nb: number,
  rows: number,
  cols: number,
  layout: Layout,
  sharedBatch = false,
): Operand {
  const batches = sharedBatch ? 1 : nb;
  // Room for every layout: a 2x wider row pitch and a 3-element lead for the sliced case.
  const pitch = 2 * cols + 1, mat = rows * pitch + 3;
  const data = new C(batches * mat + 1).map(() => random());
  const bs = sharedBatch ? 0 : mat;
  switch (layout) {
    case "rowMajor": {
      const d = new C(batches * rows * cols).map(() => random());
      return {
        data: d,
        shape: [nb, rows, cols],
        strides: [sharedBatch ? 0 : rows * cols, cols, 1],
        offset: 0,
      };
    }
    case "transposed": { // a [cols, rows] row-major buffer read as its transpose
      const d = new C(batches * rows * cols).map(() => random());
      return {
        data: d,
        shape: [nb, rows, cols],
        strides: [sharedBatch ? 0 : rows * cols, 1, rows],
        offset: 0,
      };
    }
    case "sliced": // every other column of a wider matrix, starting 3 elements in
      return { data, shape: [nb, rows, cols], strides: [bs, pitch, 2], offset: 3 };
    case "reversed": // rows walked backwards
      return {
        data,
        shape: [nb, rows, cols],
        strides: [bs, -pitch, 1],
        offset: Math.max(rows - 1, 0) * pitch,
      };
    case "broadcastRow": // one row repeated (stride 0), as expand() makes
      return { data, shape: [nb, rows, cols], strides: [bs, 0, 1], offset: 1 };
  }
}

function reference(a: Operand, b: Operand): Float64Array {
  const [nb, M, K] = a.shape, N = b.shape[2];
  const out = new Float64Array(nb * M * N);
  for (let bi = 0; bi < nb; bi++) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) {
          s += a.data[a.offset + bi * a.strides[0] + i * a.strides[1] + k * a.strides[2]] *
            b.data[b.offset + bi * b.strides[0] + k * b.strides[1] + j * b.strides[2]];
        }
        out[(bi * M + i) * N + j] = s;
      }
    }
  }
  return out;
}

function assertClose(got: Floats, want: Float64Array, K: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  // Each entry sums K products of values in [-0.5, 0.5].
  const tol = (got instanceof Float32Array ? 2e-6 : 1e-14) * Math.max(K, 1);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol)) { // NaN fails too
      assert.fail(`${what}: entry ${i} is ${got[i]}, expected ${want[i]} (tolerance ${tol})`);
    }
  }
}

const KERNELS: [string, (out: Floats, a: Operand, b: Operand) => boolean][] = [
  ["js", (out, a, b) => (jsMatmul(out, a, b), true)],
  ["wasm", wasmMatmul],
  ["blas", blasMatmul],
];

/** [batch, M, K, N]: odd sizes, edges of the WASM kernel's 4-row and 4/8-column blocks. */
const SIZES: [number, number, number, number][] = [
  [1, 1, 1, 1],
  [1, 7, 13, 5],
  [2, 4, 8, 8],
  [3, 5, 3, 9],
  [1, 33, 300, 17], // K over one 256-deep block, so C accumulates across blocks
  [2, 130, 20, 70], // M over one 128-row block of A
  [1, 0, 4, 3],
  [1, 3, 0, 2],
  [2, 3, 4, 0],
  [0, 2, 2, 2],
];

const hasWasm = getWasm() !== null;

Deno.test({
  name: "WASM SIMD kernel is available in Deno",
  fn() {
    assert.ok(hasWasm, "Deno ships WebAssembly SIMD; the WASM kernel failed to compile");
  },
});

Deno.test("every kernel matches the float64 reference on every layout, size and dtype", () => {
  checkKernels();
});

Deno.test("the plain SIMD128 variant (no relaxed SIMD, as on Node 20) is right too", () => {
  resetWasm(false);
  try {
    assert.equal(getWasm()?.relaxed, false);
    checkKernels();
  } finally {
    resetWasm();
  }
  assert.notEqual(getWasm(), null);
});

function checkKernels(): void {
  const layouts: Layout[] = ["rowMajor", "transposed", "sliced", "reversed", "broadcastRow"];
  let checked = 0;
  for (const C of [Float32Array, Float64Array]) {
    for (const [nb, M, K, N] of SIZES) {
      // Every pair of layouts on small products; a few on the large ones, to keep this quick.
      const pairs = nb * M * K * N > 5000
        ? [[0, 0], [1, 2], [3, 1], [4, 3], [2, 4]].map(([i, j]) => [layouts[i], layouts[j]])
        : layouts.flatMap((x) => layouts.map((y) => [x, y]));
      for (const [la, lb] of pairs) {
        {
          for (const shared of [false, true]) {
            const a = operand(C, nb, M, K, la), b = operand(C, nb, K, N, lb, shared);
            const want = reference(a, b);
            for (const [name, kernel] of KERNELS) {
              const out = new C(nb * M * N);
              if (!kernel(out, a, b)) continue; // BLAS absent on this machine
              assertClose(
                out,
                want,
                K,
                `${name} ${C.name} [${nb},${M},${K}]@[${nb},${K},${N}] a ${la} b ${lb}${
                  shared ? " (shared batch)" : ""
                }`,
              );
              checked++;
            }
          }
        }
      }
    }
  }
  assert.ok(checked > 2 * 8 * 25 * 2 * 2, `only ${checked} kernel runs were checked`);
}

Deno.test("the WASM kernel declines int32 (the JS kernel serves it) and handles big blocks", () => {
  const i32 = { data: new Int32Array(4), shape: [1, 2, 2], strides: [4, 2, 1], offset: 0 };
  assert.equal(wasmMatmul(new Int32Array(4) as unknown as Floats, i32, i32), false);
  // C for 8500 rows x 1000 columns is past the kernel's 32 MiB block budget, so it takes the
  // columns in several passes.
  const a = operand(Float32Array, 1, 8500, 2, "rowMajor");
  const b = operand(Float32Array, 1, 2, 1000, "transposed");
  const out = new Float32Array(8500 * 1000);
  assert.ok(wasmMatmul(out, a, b));
  assertClose(out, reference(a, b), 2, "wasm 8500x2 @ 2x1000");
});

function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, Deno.env.get(k)]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, x] of Object.entries(v)) {
      x === undefined ? Deno.env.delete(k) : Deno.env.set(k, x);
    }
    resetBlas();
    resetWasm();
  };
  apply(vars);
  try {
    return fn();
  } finally {
    apply(before);
  }
}

Deno.test("cpuMatmulInfo names the active path and why the faster ones are off", () => {
  const wasm = withEnv({ GRADIENTE_BLAS: "off", GRADIENTE_WASM: undefined }, cpuMatmulInfo);
  assert.equal(wasm.kind, "wasm-simd");
  assert.match(wasm.detail, /GRADIENTE_BLAS=off/);
  assert.match(wasm.detail, /SIMD/);
  const js = withEnv({ GRADIENTE_BLAS: "off", GRADIENTE_WASM: "off" }, cpuMatmulInfo);
  assert.equal(js.kind, "js");
  assert.match(js.detail, /GRADIENTE_BLAS=off.*GRADIENTE_WASM=off/);
  const missing = withEnv(
    { GRADIENTE_BLAS: "/nonexistent/lib.so", GRADIENTE_WASM: "off" },
    cpuMatmulInfo,
  );
  assert.equal(missing.kind, "js");
  assert.match(missing.detail, /no CBLAS library found/);
});

Deno.test("matmul gives the same tensors on the blas, wasm-simd and js paths", () => {
  const paths = [
    { GRADIENTE_BLAS: undefined, GRADIENTE_WASM: undefined },
    { GRADIENTE_BLAS: "off", GRADIENTE_WASM: undefined },
    { GRADIENTE_BLAS: "off", GRADIENTE_WASM: "off" },
  ];
  for (const dtype of ["float32", "float64"] as const) {
    const tol = dtype === "float32" ? 1e-4 : 1e-12;
    manualSeed(3);
    const cases: [string, Tensor, Tensor][] = [
      ["matrix", randn([7, 13], { dtype }), randn([13, 5], { dtype })],
      ["transposed views", randn([13, 7], { dtype }).T, randn([5, 13], { dtype }).T],
      ["batched", randn([3, 7, 13], { dtype }), randn([3, 13, 5], { dtype })],
      ["broadcast batch", randn([2, 1, 4, 6], { dtype }), randn([3, 6, 5], { dtype })],
      ["batch against a matrix", randn([4, 9, 6], { dtype }), randn([6, 2], { dtype })],
      ["vector", randn([6], { dtype }), randn([2, 6, 3], { dtype })],
      ["empty", randn([0, 4], { dtype }), randn([4, 3], { dtype })],
    ];
    for (const [name, a, b] of cases) {
      const results = paths.map((env) => withEnv(env, () => matmul(a, b)));
      for (const r of results.slice(1)) {
        assert.deepEqual(r.shape, results[0].shape, `${dtype} ${name}: shape`);
        const diff = r.numel() ? r.sub(results[0]).abs().max().item() as number : 0;
        assert.ok(diff < tol, `${dtype} ${name}: paths differ by ${diff}`);
      }
    }
  }
  const ints = tensor([[1, 2], [3, 4]], { dtype: "int32" });
  const prod = withEnv(
    { GRADIENTE_BLAS: "off", GRADIENTE_WASM: undefined },
    () => matmul(ints, ints),
  );
  assert.equal(prod.dtype, "int32");
  assert.deepEqual(prod.toArray(), [[7, 10], [15, 22]]);
});

Deno.test("matmul(a, b, { out }) writes into out on every path, and guards its misuse", () => {
  const paths = [
    { GRADIENTE_BLAS: undefined, GRADIENTE_WASM: undefined },
    { GRADIENTE_BLAS: "off", GRADIENTE_WASM: undefined },
    { GRADIENTE_BLAS: "off", GRADIENTE_WASM: "off" },
  ];
  manualSeed(4);
  const a = randn([5, 3]), b = randn([3, 4]);
  const want = matmul(a, b).toArray() as number[][];
  for (const env of paths) {
    withEnv(env, () => {
      const out = full([5, 4], 7); // stale values: every entry must be overwritten
      const versionBefore = out._version;
      assert.equal(matmul(a, b, { out }), out);
      close(out.toArray(), want, 1e-5);
      assert.ok(out._version > versionBefore, "out= bumps the version, as in-place writes do");
      const empty = full([5, 4], 7);
      matmul(randn([5, 0]), randn([0, 4]), { out: empty }); // K = 0: the product is zeros
      assert.deepEqual(empty.toArray(), new Array(5).fill(new Array(4).fill(0)));
    });
  }
  // out aliasing an operand: computed first, then copied, so the operand is read intact.
  const sq = randn([4, 4]), sqWant = matmul(sq, sq).toArray();
  matmul(sq, sq, { out: sq });
  close(sq.toArray(), sqWant, 1e-5);
  // A non-contiguous out (a transposed view) receives the product through a copy.
  const base = zeros([4, 5]);
  matmul(a, b, { out: base.T });
  close(base.T.toArray(), want, 1e-5);
  // Batched and vector forms.
  const batched = zeros([2, 5, 4]), stack = randn([2, 5, 3]);
  matmul(stack, b, { out: batched });
  close(batched.toArray(), matmul(stack, b).toArray(), 1e-5);
  const dotOut = zeros([]);
  matmul(tensor([1, 2, 3]), tensor([4, 5, 6]), { out: dotOut });
  assert.equal(dotOut.item(), 32);

  throwsWith(() => matmul(a, b, { out: zeros([4, 5]) }), "matmul: out has shape [4, 5]", "[5, 4]");
  throwsWith(
    () => matmul(a, b, { out: zeros([5, 4], { dtype: "float64" }) }),
    "float64",
    "Allocate out to match",
  );
  const w = randn([3, 4], { requiresGrad: true });
  throwsWith(
    () => matmul(a, w, { out: zeros([5, 4]) }),
    "out= does not support autograd",
    "noGrad",
  );
  noGrad(() => matmul(a, w, { out: zeros([5, 4]) })); // fine outside autograd
});

Deno.test("the BLAS path reports how malloc is set for its outputs", () => {
  const info = withEnv({ GRADIENTE_BLAS: undefined, GRADIENTE_WASM: undefined }, cpuMatmulInfo);
  if (info.kind !== "blas") return; // no BLAS library on this machine: nothing was tuned
  // glibc (Linux) takes the settings; elsewhere the detail says malloc was left alone.
  assert.match(info.detail, /glibc malloc: buffers < 32 MiB reuse the heap|left as is/);
});
