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

/** Decompresses gzip bytes with the web-standard DecompressionStream. */
export async function gunzip(bytes: Uint8Array, source = "gzip data"): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
      .pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new Error(
      `${source}: could not decompress the gzip data (${(e as Error).message}). ${REDOWNLOAD}`,
    );
  }
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
