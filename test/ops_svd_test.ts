/**
 * linalg.svd, linalg.svdvals, matrixNorm ord 2 / -2 / "nuc" and norm(x, "nuc"): PyTorch's values
 * and gradients from fixtures/ops_svd.json (sign-free functions of U and Vh there), the factors'
 * own properties (A = U diag(S) Vh, orthonormal U and Vh, shapes for full and reduced),
 * gradcheck and double backward, and every error.
 */
import assert from "node:assert/strict";
import {
  autograd,
  eye,
  Generator,
  gradcheck,
  linalg,
  norm,
  randn,
  type Tensor,
  tensor,
  webgpu,
  zeros,
} from "gradiente";
import { checkCases, type OpTable } from "./op_cases.ts";
import { close, throwsWith } from "./helpers.ts";
import { vjp } from "./grad_helpers.ts";

const f64 = { dtype: "float64" } as const;
const mT = (x: Tensor) => x.transpose(-1, -2);

// Every op here is CPU-only by design: the SVD reads A's values synchronously (Jacobi in
// float64), which a GPU tensor cannot give; on webgpu they throw (tested below).
const table: OpTable = {
  svdvals: { fn: ([a]) => linalg.svdvals(a), gpu: false },
  svd_recon: {
    fn: ([a], [full]) => {
      const { U, S, Vh } = linalg.svd(a, { fullMatrices: full });
      const k = S.shape[S.ndim - 1];
      return [U.narrow(-1, 0, k).mul(S.unsqueeze(-2)).matmul(Vh.narrow(-2, 0, k)), S];
    },
    gpu: false,
  },
  svd_proj_u: {
    fn: ([a], [w]) => {
      const [U] = linalg.svd(a, { fullMatrices: false });
      return U.mul(tensor(w, { dtype: a.dtype })).matmul(mT(U));
    },
    gpu: false,
  },
  svd_proj_v: {
    fn: ([a], [w]) => {
      const [, , Vh] = linalg.svd(a, { fullMatrices: false });
      return mT(Vh).matmul(Vh.mul(tensor(w, { dtype: a.dtype }).unsqueeze(-1)));
    },
    gpu: false,
  },
  matrix_norm: {
    fn: ([a], [ord, dim, keepdim]) => linalg.matrixNorm(a, { ord, dim, keepdim }),
    gpu: false,
  },
  norm_nuc: { fn: ([x], [dim, keepdim]) => norm(x, "nuc", dim ?? undefined, keepdim), gpu: false },
};

checkCases("ops_svd.json", table);

/** max |x - y| */
const maxDiff = (x: Tensor, y: Tensor) => Number(x.sub(y).abs().max().item());

Deno.test("svd: A = U diag(S) Vh with orthonormal factors, full and reduced, every shape", () => {
  const g = new Generator(3);
  const shapes = [[3, 3], [6, 2], [2, 6], [1, 4], [4, 1], [2, 3, 5], [2, 2, 4, 3], [0, 3], [3, 0]];
  for (const shape of shapes) {
    const A = randn(shape, { ...f64, generator: g });
    const [m, n] = shape.slice(-2), k = Math.min(m, n), batch = shape.slice(0, -2);
    for (const fullMatrices of [true, false]) {
      const r = linalg.svd(A, { fullMatrices });
      const { U, S, Vh } = r;
      assert.equal(r[0], U);
      assert.equal(r[1], S);
      assert.equal(r[2], Vh);
      assert.ok(Object.isFrozen(r));
      const [uc, vr] = fullMatrices ? [m, n] : [k, k];
      assert.deepEqual(U.shape, [...batch, m, uc], `U of ${shape}`);
      assert.deepEqual(S.shape, [...batch, k]);
      assert.deepEqual(Vh.shape, [...batch, vr, n]);
      const what = `${shape}, fullMatrices ${fullMatrices}`;
      if (k > 0) {
        const R = U.narrow(-1, 0, k).mul(S.unsqueeze(-2)).matmul(Vh.narrow(-2, 0, k));
        assert.ok(maxDiff(R, A) < 1e-13, `reconstruction of ${what}`);
        const s = S.toArray() as number[] | number[][];
        for (const row of (batch.length ? s.flat(batch.length - 1) : [s]) as number[][]) {
          for (let i = 1; i < row.length; i++) {
            assert.ok(row[i - 1] >= row[i], `descending ${what}`);
          }
          assert.ok(row[row.length - 1] >= 0);
        }
      }
      if (uc > 0) assert.ok(maxDiff(mT(U).matmul(U), eye(uc, f64)) < 1e-14, `UᵀU = I, ${what}`);
      if (vr > 0) assert.ok(maxDiff(Vh.matmul(mT(Vh)), eye(vr, f64)) < 1e-14, `VhVhᵀ = I, ${what}`);
    }
  }
});

