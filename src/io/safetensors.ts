/**
 * The safetensors format, pure (no file system): https://github.com/huggingface/safetensors
 *
 *   [8 bytes: header length N, u64 little-endian][N bytes: JSON header][data]
 *
 * The header maps each tensor name to { dtype, shape, data_offsets: [begin, end] } (offsets
 * into the data section) and may hold "__metadata__", a map of strings. serialize writes
 * exactly what the Python library writes: compact JSON, "__metadata__" first, tensors
 * ordered by dtype (widest first: F64, F32, I32, BOOL) and then by name (byte order), data
 * in that order with no gaps, the header padded with spaces to a multiple of 8 bytes.
 * deserialize checks everything the Python library checks before touching the data.
 */
import { Tensor } from "../tensor/tensor.ts";
import type { DType, TypedArray } from "../core/dtype.ts";
import { MAX_DIMS, shapeStr } from "../core/shape.ts";
import { getBackend } from "../backend/registry.ts";
import type { Backend } from "../backend/backend.ts";
import { scanHeader, topLevelKeys } from "./header_scan.ts";

/** A state dict: tensor names to tensors (e.g. a module's stateDict()). */
export type StateDict = Record<string, Tensor>;
export type Metadata = Record<string, string>;

export interface Deserialized {
  tensors: StateDict;
  /** The header's "__metadata__", or undefined when the file has none. */
  metadata: Metadata | undefined;
}

/** The Python library refuses headers above 100 MB; so do we, before parsing anything. */
export const MAX_HEADER_BYTES = 100_000_000;

const WRITE_CODE: Record<DType, string> = {
  float64: "F64",
  float32: "F32",
  int32: "I32",
  bool: "BOOL",
};
/** safetensors orders tensors by its Dtype enum, descending; for our dtypes that is this. */
const WRITE_RANK: Record<DType, number> = { float64: 3, float32: 2, int32: 1, bool: 0 };

interface ReadType {
  size: number;
  dtype: DType;
  /** Decodes `count` little-endian values from bytes (which tensor() then copies). */
  decode(bytes: Uint8Array, count: number): TypedArray;
}

/** A problem with the data itself; deserialize adds the source's name. */
class FormatError extends Error {}

function fail(problem: string): never {
  throw new FormatError(problem);
}

/** A name as it may appear in a message: JSON-escaped (no control characters) and at most ~60 chars. */
export function quoteName(name: string): string {
  const q = JSON.stringify(name);
  return q.length <= 62 ? q : q.slice(0, 60) + '…"';
}

