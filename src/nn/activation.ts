/** Activation layers: thin Modules over nn.functional. */
import type { Tensor } from "../tensor/tensor.ts";
import { Module } from "./module.ts";
import * as F from "./functional/activation.ts";
import { checkOptions } from "../core/options.ts";
import { Parameter } from "./parameter.ts";
import { empty, type FactoryOptions } from "./util.ts";
import { noGrad } from "../autograd/grad_mode.ts";

const INPLACE = {
  inplace: "In-place activations are not supported: the layer returns a new tensor (the same " +
    "values), so drop the option.",
};

export class ReLU extends Module {
  forward(input: Tensor): Tensor {
    return F.relu(input);
  }
}

/** max(0, x) + negativeSlope·min(0, x). */
export class LeakyReLU extends Module {
  readonly negativeSlope: number;

  constructor(negativeSlope = 0.01) {
    super();
    this.negativeSlope = negativeSlope;
  }

  forward(input: Tensor): Tensor {
    return F.leakyRelu(input, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

export class Sigmoid extends Module {
  forward(input: Tensor): Tensor {
    return F.sigmoid(input);
  }
}

export class Tanh extends Module {
  forward(input: Tensor): Tensor {
    return F.tanh(input);
  }
}

/**
 * GELU with the exact erf (default) or the tanh approximation: `new nn.GELU({ approximate:
 * "tanh" })`, or PyTorch's positional `new nn.GELU("tanh")`.
 */
export class GELU extends Module {
  readonly approximate: "none" | "tanh";

  constructor(options: F.GeluOptions | "none" | "tanh" = {}) {
    super();
    const { approximate = "none" } = typeof options === "string"
      ? { approximate: options }
      : checkOptions("GELU", options, ["approximate"], INPLACE);
    if (approximate !== "none" && approximate !== "tanh") {
      throw new Error(
        `GELU: approximate must be "none" or "tanh", got ${JSON.stringify(approximate)}.`,
      );
    }
    this.approximate = approximate;
  }

  forward(input: Tensor): Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }

  override extraRepr(): string {
    return `approximate="${this.approximate}"`;
  }
}

/** A layer along one dim (Softmax, LogSoftmax): the dim is checked, naming the class. */
abstract class AlongDim extends Module {
  readonly dim: number;

  constructor(dim: number) {
    super();
    const op = new.target.name;
    if (!Number.isInteger(dim)) {
      throw new Error(
        `${op}: dim must be an integer, got ${dim}. Pass the class dim, e.g. new nn.${op}(1) for [N, C].`,
      );
    }
    this.dim = dim;
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** Softmax along `dim`: each slice along it becomes a probability distribution. */
export class Softmax extends AlongDim {
  forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim);
  }
}

/** log(softmax(x)) along `dim`, computed stably in one pass. */
export class LogSoftmax extends AlongDim {
  forward(input: Tensor): Tensor {
    return F.logSoftmax(input, this.dim);
  }
}

/** A number option of an activation layer, validated, or its default. */
function numberArg(op: string, key: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`${op}: ${key} must be a number, got ${String(value)}.`);
  }
  return value;
}

/**
 * A layer without options: a key given (PyTorch's inplace, with a note) is refused, naming
 * the class. Subclasses define forward().
 */
abstract class OptionFree extends Module {
  constructor(options?: Record<string, never>) {
    super();
    checkOptions(new.target.name, options, [], INPLACE);
  }
}

/**
 * A layer whose options are numbers with defaults (`defaults`' keys, in order): each is
 * checked, becomes a readonly field of the same name (subclasses `declare` it), is listed by
 * extraRepr and is passed on to the function by `options()`.
 */
abstract class NumberOptions<O extends object> extends Module {
  readonly #keys: readonly string[];

  constructor(
    options: O | undefined,
    defaults: Required<O>,
    notes: Readonly<Record<string, string>> = INPLACE,
  ) {
    super();
    const op = new.target.name;
    this.#keys = Object.keys(defaults);
    const given = checkOptions(op, options, this.#keys, notes) as Record<string, unknown>;
    for (const key of this.#keys) {
      this.#fields[key] = numberArg(op, key, given[key], (defaults as Record<string, number>)[key]);
    }
  }

  get #fields(): Record<string, number> {
    return this as unknown as Record<string, number>;
  }

