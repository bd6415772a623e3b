/**
 * Replays the PyTorch op cases of a test/fixtures/ops_*.json file (written by a make_ops_*.py
 * script through torch_cases.py) on gradiente: on the CPU in float64 against PyTorch's values
 * and gradients, and on WebGPU in float32 against the same code on the CPU in float32.
 *
 *   const table: OpTable = { cumsum: ([x], [dim]) => cumsum(x, dim as number) };
 *   checkCases("ops_reduce.json", table);
 *
 * An entry is a function, or { fn, gpu } where `gpu` replaces fn on WebGPU (an async twin, say)
 * or is false for an op that is CPU-only by design (say why in a comment beside it).
 */
import assert from "node:assert/strict";
import { type DType, type Tensor, tensor, webgpu } from "gradiente";

export interface EncodedTensor {
  dtype: DType;
  shape: number[];
  data: (number | boolean | string)[];
}

export interface OpCase {
  op: string;
  note: string;
  args: unknown[];
  inputs: EncodedTensor[];
  outputs: EncodedTensor[];
  weights: (EncodedTensor | null)[] | null;
  grads: (EncodedTensor | null)[] | null;
}

// deno-lint-ignore no-explicit-any
type Args = any[];
type Result = Tensor | readonly Tensor[] | { values: Tensor; indices: Tensor };
export type OpFn = (xs: Tensor[], args: Args) => Result | Promise<Result>;
export type OpTable = Record<string, OpFn | { fn: OpFn; gpu: OpFn | false }>;

export function loadCases(file: string): OpCase[] {
  const url = new URL(`./fixtures/${file}`, import.meta.url);
  return JSON.parse(Deno.readTextFileSync(url)).cases as OpCase[];
}

function decodeValue(v: number | boolean | string): number {
  if (v === "nan") return NaN;
  if (v === "inf") return Infinity;
  if (v === "-inf") return -Infinity;
  return Number(v);
}

/** The encoded tensor on `device`, float types cast to `float` (float64 or float32). */
export function decode(e: EncodedTensor, device: "cpu" | "webgpu", float: DType): Tensor {
  const isFloat = e.dtype === "float32" || e.dtype === "float64";
  const dtype = isFloat ? float : e.dtype;
  const flat = e.data.map(decodeValue);
  const t = tensor(e.dtype === "bool" ? flat.map((v) => v !== 0) : flat, { dtype })
    .reshape(e.shape);
  return device === "cpu" ? t : t.to(device);
}

function outputsOf(r: Result): Tensor[] {
  if (Array.isArray(r)) return [...r];
  if ("values" in r && "indices" in r) return [r.values, r.indices];
  return [r as Tensor];
}

/** Outputs and gradients of one case on one device, as host values. */
async function replay(
  c: OpCase,
  fn: OpFn,
  device: "cpu" | "webgpu",
  float: DType,
): Promise<{ outs: Tensor[]; grads: (Tensor | null)[] }> {
  const xs = c.inputs.map((e, i) => {
    const t = decode(e, device, float);
    return c.grads?.[i] ? t.requiresGrad_(true) : t;
  });
  const outs = outputsOf(await fn(xs, c.args));
  let grads: (Tensor | null)[] = xs.map(() => null);
  if (c.weights && c.grads) {
    let loss: Tensor | null = null;
    c.weights.forEach((w, k) => {
      if (!w) return;
      const term = outs[k].mul(decode(w, device, float)).sum();
      loss = loss ? loss.add(term) : term;
    });
    assert.ok(loss, `${c.op}: no float output to differentiate`);
    (loss as Tensor).backward();
    grads = xs.map((x, i) => (c.grads![i] ? x.grad : null));
  }
  return { outs, grads };
}

function closeTo(what: string, got: ArrayLike<number>, want: number[], rtol: number, atol: number) {
  assert.equal(got.length, want.length, `${what}: element count`);
  for (let i = 0; i < want.length; i++) {
    const g = Number(got[i]), w = want[i];
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (!Number.isFinite(w) || !Number.isFinite(g)) {
      assert.equal(g, w, `${what}[${i}]: got ${g}, want ${w}`);
      continue;
    }
    assert.ok(
      Math.abs(g - w) <= atol + rtol * Math.abs(w),
      `${what}[${i}]: got ${g}, want ${w}`,
    );
  }
}

