/** im2col / col2im: plain loops over the rows of the column matrix, batch outermost. */
import type { ConvGeometry, View } from "../backend.ts";
import { type TypedArray, typedArrayFor } from "../../core/dtype.ts";

/**
 * The block columns ox in [lo, hi) whose input column start + ox·stride lies inside [0, W):
 * computed once per kernel column so the inner loops carry no bounds test.
 */
function validRange(start: number, stride: number, W: number, ow: number): [number, number] {
  const lo = Math.max(0, Math.ceil(-start / stride));
  const hi = Math.min(ow, Math.floor((W - 1 - start) / stride) + 1);
  return [lo, Math.max(lo, hi)];
}

export function im2colCpu(x: View, g: ConvGeometry): TypedArray {
  const src = x.storage as TypedArray;
  const n = x.shape[0];
  const { channels: C, height: H, width: W } = g;
  const [kh, kw] = g.kernel, [dh, dw] = g.dilation, [ph, pw] = g.padding;
  const [sh, sw] = g.stride, [oh, ow] = g.blocks;
  const L = oh * ow, rows = C * kh * kw;
  const out = typedArrayFor(x.dtype, n * rows * L);
  for (let b = 0; b < n; b++) {
    for (let c = 0; c < C; c++) {
      const plane = x.offset + (b * C + c) * H * W;
      for (let ki = 0; ki < kh; ki++) {
        for (let kj = 0; kj < kw; kj++) {
          let o = (b * rows + (c * kh + ki) * kw + kj) * L;
          const [lo, hi] = validRange(kj * dw - pw, sw, W, ow);
          for (let oy = 0; oy < oh; oy++) {
            const iy = oy * sh - ph + ki * dh;
            if (iy < 0 || iy >= H) {
              o += ow; // the array starts zeroed: the padding needs no write
              continue;
            }
            const line = plane + iy * W + kj * dw - pw;
            if (sw === 1) {
              out.set(src.subarray(line + lo, line + hi) as never, o + lo);
            } else {
              for (let ox = lo; ox < hi; ox++) out[o + ox] = src[line + ox * sw];
            }
            o += ow;
          }
        }
      }
    }
  }
  return out;
}

export function col2imCpu(cols: View, g: ConvGeometry): TypedArray {
  const src = cols.storage as TypedArray;
  const n = cols.shape[0];
  const { channels: C, height: H, width: W } = g;
  const [kh, kw] = g.kernel, [dh, dw] = g.dilation, [ph, pw] = g.padding;
  const [sh, sw] = g.stride, [oh, ow] = g.blocks;
  const L = oh * ow, rows = C * kh * kw;
  const out = typedArrayFor(cols.dtype, n * C * H * W);
  for (let b = 0; b < n; b++) {
    for (let c = 0; c < C; c++) {
      const plane = (b * C + c) * H * W;
      for (let ki = 0; ki < kh; ki++) {
        for (let kj = 0; kj < kw; kj++) {
          let o = cols.offset + (b * rows + (c * kh + ki) * kw + kj) * L;
          const [lo, hi] = validRange(kj * dw - pw, sw, W, ow);
          for (let oy = 0; oy < oh; oy++) {
            const iy = oy * sh - ph + ki * dh;
            if (iy < 0 || iy >= H) {
              o += ow;
              continue;
            }
            const line = plane + iy * W + kj * dw - pw;
            for (let ox = lo; ox < hi; ox++) out[line + ox * sw] += src[o + ox];
            o += ow;
          }
        }
      }
    }
  }
  return out;
}
