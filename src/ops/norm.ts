/** Vector norms: norm (torch.norm) and vectorNorm (torch.linalg.vector_norm). */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { record } from "../autograd/node.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { requireFloat } from "./dtype_check.ts";
import { checkOptions } from "../core/options.ts";
import { normalizeDim, shapeStr } from "../core/shape.ts";
import { asTensor, zerosOf } from "./operand.ts";
import { to } from "./copy.ts";
import { div, mul, pow, sub } from "./binary.ts";
import { eq, gt, logicalOr, lt, ne } from "./compare.ts";
import { abs, sqrt } from "./unary.ts";
import { where } from "./where.ts";
import { type DimArg, expandBack, reducedDims, sum } from "./reduce.ts";
import { amax, amin } from "./reduce_more.ts";
import { permute, reshape } from "./view.ts";
import { requireCpu } from "./operand.ts";
// linalg sits above ops, but torch.norm(x, "nuc") is the nuclear matrix norm; svd.ts does not
// import this file, so there is no cycle.
import { svdvals } from "../linalg/svd.ts";

/** PyTorch's sgn for real x: -1, 0 or 1, and 0 for NaN (where sign gives NaN). */
function sgn(x: Tensor): Tensor {
  return sub(to(gt(x, 0), x.dtype), to(lt(x, 0), x.dtype));
}

/** The (sum |x|^ord)^(1/ord) norm over dims, with PyTorch's gradient; `op` names the caller. */
export function vectorNormOf(
  op: string,
  x: Tensor,
  ord: number,
  dim: DimArg,
  keepdim: boolean,
): Tensor {
  requireFloat(op, x);
  if (typeof ord !== "number" || Number.isNaN(ord)) {
    throw new Error(
      `${op}: ord must be a number (Infinity and -Infinity included), got ${String(ord)}.`,
    );
  }
  const all = dim === null || dim === undefined || (Array.isArray(dim) && dim.length === 0);
  const dims = reducedDims(op, x, all ? null : dim);
  const reduced = dims.length ? dims : x.shape.map((_, i) => i);
  const empty = reduced.some((d) => x.shape[d] === 0);
  if (empty && (ord < 0 || ord === Infinity)) {
    throw new Error(
      `${op}: cannot compute the ${ord} norm over an empty dimension (shape ${
        shapeStr(x.shape)
      }): it has no identity value. Use an ord >= 0 (1, 2, ...), or reduce a non-empty tensor.`,
    );
  }
  const out = noGrad(() => {
    const a = abs(x);
    if (ord === Infinity) return amax(a, dims, keepdim);
    if (ord === -Infinity) return amin(a, dims, keepdim);
    if (ord === 0) return sum(to(ne(x, 0), x.dtype), dims, keepdim);
    if (ord === 1) return sum(a, dims, keepdim);
    if (ord === 2) return sqrt(sum(mul(x, x), dims, keepdim));
    return pow(sum(pow(a, ord), dims, keepdim), 1 / ord);
  });
  const inShape = x.shape;
  return record(out, "LinalgVectorNormBackward", [x], (g, [xs, o]) => {
    if (ord === 0) return [zerosOf(inShape, g.dtype, g.device)]; // a count: flat everywhere
    const ge = expandBack(g, inShape, dims, keepdim);
    const n = expandBack(o, inShape, dims, keepdim);
    const zeroNorm = eq(n, 0);
    if (ord === 1) return [mul(sgn(xs), ge)];
    if (ord === 2) return [mul(ge, div(xs, where(zeroNorm, 1, n)))];
    if (!Number.isFinite(ord)) {
      // Ties (and NaNs, which are the norm) share the gradient evenly.
      const a = abs(xs);
      const mask = to(logicalOr(eq(a, n), ne(a, a)), g.dtype);
      return [mul(sgn(xs), mul(div(ge, sum(mask, dims, true)), mask))];
    }
    if (ord < 1) {
      const scaled = mul(sgn(xs), where(eq(xs, 0), 0, pow(abs(xs), ord - 1)));
      return [mul(mul(scaled, ge), pow(n, 1 - ord))];
    }
    const scaled = ord < 2 ? mul(sgn(xs), pow(abs(xs), ord - 1)) : mul(xs, pow(abs(xs), ord - 2));
    return [mul(scaled, where(zeroNorm, 0, div(ge, pow(n, ord - 1))))];
  }, [x, out]);
}

