/** Creation functions: tensor(), zeros/ones/full/eye/arange/linspace and the random ones. */
import { Tensor } from "./tensor.ts";
import {
  allocating,
  type Device,
  type DType,
  dtypeOfTypedArray,
  isDType,
  isFloat,
  type TypedArray,
  typedArrayFor,
} from "../core/dtype.ts";
import { checkShape, numelOf } from "../core/shape.ts";
import { flattenNested } from "../core/nested.ts";
import type { Backend } from "../backend/backend.ts";
import { getBackend } from "../backend/registry.ts";
import { defaultGenerator, type Generator } from "../core/random.ts";
import { type NestedInput, unwrapNested } from "./creation_more.ts";
import { checkOptions } from "../core/options.ts";

export interface CreateOptions {
  dtype?: DType;
  device?: Device;
  requiresGrad?: boolean;
}

export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

const CREATE_KEYS = ["dtype", "device", "requiresGrad"];
const RANDOM_KEYS = [...CREATE_KEYS, "generator"];

/** Shape given as varargs (2, 3) or as one array ([2, 3]), optionally followed by options. */
export type ShapeAndOptions<O> = number[] | [...number[], O] | [readonly number[]] | [
  readonly number[],
  O,
];

function splitArgs<O extends object>(
  op: string,
  args: readonly unknown[],
  known: readonly string[],
): [number[], O] {
  let opts = {} as O;
  let rest = args;
  const last = args[args.length - 1];
  if (last !== undefined && typeof last === "object" && !Array.isArray(last)) {
    opts = checkOptions(op, last as O, known);
    rest = args.slice(0, -1);
  }
  const shape = rest.length === 1 && Array.isArray(rest[0])
    ? rest[0] as number[]
    : rest as number[];
  return [checkShape(op, shape), opts];
}

/** Rejects an unknown dtype or a device without a backend, naming the creation function. */
function backendFor(op: string, dtype: DType, device: Device): Backend {
  if (!isDType(dtype)) {
    throw new Error(`${op}: unknown dtype '${dtype}'. Use one of float32, float64, int32, bool.`);
  }
  return getBackend(device, op);
}

/** int32 storage would wrap these silently: PyTorch raises on overflow, so do we. */
function checkInt32Range(op: string, values: TypedArray): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= -2147483648 && v < 2147483648)) {
      throw new Error(
        `${op}: value ${v} (element ${i}) cannot be converted to int32 without overflow; int32 ` +
          "holds integers from -2147483648 to 2147483647 (and no NaN or infinity). Use a float " +
          "dtype, or clamp / nanToNum the values first.",
      );
    }
  }
}

