/** memory(): what each device holds, for spotting leaks in training loops. */
import { memory as gpuMemory, type PoolStats } from "./webgpu/mod.ts";

export interface MemoryReport {
  /**
   * CPU tensors are TypedArrays owned by the JS engine; their bytes show up as the engine's
   * external and heap memory (when the runtime reports it: Deno and Node do).
   */
  cpu: { externalBytes: number; heapUsedBytes: number } | null;
  /** `tensors`: live GPU storages (views share one); `bytes`: their size in the pool's buckets. */
  webgpu: { tensors: number; bytes: number; pooledBytes: number; allocatedBytes: number };
}

type MemoryUsage = () => { external: number; heapUsed: number };

export function memory(): MemoryReport {
  const g = globalThis as {
    Deno?: { memoryUsage?: MemoryUsage };
    process?: { memoryUsage?: MemoryUsage };
  };
  const usage = g.Deno?.memoryUsage ?? g.process?.memoryUsage;
  const u = usage?.();
  const gpu: PoolStats = gpuMemory();
  return {
    cpu: u ? { externalBytes: u.external, heapUsedBytes: u.heapUsed } : null,
    webgpu: {
      tensors: gpu.liveBuffers,
      bytes: gpu.liveBytes,
      pooledBytes: gpu.pooledBytes,
      allocatedBytes: gpu.allocatedBytes,
    },
  };
}
