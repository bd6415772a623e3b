/**
 * The IDX format of MNIST-style datasets (http://yann.lecun.com/exdb/mnist/): a big-endian
 * header (two zero bytes, a type code, the number of dims, then each dim as a uint32) and the
 * values, row-major. Files may be gzipped; gzip is recognised by its magic bytes, not the name.
 */
import type { Tensor } from "../tensor/tensor.ts";
import { tensor } from "../tensor/creation.ts";
import { readBytes } from "../core/host.ts";

export type IdxType = "uint8" | "int8" | "int16" | "int32" | "float32" | "float64";

export interface IdxArray {
  type: IdxType;
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Record<number, { type: IdxType; size: number }> = {
  0x08: { type: "uint8", size: 1 },
  0x09: { type: "int8", size: 1 },
  0x0b: { type: "int16", size: 2 },
  0x0c: { type: "int32", size: 4 },
  0x0d: { type: "float32", size: 4 },
  0x0e: { type: "float64", size: 8 },
};

const REDOWNLOAD = "The file is damaged or incomplete: delete it and get it again " +
  "(e.g. with { download: true }).";

function hex(bytes: Uint8Array, n: number): string {
  return "0x" + Array.from(bytes.subarray(0, n), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Parses uncompressed IDX bytes; `source` names the file in errors. uint8 data is a view. */
export function parseIdx(bytes: Uint8Array, source = "IDX data"): IdxArray {
  if (bytes.length < 4) {
    throw new Error(
      `${source}: only ${bytes.length} bytes, too short for an IDX file (its header alone takes ` +
        `at least 4 bytes). ${REDOWNLOAD}`,
    );
  }
  const info = TYPES[bytes[2]];
  if (bytes[0] !== 0 || bytes[1] !== 0 || !info) {
    throw new Error(
      `${source}: not an IDX file: bad magic number ${hex(bytes, 4)}. An IDX file starts with ` +
        "two zero bytes, a type code (0x08 uint8, 0x09 int8, 0x0b int16, 0x0c int32, " +
        "0x0d float32, 0x0e float64) and the number of dims, e.g. 0x00000803 for MNIST images. " +
        "Check that this is the right file.",
    );
  }
  const ndim = bytes[3];
  const headerSize = 4 + 4 * ndim;
  if (bytes.length < headerSize) {
    throw new Error(
      `${source}: truncated IDX header: ${ndim} dims need ${headerSize} header bytes but the ` +
        `file has ${bytes.length}. ${REDOWNLOAD}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerSize + count * info.size;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? "truncated" : "too long";
    throw new Error(
      `${source}: ${what}: the header promises ${info.type} values of shape [${
        shape.join(", ")
      }] ` +
        `(${expected} bytes with the header) but the file has ${bytes.length} bytes. ${REDOWNLOAD}`,
    );
  }
  return { type: info.type, shape, data: readValues(info.type, view, headerSize, count) };
}

function readValues(type: IdxType, view: DataView, at: number, n: number): IdxArray["data"] {
  switch (type) {
    case "uint8":
      return new Uint8Array(view.buffer, view.byteOffset + at, n);
    case "int8":
      return new Int8Array(view.buffer, view.byteOffset + at, n);
    case "int16":
      return readEach(new Int16Array(n), (i) => view.getInt16(at + 2 * i, false));
    case "int32":
      return readEach(new Int32Array(n), (i) => view.getInt32(at + 4 * i, false));
    case "float32":
      return readEach(new Float32Array(n), (i) => view.getFloat32(at + 4 * i, false));
    case "float64":
      return readEach(new Float64Array(n), (i) => view.getFloat64(at + 8 * i, false));
  }
}

/** Fills `out` value by value: IDX stores multi-byte values big-endian, so no typed-array view. */
function readEach<A extends Int16Array | Int32Array | Float32Array | Float64Array>(
  out: A,
  get: (i: number) => number,
): A {
  for (let i = 0; i < out.length; i++) out[i] = get(i);
  return out;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** deflate's best ratio is 1032:1, so n bytes of gzip can never inflate to more than this. */
const maxInflated = (n: number) => 1032 * n;

/** Why inflating stopped early: a message that names the source. */
class Stop extends Error {}

/**
 * Collects inflated bytes and stops them as soon as they pass what the IDX header at their
 * start declares (or, before the header is complete, as soon as it is not an IDX header), so a
 * gzip bomb costs what its header says and no more. Grows by doubling: memory stays within
 * twice what was inflated.
 */
class IdxSink {
  buf = new Uint8Array(0);
  len = 0;
  #limit: number;
  #declared = false;
  constructor(readonly source: string, readonly compressed: number) {
    this.#limit = maxInflated(compressed);
  }

  /** Appends a chunk; throws Stop when the data can no longer be a valid IDX file. */
  push(chunk: Uint8Array): void {
    const need = this.len + chunk.length;
    if (need > this.buf.length) {
      const grown = new Uint8Array(
        Math.min(Math.max(need, 2 * this.buf.length, 1 << 16), Math.max(need, this.#limit)),
      );
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(chunk, this.len);
    this.len = need;
    if (!this.#declared) this.#readHeader();
    if (this.len > this.#limit) {
      throw new Stop(
        `${this.source}: too long: the header promises ${this.#limit} bytes (with the header) ` +
          `but the gzip data inflates to more (stopped at ${this.len}). ${REDOWNLOAD}`,
      );
    }
  }

  #readHeader(): void {
    const b = this.buf;
    if (this.len < 4) return;
    const info = TYPES[b[2]];
    if (b[0] !== 0 || b[1] !== 0 || !info) {
      this.#declared = true;
      this.#limit = 4 + 4 * 255 + 1; // not IDX: parseIdx names the bad magic from what we have
      return;
    }
    const headerSize = 4 + 4 * b[3];
    if (this.len < headerSize) return;
    const view = new DataView(b.buffer, b.byteOffset, headerSize);
    let count = 1;
    for (let i = 0; i < b[3]; i++) count *= view.getUint32(4 + 4 * i, false);
    const expected = headerSize + count * info.size;
    this.#declared = true;
    if (expected > this.#limit) {
      throw new Stop(
        `${this.source}: truncated: the header promises ${expected} bytes of IDX data but ` +
          `${this.compressed} bytes of gzip can inflate to at most ${this.#limit}. ${REDOWNLOAD}`,
      );
    }
    this.#limit = expected;
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/** Inflates through node:zlib (Deno, Node): it reads every member and ignores trailing zeros. */
async function inflateZlib(bytes: Uint8Array, sink: IdxSink): Promise<void> {
  const zlib = await import("node:zlib");
  await new Promise<void>((resolve, reject) => {
    const gunzip = zlib.createGunzip({ chunkSize: 1 << 16 });
    let stop: Stop | undefined;
    gunzip.on("data", (chunk: Uint8Array) => {
      if (stop) return;
      try {
        sink.push(chunk);
      } catch (e) {
        stop = e as Stop;
        gunzip.destroy();
        reject(stop);
      }
    });
    gunzip.on("end", () => resolve());
    gunzip.on("error", (e: Error) => stop ? undefined : reject(e));
    gunzip.on("close", () => stop ? undefined : resolve());
    gunzip.end(bytes);
  });
}

/** Inflates through the web-standard DecompressionStream (browsers: one gzip member). */
async function inflateWeb(bytes: Uint8Array, sink: IdxSink): Promise<void> {
  const reader = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new DecompressionStream("gzip")).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    try {
      sink.push(value);
    } catch (e) {
      await reader.cancel().catch(() => {});
      throw e;
    }
  }
}

async function hasZlib(): Promise<boolean> {
  try {
    await import("node:zlib");
    return true;
  } catch {
    return false;
  }
}

/**
 * Decompresses gzipped IDX bytes (every member; trailing zero padding is ignored), stopping
 * as soon as the output exceeds what the IDX header at its start declares.
 */
export async function gunzip(bytes: Uint8Array, source = "gzip data"): Promise<Uint8Array> {
  const sink = new IdxSink(source, bytes.length);
  try {
    await ((await hasZlib()) ? inflateZlib(bytes, sink) : inflateWeb(bytes, sink));
  } catch (e) {
    if (e instanceof Stop) throw new Error(e.message);
    if (e instanceof RangeError) {
      throw new Error(`${source}: the IDX data is too big to hold in memory (${e.message}).`);
    }
    throw new Error(
      `${source}: could not decompress the gzip data (${(e as Error).message}). ${REDOWNLOAD}`,
    );
  }
  return sink.bytes();
}

/** Parses IDX bytes, gunzipping them first when they are gzip-compressed. */
export async function decodeIdx(bytes: Uint8Array, source = "IDX data"): Promise<IdxArray> {
  return parseIdx(isGzip(bytes) ? await gunzip(bytes, source) : bytes, source);
}

/** Reads an IDX file (gzipped or not) from disk. */
export async function readIdxFile(file: string): Promise<IdxArray> {
  return decodeIdx(await readBytes("readIdxFile", file), file);
}

/**
 * Reads an IDX file into a tensor of its shape: integer types give int32, float32 and float64
 * keep their type. (Images stay 0..255 here; the MNIST datasets scale them to [0, 1].)
 */
export async function readIdx(file: string): Promise<Tensor> {
  return idxToTensor(await readIdxFile(file));
}

export function idxToTensor(idx: IdxArray): Tensor {
  const values = idx.type === "float32" || idx.type === "float64" || idx.type === "int32"
    ? idx.data
    : Int32Array.from(idx.data);
  return tensor(values as Float32Array | Float64Array | Int32Array).reshape(idx.shape);
}
