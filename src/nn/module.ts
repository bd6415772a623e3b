/**
 * Module: the base class of layers, losses and models, as torch.nn.Module. Submodules,
 * Parameters and registered buffers are found by walking the module's own enumerable fields
 * in insertion order, so a model is written as in PyTorch:
 *
 * ```ts
 * class Net extends nn.Module {
 *   flatten = new nn.Flatten();
 *   fc = new nn.Linear(784, 10);
 *   forward(x: Tensor): Tensor {
 *     return this.fc.call(this.flatten.call(x));
 *   }
 * }
 * const logits = new Net().call(x); // or .forward(x)
 * ```
 *
 * Plain arrays or objects of modules are not searched (as in PyTorch): hold them in a
 * ModuleList or ModuleDict.
 */
import { Tensor } from "../tensor/tensor.ts";
import { type Device, type DType, isDevice, isDType, isFloat } from "../core/dtype.ts";
import { shapeStr } from "../core/shape.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { zerosLike } from "../tensor/creation.ts";
import { updateGrad } from "../ops/internal.ts";
import { Parameter } from "./parameter.ts";
import { JUPYTER_DISPLAY, type MimeBundle } from "../display/bundle.ts";
import { moduleBundle } from "../display/module_summary.ts";
import { checkOptions } from "../core/options.ts";

