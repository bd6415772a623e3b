/**
 * The Optimizer base class: parameter groups, per-parameter state, zeroGrad, step and state
 * dicts in PyTorch's layout. Subclasses supply their defaults, a validity check for a group's
 * hyper-parameters and the update of one group.
 */
import { Tensor } from "../tensor/tensor.ts";
import { isFloat } from "../core/dtype.ts";
import { shapeStr } from "../core/shape.ts";
import { zerosLike } from "../tensor/creation.ts";
import { enableGrad, noGrad } from "../autograd/grad_mode.ts";
import { updateGrad } from "../ops/internal.ts";
import { checkOptions, snakeToCamel } from "../core/options.ts";
import { PrintsAsText } from "../display/bundle.ts";

/** What every optimizer's options have in common. */
export interface OptimizerOptions {
  lr: number;
}

/** State of one parameter: tensors (moments, buffers) and numbers (the step count). */
export type ParamState = Record<string, Tensor | number>;

/**
 * A parameter group: its parameters and the hyper-parameters they are updated with. Schedulers
 * write `lr` (and remember the starting value in `initialLr`); extra keys (a `name`, say) are
 * kept, as in PyTorch.
 */
export type ParamGroup<O extends OptimizerOptions = OptimizerOptions> =
  & O
  & { params: Tensor[]; initialLr?: number; [key: string]: unknown };

/** A parameter group as given to a constructor or addParamGroup: options override defaults. */
export type ParamGroupInput<O extends OptimizerOptions = OptimizerOptions> =
  & Partial<O>
  & { params: Iterable<Tensor> | Tensor; [key: string]: unknown };

/** What optimizers accept: parameters (e.g. `model.parameters()`) or parameter groups. */
export type ParamsInput<O extends OptimizerOptions = OptimizerOptions> =
  | Iterable<Tensor>
  | Iterable<ParamGroupInput<O>>;

/**
 * An optimizer's state in PyTorch's layout: parameters are numbered in group order, `state`
 * maps those numbers to each parameter's state, and each group lists its parameters' numbers.
 */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: { params: number[]; [key: string]: unknown }[];
}

function copyValue<T>(v: T): T {
  if (v instanceof Tensor) return v.detach().clone() as T;
  if (Array.isArray(v)) return v.map(copyValue) as T;
  return v;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !(x instanceof Tensor) &&
    !(Symbol.iterator in x);
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "an array";
  if (typeof x === "object") return (x as object).constructor?.name ?? "an object";
  return `${typeof x} ${String(x)}`;
}

