/**
 * The Tensor: storage + shape + strides + offset + dtype + device, plus autograd state.
 * Methods are thin: each forwards to the op of the same name in src/ops, where the forward
 * dispatch and backward rule live once.
 */
import type { Backend, Storage, View } from "../backend/backend.ts";
import { getBackend } from "../backend/registry.ts";
import { AccumulateGrad, type Node } from "../autograd/node.ts";
import { runBackward } from "../autograd/engine.ts";
import { type Device, type DType, isFloat, type TypedArray } from "../core/dtype.ts";
import {
  checkDims,
  isContiguousLayout,
  MAX_DIMS,
  normalizeDim,
  numelOf,
  shapeStr,
} from "../core/shape.ts";
import { frozen, frozenContiguousStrides } from "../core/intern.ts";
import { formatTensor } from "./format.ts";
import { JUPYTER_DISPLAY, type MimeBundle } from "../display/bundle.ts";
import { tensorBundleAsync } from "../display/tensor_html.ts";
import { type NestedArray, toNested } from "../core/nested.ts";
export type { NestedArray };
import * as ops from "../ops/mod.ts";
import * as internal from "../ops/internal.ts";
import type { IndexSpec } from "../ops/indexing.ts";
import { checkOptions } from "../core/options.ts";

/** Anything an op accepts where a tensor is expected. */
export type TensorLike = Tensor | number | boolean | readonly NestedArray[];

export interface BackwardOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
}

/** Shared by a tensor and all its views, so an in-place write through one is seen by all. */
interface VersionCounter {
  value: number;
  /** The version of the last in-place write autograd recorded (CopySlices); -1 if none. */
  recordedWrite: number;
}

export class Tensor implements View {
  readonly storage: Storage;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
  readonly device: Device;
  /** Accumulated gradient of a leaf (or of a tensor that called retainGrad()). */
  grad: Tensor | null = null;
  #requiresGrad = false;
  #gradFn: Node | null = null;
  #accumulator: AccumulateGrad | null = null;
  #version: VersionCounter;
  #isView = false;
  /** The version counter's value when this tensor took its history (made, or last written). */
  #historyAt: number;

  /** @internal Use `tensor()` and the creation functions; ops build tensors through here. */
  constructor(
    storage: Storage,
    shape: readonly number[],
    dtype: DType,
    device: Device,
    strides?: readonly number[],
    offset = 0,
    version?: VersionCounter,
  ) {
    // A backstop for ops that add dims (unsqueeze, index with null, ...): beyond PyTorch's
    // limit, shape bookkeeping grows quadratically.
    if (shape.length > MAX_DIMS) checkDims("tensor", shape.length);
    this.storage = storage;
    // Frozen and shared (intern.ts): tiny-tensor ops spend much of their time building tensors.
    this.shape = frozen(shape);
    this.strides = strides ? frozen(strides) : frozenContiguousStrides(this.shape);
    this.offset = offset;
    this.dtype = dtype;
    this.device = device;
    this.#version = version ?? { value: 0, recordedWrite: -1 };
    this.#historyAt = this.#version.value;
  }

  /** @internal A tensor sharing this one's storage (and version counter) with a new layout. */
  _view(shape: readonly number[], strides: readonly number[], offset: number): Tensor {
    const t = new Tensor(
      this.storage,
      shape,
      this.dtype,
      this.device,
      strides,
      offset,
      this.#version,
    );
    t.#isView = true;
    t.#historyAt = this.#historyAt; // a view has its source's history, however old
    return t;
  }

  /**
   * @internal Whether this tensor shares another's storage (made by _view): an in-place write
   * recorded for autograd cannot go through it, since the base's history would not see it.
   */
  get _isView(): boolean {
    return this.#isView;
  }

  /**
   * @internal Called after autograd recorded an in-place write into this tensor: its new
   * history includes the write, but views taken earlier keep the old one.
   */
  _recordedWrite(): void {
    this.#version.recordedWrite = this.#version.value;
    this.#historyAt = this.#version.value;
  }

  /**
   * @internal A view taken before an in-place write that autograd recorded into the memory it
   * shares: its values include the write, its history does not, so a gradient through it would
   * miss the written values. record() refuses such inputs (PyTorch regenerates their history).
   */
  get _staleView(): boolean {
    return this.#isView && this.#historyAt < this.#version.recordedWrite;
  }

  /**
   * @internal Points this tensor at other's data (storage, layout, dtype, device), keeping its
   * identity and autograd flags: how Module.to() and optimizers swap a parameter's data in
   * place, as PyTorch's `param.data = ...` does. Bumps the version so stale graphs notice.
   */
  _setData(other: Tensor): void {
    if (this.#requiresGrad && !isFloat(other.dtype)) {
      throw new Error(`_setData: a tensor that requires grad cannot take ${other.dtype} data.`);
    }
    const self = this as unknown as {
      storage: Storage;
      shape: readonly number[];
      strides: readonly number[];
      offset: number;
      dtype: DType;
      device: Device;
    };
    self.storage = other.storage;
    self.shape = other.shape;
    self.strides = other.strides;
    self.offset = other.offset;
    self.dtype = other.dtype;
    self.device = other.device;
    this.#version.value++;
  }

  /** @internal The backend that owns this tensor's storage. */
  get _backend(): Backend {
    return getBackend(this.device);
  }

  // ---- metadata -------------------------------------------------------------------------

  get ndim(): number {
    return this.shape.length;
  }

  numel(): number {
    return numelOf(this.shape);
  }

