/**
 * save/load of safetensors files through node:fs, which Deno and Node both provide. It is
 * imported when they run, never at import, so the library still loads in browsers (which can
 * use serialize/deserialize and handle the bytes their own way).
 */
import {
  deserialize,
  type Deserialized,
  type Metadata,
  serializeAsync,
  type StateDict,
} from "./safetensors.ts";
import { nodeFs, readBytes, removeStaleTemps, writeFileAtomic } from "../core/host.ts";
import { checkOptions } from "../core/options.ts";

export interface SaveOptions {
  /** String metadata stored in the header's "__metadata__" (e.g. { format: "pt" }). */
  metadata?: Metadata;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Writes the tensors to `path` in the safetensors format (readable by Python's
 * `safetensors.torch.load_file`). The file is written to a temporary file beside it, synced,
 * then renamed over `path`, so a crash or error never leaves a half-written file. A writer
 * killed mid-save leaves its temp file (`<path>.<pid>.<hex>.part`); the next save or load of
 * `path` removes it once that process is gone (Deno can tell only with --allow-run; without it
 * the file stays). Needs --allow-write (and --allow-read for the rename).
 */
export async function save(
  dict: StateDict,
  path: string | URL,
  options: SaveOptions = {},
): Promise<void> {
  checkOptions("save", options, ["metadata"]);
  const bytes = await serializeAsync(dict, options.metadata);
  try {
    await writeFileAtomic("save", path, bytes);
  } catch (e) {
    throw new Error(`save: could not write '${String(path)}': ${message(e)}`, { cause: e });
  }
}

async function readFile(op: string, path: string | URL): Promise<Uint8Array> {
  await nodeFs(op); // a runtime without a file system gets that error, not a read error
  try {
    const bytes = await readBytes(op, path);
    await removeStaleTemps(path); // a crashed save's leftovers (only with the rights to)
    return bytes;
  } catch (e) {
    const code = (e as { code?: string }).code;
    const hint = code === "ENOENT" ? " (no such file; check the path)" : "";
    throw new Error(`${op}: could not read '${String(path)}'${hint}: ${message(e)}`, { cause: e });
  }
}

/** Reads a safetensors file into CPU tensors, keyed by name. Needs --allow-read. */
export async function load(path: string | URL): Promise<StateDict> {
  const bytes = await readFile("load", path);
  return deserialize(bytes, { source: String(path), op: "load" }).tensors;
}

/** load, plus the file's string metadata (undefined when it has none). */
export async function loadWithMetadata(path: string | URL): Promise<Deserialized> {
  const bytes = await readFile("loadWithMetadata", path);
  return deserialize(bytes, { source: String(path), op: "loadWithMetadata" });
}
