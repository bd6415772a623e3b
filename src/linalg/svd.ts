/**
 * svd and svdvals (torch.linalg.svd / svdvals): one-sided Jacobi in float64 on the CPU,
 * differentiable with PyTorch's svd_backward, split into one node per output. The rule is
 * linear in (gU, gS, gVh), so three nodes whose gradients add up give the same result as
 * PyTorch's single node, and an output that gets no gradient costs nothing in backward.
 */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { shapeStr } from "../core/shape.ts";
import { checkOptions } from "../core/options.ts";
import { record } from "../autograd/node.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { add, div, mul, sub } from "../ops/binary.ts";
import { matmul } from "../ops/matmul.ts";
import { narrow } from "../ops/indexing.ts";
import { any } from "../ops/reduce_more.ts";
import { ne } from "../ops/compare.ts";
import { transpose, unsqueeze } from "../ops/view.ts";
import { requireFloat } from "../ops/dtype_check.ts";
import { jacobiSvd } from "./jacobi.ts";
import { batchNote, cpuInput, fromFloat64, readMatrices } from "./matrix.ts";
import { tensor } from "../tensor/creation.ts";

export interface SvdOptions {
  /**
   * true (default, as PyTorch): U is [..., m, m] and Vh [..., n, n]; false: the reduced
   * U [..., m, k] and Vh [..., k, n] with k = min(m, n).
   */
  fullMatrices?: boolean;
}

/** `const { U, S, Vh } = linalg.svd(A)` or `const [U, S, Vh] = linalg.svd(A)`. */
export type SvdResult = readonly [U: Tensor, S: Tensor, Vh: Tensor] & {
  readonly U: Tensor;
  readonly S: Tensor;
  readonly Vh: Tensor;
};

function svdResult(U: Tensor, S: Tensor, Vh: Tensor): SvdResult {
  const r = Object.assign([U, S, Vh] as const, { U, S, Vh });
  const repr = () => {
    const indent = (t: Tensor) => String(t).replaceAll("\n", "\n  ");
    return `SvdResult(\n  U=${indent(U)},\n  S=${indent(S)},\n  Vh=${indent(Vh)})`;
  };
  for (
    const key of [
      "toString",
      Symbol.for("Deno.customInspect"),
      Symbol.for("nodejs.util.inspect.custom"),
    ]
  ) {
    Object.defineProperty(r, key, { value: repr, enumerable: false });
  }
  return Object.freeze(r);
}

/** The factors as plain tensors in a's dtype (no graph). */
function factor(op: string, a: Tensor, full: boolean): [Tensor, Tensor, Tensor] {
  requireFloat(op, a);
  if (a.ndim < 2) {
    throw new Error(
      `${op}: A must have at least 2 dimensions (a matrix or a batch of them), got shape ${
        shapeStr(a.shape)
      }. Use A.reshape(1, -1) for a single row.`,
    );
  }
  const ma = readMatrices(op, "A", a, false);
  const { rows: m, cols: n, count, data } = ma;
  const k = Math.min(m, n), uc = full ? m : k, vr = full ? n : k;
  const u = new Float64Array(count * m * uc);
  const s = new Float64Array(count * k);
  const vh = new Float64Array(count * vr * n);
  for (let b = 0; b < count; b++) {
    for (let i = b * m * n; i < (b + 1) * m * n; i++) {
      if (!Number.isFinite(data[i])) {
        throw new Error(
          `${op}: A of shape ${shapeStr(a.shape)} contains ${data[i]}${batchNote(ma, b)}; the ` +
            "SVD of a matrix with NaN or infinite entries is undefined. Find where it came from " +
            "(isfinite(A)), or replace those entries with nanToNum.",
        );
      }
    }
    const r = jacobiSvd(data, b * m * n, m, n, full);
    u.set(r.u, b * m * uc);
    s.set(r.s, b * k);
    vh.set(r.vh, b * vr * n);
  }
  return [
    fromFloat64(u, [...ma.batch, m, uc], a.dtype),
    fromFloat64(s, [...ma.batch, k], a.dtype),
    fromFloat64(vh, [...ma.batch, vr, n], a.dtype),
  ];
}

const mT = (x: Tensor) => transpose(x, -1, -2);

/** E[i, j] = S[j]² - S[i]² off the diagonal, 1 on it (PyTorch's divisor in svd_backward). */
function gaps(S: Tensor): Tensor {
  const s2 = mul(S, S);
  const k = S.shape[S.ndim - 1];
  const eye = tensor(Array.from({ length: k * k }, (_, i) => (i % (k + 1) === 0 ? 1 : 0)), {
    dtype: S.dtype,
  }).reshape(k, k);
  return add(sub(unsqueeze(s2, -2), unsqueeze(s2, -1)), eye);
}