function make(
  op: string,
  values: TypedArray,
  shape: readonly number[],
  opts: CreateOptions,
  dtype: DType,
): Tensor {
  if (dtype === "int32" && !(values instanceof Int32Array) && !(values instanceof Uint8Array)) {
    checkInt32Range(op, values);
  }
  const device = opts.device ?? "cpu";
  const backend = backendFor(op, dtype, device);
  const t = new Tensor(backend.fromTypedArray(values, dtype), shape, dtype, device);
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

/**
 * Builds a tensor from a number, a boolean, nested arrays (whose elements may be one-element
 * tensors), a TypedArray, or a tensor (copied).
 */
export function tensor(data: NestedInput | TypedArray, opts: CreateOptions = {}): Tensor {
  checkOptions("tensor", opts, CREATE_KEYS);
  if (data instanceof Tensor) {
    const t = data.detach().to({
      dtype: opts.dtype ?? data.dtype,
      device: opts.device ?? data.device,
    }).clone();
    const copy = t.detach();
    if (opts.requiresGrad) copy.requiresGrad_(true);
    return copy;
  }
  if (ArrayBuffer.isView(data)) {
    const dtype = opts.dtype ?? dtypeOfTypedArray(data) ?? "float32";
    return make("tensor", data, [data.length], opts, dtype);
  }
  const unwrapped = unwrapNested(data);
  const flat = flattenNested(unwrapped.data);
  const dtype = opts.dtype ?? unwrapped.dtype ?? (flat.allBool ? "bool" : "float32");
  const values = typedArrayFor("float64", flat.values.length);
  values.set(flat.values);
  return make("tensor", values, flat.shape, opts, dtype);
}

function filled(op: string, args: readonly unknown[], value: number): Tensor {
  const [shape, opts] = splitArgs<CreateOptions>(op, args, CREATE_KEYS);
  return fullOf(op, shape, value, opts);
}

function fullOf(op: string, shape: readonly number[], value: number, opts: CreateOptions): Tensor {
  const dtype = opts.dtype ?? "float32";
  const device = opts.device ?? "cpu";
  const backend = backendFor(op, dtype, device);
  const storage = allocating(
    op,
    () => `shape [${shape.join(", ")}]`,
    () => backend.full(numelOf(shape), value, dtype),
  );
  const t = new Tensor(storage, shape, dtype, device);
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

export function zeros(...args: ShapeAndOptions<CreateOptions>): Tensor {
  return filled("zeros", args, 0);
}

export function ones(...args: ShapeAndOptions<CreateOptions>): Tensor {
  return filled("ones", args, 1);
}

export function full(shape: readonly number[], value: number, opts: CreateOptions = {}): Tensor {
  return fullOf("full", checkShape("full", shape), value, checkOptions("full", opts, CREATE_KEYS));
}

export function eye(n: number, m: number | CreateOptions = n, opts: CreateOptions = {}): Tensor {
  if (typeof m === "object") return eye(n, n, m);
  checkOptions("eye", opts, CREATE_KEYS);
  const [rows, cols] = checkShape("eye", [n, m]);
  const values = typedArrayFor("float64", rows * cols);
  for (let i = 0; i < Math.min(rows, cols); i++) values[i * cols + i] = 1;
  return make("eye", values, [rows, cols], opts, opts.dtype ?? "float32");
}

/**
 * arange(end) or arange(start, end, step?): values start, start+step, ... below end. Integer
 * arguments give int32 (as PyTorch gives int64), any fractional one float32.
 */
export function arange(
  a: number,
  b?: number | CreateOptions,
  c?: number | CreateOptions,
  d?: CreateOptions,
): Tensor {
  const nums = [a, b, c].filter((x): x is number => typeof x === "number");
  const opts = checkOptions(
    "arange",
    ([b, c, d].find((x) => typeof x === "object") ?? {}) as CreateOptions,
    CREATE_KEYS,
  );
  const [start, end, step] = nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
  if (step === 0 || !Number.isFinite(start + end + step)) {
    throw new Error(
      `arange: need finite start/end and a non-zero step, got (${start}, ${end}, ${step}).`,
    );
  }
  if ((end - start) * step < 0) {
    throw new Error(
      `arange: step ${step} goes away from end: start ${start}, end ${end}. ` +
        "Flip the sign of the step (or swap start and end).",
    );
  }
  const n = Math.max(0, Math.ceil((end - start) / step));
  const values = allocating("arange", () => `${n} values`, () => typedArrayFor("float64", n));
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  const dtype = opts.dtype ?? (nums.every(Number.isInteger) ? "int32" : "float32");
  return make("arange", values, [n], opts, dtype);
}

export function linspace(
  start: number,
  end: number,
  steps: number,
  opts: CreateOptions = {},
): Tensor {
  checkOptions("linspace", opts, CREATE_KEYS);
  checkShape("linspace", [steps]);
  const values = typedArrayFor("float64", steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Fill from both ends so the last value is exactly `end`, as PyTorch does.
  for (let i = 0; i < steps; i++) {
    values[i] = i < steps / 2 ? start + i * step : end - (steps - 1 - i) * step;
  }
  return make("linspace", values, [steps], opts, opts.dtype ?? "float32");
}

function likeOpts(op: string, t: Tensor, opts: CreateOptions): CreateOptions {
  checkOptions(op, opts, CREATE_KEYS);
  return { dtype: t.dtype, device: t.device, ...opts };
}

export function zerosLike(t: Tensor, opts: CreateOptions = {}): Tensor {
  return fullOf("zerosLike", t.shape, 0, likeOpts("zerosLike", t, opts));
}

export function onesLike(t: Tensor, opts: CreateOptions = {}): Tensor {
  return fullOf("onesLike", t.shape, 1, likeOpts("onesLike", t, opts));
}

export function fullLike(t: Tensor, value: number, opts: CreateOptions = {}): Tensor {
  return fullOf("fullLike", t.shape, value, likeOpts("fullLike", t, opts));
}

function randomFloat(op: string, args: readonly unknown[], draw: (g: Generator) => number): Tensor {
  const [shape, opts] = splitArgs<RandomOptions>(op, args, RANDOM_KEYS);
  const dtype = opts.dtype ?? "float32";
  if (!isFloat(dtype)) {
    throw new Error(
      `${op}: dtype must be float32 or float64, got ${dtype}. Use randint for integers.`,
    );
  }
  const g = opts.generator ?? defaultGenerator;
  const device = opts.device ?? "cpu";
  const backend = backendFor(op, dtype, device);
  if (backend.random && device !== "cpu") {
    // Draw on the device, keyed by two words from the seeded generator (reproducible).
    const seed: [number, number] = [g.nextInt(0, 2 ** 32), g.nextInt(0, 2 ** 32)];
    const kind = op === "rand" ? "uniform" : "normal";
    const t = new Tensor(backend.random(kind, numelOf(shape), seed), shape, dtype, device);
    if (opts.requiresGrad) t.requiresGrad_(true);
    return t;
  }
  const values = allocating(
    op,
    () => `shape [${shape.join(", ")}]`,
    () => typedArrayFor(dtype, numelOf(shape)),
  );
  for (let i = 0; i < values.length; i++) values[i] = draw(g);
  if (dtype === "float32") {
    // Rounding to float32 can turn 0.99999999 into 1; keep rand() inside [0, 1).
    if (op === "rand") {
      for (let i = 0; i < values.length; i++) if (values[i] >= 1) values[i] = 1 - 2 ** -24;
    }
  }
  return make(op, values, shape, opts, dtype);
}

/** Uniform samples in [0, 1). */
export function rand(...args: ShapeAndOptions<RandomOptions>): Tensor {
  return randomFloat("rand", args, (g) => g.nextFloat());
}

/** Standard normal samples. */
export function randn(...args: ShapeAndOptions<RandomOptions>): Tensor {
  return randomFloat("randn", args, (g) => g.nextNormal());
}

export function randLike(t: Tensor, opts: RandomOptions = {}): Tensor {
  checkOptions("randLike", opts, RANDOM_KEYS);
  return rand(t.shape, { dtype: t.dtype, device: t.device, ...opts });
}

export function randnLike(t: Tensor, opts: RandomOptions = {}): Tensor {
  checkOptions("randnLike", opts, RANDOM_KEYS);
  return randn(t.shape, { dtype: t.dtype, device: t.device, ...opts });
}

/** Uniform integers in [low, high) (int32 unless a dtype is given). */
export function randint(
  low: number,
  high: number,
  shape: readonly number[],
  opts: RandomOptions = {},
): Tensor {
  checkOptions("randint", opts, RANDOM_KEYS);
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new Error(`randint: need integers low < high, got low=${low}, high=${high}.`);
  }
  const dims = checkShape("randint", shape);
  const g = opts.generator ?? defaultGenerator;
  const values = typedArrayFor("float64", numelOf(dims));
  for (let i = 0; i < values.length; i++) values[i] = g.nextInt(low, high);
  return make("randint", values, dims, opts, opts.dtype ?? "int32");
}

/** A random permutation of 0..n-1 (Fisher-Yates). */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  checkOptions("randperm", opts, RANDOM_KEYS);
  checkShape("randperm", [n]);
  const g = opts.generator ?? defaultGenerator;
  const values = typedArrayFor("float64", n);
  for (let i = 0; i < n; i++) values[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.nextInt(0, i + 1);
    const t = values[i];
    values[i] = values[j];
    values[j] = t;
  }
  return make("randperm", values, [n], opts, opts.dtype ?? "int32");
}