  /** The options as the functional form takes them. */
  protected options(): O {
    return Object.fromEntries(this.#keys.map((k) => [k, this.#fields[k]])) as O;
  }

  override extraRepr(): string {
    return this.#keys.map((k) => `${k}=${this.#fields[k]}`).join(", ");
  }
}

/** SiLU (swish): x·sigmoid(x). */
export class SiLU extends OptionFree {
  forward(input: Tensor): Tensor {
    return F.silu(input);
  }
}

/** Mish: x·tanh(softplus(x)). */
export class Mish extends OptionFree {
  forward(input: Tensor): Tensor {
    return F.mish(input);
  }
}

/** ELU: x for x > 0, alpha·(exp(x) − 1) otherwise. `new nn.ELU({ alpha: 1 })`. */
export class ELU extends NumberOptions<F.EluOptions> {
  declare readonly alpha: number;
  constructor(options?: F.EluOptions) {
    super(options, { alpha: 1 });
  }
  forward(input: Tensor): Tensor {
    return F.elu(input, this.options());
  }
}

/** CELU: x for x > 0, alpha·(exp(x/alpha) − 1) otherwise. `new nn.CELU({ alpha: 1 })`. */
export class CELU extends NumberOptions<F.EluOptions> {
  declare readonly alpha: number;
  constructor(options?: F.EluOptions) {
    super(options, { alpha: 1 });
    if (this.alpha === 0) throw new Error("CELU: alpha cannot be 0 (the formula divides by it).");
  }
  forward(input: Tensor): Tensor {
    return F.celu(input, this.options());
  }
}

/** SELU: scale·elu(x, alpha) with the self-normalizing constants. */
export class SELU extends OptionFree {
  forward(input: Tensor): Tensor {
    return F.selu(input);
  }
}

/** log(1 + exp(beta·x)) / beta, linear past beta·x > threshold. `new nn.Softplus({ beta, threshold })`. */
export class Softplus extends NumberOptions<F.SoftplusOptions> {
  declare readonly beta: number;
  declare readonly threshold: number;
  constructor(options?: F.SoftplusOptions) {
    super(options, { beta: 1, threshold: 20 }, {}); // torch's Softplus has no inplace
  }
  forward(input: Tensor): Tensor {
    return F.softplus(input, this.options());
  }
}

/** x / (1 + |x|). */
export class Softsign extends OptionFree {
  forward(input: Tensor): Tensor {
    return F.softsign(input);
  }
}

/** clamp(x, minVal, maxVal), defaults −1 and 1. `new nn.Hardtanh({ minVal: 0, maxVal: 1 })`. */
export class Hardtanh extends NumberOptions<F.HardtanhOptions> {
  declare readonly minVal: number;
  declare readonly maxVal: number;
  constructor(options?: F.HardtanhOptions) {
    super(options, { minVal: -1, maxVal: 1 });
    if (!(this.maxVal > this.minVal)) {
      throw new Error(
        `Hardtanh: maxVal (${this.maxVal}) must be greater than minVal (${this.minVal}).`,
      );
    }
  }
  forward(input: Tensor): Tensor {
    return F.hardtanh(input, this.options());
  }
}

/** min(max(x, 0), 6). */
export class ReLU6 extends OptionFree {
  forward(input: Tensor): Tensor {
    return F.relu6(input);
  }
}

/** clamp(x + 3, 0, 6) / 6. */
export class Hardsigmoid extends OptionFree {
  forward(input: Tensor): Tensor {
    return F.hardsigmoid(input);
  }
}

/** x·clamp(x + 3, 0, 6) / 6. */
export class Hardswish extends OptionFree {
  forward(input: Tensor): Tensor {
    return F.hardswish(input);
  }
}

/** log(sigmoid(x)), without overflow. */
export class LogSigmoid extends OptionFree {
  forward(input: Tensor): Tensor {
    return F.logsigmoid(input);
  }
}

export interface PReLUOptions extends FactoryOptions {
  /** How many slopes to learn: 1 (shared, the default) or the input's channels (dim 1). */
  numParameters?: number;
  /** The slopes' initial value (default 0.25). */
  init?: number;
}

/**
 * PReLU: x for x > 0, a·x otherwise, with the slope(s) a learned: the Parameter `weight` of
 * shape [numParameters], filled with `init`. `new nn.PReLU({ numParameters: 64 })`.
 */
export class PReLU extends Module {
  readonly numParameters: number;
  readonly init: number;
  weight: Parameter;

  constructor(options?: PReLUOptions) {
    super();
    const o = checkOptions("PReLU", options, ["numParameters", "init", "dtype", "device"]);
    const n = o.numParameters ?? 1;
    if (!Number.isInteger(n) || n < 1) {
      throw new Error(
        `PReLU: numParameters must be a positive integer (1, or the number of channels), got ${n}.`,
      );
    }
    this.numParameters = n;
    this.init = numberArg("PReLU", "init", o.init, 0.25);
    this.weight = new Parameter(empty("PReLU", [n], o));
    this.resetParameters();
  }

  /** Fills the slopes with `init` again. */
  resetParameters(): void {
    noGrad(() => this.weight.fill_(this.init));
  }

  forward(input: Tensor): Tensor {
    return F.prelu(input, this.weight);
  }

  override extraRepr(): string {
    return `numParameters=${this.numParameters}`;
  }
}
