/**
 * The GPU runtime: storages, command recording and readback.
 *
 * Kernels are recorded into one open compute pass and submitted in batches (at a read, when
 * the parameter arena fills, or every MAX_PENDING dispatches), because a submit per op costs
 * far more than the op on small tensors. Each dispatch's shape/stride parameters are packed
 * into one CPU-side arena uploaded with a single `writeBuffer` just before the submit: queue
 * writes run in queue order, so the next batch may safely reuse the same arena buffer.
 */
import { BufferPool, type PoolStats } from "./pool.ts";
import type { GpuContext } from "./context.ts";
import { WORKGROUP } from "./wgsl.ts";
import { DeviceErrors, ERROR_WORD_BYTES } from "./device_errors.ts";
import type { View } from "../backend.ts";
import type { ValueRule } from "../messages.ts";

/** Elements on the GPU are 4 bytes: f32, i32, and bool as u32 0/1. */
export const ELEMENT_BYTES = 4;

/** One tensor's data on the GPU. Views share it; `dispose()` frees it for every view. */
export class GpuStorage {
  buffer: GPUBuffer | null;
  readonly length: number;
  constructor(buffer: GPUBuffer, length: number) {
    this.buffer = buffer;
    this.length = length;
  }
  /** The buffer, or a clear error if this storage was disposed. */
  live(op: string): GPUBuffer {
    if (!this.buffer) {
      throw new Error(
        `${op}: this webgpu tensor was disposed (t.dispose() or a 'using' block ended), so its ` +
          "data is gone. Keep it alive until its last use, or recompute it.",
      );
    }
    return this.buffer;
  }
}

/** The GPU buffer behind a kernel operand, or the disposed-tensor error naming `op`. */
export function viewBuffer(v: { readonly storage: unknown }, op: string): GPUBuffer {
  return (v.storage as GpuStorage).live(op);
}

const ARENA_BYTES = 256 * 1024;
/** Bind offsets into the arena must be multiples of minStorageBufferOffsetAlignment (≤ 256). */
const ARENA_ALIGN = 256;
const MAX_PENDING = 512;

export class GpuRuntime {
  readonly device: GPUDevice;
  readonly ctx: GpuContext;
  readonly pool: BufferPool;
  readonly #pipelines = new Map<string, GPUComputePipeline>();
  /** getBindGroupLayout() builds a new object per call in Deno: keep one per pipeline. */
  readonly #layouts = new WeakMap<GPUComputePipeline, GPUBindGroupLayout>();
  readonly #registry: FinalizationRegistry<GPUBuffer>;
  #encoder: GPUCommandEncoder | null = null;
  #pass: GPUComputePassEncoder | null = null;
  #dispatches = 0;
  readonly #arena: GPUBuffer;
  readonly #arenaData = new ArrayBuffer(ARENA_BYTES);
  readonly #arenaI32 = new Int32Array(this.#arenaData);
  readonly #arenaF32 = new Float32Array(this.#arenaData);
  #arenaUsed = 0;
  readonly maxWorkgroups: number;
  /** The device-side error word the value checks write (device_errors.ts). */
  readonly errors: DeviceErrors;

  constructor(ctx: GpuContext) {
    this.ctx = ctx;
    this.device = ctx.device;
    this.pool = new BufferPool(this.device);
    this.maxWorkgroups = this.device.limits.maxComputeWorkgroupsPerDimension;
    this.errors = new DeviceErrors(this.device);
    this.#arena = this.device.createBuffer({
      size: ARENA_BYTES,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    // The safety net for tensors nobody disposed: when the GC collects a storage, its buffer
    // goes back to the pool. Callbacks run between tasks, i.e. at an `await`.
    this.#registry = new FinalizationRegistry((buffer) => this.pool.release(buffer));
  }