async function assertMatches(
  what: string,
  got: Tensor | null,
  want: EncodedTensor,
  float: DType,
  rtol: number,
  atol: number,
) {
  assert.ok(got, `${what}: missing`);
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const isFloat = want.dtype === "float32" || want.dtype === "float64";
  assert.equal(got.dtype, isFloat ? float : want.dtype, `${what}: dtype`);
  closeTo(what, await got.data(), want.data.map(decodeValue), rtol, atol);
}

/** Compares two gradiente tensors elementwise (the GPU against the CPU, both float32). */
async function assertSame(
  what: string,
  got: Tensor | null,
  want: Tensor | null,
  rtol: number,
  atol: number,
) {
  if (want === null) return assert.equal(got, null, `${what}: expected no gradient`);
  assert.ok(got, `${what}: missing`);
  assert.equal(got.device, "webgpu", `${what}: device`);
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  assert.equal(got.dtype, want.dtype, `${what}: dtype`);
  closeTo(what, await got.data(), Array.from(await want.data(), Number), rtol, atol);
}

export interface CheckOptions {
  /** CPU float64 vs PyTorch (default 1e-9, 1e-9). */
  rtol?: number;
  atol?: number;
  /** WebGPU float32 vs CPU float32 (default 2e-4, 1e-5). */
  gpuRtol?: number;
  gpuAtol?: number;
}

const gpuStatus = await webgpu.available();
if (gpuStatus.available) await webgpu.init();

/**
 * Registers one Deno.test per op of the file on the CPU, and one per op on WebGPU (skipped, with
 * the reason printed, only when the machine has no adapter). Every op in the file must have an
 * entry in `table`, and every entry a case: a table and its fixture cannot drift apart silently.
 */
export function checkCases(file: string, table: OpTable, options: CheckOptions = {}): void {
  const cases = loadCases(file);
  const { rtol = 1e-9, atol = 1e-9, gpuRtol = 2e-4, gpuAtol = 1e-5 } = options;
  const ops = [...new Set(cases.map((c) => c.op))];
  Deno.test(`${file}: every case has a table entry and every entry a case`, () => {
    assert.deepEqual(ops.filter((op) => !(op in table)), [], "ops without an entry");
    assert.deepEqual(Object.keys(table).filter((k) => !ops.includes(k)), [], "entries unused");
  });
  for (const op of ops) {
    const entry = table[op];
    if (!entry) continue;
    const fn = typeof entry === "function" ? entry : entry.fn;
    const gpuFn = typeof entry === "function" ? entry : entry.gpu;
    const mine = cases.filter((c) => c.op === op);
    Deno.test(`${file}: ${op} on cpu equals PyTorch (${mine.length} cases)`, async () => {
      for (const [k, c] of mine.entries()) {
        const what = `${op} case ${k}${c.note ? ` (${c.note})` : ""}`;
        const { outs, grads } = await replay(c, fn, "cpu", "float64");
        assert.equal(outs.length, c.outputs.length, `${what}: number of outputs`);
        for (const [j, o] of c.outputs.entries()) {
          await assertMatches(`${what} output ${j}`, outs[j], o, "float64", rtol, atol);
        }
        for (const [i, g] of (c.grads ?? []).entries()) {
          if (g) await assertMatches(`${what} grad ${i}`, grads[i], g, "float64", rtol, atol);
        }
      }
    });
    if (gpuFn === false) continue;
    Deno.test({
      name: `${file}: ${op} on webgpu equals the cpu (${mine.length} cases)`,
      ignore: !gpuStatus.available,
      sanitizeResources: false,
      sanitizeOps: false,
      fn: async () => {
        for (const [k, c] of mine.entries()) {
          const what = `${op} case ${k}${c.note ? ` (${c.note})` : ""} on webgpu`;
          const cpu = await replay(c, fn, "cpu", "float32");
          const gpu = await replay(c, gpuFn, "webgpu", "float32");
          assert.equal(gpu.outs.length, cpu.outs.length, `${what}: number of outputs`);
          for (const [j, o] of cpu.outs.entries()) {
            await assertSame(`${what} output ${j}`, gpu.outs[j], o, gpuRtol, gpuAtol);
          }
          for (const [i, g] of cpu.grads.entries()) {
            await assertSame(`${what} grad ${i}`, gpu.grads[i], g, gpuRtol, gpuAtol);
          }
        }
      },
    });
  }
}
