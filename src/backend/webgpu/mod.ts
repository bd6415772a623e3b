/**
 * The `webgpu` namespace: open the GPU, ask whether there is one, wait for queued work, and
 * see its memory. Importing this module touches nothing; `init()` does the work.
 */
import { registerBackend } from "../registry.ts";
import { type AdapterSummary, gpuContext, type WebGPUStatus, webgpuStatus } from "./context.ts";
import { GpuRuntime } from "./runtime.ts";
import { makeWebgpuBackend } from "./backend.ts";
import type { PoolStats } from "./pool.ts";

export type { AdapterSummary, PoolStats, WebGPUStatus };

let runtime: GpuRuntime | undefined;

/**
 * Opens the GPU and registers device 'webgpu'. Call it once (later calls return at once);
 * it throws, saying why and what to install, when this machine has no usable GPU.
 */
export async function init(): Promise<AdapterSummary> {
  const ctx = await gpuContext();
  if (!runtime || runtime.ctx !== ctx) {
    runtime = new GpuRuntime(ctx);
    registerBackend(makeWebgpuBackend(runtime));
  }
  return ctx.adapter;
}

/** Whether WebGPU can be used here, with the adapter's details or the reason it can't. */
export function available(): Promise<WebGPUStatus> {
  return webgpuStatus();
}

/** True once `init()` has succeeded. */
export function isInitialized(): boolean {
  return runtime !== undefined && !runtime.ctx.lost;
}

/**
 * Waits until the GPU has finished all queued work. Ops only queue work, so time a GPU
 * computation with `await webgpu.sync()` before stopping the clock.
 */
export async function sync(): Promise<void> {
  if (runtime) await runtime.sync();
}

/** GPU memory held by tensors and by the buffer pool (zeros before `init()`). */
export function memory(): PoolStats {
  return runtime?.stats() ?? { liveBuffers: 0, liveBytes: 0, pooledBytes: 0, allocatedBytes: 0 };
}

/** Hands idle pooled buffers back to the device. */
export function emptyCache(): void {
  runtime?.flush();
  runtime?.pool.trim();
}

/** Validation errors the GPU reported since `init()` (empty unless a kernel is broken). */
export function internalErrors(): string[] {
  return [...(runtime?.ctx.errors ?? [])];
}
