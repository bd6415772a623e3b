/**
 * Stride-1 convolutions one sample at a time, through a "wide" column matrix: the sample is
 * padded once into a scratch image of Hp × Wp (Wp = ow + dw·(kw-1)), and the output is computed
 * on that padded width, oh × Wp, with the Wp - ow extra columns thrown away. On that grid every
 * row (c, ki, kj) of the column matrix is ONE contiguous run of the padded image, so im2col is
 * C·kh·kw memcpys per sample instead of C·kh·kw·oh short copies, and the column matrix of one
 * sample (reused scratch, L2-sized for common layers) replaces the batch-sized one, which cost
 * more in memory traffic than the GEMMs. The GEMMs go to BLAS with offsets and leading
 * dimensions (blasGemm), or to the WASM/JS matmul kernel without BLAS.
 */
import type { ConvGeometry, View } from "../backend.ts";
import type { TypedArray } from "../../core/dtype.ts";
import { typedArrayFor } from "../../core/dtype.ts";
import type { Operand } from "./codegen.ts";
import { blasGemm, blasSingleThreaded } from "./blas.ts";
import { matmulInto } from "./matmul.ts";

interface Grid {
  C: number;
  H: number;
  W: number;
  kh: number;
  kw: number;
  dh: number;
  dw: number;
  pt: number;
  pl: number;
  oh: number;
  ow: number;
  Hp: number;
  Wp: number;
  /** Hp·Wp, one padded channel. */
  P: number;
  /** oh·Wp, one wide output channel (the GEMM's N). */
  Q: number;
  /** How far the last column row reads past its padded channel (into zeros). */
  extra: number;
  /** The input needs no padding: a sample's channels are already the padded planes. */
  noPad: boolean;
}

function gridOf(g: ConvGeometry): Grid {
  const [kh, kw] = g.kernel, [dh, dw] = g.dilation, [pt, pl] = g.padding, [oh, ow] = g.blocks;
  const Hp = oh + dh * (kh - 1), Wp = ow + dw * (kw - 1);
  const { channels: C, height: H, width: W } = g;
  const noPad = pt === 0 && pl === 0 && Hp === H && Wp === W;
  return {
    C,
    H,
    W,
    kh,
    kw,
    dh,
    dw,
    pt,
    pl,
    oh,
    ow,
    Hp,
    Wp,
    P: Hp * Wp,
    Q: oh * Wp,
    extra: dw * (kw - 1),
    noPad,
  };
}

// Scratch kept between calls (never handed to users), per element type and purpose; buffers
// past KEEP_LIMIT elements are allocated per call so a one-off huge layer does not pin memory.
const KEEP_LIMIT = 2 << 20;
const kept = new Map<unknown, TypedArray[]>();

function scratch(like: TypedArray, slot: number, n: number): TypedArray {
  const ctor = like.constructor as new (n: number) => TypedArray;
  if (n > KEEP_LIMIT) return new ctor(n);
  let slots = kept.get(ctor);
  if (!slots) kept.set(ctor, slots = []);
  const have = slots[slot];
  if (have && have.length >= n) return have;
  return slots[slot] = new ctor(Math.max(n, have ? have.length : 0));
}

/** C[cOff…] = A·B (+ C when beta is 1), row-major with leading dimensions. */
function gemm(
  tA: boolean,
  tB: boolean,
  M: number,
  N: number,
  K: number,
  A: TypedArray,
  aOff: number,
  lda: number,
  B: TypedArray,
  bOff: number,
  ldb: number,
  beta: 0 | 1,
  C: TypedArray,
  cOff: number,
  ldc: number,
): void {
  if (blasGemm(tA, tB, M, N, K, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc)) return;
  const a: Operand = {
    data: A,
    offset: aOff,
    shape: [1, M, K],
    strides: [0, tA ? 1 : lda, tA ? lda : 1],
  };
  const b: Operand = {
    data: B,
    offset: bOff,
    shape: [1, K, N],
    strides: [0, tB ? 1 : ldb, tB ? ldb : 1],
  };
  const tmp = scratch(C, 3, M * N).subarray(0, M * N);
  tmp.fill(0);
  matmulInto(tmp, a, b);
  for (let i = 0; i < M; i++) {
    const o = cOff + i * ldc, t = i * N;
    if (beta) { for (let j = 0; j < N; j++) C[o + j] += tmp[t + j]; }
    else for (let j = 0; j < N; j++) C[o + j] = tmp[t + j];
  }
}

