/**
 * Device-side asserts, as CUDA's: a kernel that meets a value the CPU would refuse (an index
 * out of range, a class target ≥ C, a BCE input outside [0, 1], an integer zero divisor)
 * writes an error code and the value into one small error word; the host reads that word
 * together with the next data the user asks for (one 8-byte copy in the same submit, see
 * GpuRuntime.readBytes) and raises the CPU's message then. The kernels keep clamping or
 * skipping meanwhile, so nothing is read or written out of bounds.
 *
 * The code indexes a host table of messages, interned by a key of the op and its parameters,
 * so a training loop reuses a handful of codes. The first error in queue order wins:
 * dispatches run in order, and a check only writes while the word is still 0.
 */
import type { View } from "../backend.ts";
import type { ValueRule } from "../messages.ts";
import { isContiguousLayout } from "../../core/shape.ts";
import { LINEAR_INDEX, MAIN_ARGS, wgslType, WORKGROUP } from "./wgsl.ts";

/** What a code stands for: the message for the offending value, and how to decode it. */
interface Entry {
  message: (v: number, at: number) => string;
  type: "f32" | "i32";
}

/** Bytes of the error word: [code, value bits, row-major position, scratch for "spread"]. */
export const ERROR_WORD_BYTES = 16;

/** Above this many interned messages the table restarts at the next clean read. */
const TABLE_LIMIT = 4096;

/**
 * How a check runs: one workgroup scanning everything (small tensors: one dispatch), or for
 * large ones every element in its own invocation ("spread", which leaves the smallest bad
 * position in err[3]) followed by one invocation that reports it ("report").
 */
type Mode = "one" | "spread" | "report";

/** Tensors above this many elements are checked in two dispatches across the whole GPU. */
const SPREAD_ABOVE = WORKGROUP * 64;

const checkShader = (t: "f32" | "i32", mode: Mode) => /* wgsl */ `
@group(0) @binding(0) var<storage, read> x: array<${t}>;
@group(0) @binding(1) var<storage, read_write> err: array<atomic<u32>>;
@group(0) @binding(2) var<storage, read> prm: array<i32>;
var<workgroup> first: atomic<u32>;

// prm: n, nd, code, flags (1: inside, 2: except, 4: contiguous), offset, shape[nd], strides[nd], lo, hi, except
fn at(i: i32) -> ${t} {
  if ((prm[3] & 4) != 0) { return x[prm[4] + i]; }
  let nd = prm[1];
  var rem = i;
  var p = prm[4];
  for (var d = nd - 1; d >= 0; d--) {
    let s = prm[5 + d];
    p += (rem % s) * prm[5 + nd + d];
    rem = rem / s;
  }
  return x[p];
}

fn bad(v: ${t}) -> bool {
  let nd = prm[1];
  let flags = prm[3];
  if ((flags & 2) != 0 && v == bitcast<${t}>(prm[7 + 2 * nd])) { return false; }
  ${
  // NaN is outside every range; compared through its bits, as fast-math may fold v != v.
  t === "f32"
    ? "if ((bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u) { return (flags & 1) == 0; }"
    : ""}
  let within = v >= bitcast<${t}>(prm[5 + 2 * nd]) && v <= bitcast<${t}>(prm[6 + 2 * nd]);
  return within == ((flags & 1) != 0);
}

// First writer wins: an earlier op's error stays.
fn report(f: u32) {
  let bits = bitcast<u32>(at(i32(f)));
  loop {
    let r = atomicCompareExchangeWeak(&err[0], 0u, u32(prm[2]));
    if (r.exchanged) { atomicStore(&err[1], bits); atomicStore(&err[2], f); break; }
    if (r.old_value != 0u) { break; }
  }
}
${mode === "one" ? ONE : mode === "spread" ? SPREAD : REPORT}`;

// The smallest bad position wins, so the value reported is the first in row-major order, as
// the CPU reports it.
const ONE = `
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(local_invocation_index) lid: u32) {
  if (lid == 0u) { atomicStore(&first, 0xffffffffu); }
  workgroupBarrier();
  for (var i = i32(lid); i < prm[0]; i += ${WORKGROUP}) {
    if (bad(at(i))) { atomicMin(&first, u32(i)); break; }
  }
  workgroupBarrier();
  let f = atomicLoad(&first);
  if (lid == 0u && f != 0xffffffffu) { report(f); }
}`;

