/**
 * Ops whose output shape depends on the values: nonzero, argwhere, maskedSelect. Synchronous
 * where the tensor can be read synchronously (the CPU); each has an async twin that works on
 * every device.
 */
import type { Tensor, TensorLike } from "../tensor/tensor.ts";
import type { TypedArray } from "../core/dtype.ts";
import { broadcastShapes, shapeStr } from "../core/shape.ts";
import { asTensor, fromStorage } from "./operand.ts";
import { to } from "./copy.ts";
import { expand, reshape } from "./view.ts";
import { broadcastView } from "./binary.ts";
import { index } from "./indexing.ts";
import { checkOptions } from "../core/options.ts";

export interface NonzeroOptions {
  /** Return one 1-D index tensor per dim instead of one [n, ndim] tensor. */
  asTuple?: boolean;
}

function syncValues(op: string, x: Tensor, fix: string): TypedArray {
  const host = x._backend.readSync?.(x);
  if (!host) {
    throw new Error(
      `${op}: the result's shape depends on the values, and a tensor on '${x.device}' can only ` +
        `be read asynchronously. ${fix}`,
    );
  }
  return host;
}

/** The coordinates of the non-zero elements: one Int32Array per dim (NaN counts as non-zero). */
function columnsOf(values: TypedArray, shape: readonly number[]): Int32Array[] {
  let n = 0;
  for (let f = 0; f < values.length; f++) if (values[f] !== 0) n++;
  const cols = shape.map(() => new Int32Array(n));
  let row = 0;
  for (let f = 0; f < values.length; f++) {
    if (values[f] === 0) continue;
    let rem = f;
    for (let d = shape.length - 1; d >= 0; d--) {
      cols[d][row] = rem % shape[d];
      rem = Math.floor(rem / shape[d]);
    }
    row++;
  }
  return cols;
}

function countOf(values: TypedArray): number {
  let n = 0;
  for (let f = 0; f < values.length; f++) if (values[f] !== 0) n++;
  return n;
}

function build(values: TypedArray, x: Tensor, asTuple: boolean): Tensor | Tensor[] {
  const cols = columnsOf(values, x.shape);
  const upload = (a: Int32Array) => asTensor(a as never, x, "int32");
  if (asTuple) {
    // A 0-d tensor counts as one of shape [1], as in PyTorch.
    return x.ndim === 0 ? [upload(new Int32Array(countOf(values)).fill(0))] : cols.map(upload);
  }
  const n = x.ndim === 0 ? countOf(values) : cols[0].length, k = x.ndim;
  const out = new Int32Array(n * k);
  cols.forEach((c, d) => c.forEach((v, r) => (out[r * k + d] = v)));
  const cpu = fromStorage(out, [n, k], "int32", "cpu");
  return x.device === "cpu" ? cpu : to(cpu, x.device);
}

function options(op: string, o: NonzeroOptions): boolean {
  return checkOptions(op, o, ["asTuple"]).asTuple ?? false;
}

/** Indices of the non-zero elements: [n, ndim] int32, or one [n] tensor per dim (asTuple). */
export function nonzero(input: TensorLike): Tensor;
export function nonzero(input: TensorLike, options: { asTuple: true }): Tensor[];
export function nonzero(input: TensorLike, options?: NonzeroOptions): Tensor | Tensor[];
export function nonzero(input: TensorLike, o: NonzeroOptions = {}): Tensor | Tensor[] {
  const x = asTensor(input);
  const asTuple = options("nonzero", o);
  const fix = `Use the async twin: await nonzeroAsync(x${asTuple ? ", { asTuple: true }" : ""}).`;
  return build(syncValues("nonzero", x, fix), x, asTuple);
}

export function nonzeroAsync(input: TensorLike): Promise<Tensor>;
export function nonzeroAsync(input: TensorLike, options: { asTuple: true }): Promise<Tensor[]>;
export function nonzeroAsync(
  input: TensorLike,
  options?: NonzeroOptions,
): Promise<Tensor | Tensor[]>;
export async function nonzeroAsync(
  input: TensorLike,
  o: NonzeroOptions = {},
): Promise<Tensor | Tensor[]> {
  const x = asTensor(input);
  const asTuple = options("nonzeroAsync", o);
  return build(await x.data(), x, asTuple);
}

/** torch.argwhere: nonzero as one [n, ndim] tensor. */
export function argwhere(input: TensorLike): Tensor {
  const x = asTensor(input);
  return build(
    syncValues("argwhere", x, "Use the async twin: await argwhereAsync(x)."),
    x,
    false,
  ) as Tensor;
}

export async function argwhereAsync(input: TensorLike): Promise<Tensor> {
  const x = asTensor(input);
  return build(await x.data(), x, false) as Tensor;
}

/**
 * The mask's nonzero columns on `like`'s device, for index and indexPut; `op` names the caller
 * in the error a mask that cannot be read synchronously gets.
 */
export function nonzeroColumns(op: string, mask: Tensor, like: Tensor): Tensor[] {
  const fix = op === "index"
    ? "Use the async twin: await x.indexAsync(...), or turn the mask into indices first."
    : "Turn the mask into indices first: const idx = await mask.nonzeroAsync({ asTuple: true }), " +
      "then write through idx.";
  const host = syncValues(op, mask, fix);
  return columnsOf(host, mask.shape).map((c) => asTensor(c as never, like, "int32"));
}

function maskOperands(op: string, input: TensorLike, m: TensorLike): [Tensor, Tensor] {
  const x = asTensor(input);
  const mask = asTensor(m, x, typeof m === "boolean" ? "bool" : undefined);
  if (mask.dtype !== "bool") {
    throw new Error(
      `${op}: the mask must be a bool tensor, got ${mask.dtype}. Build it with a comparison ` +
        "(e.g. x.gt(0)) or convert it with .bool().",
    );
  }
  if (mask.device !== x.device) {
    throw new Error(
      `${op}: the mask is on '${mask.device}' but the tensor is on '${x.device}'; move one of them.`,
    );
  }
  let shape: number[];
  try {
    shape = broadcastShapes(op, x.shape, mask.shape);
  } catch {
    throw new Error(
      `${op}: the mask of shape ${shapeStr(mask.shape)} does not broadcast with the tensor of ` +
        `shape ${shapeStr(x.shape)}.`,
    );
  }
  return [expand(x, shape), broadcastView(mask, shape)];
}

function select(x: Tensor, m: Tensor, host: TypedArray): Tensor {
  if (m.ndim === 0) return index(reshape(x, [1]), [host[0] ? [0] : []]);
  return index(x, columnsOf(host, m.shape).map((c) => asTensor(c as never, x, "int32")));
}

/** The elements of x where mask (broadcast with x) is true, as a 1-D tensor; differentiable. */
export function maskedSelect(input: TensorLike, mask: TensorLike): Tensor {
  const [x, m] = maskOperands("maskedSelect", input, mask);
  const fix = "Use the async twin: await maskedSelectAsync(x, mask).";
  return select(x, m, syncValues("maskedSelect", m, fix));
}

export async function maskedSelectAsync(input: TensorLike, mask: TensorLike): Promise<Tensor> {
  const [x, m] = maskOperands("maskedSelectAsync", input, mask);
  return select(x, m, await m.data());
}