Deno.test("svd: rank-deficient and zero matrices get an orthonormal completion of U and Vh", () => {
  const g = new Generator(4);
  const A = randn(5, 2, { ...f64, generator: g }).matmul(randn(2, 4, { ...f64, generator: g }));
  for (const M of [A, mT(A), zeros(3, 4, f64), zeros(4, 3, f64)]) {
    const { U, S, Vh } = linalg.svd(M);
    const [m, n] = M.shape;
    assert.ok(maxDiff(mT(U).matmul(U), eye(m, f64)) < 1e-13);
    assert.ok(maxDiff(Vh.matmul(mT(Vh)), eye(n, f64)) < 1e-13);
    const k = Math.min(m, n);
    const R = U.narrow(-1, 0, k).mul(S.unsqueeze(-2)).matmul(Vh.narrow(-2, 0, k));
    assert.ok(maxDiff(R, M) < 1e-13);
  }
  const sv = linalg.svdvals(A).toArray() as number[];
  assert.ok(sv[1] > 0.1, `rank 2: ${sv}`);
  close(sv.slice(2), [0, 0], 1e-14);
});

Deno.test("svd: known factors, float32 in float32 out, small singular values kept accurately", () => {
  const { U, S, Vh } = linalg.svd(tensor([[3, 0], [0, -4]]));
  assert.equal(S.dtype, "float32");
  assert.equal(U.dtype, "float32");
  assert.equal(Vh.dtype, "float32");
  close(S.toArray(), [4, 3], 1e-7);
  close(U.abs().toArray(), [[0, 1], [1, 0]], 1e-7);
  // diag(1, 1e-12) under two rotations: Jacobi keeps the tiny value to relative accuracy.
  const c = Math.cos(0.3), s = Math.sin(0.3);
  const Q = tensor([[c, -s], [s, c]], f64);
  const A = Q.matmul(tensor([[1, 0], [0, 1e-12]], f64)).matmul(mT(Q));
  const sv = linalg.svdvals(A).toArray() as number[];
  close(sv[0], 1, 1e-15);
  assert.ok(Math.abs(sv[1] - 1e-12) < 1e-15, `small singular value ${sv[1]}`);
  // Entries whose squares overflow float64, and ones whose squares underflow.
  for (const scale of [1e200, 1e-200]) {
    const big = linalg.svdvals(tensor([[3, 0], [0, -4]], f64).mul(scale)).toArray() as number[];
    close(big.map((v) => v / scale), [4, 3], 1e-14);
  }
  assert.match(String(linalg.svd(tensor([[1, 2]]))), /^SvdResult\(\n {2}U=tensor/);
});

Deno.test("gradcheck: svdvals, the svd factors and the spectral norms, several shapes", () => {
  const g = new Generator(5);
  const inputs = (...shape: number[]) => randn(shape, { ...f64, generator: g }).requiresGrad_();
  for (const shape of [[3, 3], [4, 2], [2, 4], [2, 3, 2], [1, 3]]) {
    const A = inputs(...shape);
    assert.ok(gradcheck((a) => linalg.svdvals(a), [A]), `svdvals ${shape}`);
    assert.ok(
      gradcheck((a) => {
        const { U, S, Vh } = linalg.svd(a, { fullMatrices: false });
        const w = S.add(1); // weights that move with A, so the gradient mixes all three paths
        return [U.mul(w.unsqueeze(-2)).matmul(mT(U)), mT(Vh).matmul(Vh.mul(w.unsqueeze(-1)))];
      }, [A]),
      `svd factors ${shape}`,
    );
    for (const ord of [2, -2, "nuc"] as const) {
      assert.ok(gradcheck((a) => linalg.matrixNorm(a, { ord }), [A]), `matrixNorm ${ord} ${shape}`);
    }
  }
  // Square full matrices: U and Vh are complete already, so their gradient flows.
  const B = inputs(3, 3);
  assert.ok(gradcheck((a) => {
    const { U, Vh } = linalg.svd(a);
    return U.mul(tensor([1, 2, 3], f64)).matmul(Vh);
  }, [B]));
  assert.ok(gradcheck((a) => norm(a, "nuc", [0, 2]), [inputs(3, 2, 4)]));
});

Deno.test("double backward: svdvals and the nuclear norm, through U and Vh's rules", () => {
  const g = new Generator(6);
  for (const shape of [[3, 3], [4, 2], [2, 4]]) {
    const A = randn(shape, { ...f64, generator: g }).requiresGrad_();
    const k = Math.min(shape[0], shape[1]);
    const v = randn([k], { ...f64, generator: g });
    assert.ok(gradcheck(vjp((a) => linalg.svdvals(a)), [A, v.requiresGrad_()]), `${shape}`);
    const one = tensor(1, f64).requiresGrad_();
    assert.ok(gradcheck(vjp((a) => linalg.matrixNorm(a, { ord: "nuc" })), [A, one]));
  }
  // The Hessian of the nuclear norm is not zero: a rule that treats U, Vh as constants fails.
  const A = tensor([[2, 1], [0, 1]], { ...f64, requiresGrad: true });
  const [gA] = autograd.grad(linalg.matrixNorm(A, { ord: "nuc" }), A, { createGraph: true });
  const [h] = autograd.grad(gA!.mul(tensor([[1, 0], [0, 0]], f64)).sum(), A);
  assert.ok(Number(h!.abs().sum().item()) > 1e-3);
});

Deno.test("svd backward: the complement columns of full matrices have no gradient", () => {
  const g = new Generator(7);
  const A = randn([4, 2], { ...f64, generator: g }).requiresGrad_();
  const { U, Vh } = linalg.svd(A);
  throwsWith(
    () => U.sum().backward(),
    "linalg.svd backward: the loss depends on the last 2 columns of U of A of shape [4, 2]",
    "fullMatrices: true",
    "linalg.svd(A, { fullMatrices: false }) and only the first 2 columns",
  );
  // Using only the first k columns is fine, and equals the reduced factor's gradient.
  U.narrow(1, 0, 2).mul(tensor([[1, 2]], f64)).matmul(Vh).sum().backward();
  const full = A.grad!;
  const B = A.detach().requiresGrad_();
  const r = linalg.svd(B, { fullMatrices: false });
  r.U.mul(tensor([[1, 2]], f64)).matmul(r.Vh).sum().backward();
  close(full.toArray(), B.grad!.toArray(), 1e-12);
  const W = randn([2, 5], { ...f64, generator: g }).requiresGrad_();
  throwsWith(
    () => linalg.svd(W).Vh.sum().backward(),
    "the last 3 rows of Vh of A of shape [2, 5]",
    "only the first 2 rows",
  );
});

Deno.test("svd, svdvals, matrixNorm and norm 'nuc': errors", () => {
  throwsWith(
    () => linalg.svdvals(tensor([[1, 2], [3, 4]], { dtype: "int32" })),
    "linalg.svdvals: expected a floating point tensor, got int32",
    ".float()",
  );
  throwsWith(
    () => linalg.svd(tensor([1, 2, 3])),
    "linalg.svd: A must have at least 2 dimensions",
    "got shape [3]",
    "reshape(1, -1)",
  );
  throwsWith(
    () => linalg.svdvals(tensor([[1, NaN], [0, 1]])),
    "linalg.svdvals: A of shape [2, 2] contains NaN",
    "nanToNum",
  );
  throwsWith(
    () => linalg.svd(tensor([[[1, 0], [0, 1]], [[1, Infinity], [0, 1]]])),
    "linalg.svd: A of shape [2, 2, 2] contains Infinity (matrix 1 of the batch of 2)",
  );
  throwsWith(
    () => linalg.svd(zeros(2, 2), { full_matrices: false } as never),
    "linalg.svd",
    "full_matrices",
    "fullMatrices",
  );
  for (const ord of [2, -2] as const) {
    throwsWith(
      () => linalg.matrixNorm(zeros(2, 0, 3), { ord }),
      `linalg.matrixNorm: ord ${ord} of an empty matrix (shape [2, 0, 3]) is undefined`,
      "Use ord 'fro' or 'nuc'",
    );
  }
  throwsWith(
    () => linalg.matrixNorm(zeros(2, 2), { ord: 3 }),
    "linalg.matrixNorm: ord 3 is not a matrix norm order. Supported ords: 'fro', 'nuc', 1, -1, 2, -2",
  );
  throwsWith(
    () => linalg.matrixNorm(zeros(2, 2, { dtype: "int32" }), { ord: 2 }),
    "linalg.matrixNorm: expected a floating point tensor, got int32",
  );
  throwsWith(
    () => norm(zeros(2, 3, 4), "nuc"),
    "norm: p = 'nuc' without dim needs a 2-D matrix, got shape [2, 3, 4]",
    "norm(x, 'nuc', [-2, -1])",
  );
  throwsWith(() => norm(zeros(2, 3, 4), "nuc", 1), "norm: p = 'nuc' needs exactly 2 dims", "[1]");
  throwsWith(() => norm(zeros(2, 3), "nuc", [1, -1]), "norm: p = 'nuc' needs two different dims");
});

const gpu = await webgpu.available();

Deno.test({
  name: "webgpu: svd, svdvals and the spectral norms ask for the tensor on the CPU",
  ignore: !gpu.available,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const A = tensor([[1, 2], [3, 4]], { device: "webgpu" });
    const fix = "but A lives on 'webgpu'. Bring it over first: await A.cpu().";
    throwsWith(() => linalg.svd(A), "linalg.svd: runs on the CPU", fix);
    throwsWith(() => linalg.svdvals(A), "linalg.svdvals: runs on the CPU", fix);
    for (const ord of [2, -2, "nuc"] as const) {
      throwsWith(
        () => linalg.matrixNorm(A, { ord }),
        "linalg.matrixNorm: ord",
        "needs singular values, and the SVD runs on the CPU",
        fix,
      );
    }
    throwsWith(() => norm(A, "nuc"), "norm: p = 'nuc' needs singular values", "await x.cpu()");
    // The other ords stay on the device.
    const fro = linalg.matrixNorm(A, { ord: 1 });
    assert.equal(fro.device, "webgpu");
    close(Array.from(await fro.data()), [6], 1e-6);
    close(linalg.svdvals(await A.cpu()).toArray(), [5.464985704219043, 0.365966190626258], 1e-6);
  },
});
