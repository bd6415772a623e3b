/**
 * repeat, tile and repeatInterleave: expand-then-reshape copies (so the gradient is the
 * expand's sum, for free) or, for per-entry repeat counts, an indexSelect.
 */
import { Tensor, type TensorLike } from "../tensor/tensor.ts";
import { normalizeDim, shapeStr } from "../core/shape.ts";
import { asTensor } from "./operand.ts";
import { clone } from "./copy.ts";
import { expand, reshape } from "./view.ts";
import { indexSelect } from "./gather.ts";

/** Tiles the tensor `repeats[i]` times along dim i; repeats may add leading dims. */
export function repeat(input: TensorLike, repeats: readonly number[]): Tensor {
  const x = asTensor(input);
  if (repeats.length < x.ndim) {
    throw new Error(
      `repeat: got ${repeats.length} repeat counts [${repeats.join(", ")}] for a tensor of shape ${
        shapeStr(x.shape)
      }; the number of repeat dims can not be smaller than the tensor's ${x.ndim} dims. ` +
        "Give one count per dim (tile() pads with 1s).",
    );
  }
  checkCounts("repeat", repeats);
  const lead = repeats.length - x.ndim;
  const padded = [...new Array<number>(lead).fill(1), ...x.shape];
  // [.., 1, s_i, ..] expanded to [.., r_i, s_i, ..] and merged: each copy of dim i in turn.
  // All ones would reshape to a view; repeat always copies, as PyTorch's does.
  if (repeats.every((r) => r === 1)) return clone(reshape(x, padded));
  const split = padded.flatMap((s) => [1, s]);
  const grown = padded.flatMap((s, i) => [repeats[i], s]);
  return reshape(expand(reshape(x, split), grown), padded.map((s, i) => s * repeats[i]));
}

/** repeat() that pads `reps` with leading 1s when it is shorter than the tensor's dims. */
export function tile(input: TensorLike, reps: readonly number[]): Tensor {
  const x = asTensor(input);
  const padded = reps.length < x.ndim
    ? [...new Array<number>(x.ndim - reps.length).fill(1), ...reps]
    : reps;
  checkCounts("tile", padded);
  return repeat(x, padded);
}

function checkCounts(op: string, counts: readonly number[]): void {
  const bad = counts.find((r) => !Number.isInteger(r) || r < 0);
  if (bad !== undefined) {
    throw new Error(
      `${op}: repeat counts must be non-negative integers, got ${bad} in [${counts.join(", ")}].`,
    );
  }
}

/**
 * Repeats each entry along dim (the flattened tensor without dim): `repeats` times, or
 * repeats[i] times for entry i when given a list or an int32 tensor (1 entry, or one per
 * entry of the dim). A tensor of counts on an asynchronous device needs repeatInterleaveAsync,
 * since the output length depends on its values.
 */
export function repeatInterleave(
  input: TensorLike,
  repeats: number | readonly number[] | Tensor,
  dim?: number,
): Tensor {
  const x0 = asTensor(input);
  const x = dim === undefined ? reshape(x0, [-1]) : x0;
  const d = dim === undefined ? 0 : normalizeDim("repeatInterleave", dim, x.ndim);
  if (x.ndim === 0) return repeatInterleave(reshape(x, [1]), repeats, 0);
  const n = x.shape[d];
  if (typeof repeats === "number") {
    checkCounts("repeatInterleave", [repeats]);
    if (repeats === 1) return clone(x);
    const shape = [...x.shape];
    const split = [...shape.slice(0, d + 1), 1, ...shape.slice(d + 1)];
    const grown = [...shape.slice(0, d + 1), repeats, ...shape.slice(d + 1)];
    shape[d] = n * repeats;
    return reshape(expand(reshape(x, split), grown), shape);
  }
  const counts = countsOf(repeats);
  checkCounts("repeatInterleave", counts);
  if (counts.length !== 1 && counts.length !== n) {
    throw new Error(
      `repeatInterleave: repeats must have the same size as the input along dim ${d}: got ${counts.length} ` +
        `counts for size ${n} (shape ${shapeStr(x.shape)}). Give one count, or one per entry.`,
    );
  }
  if (counts.length === 1) return repeatInterleave(x, counts[0], d);
  const index: number[] = [];
  counts.forEach((c, i) => {
    for (let k = 0; k < c; k++) index.push(i);
  });
  return indexSelect(x, d, asTensor(index, x, "int32"));
}

function countsOf(repeats: readonly number[] | Tensor): number[] {
  if (!(repeats instanceof Tensor)) return [...repeats];
  if (repeats.dtype !== "int32") {
    throw new Error(
      `repeatInterleave: repeats must be an int32 tensor, got ${repeats.dtype}. Convert it with .int().`,
    );
  }
  if (repeats.ndim > 1) {
    throw new Error(
      `repeatInterleave: repeats must be 0-D or 1-D, got shape ${shapeStr(repeats.shape)}.`,
    );
  }
  if (!repeats._backend.readSync) {
    throw new Error(
      `repeatInterleave: repeats lives on '${repeats.device}', and the output size depends on its ` +
        "values, which can only be read asynchronously there. Use " +
        "`await repeatInterleaveAsync(x, repeats, dim)` (or pass the counts as a JS array).",
    );
  }
  return Array.from(repeats._values(), Number);
}

/** repeatInterleave on every device: reads a tensor of counts back first. */
export async function repeatInterleaveAsync(
  input: TensorLike,
  repeats: number | readonly number[] | Tensor,
  dim?: number,
): Promise<Tensor> {
  if (repeats instanceof Tensor && !repeats._backend.readSync) {
    repeats = await repeats.toAsync("cpu");
  }
  return repeatInterleave(input, repeats, dim);
}
