/** Element types and the rules that combine them (PyTorch's type promotion, simplified). */

export type DType = "float32" | "float64" | "int32" | "bool";
export type Device = "cpu" | "webgpu";

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ["float32", "float64", "int32", "bool"];

export function isDType(x: unknown): x is DType {
  return typeof x === "string" && (DTYPES as readonly string[]).includes(x);
}

export function isDevice(x: unknown): x is Device {
  return x === "cpu" || x === "webgpu";
}

export function isFloat(dtype: DType): boolean {
  return dtype === "float32" || dtype === "float64";
}

/**
 * Small arrays are carved out of shared 64 KiB slabs: creating an ArrayBuffer per tiny tensor
 * costs more than the arithmetic on it. Slices are 8-byte aligned and zeroed; a slab is freed
 * by the GC once no slice of it is alive.
 */
const SLAB_BYTES = 64 * 1024, SMALL_BYTES = 512;
let slab = new ArrayBuffer(SLAB_BYTES), slabUsed = 0;

function smallArray(dtype: DType, length: number, bytes: number): TypedArray {
  const size = (bytes + 7) & ~7;
  if (slabUsed + size > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const at = slabUsed;
  slabUsed += size;
  switch (dtype) {
    case "float32":
      return new Float32Array(slab, at, length);
    case "float64":
      return new Float64Array(slab, at, length);
    case "int32":
      return new Int32Array(slab, at, length);
    case "bool":
      return new Uint8Array(slab, at, length);
  }
}

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

export function typedArrayFor(dtype: DType, length: number): TypedArray {
  const bytes = length * BYTES[dtype];
  if (bytes > 0 && bytes <= SMALL_BYTES) return smallArray(dtype, length, bytes);
  try {
    return largeArray(dtype, length);
  } catch (e) {
    throw new AllocationError(dtype, length, e);
  }
}

/**
 * Memory for a tensor could not be had (JS caps a typed array near 2³² elements, and the
 * machine may have less). Creation functions and ops catch it to add their name and shape.
 */
export class AllocationError extends RangeError {
  constructor(readonly dtype: DType, readonly length: number, cause?: unknown, prefix = "") {
    super(
      `${prefix}cannot allocate ${length} ${dtype} elements (${
        formatBytes(length * BYTES[dtype])
      }). ` +
        "Use a smaller shape or a smaller batch" +
        (dtype === "float64" ? ", or float32 instead of float64." : "."),
      { cause },
    );
    this.name = "AllocationError";
  }
}

export function formatBytes(n: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) (n /= 1024), i++;
  return `${i === 0 ? n : n.toPrecision(3)} ${units[i]}`;
}

function largeArray(dtype: DType, length: number): TypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(length);
    case "float64":
      return new Float64Array(length);
    case "int32":
      return new Int32Array(length);
    case "bool":
      return new Uint8Array(length);
  }
}

/** The dtype a TypedArray naturally holds (Uint8Array is read as bool). */
export function dtypeOfTypedArray(a: ArrayBufferView): DType | undefined {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int32Array) return "int32";
  if (a instanceof Uint8Array) return "bool";
  return undefined;
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** Result dtype of an arithmetic op on two tensors of the same standing (torch.promote_types). */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** bool < integer < floating: the categories of torch.result_type. */
function category(d: DType): number {
  return d === "bool" ? 0 : d === "int32" ? 1 : 2;
}

/**
 * Whether an in-place op may write a `from` result into a `to` tensor (torch.can_cast): never
 * down a category, so float results do not go into int tensors nor int results into bool.
 */
export function canCast(from: DType, to: DType): boolean {
  return category(from) <= category(to);
}

/**
 * Result dtype of two tensor operands, as torch.result_type: a 0-d tensor only decides the
 * dtype when it is of a higher category than the dimensioned one (float64 0-d + float32 1-d
 * is float32; a float 0-d + an int32 1-d is float).
 */
export function resultType(
  a: { dtype: DType; ndim: number },
  b: { dtype: DType; ndim: number },
): DType {
  if ((a.ndim === 0) === (b.ndim === 0)) return promoteTypes(a.dtype, b.dtype);
  const [dim, zero] = a.ndim === 0 ? [b, a] : [a, b];
  return category(zero.dtype) > category(dim.dtype) ? zero.dtype : dim.dtype;
}

/**
 * Result dtype of a tensor combined with a JS number: the number is "weak", as a Python
 * scalar is in PyTorch, so it only lifts an integer or bool tensor to float32 when it has a
 * fractional part.
 */
export function promoteWithScalar(t: DType, value: number | boolean): DType {
  if (typeof value === "boolean") return t;
  if (isFloat(t)) return t;
  if (!Number.isInteger(value)) return "float32";
  return t === "bool" ? "int32" : t;
}

/** dtype that arithmetic ops produce for this input: bool arithmetic counts as int32. */
export function arithmeticType(d: DType): DType {
  return d === "bool" ? "int32" : d;
}

/** dtype that float-valued math (exp, log, division...) produces. */
export function floatTypeFor(d: DType): DType {
  return isFloat(d) ? d : "float32";
}

/**
 * The dtype a reduction writes: arg-reductions give indices (int32), sums and products of bools
 * count (int32), everything else keeps the input's dtype. Backends and ops both ask here.
 */
export function reduceOutDtype(
  op: "sum" | "prod" | "max" | "min" | "argmax" | "argmin",
  x: DType,
): DType {
  if (op === "argmax" || op === "argmin") return "int32";
  if ((op === "sum" || op === "prod") && x === "bool") return "int32";
  return x;
}

/**
 * The dtype a scan writes: cummax/cummin give indices (int32), running sums and products of
 * bools count (int32), everything else keeps the input's dtype.
 */
export function scanOutDtype(
  op: "cumsum" | "cumprod" | "logcumsumexp" | "cummax" | "cummin",
  x: DType,
): DType {
  return op === "cummax" || op === "cummin" || x === "bool" ? "int32" : x;
}

/**
 * Runs fn; an AllocationError from it is rethrown naming `op` and what it was making (`what`
 * is only called then: ops run this on every call, and building the text costs more than a
 * tiny matmul).
 */
export function allocating<T>(op: string, what: () => string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof AllocationError)) throw e;
    throw new AllocationError(e.dtype, e.length, e, `${op}: ${what()}: `);
  }
}
