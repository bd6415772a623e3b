/** Batched and fused matrix products: bmm, baddbmm, addmm (out = beta·input + alpha·a@b). */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import { record } from "../autograd/node.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { broadcastShapes, sameShape, shapeStr } from "../core/shape.ts";
import { checkOptions } from "../core/options.ts";
import { asTensor, operands } from "./operand.ts";
import { matmul } from "./matmul.ts";
import { add, mul } from "./binary.ts";
import { transpose } from "./view.ts";
import { sumTo } from "./reduce.ts";

function pair(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const [x, y] = operands(op, a, b);
  return [x, y];
}

/** Checks two batches of matrices [B, n, m] and [B, m, p]. */
function checkBatches(op: string, x: Tensor, y: Tensor): void {
  if (x.ndim !== 3 || y.ndim !== 3) {
    throw new Error(
      `${op}: both batches must be 3-D [batch, rows, cols], got shapes ${shapeStr(x.shape)} and ${
        shapeStr(y.shape)
      }. Use matmul() for broadcasting or other ranks, or unsqueeze(0) a single matrix.`,
    );
  }
  if (x.shape[0] !== y.shape[0]) {
    throw new Error(
      `${op}: the batch sizes differ, ${x.shape[0]} (shape ${shapeStr(x.shape)}) and ${
        y.shape[0]
      } (shape ${shapeStr(y.shape)}); ${op} does not broadcast. Use matmul() to broadcast batches.`,
    );
  }
  if (x.shape[2] !== y.shape[1]) {
    throw new Error(
      `${op}: cannot multiply batches of ${x.shape[1]}x${x.shape[2]} by ${y.shape[1]}x${
        y.shape[2]
      } matrices (shapes ${shapeStr(x.shape)} and ${shapeStr(y.shape)}): the last dim of the ` +
        "first must equal the middle dim of the second; transpose(1, 2) one if you meant that.",
    );
  }
}

/** Batched matrix product of [B, n, m] and [B, m, p] (no broadcasting, as torch.bmm). */
export function bmm(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = pair("bmm", a, b);
  checkBatches("bmm", x, y);
  return matmul(x, y);
}

export interface AddmmOptions {
  /** The factor of input (default 1). With 0, input is ignored: its NaN and inf do not leak. */
  beta?: number;
  /** The factor of the product (default 1). */
  alpha?: number;
}

function scalars(op: string, options: AddmmOptions | undefined): [number, number] {
  const o = checkOptions(op, options, ["beta", "alpha"]);
  const num = (k: "beta" | "alpha") => {
    const v = o[k];
    if (v === undefined) return 1;
    if (typeof v !== "number") {
      throw new TypeError(`${op}: ${k} must be a number, got ${String(v)}. E.g. { ${k}: 0.5 }.`);
    }
    return v;
  };
  return [num("beta"), num("alpha")];
}

/**
 * beta·input + alpha·(a @ b), with input broadcast to the product's shape, after `check`
 * of the factors. One node: its backward gives input beta·g (zeros with beta = 0, as torch),
 * x and y alpha·g's products.
 */
function fusedAdd(
  op: "addmm" | "baddbmm",
  input_: TensorLike,
  a: TensorLike,
  b: TensorLike,
  options: AddmmOptions | undefined,
  check: (op: string, x: Tensor, y: Tensor) => void,
): Tensor {
  const [beta, alpha] = scalars(op, options);
  const [x, y] = pair(op, a, b);
  check(op, x, y);
  const input = asTensor(input_, x);
  const prodShape = [...x.shape.slice(0, -1), y.shape[y.ndim - 1]];
  const shape = broadcastShapes(op, input.shape, prodShape);
  if (!sameShape(shape, prodShape)) {
    throw new Error(
      `${op}: input of shape ${shapeStr(input.shape)} does not broadcast to the product's shape ${
        shapeStr(prodShape)
      }. Give an input of that shape, or one that broadcasts to it.`,
    );
  }
  const out = noGrad(() => {
    const p = matmul(x, y);
    const scaled = alpha === 1 ? p : mul(p, alpha);
    if (beta === 0) return scaled;
    return add(beta === 1 ? input : mul(input, beta), scaled);
  });
  const inShape = input.shape;
  const last = x.ndim - 1;
  return record(out, op === "addmm" ? "AddmmBackward" : "BaddbmmBackward", [input, x, y], (
    g,
    [xs, ys],
  ) => {
    const ga = alpha === 1 ? g : mul(g, alpha);
    return [
      sumTo(mul(g, beta), inShape),
      matmul(ga, transpose(ys, last - 1, last)),
      matmul(transpose(xs, last - 1, last), ga),
    ];
  }, [x, y]);
}

/** Checks two matrices [n, m] and [m, p] (addmm's). */
function checkMatrices(op: string, x: Tensor, y: Tensor): void {
  if (x.ndim !== 2 || y.ndim !== 2) {
    throw new Error(
      `${op}: m1 and m2 must be 2-D matrices, got shapes ${shapeStr(x.shape)} and ${
        shapeStr(y.shape)
      }. Use baddbmm() for batches, or matmul() with add() for other ranks.`,
    );
  }
  if (x.shape[1] !== y.shape[0]) {
    throw new Error(
      `${op}: cannot multiply ${x.shape.join("x")} by ${y.shape.join("x")} (inner dimensions ${
        x.shape[1]
      } and ${y.shape[0]} differ). Transpose one (m.T) if you meant that.`,
    );
  }
}

/** beta·input + alpha·(m1 @ m2) for matrices m1 [n, m] and m2 [m, p]. */
export function addmm(
  input: TensorLike,
  m1: TensorLike,
  m2: TensorLike,
  options?: AddmmOptions,
): Tensor {
  return fusedAdd("addmm", input, m1, m2, options, checkMatrices);
}

/** beta·input + alpha·bmm(batch1, batch2), input broadcast to [B, n, p]. */
export function baddbmm(
  input: TensorLike,
  batch1: TensorLike,
  batch2: TensorLike,
  options?: AddmmOptions,
): Tensor {
  return fusedAdd("baddbmm", input, batch1, batch2, options, checkBatches);
}