const hasLoneSurrogate: (s: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === "function"
    ? (s) => !(s as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (s) => /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

/** What Rust's serde_json (so Python's reader) refuses: a string that is not valid Unicode. */
function surrogateProblem(what: string, s: string): string | undefined {
  return hasLoneSurrogate(s)
    ? `${what} ${quoteName(s)} holds a lone surrogate (not valid Unicode, so not valid UTF-8)`
    : undefined;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The bytes, copied to a fresh buffer if a typed array of this element size cannot view them. */
function aligned(b: Uint8Array, size: number): Uint8Array {
  return b.byteOffset % size === 0 ? b : b.slice();
}

/** A typed array over the bytes as they are (little-endian machines). */
function native<T extends Float64Array | Float32Array | Int32Array>(
  C: {
    new (buffer: ArrayBufferLike, offset: number, length: number): T;
    BYTES_PER_ELEMENT: number;
  },
  b: Uint8Array,
  n: number,
): T {
  const a = aligned(b, C.BYTES_PER_ELEMENT);
  return new C(a.buffer, a.byteOffset, n);
}

function viaDataView<T extends TypedArray>(
  out: T,
  bytes: Uint8Array,
  size: number,
  get: (v: DataView, at: number) => number,
): T {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = get(view, i * size);
  return out;
}

/** IEEE half precision to number (exact: every half is a float32). */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1, exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const READ_TYPES: Record<string, ReadType> = {
  F64: {
    size: 8,
    dtype: "float64",
    decode: (b, n) =>
      LITTLE_ENDIAN
        ? native(Float64Array, b, n)
        : viaDataView(new Float64Array(n), b, 8, (v, at) => v.getFloat64(at, true)),
  },
  F32: {
    size: 4,
    dtype: "float32",
    decode: (b, n) =>
      LITTLE_ENDIAN
        ? native(Float32Array, b, n)
        : viaDataView(new Float32Array(n), b, 4, (v, at) => v.getFloat32(at, true)),
  },
  I32: {
    size: 4,
    dtype: "int32",
    decode: (b, n) =>
      LITTLE_ENDIAN
        ? native(Int32Array, b, n)
        : viaDataView(new Int32Array(n), b, 4, (v, at) => v.getInt32(at, true)),
  },
  BOOL: { size: 1, dtype: "bool", decode: (b) => b },
  // Read-only conversions, so that checkpoints written by PyTorch load too.
  F16: {
    size: 2,
    dtype: "float32",
    decode: (b, n) =>
      viaDataView(new Float32Array(n), b, 2, (v, at) => halfToNumber(v.getUint16(at, true))),
  },
  BF16: {
    size: 2,
    dtype: "float32",
    decode: (b, n) => {
      const out = new Float32Array(n), bits = new Uint32Array(out.buffer);
      const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
      for (let i = 0; i < n; i++) bits[i] = view.getUint16(2 * i, true) << 16;
      return out;
    },
  },
  I64: {
    size: 8,
    dtype: "int32",
    decode: (b, n) => {
      const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = view.getBigInt64(8 * i, true);
        if (v > 2147483647n || v < -2147483648n) {
          fail(`an I64 value (${v}) does not fit in int32, the widest integer dtype gradiente has`);
        }
        out[i] = Number(v);
      }
      return out;
    },
  },
  I16: {
    size: 2,
    dtype: "int32",
    decode: (b, n) => viaDataView(new Int32Array(n), b, 2, (v, at) => v.getInt16(at, true)),
  },
  U16: {
    size: 2,
    dtype: "int32",
    decode: (b, n) => viaDataView(new Int32Array(n), b, 2, (v, at) => v.getUint16(at, true)),
  },
  I8: {
    size: 1,
    dtype: "int32",
    decode: (b, n) => Int32Array.from(new Int8Array(b.buffer, b.byteOffset, n)),
  },
  U8: { size: 1, dtype: "int32", decode: (b) => Int32Array.from(b) },
};

/** Rust's String ordering: UTF-8 byte order, which is code point order. */
function compareNames(a: string, b: string): number {
  const ia = a[Symbol.iterator](), ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next(), y = ib.next();
    if (x.done || y.done) return (x.done ? 0 : 1) - (y.done ? 0 : 1);
    const cx = x.value.codePointAt(0)!, cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx - cy;
  }
}

interface Entry {
  name: string;
  dtype: DType;
  shape: readonly number[];
  values: TypedArray;
}

function checkDict(
  op: string,
  dict: StateDict,
  metadata: Metadata | undefined,
): [string, Tensor][] {
  if (dict === null || typeof dict !== "object") {
    throw new Error(`${op}: expected an object mapping names to tensors, got ${String(dict)}.`);
  }
  const entries = Object.entries(dict);
  for (const [name, t] of entries) {
    if (!(t instanceof Tensor)) {
      throw new Error(
        `${op}: ${quoteName(name)} is ${
          t === null ? "null" : typeof t
        }, not a Tensor; a state dict maps names to tensors.`,
      );
    }
    if (name === "__metadata__") {
      throw new Error(`${op}: '__metadata__' is reserved by the format; rename that tensor.`);
    }
    const bad = surrogateProblem("the tensor name", name);
    if (bad) throw new Error(`${op}: ${bad}; the file could not be read back. Rename it.`);
  }
  if (metadata !== undefined) {
    if (metadata === null || typeof metadata !== "object" || Array.isArray(metadata)) {
      throw new Error(`${op}: metadata must be an object of strings, got ${String(metadata)}.`);
    }
    for (const [k, v] of Object.entries(metadata)) {
      const bad = surrogateProblem("the metadata key", k) ??
        (typeof v === "string" ? surrogateProblem(`metadata value ${quoteName(k)}`, v) : undefined);
      if (bad) throw new Error(`${op}: ${bad}; the file could not be read back. Fix the string.`);
      if (typeof v !== "string") {
        throw new Error(
          `${op}: metadata values must be strings (the format stores a string map), but ${
            quoteName(k)
          } ` +
            `is ${typeof v}. Convert it, e.g. String(x) or JSON.stringify(x).`,
        );
      }
    }
  }
  return entries;
}

function encode(entries: Entry[], metadata: Metadata | undefined): Uint8Array {
  entries.sort((a, b) => WRITE_RANK[b.dtype] - WRITE_RANK[a.dtype] || compareNames(a.name, b.name));
  // Built by hand: JSON.stringify would move integer-like names ("0") to the front.
  const parts: string[] = [];
  if (metadata !== undefined) {
    const fields = Object.entries(metadata).map(([k, v]) =>
      `${JSON.stringify(k)}:${JSON.stringify(v)}`
    );
    parts.push(`"__metadata__":{${fields.join(",")}}`);
  }
  let offset = 0;
  const chunks: Uint8Array[] = [];
  for (const e of entries) {
    const bytes = littleEndianBytes(e.values);
    const shape = e.shape.join(","), end = offset + bytes.byteLength;
    parts.push(
      `${JSON.stringify(e.name)}:{"dtype":"${WRITE_CODE[e.dtype]}","shape":[${shape}],` +
        `"data_offsets":[${offset},${end}]}`,
    );
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  const json = new TextEncoder().encode(`{${parts.join(",")}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function littleEndianBytes(values: TypedArray): Uint8Array {
  if (LITTLE_ENDIAN || values.BYTES_PER_ELEMENT === 1) {
    return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  }
  const out = new Uint8Array(values.byteLength);
  const view = new DataView(out.buffer);
  const size = values.BYTES_PER_ELEMENT;
  for (let i = 0; i < values.length; i++) {
    if (values instanceof Float64Array) view.setFloat64(i * size, values[i], true);
    else if (values instanceof Float32Array) view.setFloat32(i * size, values[i], true);
    else view.setInt32(i * size, values[i], true);
  }
  return out;
}

/**
 * The state dict (and optional string metadata) as safetensors bytes, identical to what the
 * Python library writes for the same tensors. Tensors must be on the CPU (use
 * serializeAsync for other devices); views are written as their values, contiguously.
 */
export function serialize(dict: StateDict, metadata?: Metadata): Uint8Array {
  const entries = checkDict("serialize", dict, metadata).map(([name, t]): Entry => {
    if (t.device !== "cpu") {
      throw new Error(
        `serialize: ${quoteName(name)} lives on '${t.device}', which reads asynchronously; use ` +
          "await io.serializeAsync(...) (or io.save) instead.",
      );
    }
    return { name, dtype: t.dtype, shape: t.shape, values: t._values() };
  });
  return encode(entries, metadata);
}

/** serialize for tensors on any device (reads each with await t.data()). */
export async function serializeAsync(dict: StateDict, metadata?: Metadata): Promise<Uint8Array> {
  const checked = checkDict("serializeAsync", dict, metadata);
  const entries: Entry[] = [];
  for (const [name, t] of checked) {
    entries.push({ name, dtype: t.dtype, shape: t.shape, values: await t.data() });
  }
  return encode(entries, metadata);
}

export interface DeserializeOptions {
  /** What to call the data in error messages, e.g. its file path. */
  source?: string;
  /** @internal The operation named in error messages (load passes "load"). */
  op?: string;
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  x !== null && typeof x === "object" && !Array.isArray(x);

/** The shortest entry a header can hold, `"":{"dtype":"U8","shape":[],"data_offsets":[0,0]},`. */
const MIN_ENTRY_BYTES = 48;

/** A number JSON.parse would read as an integer but that is not written as one (1.0, 1e0, -0). */
class RawNumber {
  constructor(readonly source: string) {}
}

/** A value for a message: JSON, with odd numbers as written, cut to ~60 characters. */
function show(v: unknown): string {
  const text = JSON.stringify(v, (_k, x) => x instanceof RawNumber ? `\u0000${x.source}` : x)
    .replace(/"\\u0000([^"]*)"/g, "$1");
  return text.length <= 62 ? text : text.slice(0, 60) + "…";
}

function parseHeader(bytes: Uint8Array): { header: Record<string, unknown>; dataStart: number } {
  if (!(bytes instanceof Uint8Array)) {
    fail(`expected a Uint8Array of bytes, got ${Object.prototype.toString.call(bytes)}`);
  }
  if (bytes.length < 8) {
    fail(
      `it is ${bytes.length} bytes long, too short for the 8-byte header length (truncated or empty file?)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (n > MAX_HEADER_BYTES) {
    fail(
      `the header claims to be ${n} bytes, above the 100 MB limit; this is not a safetensors file or it is corrupt`,
    );
  }
  if (8 + n > bytes.length) {
    fail(
      `the header claims ${n} bytes but only ${
        bytes.length - 8
      } follow the length field (truncated file?)`,
    );
  }
  let text: string;
  try {
    // ignoreBOM keeps a byte-order mark in the text, so that it is refused below
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(
      bytes.subarray(8, 8 + n),
    );
  } catch {
    fail("the header is not valid UTF-8");
  }
  if (text.charCodeAt(0) === 0xfeff) {
    fail("the header starts with a UTF-8 byte-order mark, which the format does not allow");
  }
  if (!text.startsWith("{")) fail("the header does not start with '{' (not a safetensors file?)");
  const scan = scanHeader(text);
  if (scan.keys > Math.ceil(n / MIN_ENTRY_BYTES)) {
    fail(`the header lists ${scan.keys} keys, more than its ${n} bytes can describe`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text, scan.oddNumbers ? markOddNumbers : undefined);
  } catch (e) {
    fail(`the header is not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(header)) fail("the header is not a JSON object");
  if (scan.keys !== Object.keys(header).length) {
    const seen = new Set<string>();
    const repeated = topLevelKeys(text).find((k) => seen.has(k) || !seen.add(k));
    fail(`the header lists ${quoteName(repeated ?? "?")} twice (duplicate keys are not allowed)`);
  }
  return { header, dataStart: 8 + n };
}

/** JSON.parse reviver: numbers written as 1.0, 1e0 or -0 become RawNumber (never an index). */
function markOddNumbers(
  this: unknown,
  _key: string,
  value: unknown,
  context?: { source?: string },
) {
  if (typeof value !== "number") return value;
  const src = context?.source;
  // Without source access (older runtimes) every number is suspect only if written oddly,
  // which the scan already knows happened somewhere: refuse them all rather than guess.
  if (src === undefined) return new RawNumber(String(value));
  return /[.eE]/.test(src) || src === "-0" ? new RawNumber(src) : value;
}

function parseMetadata(raw: unknown): Metadata {
  if (!isObject(raw)) fail("'__metadata__' must be an object of strings");
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== "string") {
      fail(`'__metadata__' value ${quoteName(k)} is ${show(v)}, not a string`);
    }
    const bad = surrogateProblem("the '__metadata__' key", k) ??
      surrogateProblem(`'__metadata__' value ${quoteName(k)}`, v);
    if (bad) fail(bad);
  }
  return raw as Metadata;
}

interface Spec {
  name: string;
  type: ReadType;
  shape: number[];
  begin: number;
  end: number;
}

function parseSpec(name: string, raw: unknown): Spec {
  if (!isObject(raw)) {
    fail(`entry ${quoteName(name)} is not an object with dtype, shape and data_offsets`);
  }
  const { dtype, shape, data_offsets: offsets } = raw;
  if (typeof dtype !== "string") fail(`tensor ${quoteName(name)} has no string "dtype"`);
  const type = Object.hasOwn(READ_TYPES, dtype) ? READ_TYPES[dtype] : undefined;
  if (!type) {
    fail(
      `tensor ${quoteName(name)} has dtype ${show(dtype)}, which gradiente cannot read ` +
        `(readable: ${Object.keys(READ_TYPES).join(", ")})`,
    );
  }
  if (!Array.isArray(shape) || !shape.every((s) => Number.isSafeInteger(s) && s >= 0)) {
    fail(
      `tensor ${quoteName(name)} has shape ${
        show(shape)
      }; expected a list of non-negative integers, written as integers (no fraction, exponent or -0)`,
    );
  }
  if (
    !Array.isArray(offsets) || offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1]
  ) {
    fail(
      `tensor ${quoteName(name)} has data_offsets ${
        show(offsets)
      }; expected [begin, end] with 0 <= begin <= end, written as integers`,
    );
  }
  if (shape.length > MAX_DIMS) {
    fail(`tensor ${quoteName(name)} has ${shape.length} dims; at most ${MAX_DIMS} are supported`);
  }
  let numel = 1;
  for (const s of shape) numel *= s;
  const expected = numel * type.size;
  if (!Number.isSafeInteger(expected) || expected !== offsets[1] - offsets[0]) {
    fail(
      `tensor ${quoteName(name)} (${dtype}, shape ${
        shapeStr(shape)
      }) needs ${expected} bytes but its ` +
        `data_offsets [${offsets[0]}, ${offsets[1]}] span ${offsets[1] - offsets[0]}`,
    );
  }
  return { name, type, shape, begin: offsets[0], end: offsets[1] };
}

/** Checks that the tensors tile the data section exactly: no gap, no overlap, nothing left. */
function checkLayout(specs: Spec[], dataLength: number): void {
  const byOffset = [...specs].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const s of byOffset) {
    if (s.begin < at) {
      fail(
        `tensor ${
          quoteName(s.name)
        } (bytes ${s.begin}..${s.end}) overlaps the previous tensor, which ends at ${at}`,
      );
    }
    if (s.begin > at) {
      fail(
        `there is a gap in the data before tensor ${
          quoteName(s.name)
        } (bytes ${at}..${s.begin} belong to no tensor)`,
      );
    }
    if (s.end > dataLength) {
      fail(
        `tensor ${
          quoteName(s.name)
        } ends at byte ${s.end} of the data, but the data section has only ${dataLength} bytes (truncated file?)`,
      );
    }
    at = s.end;
  }
  if (at !== dataLength) {
    fail(
      `the tensors cover ${at} bytes of data but the data section has ${dataLength} (trailing bytes that belong to no tensor)`,
    );
  }
}

/** Shared storage of empty tensors, by dtype. */
const EMPTY: Partial<Record<DType, ReturnType<Backend["fromTypedArray"]>>> = {};

/** A property descriptor like assignment's, for a key assignment would treat specially. */
const own = (value: unknown): PropertyDescriptor => ({
  value,
  enumerable: true,
  writable: true,
  configurable: true,
});

/**
 * Parses safetensors bytes into CPU tensors and metadata. Throws an error that names the
 * source and the problem for anything malformed, truncated or inconsistent. Besides the
 * dtypes gradiente has (F32, F64, I32, BOOL), it reads F16 and BF16 (as float32) and I64,
 * I16, U16, I8, U8 (as int32; an I64 value outside int32's range is an error).
 */
export function deserialize(bytes: Uint8Array, options: DeserializeOptions = {}): Deserialized {
  try {
    const { header, dataStart } = parseHeader(bytes);
    let metadata: Metadata | undefined;
    const specs: Spec[] = [];
    for (const name in header) {
      const raw = header[name];
      if (name === "__metadata__") metadata = parseMetadata(raw);
      else {
        const bad = surrogateProblem("the tensor name", name);
        if (bad) fail(bad);
        specs.push(parseSpec(name, raw));
      }
    }
    checkLayout(specs, bytes.length - dataStart);
    // One Tensor per entry, built directly (tensor() + reshape() made two). Allocating a typed
    // array costs ~3 µs in V8, so empty tensors share one per dtype (nothing can be written
    // into zero elements): a header of 1M empty entries took 15 s and 1.4 GB without this.
    const cpu = getBackend("cpu");
    const tensors: StateDict = {};
    for (const s of specs) {
      const numel = (s.end - s.begin) / s.type.size;
      const dtype = s.type.dtype;
      const storage = numel === 0
        ? (EMPTY[dtype] ??= cpu.fromTypedArray(new Uint8Array(0), dtype))
        : cpu.fromTypedArray(
          s.type.decode(bytes.subarray(dataStart + s.begin, dataStart + s.end), numel),
          dtype,
        );
      const t = new Tensor(storage, s.shape, dtype, "cpu");
      if (s.name === "__proto__") Object.defineProperty(tensors, s.name, own(t));
      else tensors[s.name] = t;
    }
    return { tensors, metadata };
  } catch (e) {
    const what = options.source ? `'${options.source}'` : "the data";
    const op = options.op ?? "deserialize";
    if (e instanceof FormatError) {
      throw new Error(`${op}: ${what} is not a valid safetensors file: ${e.message}.`);
    }
    throw new Error(`${op}: could not read ${what} as safetensors: ${(e as Error)?.message ?? e}`, {
      cause: e,
    });
  }
}