  /** The shape, or the size of one dimension (negative dims count from the end). */
  size(): readonly number[];
  size(dim: number): number;
  size(dim?: number): readonly number[] | number {
    if (dim === undefined) return this.shape;
    return this.shape[normalizeDim("size", dim, this.ndim)];
  }

  isContiguous(): boolean {
    return isContiguousLayout(this.shape, this.strides);
  }

  // ---- autograd state -------------------------------------------------------------------

  get requiresGrad(): boolean {
    return this.#requiresGrad;
  }

  set requiresGrad(flag: boolean) {
    this.requiresGrad_(flag);
  }

  /** Turns gradient tracking on (or off) for a leaf, in place, and returns this tensor. */
  requiresGrad_(flag = true): this {
    if (this.#gradFn && !flag) {
      throw new Error(
        "requiresGrad_: you can only change requiresGrad of leaf tensors; this tensor was produced by " +
          `${this.#gradFn.name}. Use detach() to get a tensor that does not require grad.`,
      );
    }
    if (flag && !isFloat(this.dtype)) {
      throw new Error(
        `requiresGrad_: only floating point tensors can require gradients, but this tensor is ${this.dtype}. ` +
          "Convert it first, e.g. t.to('float32').requiresGrad_().",
      );
    }
    this.#requiresGrad = flag;
    return this;
  }

  get gradFn(): Node | null {
    return this.#gradFn;
  }

  get isLeaf(): boolean {
    return this.#gradFn === null;
  }

  /** @internal Marks this tensor as produced by `node` (called by record()). */
  _setGradFn(node: Node): void {
    this.#gradFn = node;
    this.#requiresGrad = true;
  }

