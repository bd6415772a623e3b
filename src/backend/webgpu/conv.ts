/**
 * im2col / col2im in WGSL. One thread per output element: im2col's outputs are independent
 * reads, and col2im gathers (each image element sums the column entries that cover it) rather
 * than scatters, so no thread writes another's element and no atomics are needed.
 */
import type { ConvGeometry, View } from "../backend.ts";
import { bindings, perElementShader, wgslType } from "./wgsl.ts";
import { type GpuRuntime, type GpuStorage, viewBuffer } from "./runtime.ts";

// prm: total, C, H, W, kh, kw, dh, dw, ph, pw, sh, sw, oh, ow, srcOffset
function geometryWords(total: number, g: ConvGeometry, offset: number): number[] {
  return [
    total,
    g.channels,
    g.height,
    g.width,
    ...g.kernel,
    ...g.dilation,
    ...g.padding,
    ...g.stride,
    ...g.blocks,
    offset,
  ];
}

const UNPACK = `let C = prm[1]; let H = prm[2]; let W = prm[3];
  let kh = prm[4]; let kw = prm[5]; let dh = prm[6]; let dw = prm[7];
  let ph = prm[8]; let pw = prm[9]; let sh = prm[10]; let sw = prm[11];
  let oh = prm[12]; let ow = prm[13]; let off = prm[14];`;

export function im2colKernel(rt: GpuRuntime, x: View, g: ConvGeometry): GpuStorage {
  wgslType(x.dtype, "im2col");
  const total = x.shape[0] * g.channels * g.kernel[0] * g.kernel[1] * g.blocks[0] * g.blocks[1];
  const out = rt.alloc(total, "im2col");
  if (total === 0) return out;
  const pipeline = rt.pipeline("im2col", () =>
    perElementShader(
      bindings([["x", "f32"], ["out", "f32", "read_write"]]),
      `${UNPACK}
  var r = i;
  let ox = r % ow; r = r / ow;
  let oy = r % oh; r = r / oh;
  let kj = r % kw; r = r / kw;
  let ki = r % kh; r = r / kh;
  let c = r % C; let b = r / C;
  let iy = oy * sh - ph + ki * dh;
  let ix = ox * sw - pw + kj * dw;
  var v = 0.0;
  if (iy >= 0 && iy < H && ix >= 0 && ix < W) { v = x[off + ((b * C + c) * H + iy) * W + ix]; }
  out[i] = v;`,
    ));
  rt.dispatchElements(
    pipeline,
    [viewBuffer(x, "im2col"), out.live("im2col")],
    geometryWords(total, g, x.offset),
    total,
  );
  return out;
}

export function col2imKernel(rt: GpuRuntime, cols: View, g: ConvGeometry): GpuStorage {
  wgslType(cols.dtype, "col2im");
  const total = cols.shape[0] * g.channels * g.height * g.width;
  const out = rt.alloc(total, "col2im");
  if (total === 0) return out;
  const pipeline = rt.pipeline("col2im", () =>
    perElementShader(
      bindings([["cols", "f32"], ["out", "f32", "read_write"]]),
      `${UNPACK}
  var r = i;
  let x = r % W; r = r / W;
  let y = r % H; r = r / H;
  let c = r % C; let b = r / C;
  let L = oh * ow;
  var s = 0.0;
  for (var ki = 0; ki < kh; ki++) {
    let ty = y + ph - ki * dh;
    if (ty < 0 || ty % sh != 0) { continue; }
    let oy = ty / sh;
    if (oy >= oh) { continue; }
    for (var kj = 0; kj < kw; kj++) {
      let tx = x + pw - kj * dw;
      if (tx < 0 || tx % sw != 0) { continue; }
      let ox = tx / sw;
      if (ox >= ow) { continue; }
      let row = (c * kh + ki) * kw + kj;
      s += cols[off + ((b * C * kh * kw + row) * L) + oy * ow + ox];
    }
  }
  out[i] = s;`,
    ));
  rt.dispatchElements(
    pipeline,
    [viewBuffer(cols, "col2im"), out.live("col2im")],
    geometryWords(total, g, cols.offset),
    total,
  );
  return out;
}
