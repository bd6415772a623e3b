/**
 * More creation functions (issue 12): empty / emptyLike (zero-filled), logspace, and the
 * unwrapping of one-element tensors inside the nested arrays given to tensor().
 */
import { type NestedArray, Tensor } from "./tensor.ts";
import { type DType, promoteTypes } from "../core/dtype.ts";
import { checkOptions } from "../core/options.ts";
import { shapeStr } from "../core/shape.ts";
import {
  type CreateOptions,
  linspace,
  type ShapeAndOptions,
  tensor,
  zeros,
  zerosLike,
} from "./creation.ts";

const CREATE_KEYS = ["dtype", "device", "requiresGrad"];

/**
 * A tensor of the given shape. PyTorch leaves the memory uninitialised; here it is zeroed
 * (fresh storage is zeroed anyway on both backends, so this costs nothing extra).
 */
export function empty(...args: ShapeAndOptions<CreateOptions>): Tensor {
  const last = args[args.length - 1];
  if (last !== undefined && typeof last === "object" && !Array.isArray(last)) {
    checkOptions("empty", last as CreateOptions, CREATE_KEYS);
  }
  return zeros(...args);
}

/** empty() in t's shape (and dtype and device unless given); zero-filled. */
export function emptyLike(t: Tensor, opts?: CreateOptions): Tensor {
  return zerosLike(t, checkOptions("emptyLike", opts, CREATE_KEYS));
}

export interface LogspaceOptions extends CreateOptions {
  /** The base of the powers (default 10). */
  base?: number;
}

/** `steps` values base^start ... base^end, with evenly spaced exponents. */
export function logspace(
  start: number,
  end: number,
  steps: number,
  opts?: LogspaceOptions,
): Tensor {
  const { base = 10, ...rest } = checkOptions("logspace", opts, ["base", ...CREATE_KEYS]);
  if (typeof base !== "number" || Number.isNaN(base)) {
    throw new Error(`logspace: base must be a number, got ${base}.`);
  }
  const exps = linspace(start, end, steps, { dtype: "float64" })._values();
  return tensor(Array.from(exps, (e) => base ** e), { dtype: "float32", ...rest });
}

/** What tensor() reads: nested arrays of numbers, booleans and one-element tensors. */
export type NestedInput = number | boolean | Tensor | readonly NestedInput[];

/**
 * Replaces one-element tensors inside nested arrays by their values (as torch.tensor accepts
 * [torch.tensor(1.), torch.tensor(2.)]), and returns the dtype those tensors imply: their
 * promoted dtype, promoted with float32 when a fractional number sits beside them (whole
 * numbers keep an int32 tensor's dtype, as Python ints do). Undefined when there is no tensor inside.
 */
export function unwrapNested(data: NestedInput): { data: NestedArray; dtype?: DType } {
  if (!hasTensor(data)) return { data: data as NestedArray };
  let dtype: DType | undefined, fractional = false;
  const walk = (d: unknown, path: string): NestedArray => {
    if (d instanceof Tensor) {
      if (d.numel() !== 1) {
        throw new Error(
          `tensor: only one-element tensors can be elements of a nested array, but ${path} has ` +
            `shape ${shapeStr(d.shape)}. Use stack() (or cat()) to join tensors.`,
        );
      }
      if (!d._backend.readSync) {
        throw new Error(
          `tensor: ${path} is a tensor on '${d.device}', which can only be read asynchronously. ` +
            "Use stack() to join tensors there, or bring it back first with await t.cpu().",
        );
      }
      dtype = dtype ? promoteTypes(dtype, d.dtype) : d.dtype;
      return d.item();
    }
    if (Array.isArray(d)) return d.map((x, i) => walk(x, `${path}[${i}]`));
    if (typeof d === "number" && !Number.isInteger(d)) fractional = true;
    return d as NestedArray;
  };
  const out = walk(data, "data");
  if (dtype && fractional) dtype = promoteTypes(dtype, "float32");
  return { data: out, dtype };
}

function hasTensor(d: NestedInput): boolean {
  if (d instanceof Tensor) return true;
  if (!Array.isArray(d)) return false;
  for (let i = 0; i < d.length; i++) if (hasTensor(d[i])) return true;
  return false;
}
