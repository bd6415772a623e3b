/**
 * `deno task kernel [--user | --prefix DIR] [--uninstall]`: installs (or removes) the Jupyter
 * kernelspec `gradiente`, which runs Deno's own kernel with the deno that runs this script.
 */
import { join } from "node:path";
import {
  DISPLAY_NAME,
  gradienteKernelSpec,
  KERNEL_NAME,
  type KernelSpec,
  kernelSpecDir,
} from "./kernelspec.ts";

export interface InstallOptions {
  /** Install under `prefix`/share/jupyter/kernels instead of the per-user data dir. */
  prefix?: string;
  /** The deno binary the kernel runs; defaults to the running one. */
  denoPath?: string;
  env?: (name: string) => string | undefined;
}

export interface InstallResult {
  dir: string;
  spec: KernelSpec;
  status: "installed" | "updated" | "unchanged";
}

// A nabla (the gradient) for the launcher tile; Jupyter reads logo-svg.svg from the spec dir.
const LOGO_SVG =
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">
<rect width="64" height="64" rx="12" fill="#1f2937"/>
<path d="M10 14h44L32 54z" fill="none" stroke="#f59e0b" stroke-width="6" stroke-linejoin="round"/>
</svg>
`;

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/** Writes through a temp file and a rename, so Jupyter never reads half a kernel.json. */
async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  await Deno.writeTextFile(tmp, text);
  await Deno.rename(tmp, path);
}

/** Installs the kernelspec; running it again changes nothing unless the deno path moved. */
export async function installKernel(options: InstallOptions = {}): Promise<InstallResult> {
  const dir = kernelSpecDir(KERNEL_NAME, options);
  const spec = gradienteKernelSpec(options.denoPath ?? Deno.execPath());
  const json = JSON.stringify(spec, null, 2) + "\n";
  const specPath = join(dir, "kernel.json");
  const previous = await readIfExists(specPath);
  await Deno.mkdir(dir, { recursive: true });
  if (previous !== json) await writeAtomic(specPath, json);
  const logoPath = join(dir, "logo-svg.svg");
  if (await readIfExists(logoPath) !== LOGO_SVG) await writeAtomic(logoPath, LOGO_SVG);
  const status = previous === null ? "installed" : previous === json ? "unchanged" : "updated";
  return { dir, spec, status };
}

/** Removes the kernelspec directory; `removed` is false when there was none. */
export async function uninstallKernel(
  options: Omit<InstallOptions, "denoPath"> = {},
): Promise<{ dir: string; removed: boolean }> {
  const dir = kernelSpecDir(KERNEL_NAME, options);
  try {
    await Deno.remove(dir, { recursive: true });
    return { dir, removed: true };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { dir, removed: false };
    throw e;
  }
}

const USAGE = `Usage: deno task kernel [--user | --prefix DIR] [--uninstall]

Installs the Jupyter kernelspec "${KERNEL_NAME}" ("${DISPLAY_NAME}"), which runs Deno's kernel.
  --user        install for the current user (default): $JUPYTER_DATA_DIR/kernels, else
                \${XDG_DATA_HOME:-~/.local/share}/jupyter/kernels (Linux),
                ~/Library/Jupyter/kernels (macOS), %APPDATA%\\jupyter\\kernels (Windows)
  --prefix DIR  install into DIR/share/jupyter/kernels (e.g. a virtualenv's sys.prefix)
  --uninstall   remove the kernelspec from that place`;

function parseArgs(args: string[]): { prefix?: string; uninstall: boolean; help: boolean } {
  const out: { prefix?: string; uninstall: boolean; help: boolean } = {
    uninstall: false,
    help: false,
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--uninstall") out.uninstall = true;
    else if (a === "--user") out.prefix = undefined;
    else if (a === "--help" || a === "-h") out.help = true;
    else if (a === "--prefix" && i + 1 < args.length) out.prefix = args[++i];
    else if (a.startsWith("--prefix=")) out.prefix = a.slice("--prefix=".length);
    else throw new Error(`unknown argument "${a}"\n\n${USAGE}`);
  }
  return out;
}

async function main(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(args);
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  if (parsed.help) {
    console.log(USAGE);
    return 0;
  }
  if (parsed.uninstall) {
    const { dir, removed } = await uninstallKernel({ prefix: parsed.prefix });
    console.log(
      removed
        ? `Removed the Jupyter kernel "${KERNEL_NAME}" from ${dir}`
        : `Nothing to remove: ${dir} does not exist`,
    );
    return 0;
  }
  const { dir, spec, status } = await installKernel({ prefix: parsed.prefix });
  const verb =
    { installed: "Installed", updated: "Updated", unchanged: "Already installed" }[status];
  console.log(`${verb}: Jupyter kernel "${KERNEL_NAME}" (${DISPLAY_NAME}) in ${dir}`);
  console.log(`  runs: ${spec.argv.join(" ")}   (interrupt_mode: ${spec.interrupt_mode})`);
  if (parsed.prefix !== undefined) {
    console.log(
      `  Jupyter looks there only if ${
        join(parsed.prefix, "share", "jupyter")
      } is its sys.prefix or on JUPYTER_PATH.`,
    );
  }
  console.log(`Pick it:
  JupyterLab / Notebook 7: Kernel > Change Kernel... > ${DISPLAY_NAME} (or its launcher tile)
  VS Code: Select Kernel > Jupyter Kernel... > ${DISPLAY_NAME}
  Terminal: jupyter console --kernel ${KERNEL_NAME}
Notebooks inside this repository can import { tensor } from "gradiente" (its deno.json maps it).`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
