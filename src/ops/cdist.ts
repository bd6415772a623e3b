/** cdist: p-norm distances between every row of x1 and every row of x2, batched. */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { record } from "../autograd/node.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { broadcastShapes, shapeStr } from "../core/shape.ts";
import { floatTypeFor, promoteTypes } from "../core/dtype.ts";
import { checkOptions } from "../core/options.ts";
import { asTensor, zerosOf } from "./operand.ts";
import { to } from "./copy.ts";
import { add, div, mul, pow, sub } from "./binary.ts";
import { eq, logicalOr, ne } from "./compare.ts";
import { where } from "./where.ts";
import { abs, clamp, sign, sqrt } from "./unary.ts";
import { max, sum, sumTo } from "./reduce.ts";
import { matmul } from "./matmul.ts";
import { transpose, unsqueeze } from "./view.ts";

export interface CdistOptions {
  /** The norm: 2 (default), 1, Infinity, 0 (count of differing coordinates) or any p >= 0. */
  p?: number;
}

/** x1[..., P, 1, M] − x2[..., 1, R, M]: every pairwise difference. */
function differences(x1: Tensor, x2: Tensor): Tensor {
  return sub(unsqueeze(x1, -2), unsqueeze(x2, -3));
}

/** Squared distances by |a|² + |b|² − 2a·b through matmul: O(P·R) memory instead of O(P·R·M). */
function euclidViaMatmul(x1: Tensor, x2: Tensor): Tensor {
  const n1 = sum(mul(x1, x1), -1, true), n2 = sum(mul(x2, x2), -1, true);
  const cross = matmul(x1, transpose(x2, -1, -2));
  return sqrt(clamp(add(sub(n1, mul(cross, 2)), transpose(n2, -1, -2)), 0));
}

function forward(x1: Tensor, x2: Tensor, p: number): Tensor {
  const M = x1.shape[x1.ndim - 1];
  if (M === 0) {
    const shape = [
      ...broadcastShapes("cdist", x1.shape.slice(0, -2), x2.shape.slice(0, -2)),
      x1.shape[x1.ndim - 2],
      x2.shape[x2.ndim - 2],
    ];
    return zerosOf(shape, x1.dtype, x1.device);
  }
  // torch's default compute mode: the matmul form once either side has more than 25 rows.
  if (p === 2 && (x1.shape[x1.ndim - 2] > 25 || x2.shape[x2.ndim - 2] > 25)) {
    return euclidViaMatmul(x1, x2);
  }
  const d = differences(x1, x2);
  if (p === 0) return to(sum(ne(d, 0), -1), x1.dtype);
  if (p === 1) return sum(abs(d), -1);
  if (p === 2) return sqrt(sum(mul(d, d), -1));
  if (p === Infinity) return max(abs(d), -1).values;
  return pow(sum(pow(abs(d), p), -1), 1 / p);
}

/**
 * The gradient of each distance with respect to the difference vector, times g (as torch's
 * cdist_backward): 0 where the distance is 0, sign(d) for p = 1, the maximal coordinates'
 * signs for p = inf.
 */
function backwardTerm(d: Tensor, dist: Tensor, g: Tensor, p: number): Tensor {
  const gu = unsqueeze(g, -1), du = unsqueeze(dist, -1);
  if (p === 1) return mul(gu, sign(d));
  if (p === Infinity) return mul(mul(gu, sign(d)), eq(abs(d), du));
  const zero = eq(du, 0);
  const safe = where(zero, 1, du);
  const scale = where(zero, 0, div(gu, pow(safe, p - 1)));
  const t = mul(mul(sign(d), pow(abs(d), p - 1)), scale);
  return p < 1 ? where(logicalOr(zero, eq(d, 0)), 0, t) : t;
}

/**
 * Pairwise p-norm distances: x1 [..., P, M] and x2 [..., R, M] give [..., P, R] (batch dims
 * broadcast). The gradient at a zero distance is 0, as torch's.
 */
export function cdist(x1: TensorLike, x2: TensorLike, options?: CdistOptions): Tensor {
  const o = checkOptions("cdist", options, ["p"]);
  const p = o.p ?? 2;
  if (typeof p !== "number" || !(p >= 0)) {
    throw new Error(
      `cdist: p must be a non-negative number (or Infinity), got ${String(p)}. E.g. { p: 1 }.`,
    );
  }
  let a = asTensor(x1), b = asTensor(x2, a);
  if (a.ndim < 2 || b.ndim < 2) {
    throw new Error(
      `cdist: x1 and x2 must be at least 2-D [..., rows, features], got shapes ${
        shapeStr(a.shape)
      } and ${shapeStr(b.shape)}. unsqueeze(0) a single point.`,
    );
  }
  if (a.shape[a.ndim - 1] !== b.shape[b.ndim - 1]) {
    throw new Error(
      `cdist: x1 and x2 must have the same number of features (last dim), got shapes ${
        shapeStr(a.shape)
      } and ${shapeStr(b.shape)}.`,
    );
  }
  if (a.device !== b.device) {
    throw new Error(`cdist: x1 is on '${a.device}' and x2 on '${b.device}'. Move one with .to().`);
  }
  const dt = floatTypeFor(promoteTypes(a.dtype, b.dtype));
  a = a.dtype === dt ? a : to(a, dt);
  b = b.dtype === dt ? b : to(b, dt);
  broadcastShapes(
    `cdist (batch dims of ${shapeStr(a.shape)} and ${shapeStr(b.shape)})`,
    a.shape.slice(0, -2),
    b.shape.slice(0, -2),
  );
  const out = noGrad(() => forward(a, b, p));
  const aShape = a.shape, bShape = b.shape;
  return record(out, "CdistBackward", [a, b], (g, [xs, ys, dist]) => {
    if (p === 0 || xs.shape[xs.ndim - 1] === 0) {
      return [zerosOf(aShape, g.dtype, g.device), zerosOf(bShape, g.dtype, g.device)];
    }
    if (p === 2) {
      // w·(x1 − x2) summed by matmul: g/dist where dist > 0, else 0.
      const zero = eq(dist, 0);
      const w = where(zero, 0, div(g, where(zero, 1, dist)));
      const wt = transpose(w, -1, -2);
      const g1 = sub(mul(xs, sum(w, -1, true)), matmul(w, ys));
      const g2 = sub(mul(ys, sum(wt, -1, true)), matmul(wt, xs));
      return [sumTo(g1, aShape), sumTo(g2, bShape)];
    }
    const t = backwardTerm(differences(xs, ys), dist, g, p);
    return [sumTo(sum(t, -2), aShape), sumTo(mul(sum(t, -3), -1), bShape)];
  }, [a, b, out]);
}
