/**
 * Max / sum pooling in WGSL. One thread per output element: each window is an independent
 * read of at most kh·kw inputs, so no thread writes another's element.
 */
import type { ConvGeometry, View } from "../backend.ts";
import { bindings, ISNAN_WGSL, perElementShader, wgslType } from "./wgsl.ts";
import { type GpuRuntime, type GpuStorage, viewBuffer } from "./runtime.ts";

function words(total: number, g: ConvGeometry, offset: number): number[] {
  return [
    total,
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

// The window loop; `visit` sees the plane position p and the value v of each valid input.
const WINDOW = (visit: string) =>
  `let H = prm[1]; let W = prm[2];
  let kh = prm[3]; let kw = prm[4]; let dh = prm[5]; let dw = prm[6];
  let ph = prm[7]; let pw = prm[8]; let sh = prm[9]; let sw = prm[10];
  let oh = prm[11]; let ow = prm[12]; let off = prm[13];
  let ox = i % ow; let oy = (i / ow) % oh; let b = i / (ow * oh);
  let plane = off + b * H * W;
  for (var ki = 0; ki < kh; ki++) {
    let iy = oy * sh - ph + ki * dh;
    if (iy < 0 || iy >= H) { continue; }
    for (var kj = 0; kj < kw; kj++) {
      let ix = ox * sw - pw + kj * dw;
      if (ix < 0 || ix >= W) { continue; }
      let p = iy * W + ix;
      let v = x[plane + p];
      ${visit}
    }
  }`;

export function maxPool2dKernel(
  rt: GpuRuntime,
  x: View,
  g: ConvGeometry,
): [GpuStorage, GpuStorage] {
  wgslType(x.dtype, "maxPool2d");
  const total = x.shape[0] * g.blocks[0] * g.blocks[1];
  const values = rt.alloc(total, "maxPool2d"), indices = rt.alloc(total, "maxPool2d");
  if (total === 0) return [values, indices];
  const pipeline = rt.pipeline("maxPool2d", () =>
    `${ISNAN_WGSL}\n` + perElementShader(
      bindings([["x", "f32"], ["vals", "f32", "read_write"], ["idx", "i32", "read_write"]]),
      `var best = 0.0; var at = -1;
  ${
        WINDOW(
          // NaN wins (the first one), then the first maximum, as on the CPU.
          "if (at < 0 || v > best || (isnan_(v) && !isnan_(best))) { best = v; at = p; }",
        )
      }
  vals[i] = best; idx[i] = at;`,
    ));
  rt.dispatchElements(
    pipeline,
    [viewBuffer(x, "maxPool2d"), values.live("maxPool2d"), indices.live("maxPool2d")],
    words(total, g, x.offset),
    total,
  );
  return [values, indices];
}

export function sumPool2dKernel(rt: GpuRuntime, x: View, g: ConvGeometry): GpuStorage {
  wgslType(x.dtype, "sumPool2d");
  const total = x.shape[0] * g.blocks[0] * g.blocks[1];
  const out = rt.alloc(total, "sumPool2d");
  if (total === 0) return out;
  const pipeline = rt.pipeline("sumPool2d", () =>
    perElementShader(
      bindings([["x", "f32"], ["out", "f32", "read_write"]]),
      `var s = 0.0;
  ${WINDOW("s += v;")}
  out[i] = s;`,
    ));
  rt.dispatchElements(
    pipeline,
    [viewBuffer(x, "sumPool2d"), out.live("sumPool2d")],
    words(total, g, x.offset),
    total,
  );
  return out;
}
