/**
 * Random ops on existing tensors: the in-place fills uniform_ / normal_ / bernoulli_ /
 * exponential_, and bernoulli, normal, multinomial. Samples come from rand()/randn(), so on
 * the CPU they follow the seeded Generator exactly and on WebGPU they are drawn on the device
 * (Philox, keyed by the same Generator). Outputs are outside autograd: PyTorch's gradients of
 * these samples are zero.
 */
import { Tensor, type TensorLike } from "../tensor/tensor.ts";
import { rand, randn } from "../tensor/creation.ts";
import type { CreateOptions } from "../tensor/creation.ts";
import type { Generator } from "../core/random.ts";
import { type DType, isFloat } from "../core/dtype.ts";
import { broadcastShapes, checkShape, shapeStr } from "../core/shape.ts";
import { checkOptions } from "../core/options.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { asTensor } from "./operand.ts";
import { to } from "./copy.ts";
import { checkValues } from "./value_check.ts";
import { assignInPlace } from "./inplace.ts";
import { add, div, minimum, mul } from "./binary.ts";
import { log, log1p, neg } from "./unary.ts";
import { le, lt } from "./compare.ts";
import { sum } from "./reduce.ts";
import { reshape, squeeze, unsqueeze } from "./view.ts";
import { cumsum } from "./scan.ts";
import { topk } from "./sort.ts";

export interface GeneratorOptions {
  generator?: Generator;
}

function genOpts(op: string, opts: GeneratorOptions | undefined): GeneratorOptions {
  return checkOptions(op, opts, ["generator"]);
}

/** An in-place float fill's checks: its options, x floating point, the finite number args. */
function fillArgs(
  op: string,
  x: Tensor,
  opts: GeneratorOptions | undefined,
  args: Record<string, number> = {},
): Generator | undefined {
  const { generator } = genOpts(op, opts);
  floatOnly(op, x);
  for (const [name, v] of Object.entries(args)) finiteArg(op, name, v);
  return generator;
}

/** Uniform [0, 1) samples in `shape` on `like`'s device (float64 stays float64 on the CPU). */
function uniformOn(shape: readonly number[], like: Tensor, dtype: DType, g?: Generator): Tensor {
  return rand([...shape], { dtype, device: like.device, generator: g });
}

function floatOnly(op: string, x: Tensor): void {
  if (!isFloat(x.dtype)) {
    throw new Error(
      `${op}: fills a floating-point tensor, but this one is ${x.dtype}. ` +
        "Convert it first (x.float()), or use randint for integers.",
    );
  }
}

function finiteArg(op: string, name: string, v: number): void {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new Error(`${op}: ${name} must be a finite number, got ${v}.`);
  }
}

/** Fills x in place with uniform samples in [from, to). */
export function uniform_(x: Tensor, from = 0, to_ = 1, opts?: GeneratorOptions): Tensor {
  const generator = fillArgs("uniform_", x, opts, { from, to: to_ });
  if (from > to_) {
    throw new Error(
      `uniform_: expects a [from, to) range, but found from=${from} > to=${to_}. Swap them.`,
    );
  }
  const u = uniformOn(x.shape, x, x.dtype, generator);
  assignInPlace("uniform_", x, noGrad(() => add(mul(u, to_ - from), from)));
  return x;
}

/** Fills x in place with normal samples of the given mean and standard deviation. */
export function normal_(x: Tensor, mean = 0, std = 1, opts?: GeneratorOptions): Tensor {
  const generator = fillArgs("normal_", x, opts, { mean, std });
  if (std < 0) throw new Error(`normal_: expects std >= 0.0, but found std ${std}.`);
  const z = randn([...x.shape], { dtype: x.dtype, device: x.device, generator });
  assignInPlace("normal_", x, noGrad(() => add(mul(z, std), mean)));
  return x;
}

/** Fills x in place with exponential samples of rate lambd (density lambd·exp(−lambd·x)). */
export function exponential_(x: Tensor, lambd = 1, opts?: GeneratorOptions): Tensor {
  const generator = fillArgs("exponential_", x, opts);
  if (typeof lambd !== "number" || Number.isNaN(lambd) || lambd < 0) {
    throw new Error(`exponential_: expects lambda >= 0.0, but found lambda=${lambd}.`);
  }
  if (lambd === 0) {
    assignInPlace("exponential_", x, Infinity);
    return x;
  }
  const u = uniformOn(x.shape, x, x.dtype, generator);
  // Inversion: -log(1 - u) stays finite for u in [0, 1).
  assignInPlace("exponential_", x, noGrad(() => mul(neg(log1p(neg(u))), 1 / lambd)));
  return x;
}

