/**
 * The `gradiente` kernelspec: where Jupyter keeps kernelspecs (jupyter_core's rules) and what
 * ours says. The kernel itself is Deno's (`deno jupyter --kernel`); we only name it and ask for
 * message-based interrupts, so Stop sends interrupt_request instead of SIGINT (which would
 * kill a Deno process that does not handle it).
 */
import { join } from "node:path";

export const KERNEL_NAME = "gradiente";
export const DISPLAY_NAME = "Gradiente (Deno)";

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode?: "signal" | "message";
  env?: Record<string, string>;
  metadata?: Record<string, unknown>;
}

/** A kernelspec found on disk. */
export interface FoundKernelSpec {
  name: string;
  dir: string;
  spec: KernelSpec;
}

/** The kernel.json that starts Deno's kernel with the given deno binary. */
export function gradienteKernelSpec(denoPath: string): KernelSpec {
  return {
    argv: [denoPath, "jupyter", "--kernel", "--conn", "{connection_file}"],
    display_name: DISPLAY_NAME,
    language: "typescript",
    interrupt_mode: "message",
    metadata: { debugger: false },
  };
}

type Env = (name: string) => string | undefined;
const defaultEnv: Env = (name) => Deno.env.get(name);

function home(env: Env): string {
  const h = env("HOME") ?? env("USERPROFILE");
  if (!h) throw new Error("cannot find the home directory: set HOME or JUPYTER_DATA_DIR");
  return h;
}

/** jupyter_core's `jupyter_data_dir()`: the per-user data directory. */
export function jupyterDataDir(env: Env = defaultEnv, os: string = Deno.build.os): string {
  const explicit = env("JUPYTER_DATA_DIR");
  if (explicit) return explicit;
  if (os === "darwin") return join(home(env), "Library", "Jupyter");
  if (os === "windows") {
    const appdata = env("APPDATA");
    return appdata ? join(appdata, "jupyter") : join(home(env), ".jupyter", "data");
  }
  return join(env("XDG_DATA_HOME") || join(home(env), ".local", "share"), "jupyter");
}

/** The kernelspec directory for `name`: per-user, or under `prefix`/share/jupyter/kernels. */
export function kernelSpecDir(
  name: string,
  options: { prefix?: string; env?: Env } = {},
): string {
  const base = options.prefix !== undefined
    ? join(options.prefix, "share", "jupyter")
    : jupyterDataDir(options.env);
  return join(base, "kernels", name);
}

/** jupyter_core's `jupyter_path("kernels")`: JUPYTER_PATH, the user dir, then system dirs. */
export function kernelSearchPath(env: Env = defaultEnv, os: string = Deno.build.os): string[] {
  const sep = os === "windows" ? ";" : ":";
  const dirs = (env("JUPYTER_PATH") ?? "").split(sep).filter((d) => d !== "");
  dirs.push(jupyterDataDir(env, os));
  if (os === "windows") {
    const programData = env("PROGRAMDATA");
    if (programData) dirs.push(join(programData, "jupyter"));
  } else {
    dirs.push("/usr/local/share/jupyter", "/usr/share/jupyter");
  }
  return dirs.map((d) => join(d, "kernels"));
}

/** Finds the kernelspec `name` the way Jupyter does (first match on the search path). */
export async function findKernelSpec(
  name: string,
  env: Env = defaultEnv,
): Promise<FoundKernelSpec | null> {
  for (const kernels of kernelSearchPath(env)) {
    const dir = join(kernels, name);
    let text: string;
    try {
      text = await Deno.readTextFile(join(dir, "kernel.json"));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) continue;
      throw e;
    }
    const spec = JSON.parse(text) as KernelSpec;
    if (!Array.isArray(spec.argv) || spec.argv.length === 0) {
      throw new Error(`${join(dir, "kernel.json")}: "argv" must be a non-empty array`);
    }
    return { name, dir, spec };
  }
  return null;
}
