/** Max / sum pooling: plain loops over the output planes, batch outermost. */
import type { ConvGeometry, View } from "../backend.ts";
import { type TypedArray, typedArrayFor } from "../../core/dtype.ts";

export function maxPool2dCpu(x: View, g: ConvGeometry): [TypedArray, Int32Array] {
  const src = x.storage as TypedArray;
  const { height: H, width: W } = g, [kh, kw] = g.kernel, [dh, dw] = g.dilation;
  const [ph, pw] = g.padding, [sh, sw] = g.stride, [oh, ow] = g.blocks;
  const n = x.shape[0] * oh * ow;
  const values = typedArrayFor(x.dtype, n), indices = new Int32Array(n);
  let o = 0;
  for (let b = 0; b < x.shape[0]; b++) {
    const plane = x.offset + b * H * W;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++, o++) {
        let best = -Infinity, at = -1;
        for (let ki = 0; ki < kh; ki++) {
          const iy = oy * sh - ph + ki * dh;
          if (iy < 0 || iy >= H) continue;
          for (let kj = 0; kj < kw; kj++) {
            const ix = ox * sw - pw + kj * dw;
            if (ix < 0 || ix >= W) continue;
            const v = src[plane + iy * W + ix];
            // The first maximum wins ties; the first NaN wins outright (as max along a dim).
            if (at < 0 || v > best || (v !== v && best === best)) {
              best = v;
              at = iy * W + ix;
            }
          }
        }
        values[o] = best;
        indices[o] = at;
      }
    }
  }
  return [values, indices];
}

export function sumPool2dCpu(x: View, g: ConvGeometry): TypedArray {
  const src = x.storage as TypedArray;
  const { height: H, width: W } = g, [kh, kw] = g.kernel, [dh, dw] = g.dilation;
  const [ph, pw] = g.padding, [sh, sw] = g.stride, [oh, ow] = g.blocks;
  const out = typedArrayFor(x.dtype, x.shape[0] * oh * ow);
  let o = 0;
  for (let b = 0; b < x.shape[0]; b++) {
    const plane = x.offset + b * H * W;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++, o++) {
        let s = 0;
        for (let ki = 0; ki < kh; ki++) {
          const iy = oy * sh - ph + ki * dh;
          if (iy < 0 || iy >= H) continue;
          const row = plane + iy * W;
          for (let kj = 0; kj < kw; kj++) {
            const ix = ox * sw - pw + kj * dw;
            if (ix >= 0 && ix < W) s += src[row + ix];
          }
        }
        out[o] = s;
      }
    }
  }
  return out;
}