/** Copies `len` elements; a loop beats subarray+set on the short rows of small images. */
function copyRun(src: TypedArray, s: number, dst: TypedArray, d: number, len: number): void {
  if (len >= 64) dst.set(src.subarray(s, s + len) as never, d);
  else for (let i = 0; i < len; i++) dst[d + i] = src[s + i];
}

/**
 * Sample n of a contiguous [N, C, H, W] array as padded planes: returns the array and offset
 * to read them from, which is the input itself when there is no padding and the last plane's
 * overrun stays inside the array (it only feeds thrown-away columns).
 */
function paddedSample(
  x: TypedArray,
  xOff: number,
  n: number,
  gr: Grid,
  pad: TypedArray | null,
): [TypedArray, number] {
  const { C, H, W, P, Wp, pt, pl } = gr;
  const base = xOff + n * C * H * W;
  if (gr.noPad && base + C * P + gr.extra <= x.length) return [x, base];
  const out = pad!;
  if (gr.noPad) {
    out.set(x.subarray(base, base + C * P) as never, 0);
    out.fill(0, C * P, C * P + gr.extra);
    return [out, 0];
  }
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < H; y++) {
      copyRun(x, base + (c * H + y) * W, out, c * P + (y + pt) * Wp + pl, W);
    }
  }
  return [out, 0];
}

/**
 * The wide column matrix of one sample into `cols` from `at` (row stride ld): row (c, ki, kj)
 * is one run of Q from padded channel c. From the work buffer itself the runs are copyWithin
 * (no subarray object per row: a third faster on the short rows of small layers).
 */
function wideCols(
  src: TypedArray,
  off: number,
  gr: Grid,
  cols: TypedArray,
  at: number,
  ld: number,
): void {
  const { C, kh, kw, dh, dw, P, Wp, Q } = gr;
  const within = src === cols;
  let row = at;
  for (let c = 0; c < C; c++) {
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++) {
        const s = off + c * P + ki * dh * Wp + kj * dw;
        if (within) cols.copyWithin(row, s, s + Q);
        else cols.set(src.subarray(s, s + Q) as never, row);
        row += ld;
      }
    }
  }
}

/**
 * Samples per GEMM where the output must be compacted anyway: side by side in the wide
 * matrices, a few samples make one larger GEMM (fewer BLAS calls and thread hand-offs: 15-25%
 * faster on 28×28 layers), with the scratch kept to about `chunk` elements.
 */
let chunk = 1 << 20;
function samplesPerGemm(N: number, perSample: number): number {
  return Math.max(1, Math.min(N, Math.floor(chunk / Math.max(perSample, 1))));
}

/** @internal Sets the chunk size (elements) and returns the old one: tests force partial chunks. */
export function setConvChunk(elements: number): number {
  const old = chunk;
  chunk = elements;
  return old;
}

/**
 * The work buffer: the padded sample at 0 (zeroed once: every sample writes the same inside,
 * so the border stays zero), then `cols` elements for the column matrix, from the returned
 * offset.
 */
function workspace(like: TypedArray, gr: Grid, cols: number): [TypedArray, number] {
  const padLen = gr.C * gr.P + gr.extra;
  const work = scratch(like, 0, padLen + cols);
  if (!gr.noPad) work.fill(0, 0, padLen);
  return [work, padLen];
}

/**
 * Stride-1 conv2d: x [N, C, H, W] and w [O, C/groups, kh, kw] contiguous, bias [O] or null;
 * returns [N, O, oh, ow].
 */
