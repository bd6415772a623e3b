export { type Backend, type Storage, type View } from "./backend.ts";
export { getBackend, registerBackend } from "./registry.ts";
export { cpuBackend } from "./cpu/mod.ts";