  /** @internal The node a gradient for this tensor flows into. */
  _gradEdge(): Node {
    if (this.#gradFn) return this.#gradFn;
    return (this.#accumulator ??= new AccumulateGrad(this));
  }

  /** @internal */
  get _version(): number {
    return this.#version.value;
  }

  /** @internal Called by in-place ops, so backward can spot a saved tensor that changed. */
  _bumpVersion(): void {
    this.#version.value++;
  }

  /**
   * @internal Adds g into .grad as PyTorch's AccumulateGrad does. The first gradient is a
   * contiguous copy: g may be the `gradient` argument, another leaf's gradient (add's backward
   * hands one tensor to both inputs) or a stride-0 view (sum's backward), and .grad must be a
   * tensor of its own that zero_() and in-place clipping can write. Later gradients are added
   * in place, or out of place (a new graph node) under createGraph. `owned` says g is a sum
   * the engine made and nothing else holds, so it can be kept without a copy.
   */
  _accumulateGrad(g: Tensor, createGraph: boolean, owned = false): void {
    const grad = this.grad;
    if (createGraph) this.grad = grad ? grad.add(g) : ops.clone(g);
    else if (!grad) {
      this.grad = owned && g.isContiguous() ? g.detach() : internal.contiguousCopy(g.detach());
    } else if (internal.writable(grad) && !grad.requiresGrad && grad.dtype === g.dtype) {
      grad.add_(g.detach());
    } else this.grad = internal.contiguousCopy(grad.detach().add(g.detach()));
  }

  /** Keeps .grad for this non-leaf tensor at the next backward (leaves always keep it). */
  retainGrad(): this {
    if (!this.#requiresGrad) {
      throw new Error(
        "retainGrad: this tensor does not require grad, so it will never get a gradient.",
      );
    }
    if (this.#gradFn) this.#gradFn.retained = this;
    return this;
  }

  /**
   * Computes the gradient of this tensor with respect to the graph leaves and accumulates it
   * into their .grad. A non-scalar tensor needs `gradient` (same shape): the vector of the
   * vector-Jacobian product.
   */
  backward(gradient?: TensorLike, options: BackwardOptions = {}): void {
    checkOptions("backward", options, ["retainGraph", "createGraph"]);
    let g: Tensor;
    if (gradient === undefined) {
      if (this.numel() !== 1) {
        throw new Error(
          `backward: grad can be implicitly created only for scalar outputs, but this tensor has shape ${
            shapeStr(this.shape)
          }. Reduce it first (e.g. loss.sum() or loss.mean()) or pass a gradient of the same shape: ` +
            "t.backward(onesLike(t)).",
        );
      }
      g = internal.onesLikeOf(this);
    } else {
      g = internal.asTensor(gradient, this);
      if (g.shape.join() !== this.shape.join()) {
        throw new Error(
          `backward: gradient has shape ${shapeStr(g.shape)} but the tensor has shape ${
            shapeStr(this.shape)
          }; they must match.`,
        );
      }
    }
    runBackward("backward", [this], [g], {
      retainGraph: options.retainGraph ?? options.createGraph ?? false,
      createGraph: options.createGraph ?? false,
    });
  }

  /** A tensor sharing this one's data, cut from the graph. */
  detach(): Tensor {
    return this._view(this.shape, this.strides, this.offset);
  }

  // ---- reading values -------------------------------------------------------------------

  #syncRead(op: string): TypedArray {
    const backend = this._backend;
    if (!backend.readSync) {
      throw new Error(
        `${op}: this tensor lives on '${this.device}', which can only be read asynchronously. ` +
          `Use the async twin: await t.${
            op === "item" ? "itemAsync()" : op === "toArray" ? "toArrayAsync()" : "data()"
          }.`,
      );
    }
    return backend.readSync(this);
  }

  /** The single value of a one-element tensor as a JS number (a boolean for bool tensors). */
  item(): number | boolean {
    if (this.numel() !== 1) {
      throw new Error(
        `item: a tensor with ${this.numel()} elements (shape ${shapeStr(this.shape)}) cannot be ` +
          "converted to a single number; index it first or use toArray().",
      );
    }
    const v = this.#syncRead("item")[0];
    return this.dtype === "bool" ? v !== 0 : v;
  }

  async itemAsync(): Promise<number | boolean> {
    if (this.numel() !== 1) return this.item();
    const v = (await this.data())[0];
    return this.dtype === "bool" ? v !== 0 : v;
  }

  /** The values as nested JS arrays (numbers, or booleans for bool tensors). */
  toArray(): NestedArray {
    return toNested(this.#syncRead("toArray"), this.shape, this.dtype === "bool");
  }

  async toArrayAsync(): Promise<NestedArray> {
    return toNested(await this.data(), this.shape, this.dtype === "bool");
  }

  /** A contiguous copy of the values as a TypedArray; works on every device. */
  data(): Promise<TypedArray> {
    return this._backend.read(this);
  }

  /** @internal Synchronous contiguous values (CPU only); used by formatting and tests. */
  _values(): TypedArray {
    return this.#syncRead("data");
  }

  // ---- printing -------------------------------------------------------------------------

  toString(): string {
    return formatTensor(this);
  }

  [Symbol.for("Deno.customInspect")](_inspect?: unknown, options?: { colors?: boolean }): string {
    return colorValues(formatTensor(this), options?.colors);
  }

  [Symbol.for("nodejs.util.inspect.custom")](
    _depth?: number,
    options?: { colors?: boolean },
  ): string {
    return colorValues(formatTensor(this), options?.colors);
  }

  /** Jupyter rich display (Deno's kernel awaits it, so values on any device can be read). */
  [JUPYTER_DISPLAY](): Promise<MimeBundle> {
    return tensorBundleAsync(this);
  }

  // ---- conversion -----------------------------------------------------------------------

  /** Converts to a dtype and/or moves to a device; returns this tensor when nothing changes. */
  to(target: DType | Device | { dtype?: DType; device?: Device }): Tensor {
    return internal.to(this, target);
  }
  /**
   * Like to(), and also moves off devices that can only be read asynchronously
   * (`await t.toAsync("cpu")` brings a webgpu tensor back).
   */
  toAsync(target: DType | Device | { dtype?: DType; device?: Device }): Promise<Tensor> {
    return internal.toAsync(this, target);
  }
  /** A CPU copy (or this tensor, if it is on the CPU already); works from every device. */
  cpu(): Promise<Tensor> {
    return internal.toAsync(this, "cpu");
  }

  /**
   * Frees this tensor's device memory now instead of when the GC finds it (a no-op on the
   * CPU). Every view of the same data is freed with it; using one afterwards is an error.
   * `using t = ...` calls it at the end of the block.
   */
  dispose(): void {
    this._backend.release?.(this.storage);
  }
  [Symbol.dispose](): void {
    this.dispose();
  }

  float(): Tensor {
    return internal.to(this, "float32");
  }
  double(): Tensor {
    return internal.to(this, "float64");
  }
  int(): Tensor {
    return internal.to(this, "int32");
  }
  bool(): Tensor {
    return internal.to(this, "bool");
  }
  contiguous(): Tensor {
    return internal.contiguous(this);
  }
  clone(): Tensor {
    return ops.clone(this);
  }

  // ---- shape and views ------------------------------------------------------------------
  // ---- advanced indexing and assignment (issue 12) ----

  /**
   * index() that also takes bool-tensor masks on devices read asynchronously (webgpu), where
   * the mask's count sets the result's shape. The same as index() on the CPU.
   */
  indexAsync(...spec: IndexSpec[]): Promise<Tensor> {
    return ops.indexAsync(this, spec);
  }
  /**
   * The elements `x.index(...spec)` reads, as a target to write: `x.at("1:3").set_(y)` is
   * x[1:3] = y, `x.at(mask).set_(0)` is x[mask] = 0, `x.at(idx).add_(v)` adds v at idx
   * (repeated indices add up); set / add return a new tensor instead.
   */
  at(...spec: IndexSpec[]): ops.IndexTarget {
    return new ops.IndexTarget(this, spec);
  }
  /** torch.index_put: a copy with values written at indices (int tensors, masks, any spec). */
  indexPut(
    indices: readonly IndexSpec[],
    values: TensorLike,
    options?: ops.IndexPutOptions,
  ): Tensor {
    return ops.indexPut(this, indices, values, options);
  }
  /** torch.Tensor.index_put_: writes values at indices, in place; returns this tensor. */
  indexPut_(
    indices: readonly IndexSpec[],
    values: TensorLike,
    options?: ops.IndexPutOptions,
  ): this {
    ops.indexPut_(this, indices, values, options);
    return this;
  }
  maskedSelect(mask: TensorLike): Tensor {
    return ops.maskedSelect(this, mask);
  }
  maskedSelectAsync(mask: TensorLike): Promise<Tensor> {
    return ops.maskedSelectAsync(this, mask);
  }
  /** Indices of the non-zero elements: [n, ndim], or one [n] tensor per dim with asTuple. */
  nonzero(): Tensor;
  nonzero(options: { asTuple: true }): Tensor[];
  nonzero(options?: ops.NonzeroOptions): Tensor | Tensor[];
  nonzero(options?: ops.NonzeroOptions): Tensor | Tensor[] {
    return ops.nonzero(this, options);
  }
  nonzeroAsync(): Promise<Tensor>;
  nonzeroAsync(options: { asTuple: true }): Promise<Tensor[]>;
  nonzeroAsync(options?: ops.NonzeroOptions): Promise<Tensor | Tensor[]>;
  nonzeroAsync(options?: ops.NonzeroOptions): Promise<Tensor | Tensor[]> {
    return ops.nonzeroAsync(this, options);
  }
  argwhere(): Tensor {
    return ops.argwhere(this);
  }
  argwhereAsync(): Promise<Tensor> {
    return ops.argwhereAsync(this);
  }
  takeAlongDim(indices: TensorLike, dim?: number | null): Tensor {
    return ops.takeAlongDim(this, indices, dim);
  }
  /** torch.scatter: a copy with src (or a scalar) written, added or multiplied at index along dim. */
  scatter(dim: number, index: TensorLike, src: TensorLike, options?: ops.ScatterOptions): Tensor {
    return ops.scatter(this, dim, index, src, options);
  }
  scatter_(dim: number, index: TensorLike, src: TensorLike, options?: ops.ScatterOptions): this {
    internal.writeInPlace(
      "scatter_",
      this,
      () => ops.scatter(this, dim, index, src, options),
      src instanceof Tensor && src.requiresGrad,
    );
    return this;
  }
  indexCopy(dim: number, index: TensorLike, src: TensorLike): Tensor {
    return ops.indexCopy(this, dim, index, src);
  }
  indexCopy_(dim: number, index: TensorLike, src: TensorLike): this {
    internal.writeInPlace(
      "indexCopy_",
      this,
      () => ops.indexCopy(this, dim, index, src),
      src instanceof Tensor && src.requiresGrad,
    );
    return this;
  }

  reshape(...shape: number[] | [readonly number[]]): Tensor {
    return ops.reshape(this, internal.shapeArgs(shape));
  }
  view(...shape: number[] | [readonly number[]]): Tensor {
    return ops.view(this, internal.shapeArgs(shape));
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return ops.flatten(this, startDim, endDim);
  }
  squeeze(dim?: number | readonly number[]): Tensor {
    return ops.squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return ops.unsqueeze(this, dim);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return ops.transpose(this, dim0, dim1);
  }
  permute(...dims: number[] | [readonly number[]]): Tensor {
    return ops.permute(this, internal.shapeArgs(dims));
  }
  /** All dims reversed (the matrix transpose for 2-D tensors). */
  get T(): Tensor {
    return ops.permute(this, this.shape.map((_, i) => this.ndim - 1 - i));
  }
  expand(...shape: number[] | [readonly number[]]): Tensor {
    return ops.expand(this, internal.shapeArgs(shape));
  }
  expandAs(other: Tensor): Tensor {
    return ops.expand(this, other.shape);
  }
  /**
   * NumPy-style basic indexing. Each argument addresses one dim: a number picks an index
   * (negative counts from the end) and drops the dim; a string "start:stop:step" (any part
   * optional: ":", "1:", "::2", "-3:") or { start, stop, step } slices; null inserts a new
   * axis; "..." stands for all remaining dims: these return a view. Int arrays / int32 tensors
   * (broadcast together, NumPy's placement rule), bool masks and true / false index as
   * PyTorch's advanced indexing and return a copy (a mask on webgpu: use indexAsync).
   * @example x.index(0, "1:3", null, "::-1") // ~ x[0, 1:3, None, ::-1] in NumPy
   * @example x.index(rows, cols); x.index(x.gt(0)) // ~ x[rows, cols]; x[x > 0]
   */
  index(...spec: IndexSpec[]): Tensor {
    return ops.index(this, spec);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return ops.narrow(this, dim, start, length);
  }
  split(sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
    return ops.split(this, sizeOrSections, dim);
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return ops.chunk(this, chunks, dim);
  }
  indexSelect(dim: number, index: TensorLike): Tensor {
    return ops.indexSelect(this, dim, index);
  }
  gather(dim: number, index: TensorLike): Tensor {
    return ops.gather(this, dim, index);
  }
  scatterAdd(dim: number, index: TensorLike, src: TensorLike): Tensor {
    return ops.scatterAdd(this, dim, index, src);
  }
  indexAdd(dim: number, index: TensorLike, src: TensorLike): Tensor {
    return ops.indexAdd(this, dim, index, src);
  }
  maskedFill(mask: TensorLike, value: number): Tensor {
    return ops.maskedFill(this, mask, value);
  }
  /** PyTorch's x.where(cond, y): x where cond holds, else y. */
  where(condition: TensorLike, other: TensorLike): Tensor {
    return ops.where(condition, this, other);
  }

  // ---- more shapes and creation (issue 12) ---------------------------------------------

  flip(...dims: number[] | [readonly number[]]): Tensor {
    return ops.flip(this, internal.shapeArgs(dims));
  }
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
    return ops.roll(this, shifts, dims);
  }
  /** The views along dim, each without it. */
  unbind(dim = 0): Tensor[] {
    return ops.unbind(this, dim);
  }
  repeat(...repeats: number[] | [readonly number[]]): Tensor {
    return ops.repeat(this, internal.shapeArgs(repeats));
  }
  tile(...reps: number[] | [readonly number[]]): Tensor {
    return ops.tile(this, internal.shapeArgs(reps));
  }
  repeatInterleave(repeats: number | readonly number[] | Tensor, dim?: number): Tensor {
    return ops.repeatInterleave(this, repeats, dim);
  }
  repeatInterleaveAsync(
    repeats: number | readonly number[] | Tensor,
    dim?: number,
  ): Promise<Tensor> {
    return ops.repeatInterleaveAsync(this, repeats, dim);
  }
  /** The matrix transpose of a 2-D tensor (0-D and 1-D come back as they are). */
  t(): Tensor {
    return ops.t(this);
  }
  viewAs(other: Tensor): Tensor {
    return ops.viewAs(this, other);
  }
  reshapeAs(other: Tensor): Tensor {
    return ops.reshapeAs(this, other);
  }
  broadcastTo(...shape: number[] | [readonly number[]]): Tensor {
    return ops.broadcastTo(this, internal.shapeArgs(shape));
  }
  movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor {
    return ops.movedim(this, source, destination);
  }
  swapaxes(axis0: number, axis1: number): Tensor {
    return ops.swapaxes(this, axis0, axis1);
  }
  unflatten(dim: number, sizes: readonly number[]): Tensor {
    return ops.unflatten(this, dim, sizes);
  }
  diag(diagonal = 0): Tensor {
    return ops.diag(this, diagonal);
  }
  diagEmbed(offset = 0, dim1 = -2, dim2 = -1): Tensor {
    return ops.diagEmbed(this, offset, dim1, dim2);
  }
  /** A view of the diagonal `offset` of the matrices spanned by dim1 and dim2. */
  diagonal(offset = 0, dim1 = 0, dim2 = 1): Tensor {
    return ops.diagonal(this, offset, dim1, dim2);
  }
  trace(): Tensor {
    return ops.trace(this);
  }
  tril(diagonal = 0): Tensor {
    return ops.tril(this, diagonal);
  }
  triu(diagonal = 0): Tensor {
    return ops.triu(this, diagonal);
  }
  /** Fills this tensor with uniform samples in [from, to), in place. */
  uniform_(from = 0, to = 1, options?: ops.GeneratorOptions): this {
    ops.uniform_(this, from, to, options);
    return this;
  }
  normal_(mean = 0, std = 1, options?: ops.GeneratorOptions): this {
    ops.normal_(this, mean, std, options);
    return this;
  }
  bernoulli_(p: number | Tensor = 0.5, options?: ops.GeneratorOptions): this {
    ops.bernoulli_(this, p, options);
    return this;
  }
  exponential_(lambd = 1, options?: ops.GeneratorOptions): this {
    ops.exponential_(this, lambd, options);
    return this;
  }
  /** Samples 0/1 with this tensor's values as probabilities. */
  bernoulli(options?: ops.GeneratorOptions): Tensor {
    return ops.bernoulli(this, options);
  }
  multinomial(numSamples: number, options?: ops.MultinomialOptions): Tensor {
    return ops.multinomial(this, numSamples, options);
  }

  // ---- elementwise ----------------------------------------------------------------------

  add(other: TensorLike, alpha?: number): Tensor {
    return ops.add(this, other, alpha);
  }
  sub(other: TensorLike, alpha?: number): Tensor {
    return ops.sub(this, other, alpha);
  }
  mul(other: TensorLike): Tensor {
    return ops.mul(this, other);
  }
  div(other: TensorLike): Tensor {
    return ops.div(this, other);
  }
  pow(exponent: TensorLike): Tensor {
    return ops.pow(this, exponent);
  }
  maximum(other: TensorLike): Tensor {
    return ops.maximum(this, other);
  }
  minimum(other: TensorLike): Tensor {
    return ops.minimum(this, other);
  }
  neg(): Tensor {
    return ops.neg(this);
  }
  exp(): Tensor {
    return ops.exp(this);
  }
  log(): Tensor {
    return ops.log(this);
  }
  log1p(): Tensor {
    return ops.log1p(this);
  }
  erf(): Tensor {
    return ops.erf(this);
  }
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  abs(): Tensor {
    return ops.abs(this);
  }
  sign(): Tensor {
    return ops.sign(this);
  }
  sin(): Tensor {
    return ops.sin(this);
  }
  cos(): Tensor {
    return ops.cos(this);
  }
  tanh(): Tensor {
    return ops.tanh(this);
  }
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  relu(): Tensor {
    return ops.relu(this);
  }
  leakyRelu(negativeSlope = 0.01): Tensor {
    return ops.leakyRelu(this, negativeSlope);
  }
  clamp(min?: number | null, max?: number | null): Tensor {
    return ops.clamp(this, min, max);
  }
  eq(other: TensorLike): Tensor {
    return ops.eq(this, other);
  }
  ne(other: TensorLike): Tensor {
    return ops.ne(this, other);
  }
  lt(other: TensorLike): Tensor {
    return ops.lt(this, other);
  }
  le(other: TensorLike): Tensor {
    return ops.le(this, other);
  }
  gt(other: TensorLike): Tensor {
    return ops.gt(this, other);
  }
  ge(other: TensorLike): Tensor {
    return ops.ge(this, other);
  }
  logicalNot(): Tensor {
    return ops.logicalNot(this);
  }
  logicalAnd(other: TensorLike): Tensor {
    return ops.logicalAnd(this, other);
  }
  logicalOr(other: TensorLike): Tensor {
    return ops.logicalOr(this, other);
  }

  // ---- elementwise math (issue 12) ----

  floor(): Tensor {
    return ops.floor(this);
  }
  ceil(): Tensor {
    return ops.ceil(this);
  }
  /** Half to even, as torch.round; `{ decimals }` rounds to that many digits. */
  round(options?: ops.RoundOptions): Tensor {
    return ops.round(this, options);
  }
  trunc(): Tensor {
    return ops.trunc(this);
  }
  frac(): Tensor {
    return ops.frac(this);
  }
  /** Python's %: the result takes the divisor's sign. */
  remainder(other: TensorLike): Tensor {
    return ops.remainder(this, other);
  }
  /** C's fmod: the result takes the dividend's sign. */
  fmod(other: TensorLike): Tensor {
    return ops.fmod(this, other);
  }
  floorDivide(other: TensorLike): Tensor {
    return ops.floorDivide(this, other);
  }
  reciprocal(): Tensor {
    return ops.reciprocal(this);
  }
  rsqrt(): Tensor {
    return ops.rsqrt(this);
  }
  square(): Tensor {
    return ops.square(this);
  }
  exp2(): Tensor {
    return ops.exp2(this);
  }
  expm1(): Tensor {
    return ops.expm1(this);
  }
  log2(): Tensor {
    return ops.log2(this);
  }
  log10(): Tensor {
    return ops.log10(this);
  }
  tan(): Tensor {
    return ops.tan(this);
  }
  asin(): Tensor {
    return ops.asin(this);
  }
  acos(): Tensor {
    return ops.acos(this);
  }
  atan(): Tensor {
    return ops.atan(this);
  }
  atan2(other: TensorLike): Tensor {
    return ops.atan2(this, other);
  }
  sinh(): Tensor {
    return ops.sinh(this);
  }
  cosh(): Tensor {
    return ops.cosh(this);
  }
  asinh(): Tensor {
    return ops.asinh(this);
  }
  acosh(): Tensor {
    return ops.acosh(this);
  }
  atanh(): Tensor {
    return ops.atanh(this);
  }
  hypot(other: TensorLike): Tensor {
    return ops.hypot(this, other);
  }
  /** this + weight * (end - this). */
  lerp(end: TensorLike, weight: TensorLike): Tensor {
    return ops.lerp(this, end, weight);
  }
  isnan(): Tensor {
    return ops.isnan(this);
  }
  isinf(): Tensor {
    return ops.isinf(this);
  }
  isfinite(): Tensor {
    return ops.isfinite(this);
  }
  signbit(): Tensor {
    return ops.signbit(this);
  }
  nanToNum(options?: ops.NanToNumOptions | number): Tensor {
    return ops.nanToNum(this, options);
  }
  logicalXor(other: TensorLike): Tensor {
    return ops.logicalXor(this, other);
  }
  clampMin(min: TensorLike): Tensor {
    return ops.clampMin(this, min);
  }
  clampMax(max: TensorLike): Tensor {
    return ops.clampMax(this, max);
  }
  // In place, outside autograd, for ops that keep the dtype (PyTorch refuses a dtype change).
  floor_(): this {
    return this.#assignMath("floor_", ops.floor(this.detach()));
  }
  ceil_(): this {
    return this.#assignMath("ceil_", ops.ceil(this.detach()));
  }
  round_(options?: ops.RoundOptions): this {
    return this.#assignMath("round_", ops.round(this.detach(), options));
  }
  trunc_(): this {
    return this.#assignMath("trunc_", ops.trunc(this.detach()));
  }
  frac_(): this {
    return this.#assignMath("frac_", ops.frac(this.detach()));
  }
  clamp_(min?: number | null, max?: number | null): this {
    return this.#assignMath("clamp_", ops.clamp(this.detach(), min, max));
  }
  clampMin_(min: TensorLike): this {
    return this.#assignMath("clampMin_", ops.clampMin(this.detach(), min));
  }
  clampMax_(max: TensorLike): this {
    return this.#assignMath("clampMax_", ops.clampMax(this.detach(), max));
  }
  nanToNum_(options?: ops.NanToNumOptions | number): this {
    return this.#assignMath("nanToNum_", ops.nanToNum(this.detach(), options));
  }
  #assignMath(op: string, result: Tensor): this {
    if (result.dtype !== this.dtype) {
      throw new Error(
        `${op}: the result would be ${result.dtype} but the tensor is ${this.dtype}, and an ` +
          "in-place op cannot change the dtype (as in PyTorch). Use the out-of-place op " +
          `(${op.slice(0, -1)}) or convert first.`,
      );
    }
    internal.assignInPlace(op, this, result);
    return this;
  }

  // ---- reductions -----------------------------------------------------------------------

  // ---- sorting and order statistics (issue 12) ----
  /** Stable sort, NaN largest: `x.sort({ dim, descending })` or `x.sort(dim, descending)`. */
  sort(dim?: number | ops.SortOptions, descending?: boolean): ops.ValuesIndices {
    return ops.sort(this, dim, descending);
  }
  argsort(dim?: number | ops.SortOptions, descending?: boolean): Tensor {
    return ops.argsort(this, dim, descending);
  }
  msort(): Tensor {
    return ops.msort(this);
  }
  topk(
    k: number,
    dim?: number | ops.TopkOptions,
    largest?: boolean,
    sorted?: boolean,
  ): ops.ValuesIndices {
    return ops.topk(this, k, dim, largest, sorted);
  }
  kthvalue(k: number, dim = -1, keepdim = false): ops.ValuesIndices {
    return ops.kthvalue(this, k, dim, keepdim);
  }
  /** torch's lower median: of all entries with no dim, else { values, indices } along dim. */
  median(): Tensor;
  median(dim: number, keepdim?: boolean): ops.ValuesIndices;
  median(dim?: number, keepdim = false): Tensor | ops.ValuesIndices {
    return dim === undefined ? ops.median(this) : ops.median(this, dim, keepdim);
  }
  nanmedian(): Tensor;
  nanmedian(dim: number, keepdim?: boolean): ops.ValuesIndices;
  nanmedian(dim?: number, keepdim = false): Tensor | ops.ValuesIndices {
    return dim === undefined ? ops.nanmedian(this) : ops.nanmedian(this, dim, keepdim);
  }
  quantile(
    q: number | readonly number[] | Tensor,
    dim?: number | null | ops.QuantileOptions,
    keepdim?: boolean,
  ): Tensor {
    return ops.quantile(this, q, dim, keepdim);
  }
  /** CPU only (the length depends on the data); `await x.uniqueAsync()` works everywhere. */
  unique(options: ops.UniqueOptions & ({ returnInverse: true } | { returnCounts: true })): Tensor[];
  unique(options?: ops.UniqueOptions): Tensor;
  unique(options?: ops.UniqueOptions): Tensor | Tensor[] {
    return ops.unique(this, options as ops.UniqueOptions);
  }
  uniqueAsync(
    options: ops.UniqueOptions & ({ returnInverse: true } | { returnCounts: true }),
  ): Promise<Tensor[]>;
  uniqueAsync(options?: ops.UniqueOptions): Promise<Tensor>;
  uniqueAsync(options?: ops.UniqueOptions): Promise<Tensor | Tensor[]> {
    return ops.uniqueAsync(this, options as ops.UniqueOptions);
  }
  /** CPU only (the length is max + 1); `await x.bincountAsync()` works everywhere. */
  bincount(options?: ops.BincountOptions): Tensor {
    return ops.bincount(this, options);
  }
  bincountAsync(options?: ops.BincountOptions): Promise<Tensor> {
    return ops.bincountAsync(this, options);
  }
  histc(options?: ops.HistcOptions): Tensor {
    return ops.histc(this, options);
  }

  sum(dim?: number | readonly number[] | null, keepdim = false): Tensor {
    return ops.sum(this, dim, keepdim);
  }
  mean(dim?: number | readonly number[] | null, keepdim = false): Tensor {
    return ops.mean(this, dim, keepdim);
  }
  prod(dim?: number | null, keepdim = false): Tensor {
    return ops.prod(this, dim, keepdim);
  }
  /** With no dim: the largest value. With a dim: { values, indices } along it, as PyTorch. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): ops.ValuesIndices;
  max(dim?: number, keepdim = false): Tensor | ops.ValuesIndices {
    return dim === undefined ? ops.max(this) : ops.max(this, dim, keepdim);
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): ops.ValuesIndices;
  min(dim?: number, keepdim = false): Tensor | ops.ValuesIndices {
    return dim === undefined ? ops.min(this) : ops.min(this, dim, keepdim);
  }
  argmax(dim?: number | null, keepdim = false): Tensor {
    return ops.argmax(this, dim, keepdim);
  }
  argmin(dim?: number | null, keepdim = false): Tensor {
    return ops.argmin(this, dim, keepdim);
  }
  /**
   * Variance with Bessel's correction by default, in PyTorch's argument order:
   * `x.var(1, true, true)` is (dim, unbiased, keepdim); keywords go in an options object,
   * `x.var(1, { correction: 0, keepdim: true })`.
   */
  var(options?: ops.VarOptions): Tensor;
  var(unbiased: boolean): Tensor;
  var(dim: number | readonly number[] | null, unbiased?: boolean, keepdim?: boolean): Tensor;
  var(dim: number | readonly number[] | null, options: ops.VarOptions): Tensor;
  var(
    dim?: number | readonly number[] | null | boolean | ops.VarOptions,
    unbiased?: boolean | ops.VarOptions,
    keepdim?: boolean,
  ): Tensor {
    return ops.variance(this, dim, unbiased, keepdim);
  }
  /** Standard deviation; the same arguments as var(). */
  std(options?: ops.VarOptions): Tensor;
  std(unbiased: boolean): Tensor;
  std(dim: number | readonly number[] | null, unbiased?: boolean, keepdim?: boolean): Tensor;
  std(dim: number | readonly number[] | null, options: ops.VarOptions): Tensor;
  std(
    dim?: number | readonly number[] | null | boolean | ops.VarOptions,
    unbiased?: boolean | ops.VarOptions,
    keepdim?: boolean,
  ): Tensor {
    return ops.std(this, dim, unbiased, keepdim);
  }
  logsumexp(dim: number | readonly number[], keepdim = false): Tensor {
    return ops.logsumexp(this, dim, keepdim);
  }
  softmax(dim: number): Tensor {
    return ops.softmax(this, dim);
  }
  logSoftmax(dim: number): Tensor {
    return ops.logSoftmax(this, dim);
  }

  // ---- more reductions (issue 12) ----

  /** Whether every element (over `dim`) is non-zero: a bool tensor; true when empty. */
  all(dim?: number | readonly number[] | null, keepdim = false): Tensor {
    return ops.all(this, dim, keepdim);
  }
  /** Whether some element (over `dim`) is non-zero: a bool tensor; false when empty. */
  any(dim?: number | readonly number[] | null, keepdim = false): Tensor {
    return ops.any(this, dim, keepdim);
  }
  /** The largest value over `dim` (all dims by default); ties share the gradient. */
  amax(dim?: number | readonly number[] | null, keepdim = false): Tensor {
    return ops.amax(this, dim, keepdim);
  }
  amin(dim?: number | readonly number[] | null, keepdim = false): Tensor {
    return ops.amin(this, dim, keepdim);
  }
  /**
   * torch.norm: p = 2 (default), "fro", or any number, over `dim` (all dims by default); "nuc"
   * (the nuclear norm, CPU only) over a 2-D tensor or two dims.
   */
  norm(
    p: number | "fro" | "nuc" = 2,
    dim?: number | readonly number[] | null,
    keepdim = false,
  ): Tensor {
    return ops.norm(this, p, dim, keepdim);
  }
  cumsum(dim: number): Tensor {
    return ops.cumsum(this, dim);
  }
  cumprod(dim: number): Tensor {
    return ops.cumprod(this, dim);
  }
  logcumsumexp(dim: number): Tensor {
    return ops.logcumsumexp(this, dim);
  }
  /** Running maximum along `dim` and its indices: { values, indices }. */
  cummax(dim: number): ops.ValuesIndices {
    return ops.cummax(this, dim);
  }
  cummin(dim: number): ops.ValuesIndices {
    return ops.cummin(this, dim);
  }
  nansum(dim?: number | readonly number[] | null, keepdim = false): Tensor {
    return ops.nansum(this, dim, keepdim);
  }
  nanmean(dim?: number | readonly number[] | null, keepdim = false): Tensor {
    return ops.nanmean(this, dim, keepdim);
  }
  countNonzero(dim?: number | readonly number[] | null): Tensor {
    return ops.countNonzero(this, dim);
  }

  // ---- linear algebra -------------------------------------------------------------------

  matmul(other: TensorLike): Tensor {
    return ops.matmul(this, other);
  }
  mm(other: TensorLike): Tensor {
    return ops.mm(this, other);
  }
  dot(other: TensorLike): Tensor {
    return ops.dot(this, other);
  }
  outer(other: TensorLike): Tensor {
    return ops.outer(this, other);
  }

  // ---- activations and products (issue 12) ----

  silu(): Tensor {
    return ops.silu(this);
  }
  mish(): Tensor {
    return ops.mish(this);
  }
  gelu(options?: ops.GeluOptions): Tensor {
    return ops.gelu(this, options);
  }
  elu(options?: ops.EluOptions): Tensor {
    return ops.elu(this, options);
  }
  selu(): Tensor {
    return ops.selu(this);
  }
  celu(options?: ops.EluOptions): Tensor {
    return ops.celu(this, options);
  }
  softplus(options?: ops.SoftplusOptions): Tensor {
    return ops.softplus(this, options);
  }
  softsign(): Tensor {
    return ops.softsign(this);
  }
  hardtanh(options?: ops.HardtanhOptions): Tensor {
    return ops.hardtanh(this, options);
  }
  relu6(): Tensor {
    return ops.relu6(this);
  }
  hardsigmoid(): Tensor {
    return ops.hardsigmoid(this);
  }
  hardswish(): Tensor {
    return ops.hardswish(this);
  }
  logsigmoid(): Tensor {
    return ops.logsigmoid(this);
  }
  prelu(weight: TensorLike): Tensor {
    return ops.prelu(this, weight);
  }
  /** Batched matrix product with another [B, m, p] batch (this is [B, n, m]). */
  bmm(other: TensorLike): Tensor {
    return ops.bmm(this, other);
  }
  /** beta·this + alpha·bmm(batch1, batch2). */
  baddbmm(batch1: TensorLike, batch2: TensorLike, options?: ops.AddmmOptions): Tensor {
    return ops.baddbmm(this, batch1, batch2, options);
  }
  /** beta·this + alpha·(m1 @ m2). */
  addmm(m1: TensorLike, m2: TensorLike, options?: ops.AddmmOptions): Tensor {
    return ops.addmm(this, m1, m2, options);
  }

  // ---- in place (outside autograd) ------------------------------------------------------

  /** Copies src (broadcast to this shape) into this tensor's memory. */
  copy_(src: TensorLike): this {
    internal.assignInPlace("copy_", this, src);
    return this;
  }
  fill_(value: number): this {
    internal.assignInPlace("fill_", this, value);
    return this;
  }
  zero_(): this {
    return this.fill_(0);
  }
  add_(other: TensorLike, alpha?: number): this {
    internal.updateInPlace("add_", this, ops.add(this.detach(), other, alpha));
    return this;
  }
  sub_(other: TensorLike, alpha?: number): this {
    internal.updateInPlace("sub_", this, ops.sub(this.detach(), other, alpha));
    return this;
  }
  mul_(other: TensorLike): this {
    internal.updateInPlace("mul_", this, ops.mul(this.detach(), other));
    return this;
  }
  div_(other: TensorLike): this {
    internal.updateInPlace("div_", this, ops.div(this.detach(), other));
    return this;
  }
}

/** Colours the values (not the suffixes) of a repr yellow, as Deno and Node colour numbers. */
function colorValues(repr: string, colors?: boolean): string {
  if (!colors) return repr;
  const at = repr.search(/,\s*(?=[A-Za-z]+=)/);
  const values = at < 0 ? repr : repr.slice(0, at);
  return values.replace(
    /(?<![\w.])(?:-?(?:\d+\.?\d*(?:e[+-]\d+)?|inf)|nan|true|false)(?![\w.])/g,
    "\x1b[33m$&\x1b[39m",
  ) + (at < 0 ? "" : repr.slice(at));
}
