/**
 * Stride-1 conv2d on backends with the fused kernels (Backend.conv2d / conv2dWeightGrad: the
 * CPU). Three ops close under differentiation, all views of the one trilinear form
 * T(x, w, gy) = <conv(x, w), gy>: the convolution F(x, w), its input gradient
 * Bx(gy, w) = F(gy, w flipped and transposed) with the complementary padding, and its weight
 * gradient Bw(x, gy). Each one's backward is written with the others, so double (and higher)
 * backward works as with the im2col composition, without its batch-sized column matrix.
 */
import type { Tensor } from "../tensor/tensor.ts";
import type { ConvGeometry } from "../backend/backend.ts";
import { record } from "../autograd/node.ts";
import { fromStorage } from "./operand.ts";
import { contiguous } from "./copy.ts";
import { reshape, transpose } from "./view.ts";
import { flip } from "./rearrange.ts";
import { sum } from "./reduce.ts";

/**
 * Whether the fused path applies: stride 1, and no side padded by more than d·(k-1), so the
 * input gradient is itself a stride-1 convolution with non-negative padding.
 */
export function stride1Applies(x: Tensor, g: ConvGeometry): boolean {
  const b = x._backend;
  if (!b.conv2d || !b.conv2dWeightGrad) return false;
  if (g.stride[0] !== 1 || g.stride[1] !== 1) return false;
  const size = [g.height, g.width];
  for (const i of [0, 1]) {
    const reach = g.dilation[i] * (g.kernel[i] - 1);
    const after = g.blocks[i] + reach - size[i] - g.padding[i];
    if (g.padding[i] > reach || after > reach || after < 0) return false;
  }
  return true;
}

/** The geometry of the input gradient seen as a convolution of gy. */
function inputGeometry(g: ConvGeometry, outChannels: number): ConvGeometry {
  return {
    channels: outChannels,
    height: g.blocks[0],
    width: g.blocks[1],
    kernel: g.kernel,
    dilation: g.dilation,
    padding: [
      g.dilation[0] * (g.kernel[0] - 1) - g.padding[0],
      g.dilation[1] * (g.kernel[1] - 1) - g.padding[1],
    ],
    stride: [1, 1],
    blocks: [g.height, g.width],
  };
}

/** [O, C/G, kh, kw] -> [C, O/G, kh, kw], each group's block transposed, the kernel rotated. */
function flipTransposed(w: Tensor, groups: number): Tensor {
  const [O, Cg, kh, kw] = w.shape;
  const t = transpose(reshape(w, [groups, O / groups, Cg, kh, kw]), 1, 2);
  return reshape(flip(t, [3, 4]), [groups * Cg, O / groups, kh, kw]);
}

/** F(x, w) + bias: x [N, C, H, W], w [O, C/groups, kh, kw]. */
export function conv2dStride1(
  x: Tensor,
  w: Tensor,
  bias: Tensor | null,
  g: ConvGeometry,
  groups: number,
): Tensor {
  const xc = contiguous(x), wc = contiguous(w), bc = bias ? contiguous(bias) : null;
  const O = wc.shape[0];
  const out = fromStorage(
    xc._backend.conv2d!(xc, wc, bc, g, groups),
    [xc.shape[0], O, g.blocks[0], g.blocks[1]],
    xc.dtype,
    xc.device,
  );
  const needX = xc.requiresGrad, needW = wc.requiresGrad;
  return record(
    out,
    "ConvolutionBackward0",
    bc ? [xc, wc, bc] : [xc, wc],
    (gy, [xs, ws]) => {
      // Once for both kernels: a broadcast gradient (that of a sum) is materialised here.
      const gc = contiguous(gy);
      return [
        needX
          ? conv2dStride1(gc, flipTransposed(ws, groups), null, inputGeometry(g, O), groups)
          : null,
        needW ? weightGrad(xs, gc, g, groups) : null,
        ...(bc ? [sum(gc, [0, 2, 3])] : []),
      ];
    },
    [xc, wc],
  );
}

/** Bw(x, gy): the weight gradient, [O, C/groups, kh, kw]. */
function weightGrad(x: Tensor, gy: Tensor, g: ConvGeometry, groups: number): Tensor {
  const gc = contiguous(gy);
  const O = gc.shape[1];
  const out = fromStorage(
    x._backend.conv2dWeightGrad!(x, gc, g, groups),
    [O, g.channels / groups, g.kernel[0], g.kernel[1]],
    x.dtype,
    x.device,
  );
  const needX = x.requiresGrad, needG = gc.requiresGrad;
  return record(
    out,
    "ConvolutionBackwardWeight",
    [x, gc],
    (h, [xs, gs]) => [
      needX
        ? conv2dStride1(gs, flipTransposed(h, groups), null, inputGeometry(g, O), groups)
        : null,
      needG ? conv2dStride1(xs, h, null, g, groups) : null,
    ],
    [x, gc],
  );
}
