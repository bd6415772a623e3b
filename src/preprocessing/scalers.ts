/**
 * Feature scalers as in Sorix and scikit-learn. Statistics are computed in float64 on the
 * CPU and kept as tensors in the fitted data's floating dtype; transform and
 * inverseTransform are tensor ops, so they work on any device and inside autograd.
 */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import {
  checkFeatureCount,
  features,
  float64Rows,
  notFitted,
  statDtype,
  vector,
} from "./features.ts";
import { checkOptions } from "../core/options.ts";

/**
 * Features whose variance is at rounding level get scale 1 rather than a division by ~0,
 * with scikit-learn's bound (_is_constant_feature).
 */
function isConstant(variance: number, mean: number, n: number): boolean {
  const eps = Number.EPSILON;
  return variance <= n * eps * variance + (n * mean * eps) ** 2;
}

/** What every scaler's fit records besides its statistics. */
interface Fit {
  nFeatures: number;
  nSamples: number;
}

/**
 * What StandardScaler and MinMaxScaler share: the fitted statistics (and the "not fitted"
 * error before fit), the input checks of transform and inverseTransform, nFeaturesIn,
 * nSamplesSeen and fitTransform.
 */
abstract class Scaler<S extends Fit> {
  readonly #name: string;
  #stats: S | null = null;

  protected constructor(name: string) {
    this.#name = name;
  }

  protected fitted(method: string): S {
    if (!this.#stats) throw notFitted(this.#name, method);
    return this.#stats;
  }

  protected setFitted(stats: S): this {
    this.#stats = stats;
    return this;
  }

  /** The fitted statistics and X, checked to have as many features as the fitted data. */
  protected fittedInput(method: string, X: TensorLike): { s: S; x: Tensor } {
    const s = this.fitted(method);
    const { x, d } = features(`${this.#name}.${method}`, X);
    checkFeatureCount(this.#name, method, s.nFeatures, d);
    return { s, x };
  }

  get nFeaturesIn(): number {
    return this.fitted("nFeaturesIn").nFeatures;
  }
  get nSamplesSeen(): number {
    return this.fitted("nSamplesSeen").nSamples;
  }

  abstract fit(X: TensorLike): this;
  abstract transform(X: TensorLike): Tensor;

  fitTransform(X: TensorLike): Tensor {
    return this.fit(X).transform(X);
  }
}

export interface StandardScalerOptions {
  /** Subtract the mean (default true). */
  withMean?: boolean;
  /** Divide by the standard deviation (default true). */
  withStd?: boolean;
}

interface StandardStats extends Fit {
  mean: Tensor;
  variance: Tensor;
  scale: Tensor;
}

/**
 * Standardises each feature to zero mean and unit variance: z = (x − mean) / scale, where
 * scale is the population standard deviation (divided by n, as scikit-learn; a constant
 * feature gets scale 1).
 */
export class StandardScaler extends Scaler<StandardStats> {
  readonly withMean: boolean;
  readonly withStd: boolean;

  constructor(options: StandardScalerOptions = {}) {
    super("StandardScaler");
    checkOptions("StandardScaler", options, ["withMean", "withStd"]);
    this.withMean = options.withMean ?? true;
    this.withStd = options.withStd ?? true;
  }

  /** Per-feature means ([nFeatures]). */
  get mean(): Tensor {
    return this.fitted("mean").mean;
  }
  /** Per-feature population variances ([nFeatures]). */
  get var(): Tensor {
    return this.fitted("var").variance;
  }
  /** Per-feature scale: √var, or 1 for a constant feature ([nFeatures]). */
  get scale(): Tensor {
    return this.fitted("scale").scale;
  }

  /** Computes the mean and standard deviation of each column of X ([nSamples, nFeatures]). */
  fit(X: TensorLike): this {
    const { x, n, d } = features("StandardScaler.fit", X);
    const v = float64Rows("StandardScaler.fit", x);
    const mean = new Float64Array(d), variance = new Float64Array(d), scale = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += v[i * d + j];
    for (let j = 0; j < d; j++) mean[j] /= n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) variance[j] += (v[i * d + j] - mean[j]) ** 2;
    }
    for (let j = 0; j < d; j++) {
      variance[j] /= n;
      scale[j] = isConstant(variance[j], mean[j], n) ? 1 : Math.sqrt(variance[j]);
    }
    const dt = statDtype(x);
    return this.setFitted({
      mean: vector(mean, dt),
      variance: vector(variance, dt),
      scale: vector(scale, dt),
      nFeatures: d,
      nSamples: n,
    });
  }

