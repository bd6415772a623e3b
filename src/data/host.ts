/**
 * Files and environment, reached through the node: built-ins that Deno and Node both provide.
 * Each module is imported on first use, so importing gradiente touches neither the file system
 * nor `Deno` (the library must load in browsers and under Node too).
 */
type Fs = typeof import("node:fs/promises");
type Path = typeof import("node:path");
type Crypto = typeof import("node:crypto");

let fsModule: Promise<Fs> | undefined;
let pathModule: Promise<Path> | undefined;
let cryptoModule: Promise<Crypto> | undefined;

function fs(): Promise<Fs> {
  return fsModule ??= import("node:fs/promises");
}

export function path(): Promise<Path> {
  return pathModule ??= import("node:path");
}

function crypto(): Promise<Crypto> {
  return cryptoModule ??= import("node:crypto");
}

function isNotFound(e: unknown): boolean {
  const code = (e as { code?: string })?.code;
  return code === "ENOENT" || code === "ENOTDIR" || (e as Error)?.name === "NotFound";
}

export async function readBytes(file: string): Promise<Uint8Array> {
  const b = await (await fs()).readFile(file);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Whether `file` is a regular file; a missing path is false, other errors (permissions) throw. */
export async function isFile(file: string): Promise<boolean> {
  try {
    return (await (await fs()).stat(file)).isFile();
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

/**
 * Writes bytes to a temporary file next to `file`, then renames it into place, so a reader
 * never sees a half-written file (a rename within one directory is atomic).
 */
export async function writeFileAtomic(file: string, bytes: Uint8Array): Promise<void> {
  const f = await fs();
  const p = await path();
  await f.mkdir(p.dirname(file), { recursive: true });
  const tmp = `${file}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.part`;
  try {
    await f.writeFile(tmp, bytes);
    await f.rename(tmp, file);
  } catch (e) {
    await f.rm(tmp, { force: true }).catch(() => {});
    throw e;
  }
}

/** An environment variable, or undefined when unset or when reading it is not permitted. */
export function env(name: string): string | undefined {
  try {
    const deno = (globalThis as { Deno?: { env: { get(k: string): string | undefined } } }).Deno;
    if (deno) return deno.env.get(name);
    const proc = (globalThis as { process?: { env: Record<string, string | undefined> } }).process;
    return proc?.env[name];
  } catch {
    return undefined;
  }
}

/** The folder downloads go to by default: $XDG_CACHE_HOME/gradiente or ~/.cache/gradiente. */
export async function defaultCacheRoot(): Promise<string | undefined> {
  const p = await path();
  const xdg = env("XDG_CACHE_HOME");
  if (xdg) return p.join(xdg, "gradiente");
  const home = env("HOME") ?? env("USERPROFILE");
  return home ? p.join(home, ".cache", "gradiente") : undefined;
}

/** Hex digest of bytes ("md5" or "sha256"). */
export async function hashHex(algorithm: "md5" | "sha256", bytes: Uint8Array): Promise<string> {
  return (await crypto()).createHash(algorithm).update(bytes).digest("hex");
}