export function conv2dStride1(
  x: View,
  w: View,
  bias: View | null,
  g: ConvGeometry,
  groups: number,
): TypedArray {
  const gr = gridOf(g), N = x.shape[0], O = w.shape[0];
  const work = N * O * (gr.C / groups) * gr.kh * gr.kw * gr.Q;
  const run = () => forward(x, w, bias, g, groups);
  return small(work, N, gr, O) ? blasSingleThreaded(run) : run();
}

/**
 * Whether the GEMMs are small enough to run on one BLAS thread: under SMALL_GEMM multiply-adds
 * per call (one sample per call where the output is written directly, else a chunk).
 */
const SMALL_GEMM = 1 << 24;
function small(total: number, N: number, gr: Grid, O: number): boolean {
  const rows = total / Math.max(N, 1);
  const perCall = gr.ow === gr.Wp ? 1 : samplesPerGemm(N, (gr.C * gr.kh * gr.kw + O) * gr.Q);
  return rows * perCall < SMALL_GEMM;
}

function forward(
  x: View,
  w: View,
  bias: View | null,
  g: ConvGeometry,
  groups: number,
): TypedArray {
  const X = x.storage as TypedArray, Wt = w.storage as TypedArray;
  const Bs = bias ? bias.storage as TypedArray : null, bOff = bias ? bias.offset : 0;
  const gr = gridOf(g);
  const N = x.shape[0], O = w.shape[0];
  const { C, kh, kw, oh, ow, Wp, Q } = gr;
  const Cg = C / groups, Og = O / groups, Kg = Cg * kh * kw;
  const out = typedArrayFor(x.dtype, N * O * oh * ow);
  if (N === 0 || O === 0) return out;
  const rows = C * kh * kw;
  if (ow === Wp) {
    // The wide grid is the output's: each sample's GEMM goes straight into it, the bias
    // written first and accumulated onto.
    const [work, c0] = workspace(X, gr, rows * Q);
    const one = kh === 1 && kw === 1; // a 1×1 kernel's columns are the padded planes themselves
    for (let n = 0; n < N; n++) {
      const [src, off] = paddedSample(X, x.offset, n, gr, work);
      if (!one) wideCols(src, off, gr, work, c0, Q);
      const B = one ? src : work, B0 = one ? off : c0, d0 = n * O * Q;
      if (Bs) { for (let o = 0; o < O; o++) out.fill(Bs[bOff + o], d0 + o * Q, d0 + (o + 1) * Q); }
      for (let gi = 0; gi < groups; gi++) {
        gemm(
          false,
          false,
          Og,
          Q,
          Kg,
          Wt,
          w.offset + gi * Og * Kg,
          Kg,
          B,
          B0 + gi * Kg * Q,
          Q,
          Bs ? 1 : 0,
          out,
          d0 + gi * Og * Q,
          Q,
        );
      }
    }
    return out;
  }
  const s = samplesPerGemm(N, (rows + O) * Q), ld = s * Q;
  const [work, c0] = workspace(X, gr, rows * ld), wide = scratch(X, 2, O * ld);
  for (let n0 = 0; n0 < N; n0 += s) {
    const sc = Math.min(s, N - n0);
    for (let j = 0; j < sc; j++) {
      const [src, off] = paddedSample(X, x.offset, n0 + j, gr, work);
      wideCols(src, off, gr, work, c0 + j * Q, ld);
    }
    for (let gi = 0; gi < groups; gi++) {
      gemm(
        false,
        false,
        Og,
        sc * Q,
        Kg,
        Wt,
        w.offset + gi * Og * Kg,
        Kg,
        work,
        c0 + gi * Kg * ld,
        ld,
        0,
        wide,
        gi * Og * ld,
        ld,
      );
    }
    for (let j = 0; j < sc; j++) {
      for (let o = 0; o < O; o++) {
        const bv = Bs ? Bs[bOff + o] : 0;
        for (let y = 0; y < oh; y++) {
          const r = o * ld + j * Q + y * Wp, d = (((n0 + j) * O + o) * oh + y) * ow;
          for (let i = 0; i < ow; i++) out[d + i] = wide[r + i] + bv;
        }
      }
    }
  }
  return out;
}

