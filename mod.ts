/**
 * gradiente: a PyTorch-style deep-learning library for Deno, made for notebooks.
 *
 * @example
 * ```ts
 * import { tensor } from "gradiente";
 * const a = tensor([2], { requiresGrad: true });
 * const b = tensor([3], { requiresGrad: true });
 * const d = a.mul(b).add(a); // d = a*b + a
 * d.backward();
 * a.grad; // tensor([4.])
 * ```
 * @module
 */
export * from "./src/tensor/mod.ts";
export { type CpuMatmulInfo, cpuMatmulInfo } from "./src/backend/cpu/matmul.ts";
export * as autograd from "./src/autograd/mod.ts";
export { enableGrad, gradcheck, isGradEnabled, noGrad } from "./src/autograd/mod.ts";
export * from "./src/ops/mod.ts";
export * as nn from "./src/nn/mod.ts";
export * as optim from "./src/optim/mod.ts";
export * as data from "./src/data/mod.ts";
export * as metrics from "./src/metrics/mod.ts";
export * as linalg from "./src/linalg/mod.ts";
export * as preprocessing from "./src/preprocessing/mod.ts";
export * as io from "./src/io/mod.ts";
export * as webgpu from "./src/backend/webgpu/mod.ts";
export { memory, type MemoryReport } from "./src/backend/memory.ts";
export * from "./src/display/mod.ts";
export * as plot from "./src/display/plot/mod.ts";
export { drawGraph, GraphFigure, type GraphOptions, graphToDot } from "./src/display/graph.ts";
export * from "./src/notebook/mod.ts";