export interface VectorNormOptions {
  /** The order: 2 (default), 1, Infinity, -Infinity, 0 (count of non-zeros), or any number. */
  ord?: number;
  /** The dims to reduce (all by default). */
  dim?: number | readonly number[] | null;
  keepdim?: boolean;
}

/** torch.linalg.vector_norm: the ord-norm of x over `dim`, all dims flattened by default. */
export function vectorNorm(input: TensorLike, options?: VectorNormOptions): Tensor {
  const o = checkVectorOptions(options);
  return vectorNormOf("linalg.vectorNorm", asTensor(input), o.ord ?? 2, o.dim, o.keepdim ?? false);
}

function checkVectorOptions(options?: VectorNormOptions): VectorNormOptions {
  return checkOptions("linalg.vectorNorm", options, ["ord", "dim", "keepdim"], {
    dtype: "Convert the input first instead: x.double() or x.float().",
  });
}

/**
 * torch.norm: p = 2 (default, also "fro") or any number is the vector norm over `dim` (all
 * dims by default); "fro" accepts at most two dims, as PyTorch. "nuc" (the nuclear norm, the
 * sum of the singular values; CPU only) takes a 2-D input or exactly two dims.
 */
export function norm(
  input: TensorLike,
  p: number | "fro" | "nuc" = 2,
  dim?: DimArg,
  keepdim = false,
): Tensor {
  const x = asTensor(input);
  requireFloat("norm", x);
  if (p === "nuc") return nuclearNorm(x, dim, keepdim);
  if (p === "fro") {
    const n = dim === null || dim === undefined ? 0 : typeof dim === "number" ? 1 : dim.length;
    if (n > 2) {
      throw new Error(
        `norm: p = 'fro' takes at most 2 dims, got ${n} ([${
          (dim as readonly number[]).join(", ")
        }]). Use p = 2 for the 2-norm over more dims.`,
      );
    }
    return vectorNormOf("norm", x, 2, dim, keepdim);
  }
  if (typeof p !== "number") {
    throw new Error(`norm: p must be a number, 'fro' or 'nuc', got ${String(p)}.`);
  }
  return vectorNormOf("norm", x, p, dim, keepdim);
}

function nuclearNorm(x: Tensor, dim: DimArg | undefined, keepdim: boolean): Tensor {
  const dims = dim === null || dim === undefined ? null : typeof dim === "number" ? [dim] : dim;
  if (dims === null && x.ndim !== 2) {
    throw new Error(
      `norm: p = 'nuc' without dim needs a 2-D matrix, got shape ${shapeStr(x.shape)}. ` +
        "Pass the two matrix dims, e.g. norm(x, 'nuc', [-2, -1]).",
    );
  }
  if (dims !== null && dims.length !== 2) {
    throw new Error(
      `norm: p = 'nuc' needs exactly 2 dims (the matrix dims), got [${dims.join(", ")}].`,
    );
  }
  const [d0, d1] = (dims ?? [0, 1]).map((d) => normalizeDim("norm", d, x.ndim));
  if (d0 === d1) {
    throw new Error(`norm: p = 'nuc' needs two different dims, got [${dims!.join(", ")}].`);
  }
  requireCpu("norm", "x", x, "p = 'nuc' needs singular values, and the SVD runs on the CPU");
  const rest = x.shape.map((_, i) => i).filter((i) => i !== d0 && i !== d1);
  const r = sum(svdvals(permute(x, [...rest, d0, d1])), -1);
  return keepdim ? reshape(r, x.shape.map((n, i) => (i === d0 || i === d1 ? 1 : n))) : r;
}
