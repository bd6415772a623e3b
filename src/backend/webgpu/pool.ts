/**
 * GPU memory: buffers in size buckets, recycled instead of created and destroyed per op.
 *
 * A buffer given back is not reusable at once: commands already recorded but not yet
 * submitted may still read it, while a `queue.writeBuffer` into it would run before them.
 * So released buffers wait in `#pending` until the next submit (`afterSubmit`).
 */

/** Bytes of the smallest bucket; also keeps every buffer 256-byte aligned in size. */
const MIN_BYTES = 256;

/** Rounds up to one of 4 buckets per power of two, so a buffer wastes at most 25%. */
export function bucketBytes(bytes: number): number {
  if (bytes <= MIN_BYTES) return MIN_BYTES;
  const top = 2 ** Math.ceil(Math.log2(bytes));
  const step = top / 8;
  return Math.ceil(bytes / step) * step;
}

export interface PoolStats {
  /** Storages handed out and not yet released (views share one). */
  liveBuffers: number;
  liveBytes: number;
  /** Released buffers kept for reuse. */
  pooledBytes: number;
  /** Everything currently allocated on the device by the pool. */
  allocatedBytes: number;
}

export class BufferPool {
  readonly #device: GPUDevice;
  readonly #free = new Map<number, GPUBuffer[]>();
  #pending: GPUBuffer[] = [];
  #live = 0;
  #liveBytes = 0;
  #pooledBytes = 0;

  constructor(device: GPUDevice) {
    this.#device = device;
  }

  acquire(bytes: number): GPUBuffer {
    const size = bucketBytes(bytes);
    const reuse = this.#free.get(size)?.pop();
    this.#live++;
    this.#liveBytes += size;
    if (reuse) {
      this.#pooledBytes -= size;
      return reuse;
    }
    return this.#device.createBuffer({
      size,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
  }

  release(buffer: GPUBuffer): void {
    this.#live--;
    this.#liveBytes -= buffer.size;
    this.#pending.push(buffer);
  }

  /** Called after each queue submit: buffers released before it become reusable. */
  afterSubmit(): void {
    for (const b of this.#pending) {
      // Keep at most as much idle memory as is in use (and at least 64 MiB), so a model
      // that shrinks gives memory back to the device.
      if (this.#pooledBytes + b.size > Math.max(64 * 2 ** 20, this.#liveBytes)) {
        b.destroy();
        continue;
      }
      const list = this.#free.get(b.size);
      if (list) list.push(b);
      else this.#free.set(b.size, [b]);
      this.#pooledBytes += b.size;
    }
    this.#pending = [];
  }

  stats(): PoolStats {
    let pendingBytes = 0;
    for (const b of this.#pending) pendingBytes += b.size;
    return {
      liveBuffers: this.#live,
      liveBytes: this.#liveBytes,
      pooledBytes: this.#pooledBytes + pendingBytes,
      allocatedBytes: this.#liveBytes + this.#pooledBytes + pendingBytes,
    };
  }

  /** Destroys every idle buffer (e.g. before measuring, or to hand memory back). */
  trim(): void {
    for (const list of this.#free.values()) for (const b of list) b.destroy();
    this.#free.clear();
    this.#pooledBytes = 0;
  }
}
