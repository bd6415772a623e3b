/**
 * TensorFlow.js 4.22's wasm backend has Conv2D and Conv2DBackpropInput but no
 * Conv2DBackpropFilter, so it cannot train a CNN as shipped. This registers one for 'wasm'
 * built from the backend's own kernels (PadV2, Transpose, Conv2D on XNNPACK), the standard
 * identity for stride 1: dW[a, b, ci, co] = Σ x_pad[n, i+a, j+b, ci]·dy[n, i, j, co], i.e. a
 * valid convolution of x_pad with the batch and channel axes swapped, by dy as the filter.
 * Only what the LeNet bench needs (NHWC, stride 1, dilation 1); anything else throws.
 */
import * as tf from "@tensorflow/tfjs";

type Info = tf.TensorInfo;
type Pad = "same" | "valid" | number | number[][];

function run(name: string, backend: tf.KernelBackend, inputs: object, attrs: object): Info {
  const kernel = tf.getKernel(name, "wasm");
  if (!kernel) throw new Error(`tfjs wasm: no ${name} kernel to build Conv2DBackpropFilter on`);
  return kernel.kernelFunc({
    inputs: inputs as tf.NamedTensorInfoMap,
    backend,
    attrs: attrs as tf.NamedAttrMap,
  }) as Info;
}

/** [[top, bottom], [left, right]] as tfjs pads a stride-1 convolution. */
function paddings(pad: Pad, kh: number, kw: number): [number, number][] {
  if (pad === "valid") return [[0, 0], [0, 0]];
  if (pad === "same") {
    return [kh, kw].map((k) => [Math.floor((k - 1) / 2), k - 1 - Math.floor((k - 1) / 2)]) as [
      number,
      number,
    ][];
  }
  if (typeof pad === "number") return [[pad, pad], [pad, pad]];
  return [pad[1] as [number, number], pad[2] as [number, number]];
}

export function registerWasmConv2dBackpropFilter(): void {
  if (tf.getKernel("Conv2DBackpropFilter", "wasm")) return;
  tf.registerKernel({
    kernelName: "Conv2DBackpropFilter",
    backendName: "wasm",
    kernelFunc: ({ inputs, backend: anyBackend, attrs }) => {
      const backend = anyBackend as tf.KernelBackend;
      const { x, dy } = inputs as { x: Info; dy: Info };
      const { strides, pad, dataFormat, filterShape } = attrs as unknown as {
        strides: number | [number, number];
        pad: Pad;
        dataFormat: string;
        filterShape: [number, number, number, number];
      };
      const s = typeof strides === "number" ? [strides, strides] : strides;
      if (s[0] !== 1 || s[1] !== 1 || dataFormat !== "NHWC") {
        throw new Error(
          `Conv2DBackpropFilter (bench shim): only NHWC at stride 1, got ${dataFormat}, ${s}`,
        );
      }
      const [kh, kw] = filterShape;
      const [[pt, pb], [pl, pr]] = paddings(pad, kh, kw);
      const padded = run("PadV2", backend, { x }, {
        paddings: [[0, 0], [pt, pb], [pl, pr], [0, 0]],
        constantValue: 0,
      });
      const xt = run("Transpose", backend, { x: padded }, { perm: [3, 1, 2, 0] }); // [Ci,Hp,Wp,N]
      const f = run("Transpose", backend, { x: dy }, { perm: [1, 2, 0, 3] }); // [Ho,Wo,N,Co]
      const out = run("Conv2D", backend, { x: xt, filter: f }, {
        strides: [1, 1],
        pad: "valid",
        dataFormat: "NHWC",
        dilations: [1, 1],
        dimRoundingMode: undefined,
      }); // [Ci, kh, kw, Co]
      const dw = run("Transpose", backend, { x: out }, { perm: [1, 2, 0, 3] });
      for (const t of [padded, xt, f, out]) backend.disposeData(t.dataId);
      return dw;
    },
  });
}
