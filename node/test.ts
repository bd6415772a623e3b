/**
 * `deno task test:node [vitest args...]`: builds the npm package, packs it as `npm publish`
 * would, installs the tarball into node/node_modules (with its dependencies, as a user's
 * `npm install` does; node/package.json and the lockfile are left alone), then runs the vitest
 * suite in node/test on Node. Extra arguments go to vitest (a file name filters the suite).
 */
import { join } from "node:path";
import { build } from "./build.ts";
import { PACKAGE, run, TOOLING, toolScript } from "./tooling.ts";

async function packAndInstall(): Promise<void> {
  const dest = join(TOOLING, ".pack");
  await Deno.remove(dest, { recursive: true }).catch(() => {});
  await Deno.mkdir(dest, { recursive: true });
  const out = await run("npm", ["pack", "--json", "--pack-destination", dest], {
    cwd: PACKAGE,
    quiet: true,
  });
  const [{ filename }] = JSON.parse(out) as { filename: string }[];
  await run("npm", [
    "install",
    "--no-save",
    "--no-audit",
    "--no-fund",
    join(dest, filename),
  ], {
    cwd: TOOLING,
    quiet: true,
  });
  console.log(`test:node: installed ${filename} into node/node_modules`);
}

if (import.meta.main) {
  try {
    await build();
    await packAndInstall();
    const vitest = toolScript("vitest", "vitest.mjs");
    const status = await new Deno.Command("node", {
      args: [vitest, "run", ...Deno.args],
      cwd: TOOLING,
      stdin: "null",
    }).spawn().status;
    Deno.exit(status.code);
  } catch (e) {
    console.error((e as Error).message);
    Deno.exit(1);
  }
}
