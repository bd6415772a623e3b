/**
 * Linear algebra in float64 on the CPU: `solve`, `inv`, `det`, `lstsq`, `cholesky`, `svd`,
 * `svdvals`; and
 * `vectorNorm`, `matrixNorm`, which are tensor-op compositions on every device.
 * Inputs of any dtype are converted to float64; results come back in the inputs' floating
 * dtype (float32 unless an input is float64). `solve`, `inv`, `det`, `cholesky`, `svd` and
 * `svdvals` take batches ([..., n, n]; [..., m, n] for the SVD) and are differentiable.
 *
 * @example The closed form of ordinary least squares from the Sorix lecture:
 * w* = (XᵀHX)⁻¹XᵀHy with the centering matrix H = I − 11ᵀ/n, and b* = ȳ − w*ᵀx̄.
 * ```ts
 * import { cat, eye, linalg, ones, tensor } from "gradiente";
 * const X = tensor([[1, 2], [2, 0], [3, 1], [4, 3], [0, 1]], { dtype: "float64" });
 * const y = X.matmul(tensor([2, -1], { dtype: "float64" })).add(0.5); // y = 2x₁ − x₂ + 0.5
 * const n = X.shape[0];
 * const H = eye(n, { dtype: "float64" }).sub(ones(n, n, { dtype: "float64" }).div(n));
 * const w = linalg.inv(X.T.matmul(H).matmul(X)).matmul(X.T).matmul(H).matmul(y); // [2, -1]
 * const b = y.mean().sub(w.dot(X.mean(0))); // 0.5
 * // Numerically kinder, same answer: solve the system instead of inverting.
 * const w2 = linalg.solve(X.T.matmul(H).matmul(X), X.T.matmul(H).matmul(y));
 * // Or least squares on [X, 1] directly:
 * const { solution } = linalg.lstsq(cat([X, ones(n, 1, { dtype: "float64" })], 1), y); // [2, -1, 0.5]
 * ```
 * @module
 */
export { inv, solve } from "./solve.ts";
export { det } from "./det.ts";
export { cholesky, type CholeskyOptions } from "./cholesky.ts";
export { lstsq, type LstsqOptions, type LstsqResult } from "./lstsq.ts";
export { matrixNorm, type MatrixNormOptions, vectorNorm, type VectorNormOptions } from "./norm.ts";
export { svd, type SvdOptions, type SvdResult, svdvals } from "./svd.ts";