export abstract class Optimizer<O extends OptimizerOptions = OptimizerOptions>
  extends PrintsAsText {
  /** The hyper-parameters a group gets when it does not set its own. */
  readonly defaults: Readonly<Partial<O>>;
  paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (momentum buffers, moments, step counts), keyed by the parameter. */
  state: Map<Tensor, ParamState> = new Map();
  readonly #name: string;

  /**
   * @param name the optimizer's name, for messages
   * @param params parameters or parameter groups
   * @param options the user's options, checked against `defaults`' keys
   * @param defaults every option the optimizer knows, with its default (lr may be undefined: required)
   */
  protected constructor(
    name: string,
    params: ParamsInput<O>,
    options: Partial<O>,
    defaults: Partial<O>,
  ) {
    super();
    this.#name = name;
    if (!isPlainObject(options)) {
      throw new TypeError(
        `${name}: options must be an object such as { lr: 0.01 }, got ${describe(options)}.`,
      );
    }
    checkOptions(name, options, Object.keys(defaults));
    const merged: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(defaults)) merged[k] = copyValue(v);
    for (const [k, v] of Object.entries(options)) if (v !== undefined) merged[k] = copyValue(v);
    this.defaults = merged as Partial<O>;

    const groups = this.#toGroups(params);
    for (const g of groups) this.addParamGroup(g);
    const all = this.paramGroups.flatMap((g) => g.params);
    if (!all.some((p) => p.requiresGrad)) {
      throw new Error(
        `${name}: none of the ${all.length} parameter(s) requires grad, so nothing would ever ` +
          "be updated. Create them with { requiresGrad: true } or call p.requiresGrad_().",
      );
    }
  }

  #toGroups(params: ParamsInput<O>): ParamGroupInput<O>[] {
    const name = this.#name;
    if (params instanceof Tensor) {
      throw new TypeError(
        `${name}: params must be an iterable of tensors or of parameter groups, but got a ` +
          "single Tensor. Wrap it in an array: [t].",
      );
    }
    if (params === null || typeof params !== "object" || !(Symbol.iterator in params)) {
      throw new TypeError(
        `${name}: params must be an iterable of tensors (e.g. model.parameters()) or of ` +
          `parameter groups ({ params, lr?, ... }), got ${describe(params)}.`,
      );
    }
    const items = [...(params as Iterable<unknown>)];
    if (items.length === 0) {
      throw new Error(
        `${name}: got an empty parameter list. Pass the tensors to optimize, ` +
          "e.g. model.parameters() or [w, b].",
      );
    }
    if (items.every((x) => x instanceof Tensor)) {
      return [{ params: items as Tensor[] } as unknown as ParamGroupInput<O>];
    }
    if (items.every(isPlainObject)) return items as ParamGroupInput<O>[];
    const bad = items.find((x) => !(x instanceof Tensor) && !isPlainObject(x));
    throw new TypeError(
      `${name}: params must hold only tensors or only parameter groups ({ params, lr?, ... })` +
        (bad === undefined ? ", not a mix of both." : `, but one entry is ${describe(bad)}.`),
    );
  }

  /**
   * Adds a group of parameters, with its own hyper-parameters, e.g. a new layer to train when
   * fine-tuning. Options it does not set come from the optimizer's defaults.
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    const name = this.#name;
    if (!isPlainObject(group) || !("params" in group)) {
      throw new TypeError(
        `${name}.addParamGroup: a parameter group is an object { params, lr?, ... }, ` +
          `got ${describe(group)}.`,
      );
    }
    const raw = group.params;
    const params: unknown[] = raw instanceof Tensor
      ? [raw]
      : raw !== null && typeof raw === "object" && Symbol.iterator in raw
      ? [...raw]
      : [raw];
    if (params.length === 0) {
      throw new Error(`${name}: a parameter group has an empty params list.`);
    }
    const seen = new Set<Tensor>();
    const taken = new Set(this.paramGroups.flatMap((g) => g.params));
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) {
        throw new TypeError(
          `${name}: parameters must be Tensors, but params[${i}] is ${describe(p)}.`,
        );
      }
      if (!p.isLeaf) {
        throw new Error(
          `${name}: can't optimize a non-leaf tensor (params[${i}], produced by ${p.gradFn?.name}). ` +
            "Optimize the leaf tensors it was computed from, or make it a leaf with " +
            "t.detach().requiresGrad_().",
        );
      }
      if (!isFloat(p.dtype)) {
        throw new Error(
          `${name}: only floating point tensors can be optimized, but params[${i}] is ${p.dtype}.`,
        );
      }
      if (seen.has(p)) {
        throw new Error(`${name}: params[${i}] appears twice in the same parameter group.`);
      }
      if (taken.has(p)) {
        throw new Error(
          `${name}: some parameters appear in more than one parameter group (params[${i}] ` +
            "is already optimized by another group).",
        );
      }
      seen.add(p);
    });
    const known = Object.keys(this.defaults);
    // Arrays (betas) are copied, so editing one group never reaches another or the defaults.
    const full: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.defaults)) full[k] = copyValue(v);
    for (const [k, v] of Object.entries(group)) {
      if (k === "params" || v === undefined) continue;
      if (!known.includes(k) && known.includes(snakeToCamel(k))) {
        throw new TypeError(
          `${name}: unknown group option '${k}'; did you mean '${snakeToCamel(k)}'?`,
        );
      }
      full[k] = copyValue(v);
    }
    full.params = params;
    if (full.lr === undefined) {
      throw new Error(
        `${name}: the learning rate is required: pass it in the options ` +
          `(new optim.${name}(params, { lr: 0.01 })) or in every parameter group.`,
      );
    }
    this.validate(full as ParamGroup<O>);
    this.paramGroups.push(full as ParamGroup<O>);
  }

  /** Throws when a group's hyper-parameters are out of range. */
  protected abstract validate(group: ParamGroup<O>): void;

  /** Updates the parameters of one group; runs under noGrad. */
  protected abstract updateGroup(group: ParamGroup<O>): void;

  /** Throws "Name: invalid what: value." unless ok (PyTorch's wording). */
  protected check(ok: boolean, what: string, value: unknown): void {
    if (!ok) {
      throw new RangeError(
        `${this.#name}: invalid ${what}: ${Array.isArray(value) ? `[${value}]` : value}.`,
      );
    }
  }

  /** The state of p, created by `init` on first use. */
  protected stateOf(p: Tensor, init: () => ParamState): ParamState {
    let s = this.state.get(p);
    if (!s) {
      s = init();
      this.state.set(p, s);
    }
    return s;
  }

  /**
   * Performs one optimization step on every parameter that has a gradient (those whose .grad is
   * null are skipped). `closure`, when given, re-evaluates the model and returns the loss; it
   * runs with grad enabled, before the update, and its value is returned.
   */
  step<T = undefined>(closure?: () => T): T | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() => {
      for (const group of this.paramGroups) this.updateGroup(group);
    });
    return loss;
  }

  /**
   * Resets the gradients of every parameter: to null (the default, as in PyTorch 2), or to
   * zeros with `{ setToNone: false }`, written in place as in PyTorch.
   */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const { setToNone = true } = checkOptions(`${this.#name}.zeroGrad`, options, ["setToNone"]);
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        if (setToNone) p.grad = null;
        else updateGrad(p, (g) => zerosLike(g));
      }
    }
  }

  /** A copy of the state (tensors cloned) in PyTorch's layout; see OptimizerStateDict. */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const out: { params: number[]; [key: string]: unknown } = { params: [] };
      for (const [k, v] of Object.entries(g)) if (k !== "params") out[k] = copyValue(v);
      out.params = g.params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p)!;
      });
      return out;
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      state[i] = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, copyValue(v)]));
    }
    return { state, paramGroups };
  }

  /**
   * Restores a state from stateDict() (of this optimizer or of one built the same way over
   * other parameters): groups must match in number and size. Tensors are copied and cast to
   * their parameter's dtype and device; hyper-parameters (lr included) come from the dict.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const name = `${this.#name}.loadStateDict`;
    if (!isPlainObject(stateDict) || !Array.isArray(stateDict.paramGroups)) {
      throw new TypeError(
        `${name}: expected an object { state, paramGroups } from stateDict(), got ${
          describe(stateDict)
        }.`,
      );
    }
    const saved = stateDict.paramGroups;
    if (saved.length !== this.paramGroups.length) {
      throw new Error(
        `${name}: the state dict has ${saved.length} parameter group(s) but the optimizer has ` +
          `${this.paramGroups.length}.`,
      );
    }
    const idMap = new Map<number, Tensor>();
    saved.forEach((sg, gi) => {
      const params = this.paramGroups[gi].params;
      if (!Array.isArray(sg.params) || sg.params.length !== params.length) {
        throw new Error(
          `${name}: parameter group ${gi} of the state dict has ${sg.params?.length} ` +
            `parameter(s) but the optimizer's has ${params.length}.`,
        );
      }
      sg.params.forEach((id, j) => idMap.set(id, params[j]));
    });
    const state = new Map<Tensor, ParamState>();
    for (const [key, s] of Object.entries(stateDict.state ?? {})) {
      const p = idMap.get(Number(key));
      if (!p) {
        throw new Error(
          `${name}: the state dict has state for parameter ${key}, which none of its groups lists.`,
        );
      }
      const copy: ParamState = {};
      for (const [k, v] of Object.entries(s)) {
        if (!(v instanceof Tensor)) {
          copy[k] = v;
          continue;
        }
        if (v.shape.join() !== p.shape.join()) {
          throw new Error(
            `${name}: state '${k}' of parameter ${key} has shape ${shapeStr(v.shape)} but the ` +
              `parameter has shape ${shapeStr(p.shape)}; was the dict saved from another model?`,
          );
        }
        copy[k] = noGrad(() => v.detach().to({ dtype: p.dtype, device: p.device }).clone());
      }
      state.set(p, copy);
    }
    const groups = saved.map((sg, gi) => {
      const g: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(sg)) if (k !== "params") g[k] = copyValue(v);
      g.params = this.paramGroups[gi].params;
      this.validate(g as ParamGroup<O>);
      return g as ParamGroup<O>;
    });
    this.paramGroups = groups;
    this.state = state;
  }

  override toString(): string {
    const lines = [`${this.#name} (`];
    this.paramGroups.forEach((g, i) => {
      lines.push(`Parameter Group ${i}`);
      for (const k of Object.keys(g).filter((k) => k !== "params").sort()) {
        const v = g[k];
        lines.push(`    ${k}: ${Array.isArray(v) ? `[${v.join(", ")}]` : String(v)}`);
      }
    });
    lines.push(")");
    return lines.join("\n");
  }
}