  #check(op: string): void {
    if (this.ctx.lost) {
      throw new Error(
        `${op}: the GPU device was lost (${this.ctx.lost}); its tensors are gone. ` +
          "Run `await webgpu.init()` again and recreate them.",
      );
    }
  }

  /** New storage of `length` elements (contents undefined unless the caller fills it). */
  alloc(length: number, op = "webgpu"): GpuStorage {
    this.#check(op);
    const bytes = Math.max(length, 1) * ELEMENT_BYTES;
    if (bytes > this.device.limits.maxStorageBufferBindingSize) {
      throw new Error(
        `${op}: a tensor of ${length} elements (${bytes} bytes) is larger than this GPU's ` +
          `largest binding (${this.device.limits.maxStorageBufferBindingSize} bytes). Split it ` +
          "into smaller tensors or keep it on the CPU.",
      );
    }
    const s = new GpuStorage(this.pool.acquire(bytes), length);
    this.#registry.register(s, s.buffer!, s);
    return s;
  }

  /** Frees a storage now (dispose()); later use of any view of it fails clearly. */
  dispose(s: GpuStorage): void {
    if (!s.buffer) return;
    this.#registry.unregister(s);
    this.pool.release(s.buffer);
    s.buffer = null;
  }

  upload(s: GpuStorage, data: ArrayBufferView & ArrayLike<number>): void {
    this.device.queue.writeBuffer(s.live("upload"), 0, data as unknown as BufferSource);
  }

  pipeline(key: string, code: () => string): GPUComputePipeline {
    let p = this.#pipelines.get(key);
    if (!p) {
      const module = this.device.createShaderModule({ code: code(), label: key });
      p = this.device.createComputePipeline({
        layout: "auto",
        compute: { module, entryPoint: "main" },
        label: key,
      });
      this.#pipelines.set(key, p);
    }
    return p;
  }

  /**
   * Records one dispatch. `buffers` bind to 0..n-1 in order; the parameters (`ints`, then
   * `floats` stored as f32 bits) bind last as `array<i32>`.
   */
  dispatch(
    pipeline: GPUComputePipeline,
    buffers: readonly GPUBuffer[],
    ints: readonly number[],
    floats: readonly number[],
    workgroups: number | [number, number, number],
  ): void {
    this.#check("webgpu");
    const words = Math.max(ints.length + floats.length, 1);
    const bytes = Math.ceil((words * 4) / ARENA_ALIGN) * ARENA_ALIGN;
    if (this.#arenaUsed + bytes > ARENA_BYTES || this.#dispatches >= MAX_PENDING) this.flush();
    const at = this.#arenaUsed / 4;
    for (let i = 0; i < ints.length; i++) this.#arenaI32[at + i] = ints[i];
    for (let i = 0; i < floats.length; i++) this.#arenaF32[at + ints.length + i] = floats[i];
    const entries: GPUBindGroupEntry[] = buffers.map((buffer, binding) => ({
      binding,
      resource: { buffer },
    }));
    entries.push({
      binding: buffers.length,
      resource: { buffer: this.#arena, offset: this.#arenaUsed, size: words * 4 },
    });
    this.#arenaUsed += bytes;
    let layout = this.#layouts.get(pipeline);
    if (!layout) this.#layouts.set(pipeline, layout = pipeline.getBindGroupLayout(0));
    const group = this.device.createBindGroup({ layout, entries });
    const pass = this.#openPass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    if (typeof workgroups === "number") {
      const [x, y] = this.grid(workgroups);
      pass.dispatchWorkgroups(x, y);
    } else pass.dispatchWorkgroups(...workgroups);
    this.#dispatches++;
  }

  /** Records a dispatch of a `perElementShader` over `n` elements (or rows). */
  dispatchElements(
    pipeline: GPUComputePipeline,
    buffers: readonly GPUBuffer[],
    ints: readonly number[],
    n: number,
    floats: readonly number[] = [],
  ): void {
    this.dispatch(pipeline, buffers, ints, floats, Math.ceil(n / WORKGROUP));
  }

  /** Splits a workgroup count over x and y when it exceeds the per-dimension limit. */
  grid(count: number): [number, number] {
    if (count <= this.maxWorkgroups) return [Math.max(count, 1), 1];
    return [this.maxWorkgroups, Math.ceil(count / this.maxWorkgroups)];
  }

  #openPass(): GPUComputePassEncoder {
    this.#encoder ??= this.device.createCommandEncoder();
    this.#pass ??= this.#encoder.beginComputePass();
    return this.#pass;
  }

  /** The encoder with no compute pass open, for copies. */
  #copyEncoder(): GPUCommandEncoder {
    if (this.#pass) {
      this.#pass.end();
      this.#pass = null;
    }
    this.#encoder ??= this.device.createCommandEncoder();
    return this.#encoder;
  }

  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    if (bytes > 0) this.#copyEncoder().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  /** Submits everything recorded so far. */
  flush(): void {
    if (this.#encoder) {
      const encoder = this.#copyEncoder();
      if (this.#arenaUsed > 0) {
        this.device.queue.writeBuffer(this.#arena, 0, this.#arenaData, 0, this.#arenaUsed);
      }
      this.device.queue.submit([encoder.finish()]);
      this.#encoder = null;
    }
    this.#arenaUsed = 0;
    this.#dispatches = 0;
    this.pool.afterSubmit();
  }

  /**
   * Records a device-side check of `x`'s values against `rule`: a bad one raises
   * `message(value)` at the next read (see device_errors.ts); `key` names the op and the
   * parameters the message uses.
   */
  check(x: View, rule: ValueRule, key: string, message: (v: number, at: number) => string): void {
    this.#check(key.split(":")[0]);
    this.errors.check(this, x, (v) => viewBuffer(v, key), rule, key, message);
  }

  /**
   * Copies `bytes` (a multiple of 4) from `src` (at a byte offset) back to the host. When a
   * check ran since the last read, the error word rides along in the same staging buffer and
   * submit, is cleared, and a bad value it reports is raised here instead of returning data.
   */
  async readBytes(src: GPUBuffer | null, offset: number, bytes: number): Promise<ArrayBuffer> {
    this.#check("read");
    const withWord = this.errors.armed;
    const at = Math.ceil(bytes / 8) * 8; // getMappedRange offsets are multiples of 8
    const staging = this.device.createBuffer({
      size: Math.max(withWord ? at + ERROR_WORD_BYTES : bytes, 4),
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    if (src) this.copy(src, offset, staging, 0, bytes);
    if (withWord) {
      this.copy(this.errors.buffer, 0, staging, at, ERROR_WORD_BYTES);
      this.#copyEncoder().clearBuffer(this.errors.buffer);
    }
    const since = this.errors.recorded;
    this.flush();
    try {
      await staging.mapAsync(GPUMapMode.READ);
      const out = staging.getMappedRange(0, bytes).slice(0);
      const word = withWord ? staging.getMappedRange(at, ERROR_WORD_BYTES).slice(0) : null;
      staging.unmap();
      const error = word && this.errors.take(word, since);
      if (error) throw error;
      return out;
    } finally {
      staging.destroy();
    }
  }

  /**
   * Waits until the GPU has finished everything submitted, raising what a device-side check
   * found (as a read would).
   */
  async sync(): Promise<void> {
    if (this.errors.armed) {
      await this.readBytes(null, 0, 0);
      return;
    }
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
  }

  stats(): PoolStats {
    return this.pool.stats();
  }
}
