/**
 * Batched matmul: a 64×64 output tile per workgroup of 16×16 threads, each thread owning a
 * 4×4 block of outputs, with 64×16 / 16×64 slices of A and B staged in workgroup memory.
 * Operands are read through their strides, so transposed views and broadcast batches cost
 * nothing extra (the transpose "flag" is just the stride order).
 */
import type { View } from "../backend.ts";
import { bindings, perElementShader, wgslType } from "./wgsl.ts";
import { type GpuRuntime, type GpuStorage, viewBuffer } from "./runtime.ts";

const TILE = 64, TK = 16, THREADS = 16, PER = 4;

export function matmulKernel(rt: GpuRuntime, a: View, b: View): GpuStorage {
  const [B, M, K] = a.shape;
  const N = b.shape[2];
  const out = rt.alloc(B * M * N, "matmul");
  if (B * M * N === 0) return out;
  const t = wgslType(a.dtype, "matmul");
  if (t === "u32" || wgslType(b.dtype, "matmul") !== t) {
    throw new Error(
      `matmul: webgpu multiplies float32 or int32 matrices of one dtype, got ${a.dtype} and ` +
        `${b.dtype}. Convert them first (e.g. .float()).`,
    );
  }
  const ints = [M, N, K, a.offset, ...a.strides, b.offset, ...b.strides];
  const buffers = [
    viewBuffer(a, "matmul"),
    viewBuffer(b, "matmul"),
    out.live("matmul"),
  ];
  if (M < SMALL || N < SMALL) {
    // Thin products (XOR's 4×2 @ 2×2, a batch's bias column): the tiled kernel's barriers
    // and idle threads cost more than they save, so one thread per output instead.
    rt.dispatchElements(smallPipeline(rt, t), buffers, [B * M * N, ...ints], B * M * N);
    return out;
  }
  const pipeline = rt.pipeline(`matmul:${t}`, () => `
${bindings([["A", t], ["Bm", t], ["out", t, "read_write"]])}
var<workgroup> As: array<array<${t}, ${TILE}>, ${TK}>;
var<workgroup> Bs: array<array<${t}, ${TILE}>, ${TK}>;
@compute @workgroup_size(${THREADS}, ${THREADS})
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  // prm: M, N, K, aOff, aBatch, aRow, aCol, bOff, bBatch, bRow, bCol
  let M = prm[0];
  let N = prm[1];
  let K = prm[2];
  let batch = i32(wid.z);
  let aBase = prm[3] + batch * prm[4];
  let bBase = prm[7] + batch * prm[8];
  let row0 = i32(wid.y) * ${TILE};
  let col0 = i32(wid.x) * ${TILE};
  let tid = i32(lid.y) * ${THREADS} + i32(lid.x);
  let r0 = i32(lid.y) * ${PER};
  let c0 = i32(lid.x) * ${PER};
  var acc0 = vec4<${t}>();
  var acc1 = vec4<${t}>();
  var acc2 = vec4<${t}>();
  var acc3 = vec4<${t}>();
  for (var k0 = 0; k0 < K; k0 += ${TK}) {
    for (var l = 0; l < ${(TILE * TK) / (THREADS * THREADS)}; l++) {
      let e = tid + l * ${THREADS * THREADS};
      let m = e / ${TK};
      let ka = e % ${TK};
      let gm = row0 + m;
      let gka = k0 + ka;
      var va = ${t}(0);
      if (gm < M && gka < K) { va = A[aBase + gm * prm[5] + gka * prm[6]]; }
      As[ka][m] = va;
      let kb = e / ${TILE};
      let nb = e % ${TILE};
      let gkb = k0 + kb;
      let gn = col0 + nb;
      var vb = ${t}(0);
      if (gkb < K && gn < N) { vb = Bm[bBase + gkb * prm[9] + gn * prm[10]]; }
      Bs[kb][nb] = vb;
    }
    workgroupBarrier();
    for (var kk = 0; kk < ${TK}; kk++) {
      // Unrolled into vec4 rows: dynamically indexed local arrays end up in memory on
      // some compilers (llvmpipe among them), registers do not.
      let bv = vec4<${t}>(Bs[kk][c0], Bs[kk][c0 + 1], Bs[kk][c0 + 2], Bs[kk][c0 + 3]);
      acc0 = acc0 + As[kk][r0] * bv;
      acc1 = acc1 + As[kk][r0 + 1] * bv;
      acc2 = acc2 + As[kk][r0 + 2] * bv;
      acc3 = acc3 + As[kk][r0 + 3] * bv;
    }
    workgroupBarrier();
  }
  let oBase = batch * M * N;
  let accs = array<vec4<${t}>, 4>(acc0, acc1, acc2, acc3);
  for (var r = 0; r < ${PER}; r++) {
    let gm = row0 + r0 + r;
    for (var c = 0; c < ${PER}; c++) {
      let gn = col0 + c0 + c;
      if (gm < M && gn < N) { out[oBase + gm * N + gn] = accs[r][c]; }
    }
  }
}`);
  const max = rt.maxWorkgroups;
  const gx = Math.ceil(N / TILE), gy = Math.ceil(M / TILE);
  if (gx > max || gy > max || B > max) {
    throw new Error(
      `matmul: [${B}, ${M}, ${K}] @ [${B}, ${K}, ${N}] needs more workgroups than this GPU ` +
        `allows per dimension (${max}). Split the batch or the matrices.`,
    );
  }
  rt.dispatch(pipeline, buffers, ints, [], [gx, gy, B]);

  return out;
}

/** Below this many output rows or columns, the one-thread-per-output kernel runs. */
const SMALL = 16;

function smallPipeline(rt: GpuRuntime, t: string): GPUComputePipeline {
  return rt.pipeline(`matmul-small:${t}`, () =>
    perElementShader(
      bindings([["A", t], ["Bm", t], ["out", t, "read_write"]]),
      `// prm: total, M, N, K, aOff, aBatch, aRow, aCol, bOff, bBatch, bRow, bCol
  let M = prm[1];
  let N = prm[2];
  let n = i % N;
  let m = (i / N) % M;
  let batch = i / (M * N);
  var pa = prm[4] + batch * prm[5] + m * prm[6];
  var pb = prm[8] + batch * prm[9] + n * prm[11];
  var acc = ${t}(0);
  for (var k = 0; k < prm[3]; k++) {
    acc = acc + A[pa] * Bm[pb];
    pa += prm[7];
    pb += prm[10];
  }
  out[i] = acc;`,
    ));
}
