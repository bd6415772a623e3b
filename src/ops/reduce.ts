/** Reductions (sum, mean, prod, max, min, argmax, argmin, var, std, logsumexp) and sumTo. */
import { type ValuesIndices, valuesIndices } from "./values_indices.ts";
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { record } from "../autograd/node.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { floatTypeFor, reduceOutDtype } from "../core/dtype.ts";
import { normalizeDim, normalizeDims, numelOf, sameShape, shapeStr } from "../core/shape.ts";
import { asTensor, fromStorage, zerosOf } from "./operand.ts";
import { expand, reshape, unsqueeze } from "./view.ts";
import { to } from "./copy.ts";
import { add, div, mul, sub } from "./binary.ts";
import { eq } from "./compare.ts";
import { exp, log, sqrt } from "./unary.ts";
import { scatterAdd } from "./gather.ts";
import { where } from "./where.ts";
import { checkOptions } from "../core/options.ts";

export type DimArg = number | readonly number[] | null | undefined;

export function reducedDims(op: string, x: Tensor, dim: DimArg): number[] {
  if (dim === null || dim === undefined) return x.shape.map((_, i) => i);
  return normalizeDims(op, dim, x.ndim).filter((d) => d < x.ndim);
}

export function outShape(x: Tensor, dims: readonly number[], keepdim: boolean): number[] {
  return keepdim
    ? x.shape.map((s, i) => (dims.includes(i) ? 1 : s))
    : x.shape.filter((_, i) => !dims.includes(i));
}

/** Brings a reduced gradient back to the input's shape (unsqueeze the reduced dims, expand). */
export function expandBack(
  g: Tensor,
  inShape: readonly number[],
  dims: readonly number[],
  keepdim: boolean,
): Tensor {
  let r = g;
  if (!keepdim) { for (const d of dims) r = unsqueeze(r, d); }
  return expand(r, inShape);
}

function raw(
  op: "sum" | "prod" | "max" | "min" | "argmax" | "argmin",
  x: Tensor,
  dims: number[],
  keepdim: boolean,
) {
  const storage = x._backend.reduce(op, x, dims);
  return fromStorage(storage, outShape(x, dims, keepdim), reduceOutDtype(op, x.dtype), x.device);
}

export function sum(input: TensorLike, dim?: DimArg, keepdim = false): Tensor {
  const x = asTensor(input);
  const dims = reducedDims("sum", x, dim);
  const inShape = x.shape;
  return record(
    raw("sum", x, dims, keepdim),
    "SumBackward",
    [x],
    (g) => [expandBack(g, inShape, dims, keepdim)],
  );
}

export function mean(input: TensorLike, dim?: DimArg, keepdim = false): Tensor {
  let x = asTensor(input);
  x = to(x, floatTypeFor(x.dtype));
  const dims = reducedDims("mean", x, dim);
  const count = dims.reduce((n, d) => n * x.shape[d], 1);
  const inShape = x.shape;
  const s = raw("sum", x, dims, keepdim);
  const out = noGrad(() => div(s, count));
  return record(
    out,
    "MeanBackward",
    [x],
    (g) => [div(expandBack(g, inShape, dims, keepdim), count)],
  );
}

export function prod(input: TensorLike, dim?: number | null, keepdim = false): Tensor {
  const x = asTensor(input);
  const dims = reducedDims("prod", x, dim);
  const inShape = x.shape;
  const out = raw("prod", x, dims, keepdim);
  if (dims.length === 0) return record(out, "ProdBackward", [x], (g) => [g]);
  return record(out, "ProdBackward", [x], (g, [xs]) => [
    mul(expandBack(g, inShape, dims, keepdim), prodGrad(xs, dim, dims, keepdim)),
  ], [x]);
}

/**
 * d prod / d x_i = the product of the other elements, exact where the input has zeros (prod / x_i
 * would give NaN there). With p the product of the non-zero elements and c the count of zeros
 * in the reduced slice: c = 0 gives p / x_i; c = 1 gives p at the zero and 0 elsewhere; c >= 2
 * gives 0. The zero factors are kept as tensors (z, the sum of the zero entries, is 0 but has
 * gradient 1) so the second derivative (createGraph) is exact too.
 */