// err[3] holds ~position (0: none yet, as the cleared word starts), so atomicMax keeps the
// smallest position.
const SPREAD = `
@compute @workgroup_size(${WORKGROUP})
fn main(${MAIN_ARGS}) {
  ${LINEAR_INDEX}
  if (i >= prm[0] || atomicLoad(&err[0]) != 0u) { return; }
  if (bad(at(i))) { atomicMax(&err[3], ~u32(i)); }
}`;

const REPORT = `
@compute @workgroup_size(1)
fn main() {
  let m = atomicExchange(&err[3], 0u);
  if (m != 0u) { report(~m); }
}`;

/** Where a check's dispatch goes: the runtime's pipeline cache and dispatch recorder. */
export interface CheckTarget {
  pipeline(key: string, code: () => string): GPUComputePipeline;
  dispatch(
    pipeline: GPUComputePipeline,
    buffers: readonly GPUBuffer[],
    ints: readonly number[],
    floats: readonly number[],
    workgroups: number,
  ): void;
}

export class DeviceErrors {
  readonly buffer: GPUBuffer;
  readonly #codes = new Map<string, number>();
  #entries: Entry[] = [];
  /** Whether a check was recorded since the word was last read: reads skip the copy if not. */
  armed = false;
  /** Counts checks recorded, so a read knows whether new codes appeared while it waited. */
  recorded = 0;

  constructor(device: GPUDevice) {
    this.buffer = device.createBuffer({
      size: ERROR_WORD_BYTES,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
  }

  #code(key: string, entry: Entry): number {
    let code = this.#codes.get(key);
    if (code === undefined) {
      this.#entries.push(entry);
      code = this.#entries.length;
      this.#codes.set(key, code);
    }
    return code;
  }

  /**
   * Records a check of every element of `x` against `rule`; a bad one sets the word to the
   * code of `message`, interned under `key` (the op and every parameter the message names).
   */
  check(
    rt: CheckTarget,
    x: View,
    bufferOf: (v: View) => GPUBuffer,
    rule: ValueRule,
    key: string,
    message: (v: number, at: number) => string,
  ): void {
    const n = x.shape.reduce((a, b) => a * b, 1);
    if (n === 0) return;
    const st = wgslType(x.dtype, key);
    if (st === "u32") throw new Error(`${key}: internal error: a value check on a bool tensor.`);
    const code = this.#code(key, { message, type: st });
    const flags = (rule.inside ? 1 : 0) | (rule.except !== undefined ? 2 : 0) |
      (isContiguousLayout(x.shape, x.strides) ? 4 : 0);
    const bounds = [rule.lo, rule.hi, rule.except ?? 0];
    if (st === "i32") {
      // i32 bounds beyond the type's range: a rule that no int32 can break on that side.
      for (let i = 0; i < 2; i++) {
        bounds[i] = Math.min(Math.max(bounds[i], -(2 ** 31)), 2 ** 31 - 1);
      }
    }
    const ints = [n, x.shape.length, code, flags, x.offset, ...x.shape, ...x.strides];
    const buffers = [bufferOf(x), this.buffer];
    const intParams = st === "i32" ? [...ints, ...bounds] : ints;
    const floatParams = st === "i32" ? [] : bounds;
    const run = (mode: Mode, workgroups: number) =>
      rt.dispatch(
        rt.pipeline(`check:${st}:${mode}`, () => checkShader(st, mode)),
        buffers,
        intParams,
        floatParams,
        workgroups,
      );
    if (n <= SPREAD_ABOVE) run("one", 1);
    else {
      run("spread", Math.ceil(n / WORKGROUP));
      run("report", 1);
    }
    this.armed = true;
    this.recorded++;
  }

  /**
   * The Error for a word read back, or null when it is clear. `since` is
   * `recorded` when the word was copied: the table restarts only if no check came after it.
   */
  take(word: ArrayBuffer, since: number): Error | null {
    const [code] = new Uint32Array(word, 0, 1);
    if (code === 0) {
      if (this.recorded === since) this.armed = false;
      if (this.#entries.length > TABLE_LIMIT && this.recorded === since) {
        this.#codes.clear();
        this.#entries = [];
      }
      return null;
    }
    const entry = this.#entries[code - 1];
    if (!entry) return new Error(`webgpu: internal error: unknown device error code ${code}.`);
    const value = entry.type === "f32"
      ? new Float32Array(word, 4, 1)[0]
      : new Int32Array(word, 4, 1)[0];
    return new Error(entry.message(value, new Uint32Array(word, 8, 1)[0]));
  }
}
