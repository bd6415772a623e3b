/**
 * Shared by the webgpu tests: whether an adapter exists (tests skip, with the reason, only
 * when none can be had at all), and float32 comparisons of GPU results against the CPU's.
 */
import assert from "node:assert/strict";
import { type Tensor, webgpu } from "gradiente";

const status = await webgpu.available();
if (status.available) await webgpu.init();
else console.log(`webgpu tests skipped: ${status.reason}`);

/** Deno.test options that skip when this machine has no WebGPU adapter. */
export const gpu = { ignore: !status.available, sanitizeResources: false, sanitizeOps: false };

export const adapter = status.adapter;

/** Elementwise |gpu − cpu| ≤ atol + rtol·|cpu| (NaN matches NaN, ±inf must agree). */
export async function assertSameValues(
  what: string,
  gpuT: Tensor | null,
  cpuT: Tensor | null,
  rtol = 1e-4,
  atol = 1e-5,
): Promise<void> {
  assert.ok(gpuT && cpuT, `${what}: missing tensor (gpu ${!!gpuT}, cpu ${!!cpuT})`);
  assert.equal(gpuT.device, "webgpu", `${what}: device`);
  assert.deepEqual(gpuT.shape, cpuT.shape, `${what}: shape`);
  assert.equal(gpuT.dtype, cpuT.dtype, `${what}: dtype`);
  const g = await gpuT.data(), c = await cpuT.data();
  // Scale atol by the data's magnitude: sums of many float32 terms round at that scale.
  let scale = 1;
  for (const v of c) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  const bad: string[] = [];
  for (let i = 0; i < c.length; i++) {
    const gv = Number(g[i]), cv = Number(c[i]);
    if (Number.isNaN(cv) && Number.isNaN(gv)) continue;
    if (!Number.isFinite(cv) || !Number.isFinite(gv)) {
      if (gv !== cv) bad.push(`[${i}] gpu ${gv} vs cpu ${cv}`);
      continue;
    }
    if (!(Math.abs(gv - cv) <= atol * scale + rtol * Math.abs(cv))) {
      bad.push(`[${i}] gpu ${gv} vs cpu ${cv}`);
    }
  }
  assert.ok(
    bad.length === 0,
    `${what}: ${bad.length} values differ: ${bad.slice(0, 5).join(", ")}`,
  );
}