function prodGrad(x: Tensor, dim: number | null | undefined, dims: number[], keepdim: boolean) {
  const back = (t: Tensor) => expandBack(t, x.shape, dims, keepdim);
  const isZero = eq(x, 0);
  const count = back(sum(isZero, dims, keepdim));
  const safe = where(isZero, 1, x);
  const p = back(prod(safe, dim, keepdim));
  const z = back(sum(where(isZero, x, 0), dims, keepdim));
  const one = eq(count, 1);
  const atNonZero = mul(div(p, safe), where(eq(count, 0), 1, where(one, z, 0)));
  const atZero = mul(p, where(one, 1, where(eq(count, 2), sub(z, x), 0)));
  return where(isZero, atZero, atNonZero);
}

export function checkNonEmpty(op: string, x: Tensor, dims: readonly number[]): void {
  if (dims.some((d) => x.shape[d] === 0) || (dims.length === 0 && x.numel() === 0)) {
    throw new Error(
      `${op}: cannot reduce over an empty dimension (shape ${
        shapeStr(x.shape)
      }); ${op} has no identity value. ` +
        "Check the tensor is not empty, or use sum/mean.",
    );
  }
}

function extreme(
  op: "max" | "min",
  x: Tensor,
  dim?: number,
  keepdim = false,
): Tensor | ValuesIndices {
  const name = op === "max" ? "MaxBackward" : "MinBackward";
  if (dim === undefined) {
    checkNonEmpty(op, x, x.shape.map((_, i) => i));
    const out = raw(op, x, x.shape.map((_, i) => i), false);
    // Ties share the gradient evenly, as in PyTorch.
    return record(out, name, [x], (g, [xs, o]) => {
      const mask = to(eq(xs, o), xs.dtype);
      return [mul(div(mask, sum(mask)), g)];
    }, [x, out]);
  }
  const d = normalizeDim(op, dim, x.ndim);
  checkNonEmpty(op, x, [d]);
  const indices = raw(op === "max" ? "argmax" : "argmin", x, [d], true);
  const values = fromStorage(x._backend.gather(x, d, indices), indices.shape, x.dtype, x.device);
  const inShape = x.shape, dtype = x.dtype, device = x.device;
  record(
    values,
    name,
    [x],
    (g, [idx]) => [scatterAdd(zerosOf(inShape, dtype, device), d, idx, g)],
    [indices],
  );
  if (keepdim) return valuesIndices(values, indices);
  return valuesIndices(
    reshape(values, outShape(x, [d], false)),
    reshape(indices, outShape(x, [d], false)),
  );
}

export function max(x: TensorLike): Tensor;
export function max(x: TensorLike, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: TensorLike, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return extreme("max", asTensor(x), dim, keepdim);
}

export function min(x: TensorLike): Tensor;
export function min(x: TensorLike, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: TensorLike, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return extreme("min", asTensor(x), dim, keepdim);
}

function argExtreme(
  op: "argmax" | "argmin",
  input: TensorLike,
  dim?: number | null,
  keepdim = false,
): Tensor {
  const x = asTensor(input);
  if (dim === null || dim === undefined) {
    checkNonEmpty(op, x, x.shape.map((_, i) => i));
    const flat = raw(op, x, x.shape.map((_, i) => i), false);
    return keepdim ? reshape(flat, x.shape.map(() => 1)) : flat;
  }
  const d = normalizeDim(op, dim, x.ndim);
  checkNonEmpty(op, x, [d]);
  return raw(op, x, [d], keepdim);
}

export function argmax(x: TensorLike, dim?: number | null, keepdim = false): Tensor {
  return argExtreme("argmax", x, dim, keepdim);
}

export function argmin(x: TensorLike, dim?: number | null, keepdim = false): Tensor {
  return argExtreme("argmin", x, dim, keepdim);
}

/** var/std keywords: `correction` (PyTorch's default 1, Bessel's) or `unbiased`, and keepdim. */
export interface VarOptions {
  /** Divide by N - correction: 1 (the default) is the unbiased estimate, 0 the population one. */
  correction?: number;
  /** torch's older spelling: true is correction 1, false correction 0. */
  unbiased?: boolean;
  keepdim?: boolean;
}

