/**
 * Saving and loading tensors in the safetensors format, byte-compatible with the Python
 * `safetensors` library (and so with PyTorch and Hugging Face checkpoints).
 *
 * @example
 * ```ts
 * import { io } from "gradiente";
 * await io.save({ weight: w, bias: b }, "model.safetensors", { metadata: { format: "pt" } });
 * const state = await io.load("model.safetensors"); // { weight: Tensor, bias: Tensor }
 * // Without a file system (browsers, Node): bytes in, bytes out.
 * const bytes = io.serialize({ weight: w });
 * const { tensors, metadata } = io.deserialize(bytes);
 * ```
 * @module
 */
export {
  deserialize,
  type Deserialized,
  type DeserializeOptions,
  MAX_HEADER_BYTES,
  type Metadata,
  serialize,
  serializeAsync,
  type StateDict,
} from "./safetensors.ts";
export { load, loadWithMetadata, save, type SaveOptions } from "./file.ts";