/** gA from gU alone (PyTorch's svd_backward with gS and gVh undefined); U, Vh reduced. */
function backwardU(gU: Tensor, U: Tensor, S: Tensor, Vh: Tensor): Tensor {
  const m = U.shape[U.ndim - 2], n = Vh.shape[Vh.ndim - 1];
  const uhgu = matmul(mT(U), gU);
  const inner = mul(div(sub(uhgu, mT(uhgu)), gaps(S)), unsqueeze(S, -2));
  if (m <= n) return matmul(matmul(U, inner), Vh);
  // The part of gU outside span(U) reaches A through the 1/S scaling of A V.
  const gUSinv = div(gU, unsqueeze(S, -2));
  return matmul(add(matmul(U, inner), sub(gUSinv, matmul(U, matmul(mT(U), gUSinv)))), Vh);
}

/** gA from gVh alone; the mirror image of backwardU (svd of Aᵀ swaps U and V). */
function backwardVh(gVh: Tensor, U: Tensor, S: Tensor, Vh: Tensor): Tensor {
  return mT(backwardU(mT(gVh), mT(Vh), S, mT(U)));
}

/**
 * The gradient that reaches a full-matrices factor's complement columns (U's last m - k, or
 * Vh's last n - k rows) must be zero: those columns are any orthonormal basis of the
 * complement, so a loss that depends on them has no gradient. PyTorch drops it silently.
 */
function reducedGrad(g: Tensor, dim: number, k: number, which: string, shape: readonly number[]) {
  const size = g.shape[g.ndim + dim];
  if (size === k) return g;
  if (noGrad(() => any(ne(narrow(g, dim, k, size - k), 0)).item())) {
    throw new Error(
      `linalg.svd backward: the loss depends on the last ${size - k} ${
        dim === -1 ? "columns of U" : "rows of Vh"
      } of A of shape ${shapeStr(shape)}, computed with fullMatrices: true. They are an ` +
        "arbitrary orthonormal basis of the complement, so they have no gradient. Use " +
        `linalg.svd(A, { fullMatrices: false }) and only the first ${k} ${which}.`,
    );
  }
  return narrow(g, dim, 0, k);
}

/** U, S, Vh of a CPU tensor, each recording its share of the gradient. */
function svdParts(op: string, a: Tensor, full: boolean): [Tensor, Tensor, Tensor] {
  const [u, s, vh] = factor(op, a, full);
  const k = s.shape[s.ndim - 1], shape = a.shape;
  // The U and Vh rules need S and the reduced factors as functions of A (for double
  // backward); they recompute them from A, which is cheaper to keep than a second graph.
  const reduced = (aS: Tensor) => svdParts(op, aS, false);
  const U = record(u, "LinalgSvdBackward", [a], (g, [aS]) => {
    const [rU, rS, rVh] = reduced(aS);
    return [backwardU(reducedGrad(g, -1, k, "columns", shape), rU, rS, rVh)];
  }, [a]);
  const Vh = record(vh, "LinalgSvdBackward", [a], (g, [aS]) => {
    const [rU, rS, rVh] = reduced(aS);
    return [backwardVh(reducedGrad(g, -2, k, "rows", shape), rU, rS, rVh)];
  }, [a]);
  const S = record(s, "LinalgSvdBackward", [a], (g, [uS, vhS]) => {
    const [rU, rVh] = [narrow(uS, -1, 0, k), narrow(vhS, -2, 0, k)];
    return [matmul(mul(rU, unsqueeze(g, -2)), rVh)];
  }, [U, Vh]);
  return [U, S, Vh];
}

/**
 * The singular value decomposition A = U diag(S) Vh of a matrix or of each in a batch
 * [..., m, n]: S descending, U and Vh with orthonormal columns / rows. The signs of
 * matching columns of U and rows of Vh are arbitrary (they may differ from PyTorch's).
 * Gradients through U and Vh are defined when the singular values are distinct (else they
 * are inf or NaN, as in PyTorch) and the loss does not depend on those signs.
 */
export function svd(A: TensorLike, options?: SvdOptions): SvdResult {
  const op = "linalg.svd";
  const { fullMatrices = true } = checkOptions(op, options, ["fullMatrices"]);
  const [U, S, Vh] = svdParts(op, cpuInput(op, "A", A), fullMatrices);
  return svdResult(U, S, Vh);
}

/** The singular values of A ([..., m, n]), descending: [..., min(m, n)]. */
export function svdvals(A: TensorLike): Tensor {
  const op = "linalg.svdvals";
  return svdParts(op, cpuInput(op, "A", A), false)[1];
}
