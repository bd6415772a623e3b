/** Which backend serves each device: the CPU always, others once their module registers. */
import type { Backend } from "./backend.ts";
import type { Device } from "../core/dtype.ts";
import { cpuBackend } from "./cpu/mod.ts";

// The CPU backend is always there; others (WebGPU) register when their module is loaded.
const backends = new Map<Device, Backend>([["cpu", cpuBackend]]);

export function registerBackend(b: Backend): void {
  backends.set(b.device, b);
}

/** The backend for `device`; `op` names the caller in the error when there is none. */
export function getBackend(device: Device, op?: string): Backend {
  if (device === "cpu") return cpuBackend; // every op asks: skip the map for the usual case
  const b = backends.get(device);
  if (!b) {
    throw new Error(
      `${op ? `${op}: ` : ""}` +
        (device === "webgpu"
          ? "device 'webgpu' is not initialised. Opening a GPU is asynchronous, so run " +
            "`await webgpu.init()` once before creating or moving tensors there " +
            "(`await webgpu.available()` says whether this machine has one)."
          : `unknown device '${device}'. Use 'cpu' or 'webgpu'.`),
    );
  }
  return b;
}
