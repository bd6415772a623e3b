/** Containers: Sequential, ModuleList and ModuleDict. */
import type { Tensor } from "../tensor/tensor.ts";
import { Module, runForward } from "./module.ts";

function checkModule(op: string, m: unknown, where: string): Module {
  if (!(m instanceof Module)) {
    throw new Error(
      `${op}: ${where} is not an nn.Module (got ${
        m === null ? "null" : typeof m
      }). Pass layers such as new nn.Linear(4, 2) or new nn.ReLU().`,
    );
  }
  return m;
}

/** A positive index into a list of `length` items; negative counts from the end. */
function position(op: string, i: number, length: number): number {
  const k = i < 0 ? i + length : i;
  if (!Number.isInteger(i) || k < 0 || k >= length) {
    throw new Error(`${op}: index ${i} is out of range for ${length} module(s).`);
  }
  return k;
}

/**
 * Modules applied one after the other: forward(x) feeds x through each in order. Children are
 * named "0", "1", ... or, when built from an object, by its keys.
 *
 * @example
 * ```ts
 * const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
 * const logits = model.call(x);
 * ```
 */
export class Sequential extends Module {
  #items = new Map<string, Module>();

  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    const first = modules[0];
    if (modules.length === 1 && !(first instanceof Module) && typeof first === "object") {
      for (const [k, m] of Object.entries(first as Record<string, Module>)) {
        this.#items.set(k, checkModule("Sequential", m, `entry '${k}'`));
      }
    } else {
      (modules as unknown[]).forEach((m, i) =>
        this.append(checkModule("Sequential", m, `argument ${i}`))
      );
    }
  }

  protected override ownMembers(): [string, unknown][] {
    return [...super.ownMembers(), ...this.#items];
  }

  forward(input: Tensor): Tensor {
    let x: unknown = input;
    for (const m of this.#items.values()) x = runForward(m, [x]);
    return x as Tensor;
  }

  /** The i-th module (negative counts from the end). */
  get(i: number): Module {
    return [...this.#items.values()][position("Sequential.get", i, this.#items.size)];
  }

  get length(): number {
    return this.#items.size;
  }

  append(module: Module): this {
    this.#items.set(
      String(this.#items.size),
      checkModule("Sequential.append", module, "the argument"),
    );
    return this;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.#items.values();
  }
}

/** A list of modules whose parameters the parent sees ("0.weight", "1.weight", ...). */
export class ModuleList extends Module {
  #items: Module[] = [];

  constructor(modules: Iterable<Module> = []) {
    super();
    this.extend(modules);
  }

  protected override ownMembers(): [string, unknown][] {
    return [...super.ownMembers(), ...this.#items.map((m, i): [string, Module] => [String(i), m])];
  }

  get(i: number): Module {
    return this.#items[position("ModuleList.get", i, this.#items.length)];
  }

  set(i: number, module: Module): void {
    this.#items[position("ModuleList.set", i, this.#items.length)] = checkModule(
      "ModuleList.set",
      module,
      "the module",
    );
  }

  get length(): number {
    return this.#items.length;
  }

  append(module: Module): this {
    this.#items.push(checkModule("ModuleList.append", module, "the argument"));
    return this;
  }

  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  insert(index: number, module: Module): void {
    const k = index < 0
      ? Math.max(0, index + this.#items.length)
      : Math.min(index, this.#items.length);
    this.#items.splice(k, 0, checkModule("ModuleList.insert", module, "the module"));
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.#items[Symbol.iterator]();
  }
}

/** Modules by name, in insertion order; the parent sees "name.weight". */
export class ModuleDict extends Module {
  #items = new Map<string, Module>();

  constructor(modules: Record<string, Module> | Iterable<[string, Module]> = {}) {
    super();
    const entries = Symbol.iterator in modules
      ? modules as Iterable<[string, Module]>
      : Object.entries(modules);
    for (const [k, m] of entries) this.set(k, m);
  }

  protected override ownMembers(): [string, unknown][] {
    return [...super.ownMembers(), ...this.#items];
  }

  get(key: string): Module {
    const m = this.#items.get(key);
    if (!m) {
      throw new Error(
        `ModuleDict.get: no module named '${key}'. Keys: ${
          [...this.#items.keys()].join(", ") || "(none)"
        }.`,
      );
    }
    return m;
  }

  set(key: string, module: Module): void {
    if (typeof key !== "string" || key === "" || key.includes(".")) {
      throw new Error(`ModuleDict: keys must be non-empty strings without dots, got '${key}'.`);
    }
    this.#items.set(key, checkModule("ModuleDict.set", module, `the value for '${key}'`));
  }

  has(key: string): boolean {
    return this.#items.has(key);
  }

  /** Removes and returns the module named key. */
  pop(key: string): Module {
    const m = this.get(key);
    this.#items.delete(key);
    return m;
  }

  get size(): number {
    return this.#items.size;
  }

  keys(): string[] {
    return [...this.#items.keys()];
  }

  values(): Module[] {
    return [...this.#items.values()];
  }

  entries(): [string, Module][] {
    return [...this.#items.entries()];
  }

  [Symbol.iterator](): Iterator<[string, Module]> {
    return this.#items.entries();
  }
}
