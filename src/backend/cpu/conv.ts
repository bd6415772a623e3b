/** im2col / col2im: plain loops over the rows of the column matrix, batch outermost. */
import type { ConvGeometry, View } from "../backend.ts";
import { type TypedArray, typedArrayFor } from "../../core/dtype.ts";

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
          for (let oy = 0; oy < oh; oy++) {
            const iy = oy * sh - ph + ki * dh;
            if (iy < 0 || iy >= H) {
              o += ow; // the array starts zeroed: the padding needs no write
              continue;
            }
            const line = plane + iy * W;
            for (let ox = 0, ix = kj * dw - pw; ox < ow; ox++, ix += sw, o++) {
              if (ix >= 0 && ix < W) out[o] = src[line + ix];
            }
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
          for (let oy = 0; oy < oh; oy++) {
            const iy = oy * sh - ph + ki * dh;
            if (iy < 0 || iy >= H) {
              o += ow;
              continue;
            }
            const line = plane + iy * W;
            for (let ox = 0, ix = kj * dw - pw; ox < ow; ox++, ix += sw, o++) {
              if (ix >= 0 && ix < W) out[line + ix] += src[o];
            }
          }
        }
      }
    }
  }
  return out;
}
