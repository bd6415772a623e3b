/**
 * F.pad: constant, reflect, replicate and circular padding. Every mode is composed of
 * differentiable ops that run on both devices: constant is narrow (negative pads crop) + cat of
 * constant blocks, so its gradient is a narrow of g; the others read the input at computed
 * positions with indexSelect along each padded dim, whose gradient (indexAdd) adds up the
 * contributions of the padded copies at their source positions.
 */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { shapeStr } from "../core/shape.ts";
import { full, tensor } from "../tensor/creation.ts";
import { checkOptions } from "../core/options.ts";
import { asTensor } from "./operand.ts";
import { cat } from "./join.ts";
import { narrow } from "./indexing.ts";
import { indexSelect } from "./gather.ts";

export type PadMode = "constant" | "reflect" | "replicate" | "circular";

export interface PadOptions {
  /** How to fill the border (default "constant"). */
  mode?: PadMode;
  /** The fill value of constant mode (default 0). */
  value?: number;
}

const MODES: readonly PadMode[] = ["constant", "reflect", "replicate", "circular"];

/**
 * Pads x by `pads`, in PyTorch's order: last dim first, [left, right, top, bottom, front,
 * back]. Negative pads crop. Non-constant modes pad the last 1, 2 or 3 dims of a batched or
 * unbatched input ([N, C, W] or [C, W] for one pair, and so on; circular needs the batch dim).
 */
export function pad(input: TensorLike, pads: readonly number[], options: PadOptions = {}): Tensor {
  const { mode = "constant", value = 0 } = checkOptions("pad", options, ["mode", "value"]);
  const x = asTensor(input);
  if (!MODES.includes(mode)) {
    throw new Error(`pad: mode must be one of ${MODES.join(", ")}, got '${mode}'.`);
  }
  if (!Array.isArray(pads) || pads.some((p) => !Number.isInteger(p))) {
    throw new Error(`pad: pads must be an array of integers, got [${pads}].`);
  }
  if (pads.length % 2 !== 0 || pads.length / 2 > x.ndim) {
    throw new Error(
      `pad: pads [${pads}] must have an even length of at most 2 × ${x.ndim} (the input ` +
        `${
          shapeStr(x.shape)
        } has ${x.ndim} dims): one [before, after] pair per dim, last dim first.`,
    );
  }
  const pairs = pads.length / 2;
  if (mode !== "constant" && value !== 0) {
    throw new Error(
      `pad: value is only used by mode 'constant', got value ${value} with '${mode}'.`,
    );
  }
  if (mode !== "constant") checkRank(mode, x, pairs);
  let out = x;
  for (let k = 0; k < pairs; k++) {
    const d = x.ndim - 1 - k;
    const [before, after] = [pads[2 * k], pads[2 * k + 1]];
    const size = x.shape[d];
    if (size + before + after < 0 || (mode !== "constant" && size + before + after === 0)) {
      throw new Error(
        `pad: pads (${before}, ${after}) leave a negative or empty dim ${d} of the input ` +
          `${shapeStr(x.shape)}. Crop by less.`,
      );
    }
    if (before === 0 && after === 0) continue;
    out = mode === "constant"
      ? padConstant(out, d, before, after, value)
      : indexSelect(out, d, sourceIndex(mode, x, d, before, after));
  }
  return out;
}

function checkRank(mode: PadMode, x: Tensor, pairs: number): void {
  const ranks = mode === "circular" ? [pairs + 2] : [pairs + 1, pairs + 2];
  if (pairs < 1 || pairs > 3 || !ranks.includes(x.ndim)) {
    const want = mode === "circular"
      ? "a batched input ([N, C, W] for 1 pair, [N, C, H, W] for 2, [N, C, D, H, W] for 3)"
      : "[N, C, W] or [C, W] for 1 pair, [N, C, H, W] or [C, H, W] for 2, 4-D or 5-D for 3";
    throw new Error(
      `pad: mode '${mode}' with ${pairs} pad pair(s) needs ${want}, got ${shapeStr(x.shape)}. ` +
        "Pad only the trailing spatial dims, or use mode 'constant'.",
    );
  }
}

/** Constant padding along d: crop negative pads, then concatenate blocks of the value. */
function padConstant(x: Tensor, d: number, before: number, after: number, value: number): Tensor {
  let t = x;
  if (before < 0) t = narrow(t, d, -before, t.shape[d] + before);
  if (after < 0) t = narrow(t, d, 0, t.shape[d] + after);
  const block = (n: number) => {
    const shape = [...t.shape];
    shape[d] = n;
    return full(shape, value, { dtype: t.dtype, device: t.device });
  };
  const parts = [...(before > 0 ? [block(before)] : []), t, ...(after > 0 ? [block(after)] : [])];
  return parts.length === 1 ? t : cat(parts, d);
}

/** For each output position along d, the input position it copies. */
function sourceIndex(mode: PadMode, x: Tensor, d: number, before: number, after: number): Tensor {
  const size = x.shape[d];
  if (mode === "reflect" && (before >= size || after >= size)) {
    throw new Error(
      `pad: reflect padding must be smaller than the padded dim, got pads (${before}, ${after}) ` +
        `for dim ${d} of size ${size} (input ${shapeStr(x.shape)}). Use smaller pads or mode ` +
        "'replicate'.",
    );
  }
  if (mode === "circular" && (before > size || after > size)) {
    throw new Error(
      `pad: circular padding wraps around more than once: pads (${before}, ${after}) for dim ${d} ` +
        `of size ${size} (input ${shapeStr(x.shape)}). Use pads of at most ${size}.`,
    );
  }
  const n = size + before + after;
  const idx = new Int32Array(n);
  // Circular crops first and wraps within what is left, as PyTorch does.
  const lo = Math.max(-before, 0);
  const kept = size + Math.min(before, 0) + Math.min(after, 0);
  for (let o = 0; o < n; o++) {
    const p = o - before;
    idx[o] = mode === "replicate"
      ? Math.min(Math.max(p, 0), size - 1)
      : mode === "circular"
      ? lo + ((((o - Math.max(before, 0)) % kept) + kept) % kept)
      : p < 0
      ? -p
      : p >= size
      ? 2 * (size - 1) - p
      : p;
  }
  return tensor(idx, { dtype: "int32", device: x.device });
}
