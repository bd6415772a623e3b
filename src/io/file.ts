/**
 * save/load of safetensors files with Deno's file system. `Deno` is looked up when they run,
 * never at import, so the library still loads in browsers and Node (which can use
 * serialize/deserialize and write the bytes their own way).
 */
import {
  deserialize,
  type Deserialized,
  type Metadata,
  serializeAsync,
  type StateDict,
} from "./safetensors.ts";

export interface SaveOptions {
  /** String metadata stored in the header's "__metadata__" (e.g. { format: "pt" }). */
  metadata?: Metadata;
}

function denoFs(op: string): typeof Deno {
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  if (!deno?.open) {
    throw new Error(
      `${op}: needs Deno's file system, which this runtime does not have. Use io.serialize() ` +
        "/ io.deserialize() and read or write the bytes with your runtime's own file API.",
    );
  }
  return deno;
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
  const bytes = await serializeAsync(dict, options.metadata);
  const deno = denoFs("save");
  const suffix = "." + [...crypto.getRandomValues(new Uint8Array(6))]
    .map((b) => b.toString(16).padStart(2, "0")).join("") +
    ".tmp";
  const tmp = path instanceof URL ? new URL(path.href + suffix) : path + suffix;
  try {
    const file = await deno.open(tmp, { write: true, createNew: true });
    try {
      for (let at = 0; at < bytes.length;) at += await file.write(bytes.subarray(at));
      await file.sync();
    } finally {
      file.close();
    }
    await deno.rename(tmp, path);
  } catch (e) {
    await deno.remove(tmp).catch(() => {});
    throw new Error(`save: could not write '${String(path)}': ${message(e)}`, { cause: e });
  }
}

async function readBytes(op: string, path: string | URL): Promise<Uint8Array> {
  const deno = denoFs(op);
  try {
    return await deno.readFile(path);
  } catch (e) {
    const hint = e instanceof deno.errors.NotFound ? " (no such file; check the path)" : "";
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