const isOptions = (v: unknown): v is VarOptions =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * PyTorch's forms: var(), var(unbiased), var(dim, unbiased?, keepdim?) and, for the keywords,
 * var(dim, { correction, keepdim }) or var({ correction, keepdim }).
 */
function varArgs(
  op: string,
  dim: DimArg | boolean | VarOptions,
  unbiased: boolean | VarOptions | undefined,
  keepdim: boolean | undefined,
): { dim: DimArg; correction: number; keepdim: boolean } {
  if (typeof dim === "boolean") [dim, unbiased] = [null, dim];
  let opts: VarOptions = {};
  if (isOptions(dim)) [opts, dim] = [dim, null];
  else if (isOptions(unbiased)) opts = unbiased;
  else if (unbiased !== undefined) opts = { unbiased, keepdim };
  else if (keepdim !== undefined) opts = { keepdim };
  if ((isOptions(unbiased) || isOptions(dim)) && keepdim !== undefined) {
    throw new TypeError(`${op}: give keepdim inside the options object: { keepdim: ${keepdim} }.`);
  }
  checkOptions(op, opts, ["correction", "unbiased", "keepdim"]);
  if (opts.correction !== undefined && opts.unbiased !== undefined) {
    throw new TypeError(
      `${op}: give either correction or unbiased, not both (unbiased: false is correction: 0).`,
    );
  }
  const correction = opts.correction ?? (opts.unbiased === false ? 0 : 1);
  if (typeof correction !== "number" || !(correction >= 0)) {
    throw new RangeError(`${op}: correction must be a number >= 0, got ${String(correction)}.`);
  }
  return { dim: dim as DimArg, correction, keepdim: opts.keepdim ?? false };
}

/** Variance over dim (all dims by default), dividing by N - correction; see VarOptions. */
export function variance(
  input: TensorLike,
  dim?: DimArg | boolean | VarOptions,
  unbiased?: boolean | VarOptions,
  keepdim?: boolean,
): Tensor {
  return varianceOf("var", input, varArgs("var", dim, unbiased, keepdim));
}

function varianceOf(
  op: string,
  input: TensorLike,
  { dim, correction, keepdim }: { dim: DimArg; correction: number; keepdim: boolean },
): Tensor {
  let x = asTensor(input);
  x = to(x, floatTypeFor(x.dtype));
  const dims = reducedDims(op, x, dim);
  const n = dims.reduce((c, d) => c * x.shape[d], 1);
  const centered = sub(x, mean(x, dims, true));
  return div(sum(mul(centered, centered), dims, keepdim), Math.max(0, n - correction));
}

/** Standard deviation: the square root of variance(), with the same arguments. */
export function std(
  input: TensorLike,
  dim?: DimArg | boolean | VarOptions,
  unbiased?: boolean | VarOptions,
  keepdim?: boolean,
): Tensor {
  return sqrt(varianceOf("std", input, varArgs("std", dim, unbiased, keepdim)));
}

/** log(sum(exp(x))) over dims, shifted by the (constant) max so large inputs don't overflow. */
export function logsumexp(
  input: TensorLike,
  dim: number | readonly number[],
  keepdim = false,
): Tensor {
  const x = asTensor(input);
  const dims = reducedDims("logsumexp", x, dim);
  const shift = noGrad(() => {
    const m = raw("max", x, dims, true);
    // A row of -inf (or +inf) would give inf - inf = NaN; shift it by 0 instead.
    return fromStorage(
      m._backend.unary("clamp", m, m.dtype, [-3.4e38, 3.4e38]),
      m.shape,
      m.dtype,
      m.device,
    );
  });
  const out = add(log(sum(exp(sub(x, shift)), dims, true)), shift);
  return keepdim ? out : reshape(out, outShape(x, dims, false));
}

/** Sums a (broadcast) gradient down to `shape`: the backward of broadcasting. */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  const s = dims.length ? sum(g, dims, true) : g;
  return numelOf(s.shape) === numelOf(shape) ? reshape(s, shape) : s;
}