/**
 * The weight gradient of a stride-1 conv2d: x [N, C, H, W] and gy [N, O, oh, ow] contiguous;
 * returns [O, C/groups, kh, kw] = Σ_n gy[n] · cols[n]ᵀ.
 */
export function conv2dWeightGradStride1(
  x: View,
  gy: View,
  g: ConvGeometry,
  groups: number,
): TypedArray {
  const gr = gridOf(g);
  const N = x.shape[0], O = gy.shape[1], Kg = (gr.C / groups) * gr.kh * gr.kw;
  const out = typedArrayFor(x.dtype, O * Kg);
  if (small(N * O * Kg * gr.Q, N, gr, O)) {
    blasSingleThreaded(() => weightGradChecked(x, gy, gr, groups, out));
  } else weightGradChecked(x, gy, gr, groups, out);
  return out;
}

function weightGradChecked(x: View, gy: View, gr: Grid, groups: number, out: TypedArray): void {
  weightGrad(x, gy, gr, groups, out, false);
  // The thrown-away columns multiply zeros of gy with real pixels: an inf or NaN there would
  // leak into entries PyTorch keeps finite, so a non-finite result is redone without them.
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) {
      out.fill(0);
      weightGrad(x, gy, gr, groups, out, true);
      break;
    }
  }
}

function weightGrad(
  x: View,
  gy: View,
  gr: Grid,
  groups: number,
  out: TypedArray,
  clearExtra: boolean,
): void {
  const X = x.storage as TypedArray, G = gy.storage as TypedArray;
  const N = x.shape[0], O = gy.shape[1];
  const { C, kh, kw, oh, ow, Wp, Q } = gr;
  const Cg = C / groups, Og = O / groups, Kg = Cg * kh * kw, rows = C * kh * kw;
  if (N === 0) return;
  if (ow === Wp) {
    // No thrown-away columns: gy is the wide matrix already.
    const [work, c0] = workspace(X, gr, rows * Q);
    const one = kh === 1 && kw === 1;
    for (let n = 0; n < N; n++) {
      const [src, off] = paddedSample(X, x.offset, n, gr, work);
      if (!one) wideCols(src, off, gr, work, c0, Q);
      const B = one ? src : work, B0 = one ? off : c0, A0 = gy.offset + n * O * Q;
      for (let gi = 0; gi < groups; gi++) {
        gemm(
          false,
          true,
          Og,
          Kg,
          Q,
          G,
          A0 + gi * Og * Q,
          Q,
          B,
          B0 + gi * Kg * Q,
          Q,
          1,
          out,
          gi * Og * Kg,
          Kg,
        );
      }
    }
    return;
  }
  const s = samplesPerGemm(N, (rows + O) * Q), ld = s * Q;
  const [work, c0] = workspace(X, gr, rows * ld), wide = scratch(X, 2, O * ld);
  wide.fill(0, 0, O * ld); // its extra columns stay zero: every chunk writes the same inside
  for (let n0 = 0; n0 < N; n0 += s) {
    const sc = Math.min(s, N - n0);
    for (let j = 0; j < sc; j++) {
      const [src, off] = paddedSample(X, x.offset, n0 + j, gr, work);
      wideCols(src, off, gr, work, c0 + j * Q, ld);
      if (clearExtra) {
        for (let r = 0; r < rows; r++) {
          const b = c0 + r * ld + j * Q;
          for (let y = 0; y < oh; y++) work.fill(0, b + y * Wp + ow, b + (y + 1) * Wp);
        }
      }
      const g0 = gy.offset + (n0 + j) * O * oh * ow;
      for (let o = 0; o < O; o++) {
        for (let y = 0; y < oh; y++) {
          copyRun(G, g0 + (o * oh + y) * ow, wide, o * ld + j * Q + y * Wp, ow);
        }
      }
    }
    for (let gi = 0; gi < groups; gi++) {
      gemm(
        false,
        true,
        Og,
        Kg,
        sc * Q,
        wide,
        gi * Og * ld,
        ld,
        work,
        c0 + gi * Kg * ld,
        ld,
        1,
        out,
        gi * Og * Kg,
        Kg,
      );
    }
  }
}
