/**
 * The host: environment variables and files, through the node: built-ins that Deno and Node
 * both provide. Each module is imported on first use, so importing gradiente touches neither
 * the file system nor `Deno` (the library must load in browsers and under Node too).
 */
type Fs = typeof import("node:fs/promises");
type Path = typeof import("node:path");
type Crypto = typeof import("node:crypto");
type Url = typeof import("node:url");
type Process = typeof import("node:process");

let fsModule: Promise<Fs> | undefined;
let pathModule: Promise<Path> | undefined;
let cryptoModule: Promise<Crypto> | undefined;
let urlModule: Promise<Url> | undefined;
let processModule: Promise<Process> | undefined;

/** An environment variable, or undefined when unset or when reading it is not permitted. */
export function env(name: string): string | undefined {
  try {
    const deno = (globalThis as { Deno?: { env: { get(k: string): string | undefined } } }).Deno;
    if (deno) return deno.env.get(name);
    const proc = (globalThis as { process?: { env: Record<string, string | undefined> } }).process;
    return proc?.env[name];
  } catch {
    return undefined; // no --allow-env: behave as if unset
  }
}

/**
 * node:fs/promises; `op` names the caller in the error of a runtime without a file system
 * (a browser), which is told to handle the bytes itself.
 */
export async function nodeFs(op: string): Promise<Fs> {
  try {
    return await (fsModule ??= import("node:fs/promises"));
  } catch (e) {
    fsModule = undefined;
    throw new Error(
      `${op}: needs a file system (node:fs), which this runtime does not have. Read or write ` +
        "the bytes with your runtime's own file API instead.",
      { cause: e },
    );
  }
}

export function nodePath(): Promise<Path> {
  return pathModule ??= import("node:path");
}

export function nodeUrl(): Promise<Url> {
  return urlModule ??= import("node:url");
}

function nodeCrypto(): Promise<Crypto> {
  return cryptoModule ??= import("node:crypto");
}

function isNotFound(e: unknown): boolean {
  const code = (e as { code?: string })?.code;
  return code === "ENOENT" || code === "ENOTDIR" || (e as Error)?.name === "NotFound";
}

export async function readBytes(op: string, file: string | URL): Promise<Uint8Array> {
  const b = await (await nodeFs(op)).readFile(file);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Whether `file` is a regular file; a missing path is false, other errors (permissions) throw. */
export async function isFile(op: string, file: string): Promise<boolean> {
  try {
    return (await (await nodeFs(op)).stat(file)).isFile();
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

interface DenoPermissions {
  permissions: { querySync(d: { name: string; path?: string }): { state: string } };
}

/**
 * Whether Deno already grants a permission (true outside Deno). Asked before touching
 * anything optional, so that a best-effort cleanup never prompts nor fails a save or load.
 */
function granted(name: "read" | "write" | "run", path?: string): boolean {
  const deno = (globalThis as { Deno?: DenoPermissions }).Deno;
  if (!deno) return true;
  try {
    return deno.permissions.querySync(path === undefined ? { name } : { name, path }).state ===
      "granted";
  } catch {
    return false;
  }
}

/**
 * Whether process `pid` may be alive: kill(pid, 0) through node:process (Deno and Node), which
 * sends nothing and fails with ESRCH only for a process that does not exist. Deno needs
 * --allow-run for it (and asks for --allow-all to read /proc/<pid>, so that is no way round);
 * without it the answer is "alive", so a file is only ever removed when its writer is gone.
 */
async function mayBeAlive(pid: number): Promise<boolean> {
  if (!granted("run")) return true;
  try {
    (await (processModule ??= import("node:process"))).kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code !== "ESRCH";
  }
}

/** This process's id (0 where there is none, e.g. a browser, which has no files either). */
async function ownPid(): Promise<number> {
  try {
    return (await (processModule ??= import("node:process"))).pid ?? 0;
  } catch {
    return 0;
  }
}

/** The temp files writeFileAtomic makes for `base`: `<base>.<pid>.<hex>.part`. */
const TEMP_NAME = /^(.*)\.(\d+)\.[0-9a-f]+\.part$/;

/**
 * Removes the temp files that dead writers of `file` left beside it (a process killed during
 * writeFileAtomic cannot clean up after itself). Best effort: it never throws, never prompts
 * for a permission, and leaves the files of live processes (this one included) alone.
 */
export async function removeStaleTemps(file: string | URL): Promise<void> {
  try {
    const [fs, p] = await Promise.all([nodeFs("cleanup"), nodePath()]);
    const name = file instanceof URL ? (await nodeUrl()).fileURLToPath(file) : file;
    const dir = p.dirname(name), base = p.basename(name);
    if (!granted("read", dir) || !granted("write", dir)) return;
    const self = await ownPid();
    for (const entry of await fs.readdir(dir)) {
      const m = TEMP_NAME.exec(entry);
      if (!m || m[1] !== base) continue;
      const pid = Number(m[2]);
      if (pid === self || await mayBeAlive(pid)) continue;
      await fs.rm(p.join(dir, entry), { force: true }).catch(() => {});
    }
  } catch {
    // nothing to clean, or no right to: a leftover is never worth failing a save or load over
  }
}

/**
 * Writes bytes to a fresh temporary file beside `file`, syncs it, then renames it into place,
 * so a reader never sees a half-written file (a rename within one directory is atomic) and a
 * failure leaves nothing behind. The temp file is `<file>.<pid>.<random hex>.part`, so that a
 * later write (or io.load) of the same path can tell a dead writer's leftover from a live
 * writer's file and remove it (removeStaleTemps). `mkdir` creates the folder first.
 */
export async function writeFileAtomic(
  op: string,
  file: string | URL,
  bytes: Uint8Array,
  { mkdir = false } = {},
): Promise<void> {
  const fs = await nodeFs(op);
  if (mkdir) {
    const p = await nodePath();
    const name = file instanceof URL ? (await nodeUrl()).fileURLToPath(file) : file;
    await fs.mkdir(p.dirname(name), { recursive: true });
  }
  await removeStaleTemps(file);
  const suffix = `.${await ownPid()}.` + [...crypto.getRandomValues(new Uint8Array(6))]
    .map((b) => b.toString(16).padStart(2, "0")).join("") +
    ".part";
  const tmp = file instanceof URL ? new URL(file.href + suffix) : file + suffix;
  let created = false;
  try {
    const handle = await fs.open(tmp, "wx"); // "x": never reuse a file someone else created
    created = true;
    try {
      for (let at = 0; at < bytes.length;) {
        at += (await handle.write(bytes, at, bytes.length - at)).bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (e) {
    if (created) await fs.rm(tmp, { force: true }).catch(() => {});
    throw e;
  }
}

/** The folder downloads go to by default: $XDG_CACHE_HOME/gradiente or ~/.cache/gradiente. */
export async function defaultCacheRoot(): Promise<string | undefined> {
  const p = await nodePath();
  const xdg = env("XDG_CACHE_HOME");
  if (xdg) return p.join(xdg, "gradiente");
  const home = env("HOME") ?? env("USERPROFILE");
  return home ? p.join(home, ".cache", "gradiente") : undefined;
}

/** Hex digest of bytes ("md5" or "sha256"). */
export async function hashHex(algorithm: "md5" | "sha256", bytes: Uint8Array): Promise<string> {
  return (await nodeCrypto()).createHash(algorithm).update(bytes).digest("hex");
}
