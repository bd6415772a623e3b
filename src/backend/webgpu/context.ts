/**
 * Finding a GPU: the adapter, the device and their limits. Nothing here runs at import time
 * (DESIGN.md §4): `navigator.gpu` is touched only when someone asks for WebGPU.
 */

/** What `webgpu.available()` reports. */
export interface WebGPUStatus {
  available: boolean;
  /** Why WebGPU cannot be used, with what to install or do; absent when available. */
  reason?: string;
  adapter?: AdapterSummary;
}

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True on software renderers (e.g. Mesa llvmpipe): correct but slow. */
  isFallbackAdapter: boolean;
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

export interface GpuContext {
  device: GPUDevice;
  adapter: AdapterSummary;
  /** Set when the device is lost; every later GPU call fails with it. */
  lost?: string;
  /** Validation errors the device reported (a kernel of ours is wrong); kept for tests. */
  errors: string[];
}

const NO_ADAPTER_HELP = "WebGPU needs a Vulkan or OpenGL ES driver. On Debian/Ubuntu without a " +
  "GPU, install Mesa's software renderer: apt-get install -y mesa-vulkan-drivers libegl1 " +
  "libgl1-mesa-dri (llvmpipe: slow but correct). With an NVIDIA GPU, make sure its Vulkan ICD " +
  "(nvidia_icd.json) and libvulkan1 are installed.";

type NavigatorWithGpu = { gpu?: GPU };

function gpuApi(): GPU | undefined {
  const nav = (globalThis as { navigator?: NavigatorWithGpu }).navigator;
  return nav?.gpu;
}

let pending: Promise<GpuContext> | undefined;
let current: GpuContext | undefined;

function summarize(adapter: GPUAdapter): AdapterSummary {
  const info = adapter.info;
  return {
    vendor: info?.vendor ?? "",
    architecture: info?.architecture ?? "",
    device: info?.device ?? "",
    description: info?.description ?? "",
    isFallbackAdapter: Boolean((info as { isFallbackAdapter?: boolean })?.isFallbackAdapter),
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
  };
}

async function open(): Promise<GpuContext> {
  const gpu = gpuApi();
  if (!gpu) {
    throw new Error(
      "webgpu: this runtime has no navigator.gpu, so WebGPU cannot be used. Deno has it built " +
        "in; under Node it needs a WebGPU implementation (e.g. npm 'webgpu'). Use device 'cpu'.",
    );
  }
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) {
    throw new Error(`webgpu: no GPU adapter was found. ${NO_ADAPTER_HELP}`);
  }
  // Ask for the adapter's own (larger) limits so big tensors fit in one binding.
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxBufferSize: l.maxBufferSize,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupSizeY: l.maxComputeWorkgroupSizeY,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    },
  });
  const ctx: GpuContext = { device, adapter: summarize(adapter), errors: [] };
  device.lost.then((info) => {
    ctx.lost = `${info.reason}: ${info.message}`;
    if (current === ctx) current = undefined;
    pending = undefined;
  });
  device.addEventListener?.("uncapturederror", (e) => {
    // A validation error means a kernel of ours is wrong; say so loudly rather than
    // returning garbage silently.
    const message = (e as GPUUncapturedErrorEvent).error.message;
    ctx.errors.push(message);
    console.error(`webgpu: internal error: ${message}`);
  });
  return ctx;
}

/** Opens (once) the GPU device; later calls share it. */
export function gpuContext(): Promise<GpuContext> {
  if (current) return Promise.resolve(current);
  pending ??= open().then((ctx) => (current = ctx)).catch((e) => {
    pending = undefined;
    throw e;
  });
  return pending;
}

/** Whether WebGPU can be used here, and the adapter's details; never throws. */
export async function webgpuStatus(): Promise<WebGPUStatus> {
  try {
    const ctx = await gpuContext();
    return { available: true, adapter: ctx.adapter };
  } catch (e) {
    return { available: false, reason: (e as Error).message };
  }
}