  /** (X − mean) / scale, column by column. */
  transform(X: TensorLike): Tensor {
    const { s, x } = this.fittedInput("transform", X);
    let out = this.withMean ? x.sub(s.mean) : x;
    if (this.withStd) out = out.div(s.scale);
    return out === x ? x.to(s.mean.dtype).clone() : out;
  }

  /** Undoes transform: X · scale + mean. */
  inverseTransform(X: TensorLike): Tensor {
    const { s, x } = this.fittedInput("inverseTransform", X);
    let out = this.withStd ? x.mul(s.scale) : x;
    if (this.withMean) out = out.add(s.mean);
    return out === x ? x.to(s.mean.dtype).clone() : out;
  }
}

export interface MinMaxScalerOptions {
  /** The range [min, max] each feature is mapped to (default [0, 1]). */
  featureRange?: readonly [number, number];
  /** Clip transformed values of new data to featureRange (default false). */
  clip?: boolean;
}

interface MinMaxStats extends Fit {
  dataMin: Tensor;
  dataMax: Tensor;
  dataRange: Tensor;
  scale: Tensor;
  min: Tensor;
}

/**
 * Rescales each feature linearly so that its training minimum maps to featureRange[0] and
 * its maximum to featureRange[1]: x · scale + min, with scale = (hi − lo) / (max − min)
 * (a constant feature gets scale hi − lo) and min = lo − dataMin · scale, as scikit-learn.
 */
export class MinMaxScaler extends Scaler<MinMaxStats> {
  readonly featureRange: readonly [number, number];
  readonly clip: boolean;

  constructor(options: MinMaxScalerOptions = {}) {
    super("MinMaxScaler");
    checkOptions("MinMaxScaler", options, ["featureRange", "clip"]);
    const range = options.featureRange ?? [0, 1];
    if (
      !Array.isArray(range) || range.length !== 2 || !Number.isFinite(range[0]) ||
      !Number.isFinite(range[1]) || !(range[0] < range[1])
    ) {
      throw new Error(
        `MinMaxScaler: featureRange must be [min, max] with finite min < max, got ${
          JSON.stringify(range)
        }.`,
      );
    }
    this.featureRange = [range[0], range[1]];
    this.clip = options.clip ?? false;
  }

  get dataMin(): Tensor {
    return this.fitted("dataMin").dataMin;
  }
  get dataMax(): Tensor {
    return this.fitted("dataMax").dataMax;
  }
  get dataRange(): Tensor {
    return this.fitted("dataRange").dataRange;
  }
  /** Per-feature factor of transform ([nFeatures]). */
  get scale(): Tensor {
    return this.fitted("scale").scale;
  }
  /** Per-feature offset of transform ([nFeatures]). */
  get min(): Tensor {
    return this.fitted("min").min;
  }

  /** Finds each column's minimum and maximum. */
  fit(X: TensorLike): this {
    const { x, n, d } = features("MinMaxScaler.fit", X);
    const v = float64Rows("MinMaxScaler.fit", x);
    const [lo, hi] = this.featureRange;
    const dataMin = new Float64Array(d).fill(Infinity),
      dataMax = new Float64Array(d).fill(-Infinity);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const e = v[i * d + j];
        if (e < dataMin[j]) dataMin[j] = e;
        if (e > dataMax[j]) dataMax[j] = e;
      }
    }
    const dataRange = new Float64Array(d), scale = new Float64Array(d), min = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      dataRange[j] = dataMax[j] - dataMin[j];
      // A (near-)constant feature would divide by ~0; scikit-learn's threshold is 10 eps.
      scale[j] = (hi - lo) / (dataRange[j] < 10 * Number.EPSILON ? 1 : dataRange[j]);
      min[j] = lo - dataMin[j] * scale[j];
    }
    const dt = statDtype(x);
    return this.setFitted({
      dataMin: vector(dataMin, dt),
      dataMax: vector(dataMax, dt),
      dataRange: vector(dataRange, dt),
      scale: vector(scale, dt),
      min: vector(min, dt),
      nFeatures: d,
      nSamples: n,
    });
  }

  /** X · scale + min, column by column (clipped to featureRange with { clip: true }). */
  transform(X: TensorLike): Tensor {
    const { s, x } = this.fittedInput("transform", X);
    const out = x.mul(s.scale).add(s.min);
    return this.clip ? out.clamp(this.featureRange[0], this.featureRange[1]) : out;
  }

  /** Undoes transform: (X − min) / scale. */
  inverseTransform(X: TensorLike): Tensor {
    const { s, x } = this.fittedInput("inverseTransform", X);
    return x.sub(s.min).div(s.scale);
  }
}
