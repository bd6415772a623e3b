export { type Backend, getBackend, registerBackend, type Storage, type View } from "./backend.ts";
export { cpuBackend } from "./cpu/mod.ts";