/** Fills x in place (any dtype) with 1 with probability p (a number or a broadcastable tensor), else 0. */
export function bernoulli_(x: Tensor, p: number | Tensor = 0.5, opts?: GeneratorOptions): Tensor {
  const { generator } = genOpts("bernoulli_", opts);
  let probs: Tensor | number = p;
  if (typeof p === "number") {
    if (!(p >= 0 && p <= 1)) {
      throw new Error(`bernoulli_: expects p to be in [0, 1], but got p=${p}.`);
    }
  } else {
    checkProbs("bernoulli_", p);
    broadcastShapes("bernoulli_", x.shape, p.shape);
    probs = p;
  }
  const dt = isFloat(x.dtype) ? x.dtype : "float32";
  const u = uniformOn(x.shape, x, dt, generator);
  assignInPlace("bernoulli_", x, noGrad(() => lt(u, probs)));
  return x;
}

/** A float tensor of probabilities in [0, 1]; on the CPU the values are checked. */
function checkProbs(op: string, p: Tensor): void {
  if (!isFloat(p.dtype)) {
    throw new Error(
      `${op}: probabilities must be a floating-point tensor, got ${p.dtype}. Convert it with .float().`,
    );
  }
  checkValues(
    p,
    { lo: 0, hi: 1 },
    op,
    (v, i) =>
      `${op}: expected every probability in [0, 1], but element ${i} is ${v}. ` +
      "Clamp the probabilities (p.clamp(0, 1)) or apply sigmoid() to logits first.",
  );
}

/** 1 with probability probs[i], else 0, in probs' shape and dtype. */
export function bernoulli(probs: TensorLike, opts?: GeneratorOptions): Tensor {
  const { generator } = genOpts("bernoulli", opts);
  const p = asTensor(probs);
  checkProbs("bernoulli", p);
  const u = uniformOn(p.shape, p, p.dtype, generator);
  return noGrad(() => to(lt(u, p.detach()), p.dtype));
}

export interface NormalOptions extends CreateOptions, GeneratorOptions {}

/**
 * Normal samples, PyTorch's forms: normal(mean, std) with either or both tensors (broadcast
 * together; a number for the other), or normal(mean, std, size, options) with two numbers.
 */
export function normal(
  mean: Tensor | number,
  std: Tensor | number,
  size?: readonly number[] | NormalOptions,
  opts?: NormalOptions,
): Tensor {
  if (typeof mean === "number" && typeof std === "number") {
    if (!Array.isArray(size)) {
      throw new Error(
        "normal: with a number mean and a number std, give the output size: " +
          "normal(0, 1, [2, 3]). Or pass a tensor for mean or std.",
      );
    }
    const o = checkOptions("normal", opts, ["generator", "dtype", "device", "requiresGrad"]);
    finiteArg("normal", "mean", mean);
    if (!(std >= 0)) throw new Error(`normal: expects std >= 0.0, but found std ${std}.`);
    const z = randn(checkShape("normal", size as readonly number[]), {
      dtype: o.dtype,
      device: o.device,
      generator: o.generator,
    });
    const out = noGrad(() => add(mul(z, std), mean));
    return o.requiresGrad ? out.requiresGrad_(true) : out;
  }
  if (Array.isArray(size)) {
    throw new Error("normal: size is only for number mean and std; a tensor gives the shape.");
  }
  const { generator } = genOpts("normal", (size ?? opts) as GeneratorOptions | undefined);
  const like = (mean instanceof Tensor ? mean : std) as Tensor;
  const m = asTensor(mean, like), s = asTensor(std, like);
  for (const [name, t] of [["mean", m], ["std", s]] as const) {
    if (!isFloat(t.dtype)) {
      throw new Error(`normal: ${name} must be a floating-point tensor, got ${t.dtype}.`);
    }
  }
  checkValues(
    s,
    { lo: 0, hi: Infinity },
    "normal",
    (bad) => `normal: expects std >= 0.0, but found std ${bad}.`,
  );
  const shape = broadcastShapes("normal", m.shape, s.shape);
  const dtype = m.dtype === "float64" || s.dtype === "float64" ? "float64" : "float32";
  const z = randn(shape, { dtype, device: like.device, generator });
  return noGrad(() => add(mul(z, s.detach()), m.detach()));
}

export interface MultinomialOptions extends GeneratorOptions {
  /** Draw with replacement (default false: each category at most once per row). */
  replacement?: boolean;
}

/**
 * numSamples category indices per row of probs (1-D, or 2-D: one distribution per row),
 * drawn in proportion to the (unnormalised, non-negative) weights. int32 output.
 */
