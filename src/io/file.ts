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
import { checkOptions } from "../core/options.ts";

export interface SaveOptions {
  /** String metadata stored in the header's "__metadata__" (e.g. { format: "pt" }). */
  metadata?: Metadata;
}

type Fs = typeof import("node:fs/promises");
let fsModule: Promise<Fs> | undefined;

/**
 * node:fs/promises, imported on first use: Deno and Node both provide it, and importing
 * gradiente must not touch the file system (browsers load the library too).
 */
async function nodeFs(op: string): Promise<Fs> {
  try {
    return await (fsModule ??= import("node:fs/promises"));
  } catch (e) {
    fsModule = undefined;
    throw new Error(
      `${op}: needs a file system (node:fs), which this runtime does not have. Use ` +
        "io.serialize() / io.deserialize() and read or write the bytes with your runtime's own " +
        "file API.",
      { cause: e },
    );
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Writes the tensors to `path` in the safetensors format (readable by Python's
 * `safetensors.torch.load_file`). The file is written to a temporary file beside it, synced,
 * then renamed over `path`, so a crash or error never leaves a half-written file. Needs
 * --allow-write (and --allow-read for the rename).
 */
export async function save(
  dict: StateDict,
  path: string | URL,
  options: SaveOptions = {},
): Promise<void> {
  checkOptions("save", options, ["metadata"]);
  const bytes = await serializeAsync(dict, options.metadata);
  const fs = await nodeFs("save");
  const suffix = "." + [...crypto.getRandomValues(new Uint8Array(6))]
    .map((b) => b.toString(16).padStart(2, "0")).join("") +
    ".tmp";
  const tmp = path instanceof URL ? new URL(path.href + suffix) : path + suffix;
  let created = false;
  try {
    const file = await fs.open(tmp, "wx"); // "x": never reuse a file someone else created
    created = true;
    try {
      for (let at = 0; at < bytes.length;) {
        at += (await file.write(bytes, at, bytes.length - at)).bytesWritten;
      }
      await file.sync();
    } finally {
      await file.close();
    }
    await fs.rename(tmp, path);
  } catch (e) {
    if (created) await fs.rm(tmp, { force: true }).catch(() => {});
    throw new Error(`save: could not write '${String(path)}': ${message(e)}`, { cause: e });
  }
}

async function readBytes(op: string, path: string | URL): Promise<Uint8Array> {
  const fs = await nodeFs(op);
  try {
    const b = await fs.readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const hint = code === "ENOENT" ? " (no such file; check the path)" : "";
    throw new Error(`${op}: could not read '${String(path)}'${hint}: ${message(e)}`, { cause: e });
  }
}

/** Reads a safetensors file into CPU tensors, keyed by name. Needs --allow-read. */
export async function load(path: string | URL): Promise<StateDict> {
  const bytes = await readBytes("load", path);
  return deserialize(bytes, { source: String(path), op: "load" }).tensors;
}

/** load, plus the file's string metadata (undefined when it has none). */
export async function loadWithMetadata(path: string | URL): Promise<Deserialized> {
  const bytes = await readBytes("loadWithMetadata", path);
  return deserialize(bytes, { source: String(path), op: "loadWithMetadata" });
}
