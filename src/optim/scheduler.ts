/**
 * The base of the learning-rate schedulers, with PyTorch's chainable updates: each step()
 * computes the new lr of every group from its current lr, so several schedulers can act on one
 * optimizer.
 */
import { Optimizer, type OptimizerOptions } from "./optimizer.ts";

/** A scheduler's state: every field but the optimizer, as PyTorch's state_dict. */
export type SchedulerStateDict = Record<string, unknown>;

/** Any optimizer: schedulers only read and write each group's lr. */
export type AnyOptimizer = Optimizer<OptimizerOptions>;

function copy(v: unknown): unknown {
  return Array.isArray(v) ? [...v] : v;
}

export function checkOptimizer(name: string, optimizer: unknown): void {
  if (!(optimizer instanceof Optimizer)) {
    throw new TypeError(
      `${name}: expected an optimizer (e.g. new optim.SGD(params, { lr: 0.1 })), got ${
        optimizer === null
          ? "null"
          : typeof optimizer === "object"
          ? (optimizer as object).constructor?.name
          : typeof optimizer
      }.`,
    );
  }
}

/** Copies fields of a state dict onto `target`, accepting only fields it already has. */
export function assignState(name: string, target: object, state: SchedulerStateDict): void {
  if (typeof state !== "object" || state === null) {
    throw new TypeError(`${name}.loadStateDict: expected an object from stateDict().`);
  }
  for (const [k, v] of Object.entries(state)) {
    if (!(k in target) || k === "optimizer") {
      throw new Error(
        `${name}.loadStateDict: unknown field '${k}'; was the dict saved from another scheduler?`,
      );
    }
    (target as Record<string, unknown>)[k] = copy(v);
  }
}

/** The base of the epoch-driven schedulers. */
export abstract class LRScheduler {
  readonly optimizer: AnyOptimizer;
  /** Each group's lr when the first scheduler was attached (its `initialLr`). */
  baseLrs: number[];
  /** How many times step() has run since construction (construction itself makes it 0). */
  lastEpoch = -1;
  protected lastLr: number[] = [];

  protected constructor(readonly name: string, optimizer: AnyOptimizer) {
    checkOptimizer(name, optimizer);
    this.optimizer = optimizer;
    for (const g of optimizer.paramGroups) g.initialLr ??= g.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
  }

  /** The new lr of each group, from the current ones (PyTorch's chainable get_lr). */
  protected abstract computeLr(): number[];

  /** Subclasses call this at the end of their constructor, as PyTorch's does (epoch 0). */
  protected initialStep(): void {
    this.step();
  }

  /** Advances the schedule by one epoch and writes the new lr into every group. */
  step(): void {
    this.lastEpoch++;
    const values = this.computeLr();
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = values[i]));
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The lr of each group after the last step(). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): SchedulerStateDict {
    return Object.fromEntries(
      Object.entries(this).filter(([k]) => k !== "optimizer").map(([k, v]) => [k, copy(v)]),
    );
  }

  loadStateDict(state: SchedulerStateDict): void {
    assignState(this.name, this, state);
  }

  protected groupLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}
