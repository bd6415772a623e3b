/**
 * The WebAssembly SIMD GEMM kernel, emitted per dtype. It multiplies packed panels
 * (pack.ts lays them out) with an MR x NR block of C held in v128 registers:
 *
 *   for each NR-column panel of B (kc x NR, row-major, so one panel stays in L1)
 *     for each MR-row panel of A (kc x MR, k-major, so a column of it is MR adjacent values)
 *       acc = accumulate ? C block : 0
 *       for k < kc: acc[r][v] += splat(A[k][r]) * B[k][v*lanes .. v*lanes+lanes)
 *       C block = acc
 *
 * MR = 4 rows by NV = 2 vectors per row gives 8 accumulators + 2 B vectors + 1 splat = 11 of
 * x64's 16 XMM registers, so V8's register allocator keeps the whole block in registers; a
 * wider block spills. With relaxed SIMD the multiply-add is fused (one instruction instead of
 * two); without it (Node 20) the kernel uses mul + add.
 */
import { bump, type Bytes, type FuncDef, I32, op, V128 } from "./encode.ts";

export const MR = 4, NV = 2;

export interface KernelShape {
  /** Bytes per element: 4 (float32) or 8 (float64). */
  elem: 4 | 8;
  /** Elements per v128. */
  lanes: number;
  /** Columns per B panel: NV * lanes. */
  nr: number;
}

export function kernelShape(elem: 4 | 8): KernelShape {
  const lanes = 16 / elem;
  return { elem, lanes, nr: NV * lanes };
}

// Parameters, then locals, by index.
const A = 0, B = 1, C = 2, M_PANELS = 3, N_PANELS = 4, K = 5, LDC = 6, ACCUMULATE = 7;
const JP = 8, IP = 9, PA = 10, PB = 11, KK = 12, CROW = 13, CJP = 14, BPANEL = 15, TMP = 16;
const FIRST_V128 = 17;
const acc = (r: number, v: number) => FIRST_V128 + r * NV + v;
const bvec = (v: number) => FIRST_V128 + MR * NV + v;
const AVEC = FIRST_V128 + MR * NV + NV;

const V128_LOAD = 0x00, V128_STORE = 0x0b, V128_CONST = 0x0c;
const SIMD = {
  4: { splat: 0x09, add: 0xe4, mul: 0xe6, madd: 0x105 },
  8: { splat: 0x0a, add: 0xf0, mul: 0xf2, madd: 0x107 },
} as const;

/** Visits the C block's rows: TMP walks C by ldc bytes, `each(r)` emits one row's work. */
function rows(each: (r: number) => Bytes): Bytes {
  const out: Bytes = [...op.get(CROW), ...op.set(TMP)];
  for (let r = 0; r < MR; r++) out.push(...each(r), ...bump(TMP, op.get(LDC)));
  return out;
}

/**
 * gemm(a, b, c, mPanels, nPanels, k, ldcBytes, accumulate): C[mPanels*MR, nPanels*NR] (row
 * stride ldcBytes) = (accumulate ? C : 0) + packedA @ packedB, both packed over k.
 */
export function gemmKernel(elem: 4 | 8, relaxed: boolean): FuncDef {
  const { nr } = kernelShape(elem);
  const s = SIMD[elem];
  const alignLog2 = elem === 4 ? 2 : 3;
  const load = (v: number) => [...op.get(TMP), ...op.simd(V128_LOAD, ...op.memarg(4, v * 16))];

  const initAcc: Bytes = [
    ...op.get(ACCUMULATE),
    ...op.if,
    ...rows((r) => Array.from({ length: NV }, (_, v) => [...load(v), ...op.set(acc(r, v))]).flat()),
    ...op.else,
  ];
  for (let r = 0; r < MR; r++) {
    for (let v = 0; v < NV; v++) {
      initAcc.push(...op.simd(V128_CONST, ...new Array(16).fill(0)), ...op.set(acc(r, v)));
    }
  }
  initAcc.push(...op.end);

  const step: Bytes = [];
  for (let v = 0; v < NV; v++) {
    step.push(...op.get(PB), ...op.simd(V128_LOAD, ...op.memarg(4, v * 16)), ...op.set(bvec(v)));
  }
  for (let r = 0; r < MR; r++) {
    step.push(...op.get(PA), ...op.simd(s.splat, ...op.memarg(alignLog2, r * elem)));
    step.push(...op.set(AVEC));
    for (let v = 0; v < NV; v++) {
      step.push(
        ...(relaxed
          ? [...op.get(AVEC), ...op.get(bvec(v)), ...op.get(acc(r, v)), ...op.simd(s.madd)]
          : [...op.get(acc(r, v)), ...op.get(AVEC), ...op.get(bvec(v)), ...op.simd(s.mul)]
            .concat(op.simd(s.add))),
        ...op.set(acc(r, v)),
      );
    }
  }
  step.push(...bump(PA, MR * elem), ...bump(PB, nr * elem), ...bump(KK, -1));

  const store = rows((r) =>
    Array.from({ length: NV }, (_, v) => [
      ...op.get(TMP),
      ...op.get(acc(r, v)),
      ...op.simd(V128_STORE, ...op.memarg(4, v * 16)),
    ]).flat()
  );

  const body: Bytes = [
    ...op.get(C),
    ...op.set(CJP),
    ...op.get(B),
    ...op.set(BPANEL),
    ...op.block,
    ...op.loop, // over B panels
    ...op.get(JP),
    ...op.get(N_PANELS),
    ...op.geU,
    ...op.brIf(1),
    ...op.i32(0),
    ...op.set(IP),
    ...op.get(A),
    ...op.set(PA),
    ...op.get(CJP),
    ...op.set(CROW),
    ...op.block,
    ...op.loop, // over A panels
    ...op.get(IP),
    ...op.get(M_PANELS),
    ...op.geU,
    ...op.brIf(1),
    ...initAcc,
    ...op.get(BPANEL),
    ...op.set(PB),
    ...op.get(K),
    ...op.set(KK),
    ...op.block,
    ...op.loop, // over k
    ...op.get(KK),
    ...op.eqz,
    ...op.brIf(1),
    ...step,
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...store,
    ...bump(CROW, [...op.get(LDC), ...op.i32(MR), ...op.mul]),
    ...bump(IP, 1),
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...bump(CJP, nr * elem),
    ...bump(BPANEL, [...op.get(K), ...op.i32(nr * elem), ...op.mul]),
    ...bump(JP, 1),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  return {
    name: elem === 4 ? "sgemm" : "dgemm",
    params: new Array(8).fill(I32),
    locals: [[9, I32], [MR * NV + NV + 1, V128]],
    body,
  };
}
