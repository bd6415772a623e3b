/**
 * Shared by the Node-side scripts (build.ts, test.ts): where things are, running a command with
 * a clear error, and installing node/'s pinned tooling with `npm ci` when it is missing or
 * older than the lockfile.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT: string = dirname(dirname(fileURLToPath(import.meta.url)));
/** node/: the tooling's package.json, lockfile, configs and the vitest suite. */
export const TOOLING: string = join(ROOT, "node");
/** npm/: the built package (git-ignored). */
export const PACKAGE: string = join(ROOT, "npm");

/** Runs `cmd args` in `cwd`, output passed through; throws naming the command if it fails. */
export async function run(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; quiet?: boolean } = {},
): Promise<string> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(cmd, {
      args,
      cwd: options.cwd ?? ROOT,
      env: options.env,
      stdin: "null",
      stdout: "piped",
      stderr: options.quiet ? "piped" : "inherit",
    }).output();
  } catch (e) {
    throw new Error(
      `cannot start ${cmd} (is it installed and on PATH?): ${(e as Error).message}`,
    );
  }
  const stdout = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    const stderr = options.quiet ? new TextDecoder().decode(out.stderr) : "";
    throw new Error(
      `${cmd} ${args.join(" ")} failed (exit ${out.code}) in ${options.cwd ?? ROOT}\n` +
        (stdout + stderr).trim(),
    );
  }
  if (!options.quiet && stdout) {
    await Deno.stdout.write(new TextEncoder().encode(stdout));
  }
  return stdout;
}

async function mtime(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).mtime?.getTime() ?? 0;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return 0;
    throw e;
  }
}

/**
 * `npm ci` in node/ unless node_modules is already there and newer than package-lock.json
 * (npm writes node_modules/.package-lock.json on every install).
 */
export async function ensureTooling(): Promise<void> {
  const installed = await mtime(
    join(TOOLING, "node_modules", ".package-lock.json"),
  );
  if (
    installed > 0 &&
    installed >= await mtime(join(TOOLING, "package-lock.json"))
  ) return;
  console.log("node/: npm ci (the pinned Node tooling)");
  await run("npm", ["ci", "--no-audit", "--no-fund"], { cwd: TOOLING });
}

/** A tool's entry script in node/node_modules, run with node (npm's .bin links may clash). */
export function toolScript(pkg: string, script: string): string {
  return join(TOOLING, "node_modules", pkg, script);
}