export function multinomial(
  probs: TensorLike,
  numSamples: number,
  opts?: MultinomialOptions,
): Tensor {
  const o = checkOptions("multinomial", opts, ["replacement", "generator"]);
  const p = asTensor(probs);
  const replacement = o.replacement ?? false;
  if (p.ndim !== 1 && p.ndim !== 2) {
    throw new Error(
      `multinomial: prob_dist must be 1 or 2 dim, got shape ${shapeStr(p.shape)}. ` +
        "Reshape the distributions into rows: probs.reshape(-1, categories).",
    );
  }
  if (!isFloat(p.dtype)) {
    throw new Error(
      `multinomial: only supports floating-point probabilities, got ${p.dtype}. Use .float().`,
    );
  }
  if (!Number.isInteger(numSamples) || numSamples <= 0) {
    throw new Error(`multinomial: cannot sample n_sample <= 0 samples (got ${numSamples}).`);
  }
  const c = p.shape[p.ndim - 1];
  if (!replacement && numSamples > c) {
    throw new Error(
      `multinomial: cannot sample n_sample (${numSamples}) > prob_dist.size(-1) (${c}) samples ` +
        "without replacement. Pass { replacement: true } or ask for fewer samples.",
    );
  }
  const rows = p.ndim === 1 ? 1 : p.shape[0];
  const p2 = reshape(p.detach(), [rows, c]);
  const draw = { n: numSamples, replacement, g: o.generator };
  const out = p._backend.readSync ? multinomialHost(p2, draw) : multinomialDevice(p2, draw);
  return p.ndim === 1 ? squeeze(out, 0) : out;
}

/** multinomial's draw from rows of weights [rows, c]: n samples per row. */
interface Draw {
  n: number;
  replacement: boolean;
  g: Generator | undefined;
}

function multinomialHost(p: Tensor, { n, replacement, g }: Draw): Tensor {
  const [rows, c] = p.shape;
  const v = Float64Array.from(p.contiguous()._values());
  const out = new Array<number>(rows * n);
  // One uniform per draw from the generator, in row-major order: reproducible under a seed.
  const u = rows * n === 0 ? new Float64Array(0) : rand([rows * n], {
    dtype: "float64",
    generator: g,
  })._values();
  for (let r = 0; r < rows; r++) {
    const w = v.subarray(r * c, (r + 1) * c);
    let total = 0, nonzero = 0;
    for (let i = 0; i < c; i++) {
      if (!(w[i] >= 0) || w[i] === Infinity) {
        throw new Error(
          "multinomial: probability tensor contains either `inf`, `nan` or element < 0 " +
            `(row ${r}, category ${i}: ${w[i]}). Weights must be finite and non-negative.`,
        );
      }
      total += w[i];
      if (w[i] > 0) nonzero++;
    }
    if (!(total > 0)) {
      throw new Error(
        `multinomial: invalid multinomial distribution (sum of probabilities <= 0) in row ${r}; ` +
          "give each row at least one positive weight.",
      );
    }
    if (!replacement && nonzero < n) {
      throw new Error(
        `multinomial: invalid multinomial distribution (with replacement=False, not enough ` +
          `non-zero categories to sample): row ${r} has ${nonzero} non-zero weights for ${n} ` +
          "samples. Pass { replacement: true } or ask for fewer samples.",
      );
    }
    for (let k = 0; k < n; k++) {
      const target = u[r * n + k] * total;
      let acc = 0, pick = -1, last = -1;
      for (let i = 0; i < c; i++) {
        if (w[i] <= 0) continue;
        last = i;
        acc += w[i];
        if (acc > target) {
          pick = i;
          break;
        }
      }
      if (pick < 0) pick = last; // rounding left target at the very top: the last live category
      out[r * n + k] = pick;
      if (!replacement) {
        total -= w[pick];
        w[pick] = 0;
      }
    }
  }
  return reshape(asTensor(out, p, "int32"), [rows, n]);
}

/**
 * On the device, without reading back: with replacement, each draw counts the CDF entries at
 * or below a uniform; without, the exponential race (the top numSamples of log(u)/p).
 * Weights are not validated here (that needs a readback).
 */
function multinomialDevice(p: Tensor, { n, replacement, g }: Draw): Tensor {
  const [rows, c] = p.shape;
  return noGrad(() => {
    if (replacement) {
      const cdf = unsqueeze(cumsum(p, -1), 1); // [rows, 1, c]
      const total = cdf.index(":", ":", `${c - 1}:`); // the CDF's own end, so u stays below it
      const u = mul(uniformOn([rows, n, 1], p, p.dtype, g), total);
      const below = sum(to(le(cdf, u), "int32"), -1); // [rows, n]
      return minimum(below, c - 1);
    }
    // log(u) < 0, so a zero weight gives -inf and is never picked while others remain.
    const keys = div(log(uniformOn([rows, c], p, p.dtype, g)), p);
    return topk(keys, n, -1).indices;
  });
}
