/**
 * Just enough of the WebAssembly binary format to emit one module of straight-line SIMD
 * kernels from TypeScript at load time: LEB128 numbers, sections, and the handful of
 * opcodes gemm.ts uses. Emitting at load keeps the kernel's source (gemm.ts) the only
 * artefact: there is no committed binary that could drift from it, no build step, and the
 * same code yields the float32 and float64 kernels.
 */

export type Bytes = number[];

export function uleb(n: number): Bytes {
  const out: Bytes = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): Bytes {
  const out: Bytes = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function name(s: string): Bytes {
  return [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];
}

function vec(items: Bytes[]): Bytes {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: Bytes): Bytes {
  return [id, ...uleb(body.length), ...body];
}

export const I32 = 0x7f, V128 = 0x7b;

/** Value-type runs of a function's locals beyond its parameters, e.g. [[3, I32], [9, V128]]. */
export type Locals = [count: number, type: number][];

export interface FuncDef {
  name: string;
  params: number[];
  locals: Locals;
  body: Bytes;
}

/** A module importing its memory as env.mem and exporting each function under its name. */
export function buildModule(funcs: FuncDef[]): Uint8Array<ArrayBuffer> {
  const types = funcs.map((f) => [0x60, ...vec(f.params.map((p) => [p])), 0]);
  const imports = vec([[...name("env"), ...name("mem"), 0x02, 0x00, 1]]);
  const exports = vec(funcs.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]));
  const codes = funcs.map((f) => {
    const body = [...vec(f.locals.map(([n, t]) => [...uleb(n), t])), ...f.body, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, vec(funcs.map((_, i) => uleb(i)))),
    ...section(7, exports),
    ...section(10, vec(codes)),
  ]);
}

/** Instructions, as byte arrays to concatenate. */
export const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  i32: (n: number) => [0x41, ...sleb(n)],
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  geU: [0x4f],
  eqz: [0x45],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  /** A SIMD instruction: the 0xfd prefix and its LEB128 sub-opcode. */
  simd: (code: number, ...imm: number[]) => [0xfd, ...uleb(code), ...imm],
  memarg: (alignLog2: number, offset: number) => [...uleb(alignLog2), ...uleb(offset)],
};

/** Adds `n` to i32 local `i`. */
export function bump(i: number, n: Bytes | number): Bytes {
  return [...op.get(i), ...(typeof n === "number" ? op.i32(n) : n), ...op.add, ...op.set(i)];
}
