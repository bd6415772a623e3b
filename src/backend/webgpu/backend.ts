/** The WebGPU backend: the Backend interface over GpuStorage and the WGSL kernels. */
import type {
  AdamHyper,
  Backend,
  BinaryOp,
  ConvGeometry,
  ReduceOp,
  ScanOp,
  SgdHyper,
  UnaryOp,
  ValueRule,
  View,
} from "../backend.ts";
import type { DType, TypedArray } from "../../core/dtype.ts";
import { isContiguousLayout, numelOf } from "../../core/shape.ts";
import { ELEMENT_BYTES, type GpuRuntime, GpuStorage } from "./runtime.ts";
import { binaryKernel, copyInto, unaryKernel, whereKernel } from "./elementwise.ts";
import { reduceKernel, softmaxKernel } from "./reduce.ts";
import { matmulKernel } from "./matmul.ts";
import { scanKernel } from "./scan.ts";
import { assignKernel, gatherKernel, indexSelectKernel } from "./indexing.ts";
import { adamKernel, sgdKernel } from "./optim.ts";
import { indexWriteKernel } from "./scatter.ts";
import { randomKernel } from "./random.ts";
import { crossEntropyKernel } from "./loss.ts";
import { sortKernel } from "./sort.ts";
import { col2imKernel, im2colKernel } from "./conv.ts";
import { maxPool2dKernel, sumPool2dKernel } from "./pooling.ts";
import { wgslType } from "./wgsl.ts";

/** Host data in the GPU's 4-byte layout for `dtype` (bools become 0/1 words). */
function hostWords(data: TypedArray, dtype: DType): Float32Array | Int32Array | Uint32Array {
  switch (wgslType(dtype, "to('webgpu')")) {
    case "f32":
      return data instanceof Float32Array ? data : Float32Array.from(data);
    case "i32":
      return data instanceof Int32Array ? data : Int32Array.from(data as ArrayLike<number>);
    case "u32": {
      const out = new Uint32Array(data.length);
      for (let i = 0; i < data.length; i++) out[i] = data[i] ? 1 : 0;
      return out;
    }
  }
}

function hostArray(bytes: ArrayBuffer, dtype: DType): TypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(bytes);
    case "int32":
      return new Int32Array(bytes);
    default:
      return Uint8Array.from(new Uint32Array(bytes));
  }
}

/** scatter's `reduce` option as an index-write mode. */
const SCATTER_MODE = { none: "set", multiply: "multiply" } as const;

export function makeWebgpuBackend(rt: GpuRuntime): Backend {
  const backend: Backend = {
    device: "webgpu",

    fromTypedArray(data: TypedArray, dtype: DType): GpuStorage {
      const words = hostWords(data, dtype);
      const s = rt.alloc(words.length, "to('webgpu')");
      if (words.length > 0) rt.upload(s, words);
      return s;
    },

    full(size: number, value: number, dtype: DType): GpuStorage {
      const s = rt.alloc(size, "full");
      if (size === 0) return s;
      const t = wgslType(dtype, "full");
      const words = t === "f32"
        ? new Float32Array(size)
        : t === "i32"
        ? new Int32Array(size)
        : new Uint32Array(size);
      if (value !== 0) words.fill(t === "u32" ? (value ? 1 : 0) : value);
      rt.upload(s, words);
      return s;
    },

    async read(v: View): Promise<TypedArray> {
      const n = numelOf(v.shape);
      wgslType(v.dtype, "read");
      if (n === 0) {
        if (rt.errors.armed) await rt.readBytes(null, 0, 0); // a read still raises what is pending
        return hostArray(new ArrayBuffer(0), v.dtype);
      }
      let storage = v.storage as GpuStorage, offset = v.offset, tmp: GpuStorage | undefined;
      if (!isContiguousLayout(v.shape, v.strides)) {
        tmp = rt.alloc(n, "read");
        copyInto(rt, v, v.dtype, tmp);
        storage = tmp;
        offset = 0;
      }
      try {
        const bytes = await rt.readBytes(storage.live("read"), offset * ELEMENT_BYTES, n * 4);
        return hostArray(bytes, v.dtype);
      } finally {
        if (tmp) rt.dispose(tmp); // also when a device-side error is raised instead
      }
    },

    checkValues: (
      x: View,
      rule: ValueRule,
      key: string,
      message: (v: number, at: number) => string,
    ) => rt.check(x, rule, key, message),

    unary: (op: UnaryOp, x: View, outDtype: DType, params?: readonly number[]) =>
      unaryKernel(rt, op, x, outDtype, params),
    binary: (op: BinaryOp, a: View, b: View, outDtype: DType) =>
      binaryKernel(rt, op, a, b, outDtype),
    where: (cond: View, a: View, b: View, outDtype: DType) => whereKernel(rt, cond, a, b, outDtype),
    reduce: (op: ReduceOp, x: View, dims: readonly number[]) => reduceKernel(rt, op, x, dims),
    scan: (op: ScanOp, x: View, dim: number, reverse: boolean) =>
      scanKernel(rt, op, x, dim, reverse),
    softmax: (x: View, log: boolean) => softmaxKernel(rt, x, log),
    matmul: (a: View, b: View) => matmulKernel(rt, a, b),
    gather: (x: View, dim: number, index: View) => gatherKernel(rt, x, dim, index),
    scatterAdd: (base: View, dim: number, index: View, src: View) =>
      indexWriteKernel(rt, "scatterAdd", "add", base, dim, index, src),
    indexSelect: (x: View, dim: number, index: View) => indexSelectKernel(rt, x, dim, index),
    indexAdd: (base: View, dim: number, index: View, src: View) =>
      indexWriteKernel(rt, "indexAdd", "add", base, dim, index, src),
    scatter: (base: View, dim: number, index: View, src: View, reduce: "none" | "multiply") =>
      indexWriteKernel(rt, "scatter", SCATTER_MODE[reduce], base, dim, index, src),
    indexCopy: (base: View, dim: number, index: View, src: View) =>
      indexWriteKernel(rt, "indexCopy", "set", base, dim, index, src),
    sort: (x: View, dim: number, descending: boolean) => sortKernel(rt, x, dim, descending),
    assign: (dst: View, src: View) => assignKernel(rt, dst, src),
    im2col: (x: View, g: ConvGeometry) => im2colKernel(rt, x, g),
    col2im: (cols: View, g: ConvGeometry) => col2imKernel(rt, cols, g),
    maxPool2d: (x: View, g: ConvGeometry) => maxPool2dKernel(rt, x, g),
    sumPool2d: (x: View, g: ConvGeometry) => sumPool2dKernel(rt, x, g),
    adamStep: (p: View, grad: View, m: View, v: View, h: AdamHyper) =>
      adamKernel(rt, p, grad, m, v, h),
    sgdStep: (p: View, grad: View, buf: View | null, h: SgdHyper) => sgdKernel(rt, p, grad, buf, h),
    crossEntropyRows: (x: View, target: View, ignoreIndex: number) =>
      crossEntropyKernel(rt, x, target, ignoreIndex),
    random: (kind: "uniform" | "normal", n: number, seed: readonly [number, number]) =>
      randomKernel(rt, kind, n, seed),
    release(storage: unknown): void {
      if (storage instanceof GpuStorage) rt.dispose(storage);
    },
  };
  return backend;
}