/** What Module.to() accepts: a dtype, a device, or both. */
export type ToTarget = DType | Device | { dtype?: DType; device?: Device };

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export class Module {
  /** Whether the module is in training mode (Dropout and BatchNorm behave differently). */
  training = true;
  #buffers = new Map<string, boolean>(); // name -> persistent

  /**
   * The short call form of `forward`, PyTorch's `model(x)`: `model.call(x)` runs
   * `model.forward(x)` with the same arguments and types. Subclasses define `forward(...)`
   * with the computation (no `override` needed: Module itself declares none).
   */
  call<M extends Module & { forward(...args: never[]): unknown }>(
    this: M,
    ...args: Parameters<M["forward"]>
  ): ReturnType<M["forward"]> {
    return runForward(this, args) as ReturnType<M["forward"]>;
  }

  /**
   * The module's own members as [name, value] pairs: its own enumerable fields in insertion
   * order. Containers override this to add their items.
   */
  protected ownMembers(): [string, unknown][] {
    return Object.entries(this);
  }

  // ---- registration -----------------------------------------------------------------------

  /**
   * Registers a tensor that is part of the module's state but not learned (BatchNorm's running
   * statistics): it becomes the field `name`, moves with to() and, when persistent, is saved
   * by stateDict(). `null` declares an empty slot.
   */
  registerBuffer(name: string, tensor: Tensor | null, { persistent = true } = {}): void {
    this.#checkName("registerBuffer", name);
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new Error(`registerBuffer: '${name}' must be a Tensor or null.`);
    }
    if (tensor instanceof Parameter) {
      throw new Error(
        `registerBuffer: '${name}' is a Parameter; assign it as a field (or use registerParameter).`,
      );
    }
    this.#buffers.set(name, persistent);
    (this as Record<string, unknown>)[name] = tensor;
  }

  /** Registers a Parameter (or an empty slot) under a computed name: the same as assigning it. */
  registerParameter(name: string, param: Parameter | null): void {
    this.#checkName("registerParameter", name);
    if (param !== null && !(param instanceof Parameter)) {
      throw new Error(
        `registerParameter: '${name}' must be an nn.Parameter (wrap the tensor: new nn.Parameter(t)) or null.`,
      );
    }
    (this as Record<string, unknown>)[name] = param;
  }

  /** Registers a submodule under a computed name: the same as assigning it as a field. */
  registerModule(name: string, module: Module | null): void {
    this.#checkName("registerModule", name);
    if (module !== null && !(module instanceof Module)) {
      throw new Error(`registerModule: '${name}' must be an nn.Module or null.`);
    }
    (this as Record<string, unknown>)[name] = module;
  }

  #checkName(op: string, name: string): void {
    if (typeof name !== "string" || name === "" || name.includes(".")) {
      throw new Error(`${op}: the name must be a non-empty string without dots, got '${name}'.`);
    }
  }

  // ---- traversal --------------------------------------------------------------------------

  /** Own parameters, buffers and children, each once, in field order. */
  #own(): {
    params: [string, Parameter][];
    buffers: [string, Tensor, boolean][];
    children: [string, Module][];
  } {
    const params: [string, Parameter][] = [];
    const buffers: [string, Tensor, boolean][] = [];
    const children: [string, Module][] = [];
    for (const [name, value] of this.ownMembers()) {
      if (value instanceof Parameter) params.push([name, value]);
      else if (value instanceof Module) children.push([name, value]);
      else if (value instanceof Tensor && this.#buffers.has(name)) {
        buffers.push([name, value, this.#buffers.get(name)!]);
      }
    }
    return { params, buffers, children };
  }

  /** The direct submodules with their names. */
  namedChildren(): [string, Module][] {
    const seen = new Set<Module>();
    return this.#own().children.filter(([, m]) => !seen.has(m) && seen.add(m));
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and all modules below it, with dotted names ("" for this one), each once. */
  namedModules(prefix = ""): [string, Module][] {
    return this.#namedModules(prefix, new Set());
  }

  #namedModules(prefix: string, seen: Set<Module>): [string, Module][] {
    if (seen.has(this)) return [];
    seen.add(this);
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.#own().children) {
      out.push(...child.#namedModules(prefix ? `${prefix}.${name}` : name, seen));
    }
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Every parameter with its dotted name ("0.weight"); a parameter shared by two modules once. */
  namedParameters({ recurse = true } = {}): [string, Parameter][] {
    const seen = new Set<Tensor>();
    const out: [string, Parameter][] = [];
    const mods: [string, Module][] = recurse ? this.namedModules() : [["", this]];
    for (const [prefix, m] of mods) {
      for (const [name, p] of m.#own().params) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([prefix ? `${prefix}.${name}` : name, p]);
      }
    }
    return out;
  }

  /** The learnable parameters, for an optimizer: `new optim.SGD(model.parameters(), ...)`. */
  parameters({ recurse = true } = {}): Parameter[] {
    return this.namedParameters({ recurse }).map(([, p]) => p);
  }

  /** Every registered buffer (non-null) with its dotted name. */
  namedBuffers({ recurse = true } = {}): [string, Tensor][] {
    const seen = new Set<Tensor>();
    const out: [string, Tensor][] = [];
    const mods: [string, Module][] = recurse ? this.namedModules() : [["", this]];
    for (const [prefix, m] of mods) {
      for (const [name, b] of m.#own().buffers) {
        if (seen.has(b)) continue;
        seen.add(b);
        out.push([prefix ? `${prefix}.${name}` : name, b]);
      }
    }
    return out;
  }

  buffers({ recurse = true } = {}): Tensor[] {
    return this.namedBuffers({ recurse }).map(([, b]) => b);
  }

  /** Calls fn on every submodule (children first) and then on this module; returns this. */
  apply(fn: (module: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  // ---- modes and gradients ----------------------------------------------------------------

  /** Sets training mode on this module and every submodule; returns this. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: train(false). Dropout becomes the identity, BatchNorm uses running stats. */
  eval(): this {
    return this.train(false);
  }

  /** Clears the gradients of all parameters (to null, or to zeros with { setToNone: false }). */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const { setToNone = true } = checkOptions("zeroGrad", options, ["setToNone"]);
    for (const p of this.parameters()) {
      if (setToNone) p.grad = null;
      else updateGrad(p, (g) => zerosLike(g));
    }
  }

  /** Makes every parameter (recursively) require grad or not: freezing layers. Returns this. */
  requiresGrad_(flag = true): this {
    for (const p of this.parameters()) p.requiresGrad_(flag);
    return this;
  }

  // ---- dtype and device -------------------------------------------------------------------

  /**
   * Converts floating-point parameters and buffers to a dtype and/or moves all of them to a
   * device, in place: each tensor keeps its identity (an optimizer built before still holds
   * the right tensors), only its data is swapped. Returns this.
   */
  to(target: ToTarget): this {
    const want = this.#target("Module.to", target);
    for (const t of this.#tensors()) {
      if (want.device && want.device !== t.device && !t._backend.readSync) {
        throw new Error(
          `Module.to: moving parameters off '${t.device}' means reading them back, which is ` +
            `asynchronous there. Use \`await model.toAsync('${want.device}')\`.`,
        );
      }
    }
    // Convert everything first and swap after, so a failure leaves the model as it was.
    const moved = noGrad(() =>
      this.#tensors().map((t): [Tensor, Tensor, Tensor | null] => {
        const o = this.#optsFor(t, want);
        return [t, t.detach().to(o), t.grad ? t.grad.detach().to(o) : null];
      })
    );
    this.#swap(moved);
    return this;
  }

  /** to() that can also move off async-only devices: `await model.toAsync("cpu")`. */
  async toAsync(target: ToTarget): Promise<this> {
    const want = this.#target("Module.toAsync", target);
    const moved: [Tensor, Tensor, Tensor | null][] = [];
    for (const t of this.#tensors()) {
      const opts = this.#optsFor(t, want);
      const data = await t.detach().toAsync(opts);
      const grad = t.grad ? await t.grad.detach().toAsync(opts) : null;
      moved.push([t, data, grad]);
    }
    this.#swap(moved);
    return this;
  }

  #tensors(): Tensor[] {
    return [...this.parameters(), ...this.buffers()];
  }

  #target(op: string, target: ToTarget): { dtype?: DType; device?: Device } {
    const { dtype, device } = typeof target === "string"
      ? (isDType(target)
        ? { dtype: target, device: undefined }
        : { dtype: undefined, device: target })
      : target;
    if (dtype !== undefined && !(isDType(dtype) && isFloat(dtype))) {
      throw new Error(
        `${op}: only floating point dtypes (float32, float64) are allowed, got '${dtype}'. ` +
          "Parameters must stay floating point to be trained.",
      );
    }
    if (device !== undefined && !isDevice(device)) {
      throw new Error(
        `${op}: unknown dtype or device '${device}'. Use float32, float64, cpu or webgpu.`,
      );
    }
    return { dtype, device };
  }

  #optsFor(t: Tensor, want: { dtype?: DType; device?: Device }): { dtype: DType; device: Device } {
    return {
      dtype: want.dtype !== undefined && isFloat(t.dtype) ? want.dtype : t.dtype,
      device: want.device ?? t.device,
    };
  }

  #swap(moved: readonly [Tensor, Tensor, Tensor | null][]): void {
    for (const [t, data, grad] of moved) {
      if (grad) t.grad = grad;
      if (data.dtype !== t.dtype || data.device !== t.device) t._setData(data);
    }
  }

  /** to("float64"). */
  double(): this {
    return this.to("float64");
  }

  /** to("float32"). */
  float(): this {
    return this.to("float32");
  }

  // ---- state ------------------------------------------------------------------------------

  /** Dotted name -> tensor for every parameter and persistent buffer (a view sharing storage). */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [name, t] of this.#stateEntries()) out[name] = t.detach();
    return out;
  }

  /** The live tensors behind stateDict(), in PyTorch's order (own params, buffers, children). */
  #stateEntries(prefix = "", seen = new Set<Module>()): [string, Tensor][] {
    if (seen.has(this)) return [];
    seen.add(this);
    const { params, buffers, children } = this.#own();
    const key = (n: string) => (prefix ? `${prefix}.${n}` : n);
    const out: [string, Tensor][] = [
      ...params.map(([n, p]): [string, Tensor] => [key(n), p]),
      ...buffers.filter(([, , persistent]) => persistent).map(([n, b]): [string, Tensor] => [
        key(n),
        b,
      ]),
    ];
    for (const [n, child] of children) out.push(...child.#stateEntries(key(n), seen));
    return out;
  }

  /**
   * Copies values from a state dict (as stateDict() returns) into this module's parameters
   * and buffers. With `strict` (the default) every key must match; shapes must always match.
   * Returns the missing and unexpected keys (both empty when strict succeeds).
   */
  loadStateDict(
    dict: Record<string, Tensor> | Map<string, Tensor>,
    { strict = true } = {},
  ): LoadStateDictResult {
    const given = dict instanceof Map ? new Map(dict) : new Map(Object.entries(dict));
    const own = new Map(this.#stateEntries());
    const missingKeys = [...own.keys()].filter((k) => !given.has(k));
    const unexpectedKeys = [...given.keys()].filter((k) => !own.has(k));
    const problems: string[] = [];
    for (const [k, v] of given) {
      const target = own.get(k);
      if (!target) continue;
      if (!(v instanceof Tensor)) {
        problems.push(`Value for '${k}' is not a Tensor (got ${typeof v}).`);
      } else if (v.shape.join() !== target.shape.join()) {
        problems.push(
          `Size mismatch for '${k}': copying a tensor of shape ${
            shapeStr(v.shape)
          } into a tensor of shape ${shapeStr(target.shape)}.`,
        );
      }
    }
    const quote = (ks: string[]) => ks.map((k) => `"${k}"`).join(", ");
    if (strict && missingKeys.length) problems.push(`Missing key(s): ${quote(missingKeys)}.`);
    if (strict && unexpectedKeys.length) {
      problems.push(`Unexpected key(s): ${quote(unexpectedKeys)}.`);
    }
    if (problems.length) {
      const hint = strict && (missingKeys.length || unexpectedKeys.length)
        ? "\nCheck that the model is built as the one that was saved, or pass { strict: false } " +
          "to load only the keys that match."
        : "";
      throw new Error(
        `loadStateDict: error(s) in loading the state dict for ${this.constructor.name}:\n  ` +
          problems.join("\n  ") + hint,
      );
    }
    noGrad(() => {
      for (const [k, target] of own) {
        const v = given.get(k);
        if (v) target.copy_(v.detach().to({ dtype: target.dtype, device: target.device }));
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  // ---- printing ---------------------------------------------------------------------------

  /** The text inside the parentheses of this module's repr, e.g. "inFeatures=4, outFeatures=2". */
  extraRepr(): string {
    return "";
  }

  /** PyTorch's module repr: the class name, extraRepr() and each child, indented. */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split("\n") : [];
    const childLines = this.#own().children.map(([name, m]) =>
      `(${name}): ${String(m).split("\n").join("\n  ")}`
    );
    const lines = [...extraLines, ...childLines];
    let body = "";
    if (extraLines.length === 1 && childLines.length === 0) body = extraLines[0];
    else if (lines.length) body = `\n  ${lines.join("\n  ")}\n`;
    return `${this.constructor.name}(${body})`;
  }

  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** Jupyter rich display: the repr, and a summary table of layers and parameter counts. */
  [JUPYTER_DISPLAY](): MimeBundle {
    return moduleBundle(this);
  }
}

/** Runs m.forward(...args), or explains that m has none (containers, a forgotten forward). */
export function runForward(m: Module, args: readonly unknown[]): unknown {
  const forward = (m as { forward?: unknown }).forward;
  if (typeof forward !== "function") {
    throw new Error(
      `${m.constructor.name}: this module has no forward(). Subclasses of nn.Module define ` +
        "forward(...) with the computation; containers such as ModuleList and ModuleDict have none " +
        "(iterate over them instead).",
    );
  }
  return forward.apply(m, args);
}
