/**
 * Counting: bincount and histc, both a scatterAdd of ones (or weights) into zeros on the
 * tensor's device. histc's length is fixed by `bins`, so it runs anywhere; bincount's length
 * is max(x) + 1, which must be read first: synchronous on the CPU, `bincountAsync` on every
 * device.
 */
import { Tensor, type TensorLike } from "../tensor/tensor.ts";
import { floatTypeFor, type TypedArray } from "../core/dtype.ts";
import { shapeStr } from "../core/shape.ts";
import { checkOptions } from "../core/options.ts";
import { asTensor, onesLikeOf, zerosOf } from "./operand.ts";
import { to } from "./copy.ts";
import { add, div, minimum, mul, sub } from "./binary.ts";
import { eq, ge, le, logicalAnd } from "./compare.ts";
import { where } from "./where.ts";
import { max, min } from "./reduce.ts";
import { scatterAdd } from "./gather.ts";
import { reshape } from "./view.ts";

export interface BincountOptions {
  /** One weight per entry of x: the bins sum weights instead of counting. */
  weights?: TensorLike;
  /** The least number of bins. */
  minlength?: number;
}

/** Numbers and nested arrays become int32 only when every value is an integer. */
function hostInts(op: string, input: TensorLike): Tensor {
  const t = asTensor(input, undefined, "float64");
  const bad = Array.from(t._backend.readSync!(t)).find((v) => !Number.isInteger(v));
  if (bad !== undefined) {
    throw new Error(
      `${op}: x must hold non-negative integers, got ${bad}. Round or convert the values first.`,
    );
  }
  return to(t, "int32");
}

function bincountInput(op: string, input: TensorLike, options?: BincountOptions) {
  const x = input instanceof Tensor ? input : hostInts(op, input);
  const o = checkOptions(op, options, ["weights", "minlength"]);
  if (x.ndim !== 1 || x.dtype !== "int32") {
    throw new Error(
      `${op}: x must be a 1-D tensor of non-negative integers (int32), got ${x.dtype} of ` +
        `shape ${shapeStr(x.shape)}. Flatten it, or convert it with .int().`,
    );
  }
  const minlength = o.minlength ?? 0;
  if (!Number.isInteger(minlength) || minlength < 0) {
    throw new Error(`${op}: minlength must be a non-negative integer, got ${minlength}.`);
  }
  let w: Tensor | undefined;
  if (o.weights !== undefined) {
    w = asTensor(o.weights, x, "float32");
    w = to(w, floatTypeFor(w.dtype));
    if (w.ndim !== 1 || w.shape[0] !== x.shape[0]) {
      throw new Error(
        `${op}: weights must have x's shape ${shapeStr(x.shape)}, got ${shapeStr(w.shape)}.`,
      );
    }
  }
  return { x, w, minlength };
}

function count(
  op: string,
  a: ReturnType<typeof bincountInput>,
  host: TypedArray,
): Tensor {
  let top = -1;
  for (let i = 0; i < host.length; i++) {
    const v = host[i];
    if (v < 0) {
      throw new Error(
        `${op}: x must hold non-negative integers, but entry ${i} is ${v}. Shift or ` +
          "filter the values first (bins are indexed from 0).",
      );
    }
    if (v > top) top = v;
  }
  const n = Math.max(top + 1, a.minlength);
  const src = a.w ?? onesLikeOf(a.x);
  return scatterAdd(zerosOf([n], src.dtype, a.x.device), 0, a.x, src);
}

/**
 * Counts each value of a 1-D non-negative int tensor (or sums `weights` per value), as
 * torch.bincount. CPU only: elsewhere use `await bincountAsync(x, options)`.
 */
export function bincount(input: TensorLike, options?: BincountOptions): Tensor {
  const a = bincountInput("bincount", input, options);
  if (!a.x._backend.readSync) {
    throw new Error(
      `bincount: its output length is max(x) + 1, and reading '${a.x.device}' is ` +
        "asynchronous. Use `await bincountAsync(x, options)` (or `await x.bincountAsync()`).",
    );
  }
  return count("bincount", a, a.x._backend.readSync(a.x));
}

/** bincount on every device: reads x back once to size the result, counts on x's device. */
export async function bincountAsync(input: TensorLike, options?: BincountOptions): Promise<Tensor> {
  const a = bincountInput("bincountAsync", input, options);
  return count("bincountAsync", a, await a.x._backend.read(a.x));
}

export interface HistcOptions {
  bins?: number;
  min?: number;
  max?: number;
}

/**
 * A histogram of `bins` equal-width bins over [min, max] (the data's range when min == max),
 * as torch.histc: values outside the range, and NaN, are not counted; max falls in the last bin.
 */
export function histc(input: TensorLike, options?: HistcOptions): Tensor {
  let x = asTensor(input);
  const o = checkOptions("histc", options, ["bins", "min", "max"]);
  const bins = o.bins ?? 100, lo = o.min ?? 0, hi = o.max ?? 0;
  if (!Number.isInteger(bins) || bins < 1) {
    throw new Error(`histc: bins must be a positive integer, got ${bins}.`);
  }
  if (lo > hi) {
    throw new Error(
      `histc: max must be larger than min, got min = ${lo} and max = ${hi}. Swap them, or ` +
        "leave both at 0 for the data's range.",
    );
  }
  x = to(x, floatTypeFor(x.dtype));
  x = reshape(x, [x.numel()]); // torch counts the flattened tensor
  if (x.numel() === 0) return zerosOf([bins], x.dtype, x.device);
  let left: Tensor | number = lo, right: Tensor | number = hi;
  if (lo === hi) {
    const mn = min(x.detach()), mx = max(x.detach());
    if (mn._backend.readSync) {
      const a = mn.item(), b = mx.item();
      if (!Number.isFinite(a) || !Number.isFinite(b)) {
        throw new Error(
          `histc: the data's range [${a}, ${b}] is not finite. Pass { min, max }, or drop ` +
            "NaN and infinite values first.",
        );
      }
    }
    const same = eq(mn, mx);
    left = where(same, sub(mn, 1), mn);
    right = where(same, add(mx, 1), mx);
  }
  const xs = x.detach();
  const inside = logicalAnd(ge(xs, left), le(xs, right));
  // torch's bin: trunc((x - min) * bins / (max - min)), the right edge folded into the last bin.
  const width = typeof left === "number" ? (right as number) - left : sub(right, left);
  const pos = minimum(to(div(mul(sub(xs, left), bins), width), "int32"), bins - 1);
  const idx = where(inside, pos, 0);
  const ones = to(inside, x.dtype);
  return scatterAdd(zerosOf([bins], x.dtype, x.device), 0, idx, ones);
}
