/**
 * safetensors: the fixtures written by Python's safetensors library
 * (test/fixtures/make_safetensors_fixture.py) load with the right values, dtypes and
 * metadata; serialize reproduces the reference file byte for byte; save/load round-trips
 * (atomically); and every kind of corrupt or hostile file fails with a clear error.
 * The save tests need --allow-write.
 */
import assert from "node:assert/strict";
import { throwsWith } from "./helpers.ts";
import { io, type Tensor, tensor } from "gradiente";

const FIXTURES = new URL("./fixtures/", import.meta.url);
const reference = () => Deno.readFile(new URL("safetensors_reference.safetensors", FIXTURES));

async function rejectsWith(fn: () => Promise<unknown>, ...patterns: (string | RegExp)[]) {
  await assert.rejects(fn, (e) => {
    assert.ok(e instanceof Error, `expected an Error, got ${String(e)}`);
    for (const p of patterns) {
      const ok = typeof p === "string" ? e.message.includes(p) : p.test(e.message);
      assert.ok(ok, `message lacks ${String(p)}:\n  ${e.message}`);
    }
    return true;
  });
}

/** The tensors of make_safetensors_fixture.py's REFERENCE, built here, in another order. */
function referenceTensors(): Record<string, Tensor> {
  return {
    mask: tensor([[true, false], [false, true]]),
    counts: tensor([0, -1, 2147483647, -2147483648], { dtype: "int32" }),
    "ñandú": tensor([2, 4], { dtype: "float64" }),
    weight: tensor([[1.5, -2.25, 3.0], [0.1, 1e-8, -0]]),
    empty: tensor(new Float32Array(0)).reshape(0, 3),
    "layer.0.scale": tensor(7.25),
    double: tensor([[Math.PI, Math.E], [-1e300, 5e-324]], { dtype: "float64" }),
    bias: tensor([0.5, -1.0, 65504.0]),
    Bias: tensor([1.0]),
  };
}

/** Raw safetensors bytes from a header (object or literal text) and a data section. */
function raw(
  header: unknown,
  data: Uint8Array = new Uint8Array(0),
  lengthField?: number | bigint,
): Uint8Array {
  let json = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const h = new Uint8Array(padded).fill(0x20);
  h.set(json);
  json = h;
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(lengthField ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

Deno.test("the reference fixture written by Python loads with the right values, dtypes and metadata", async () => {
  const { tensors, metadata } = io.deserialize(await reference());
  assert.deepEqual(metadata, {
    format: "pt",
    note: 'gradiente "fixture"\\ with\nnewline, tab\t and ñ',
  });
  const expected = referenceTensors();
  assert.deepEqual(Object.keys(tensors).sort(), Object.keys(expected).sort());
  for (const [name, t] of Object.entries(expected)) {
    const got = tensors[name];
    assert.equal(got.dtype, t.dtype, `${name} dtype`);
    assert.deepEqual(got.shape, t.shape, `${name} shape`);
    assert.deepEqual(got.toArray(), t.toArray(), `${name} values`);
  }
  // Exact float32 rounding of 0.1 and 1e-8, and the sign of -0 survive.
  const w = tensors.weight._values();
  assert.equal(w[3], Math.fround(0.1));
  assert.equal(w[4], Math.fround(1e-8));
  assert.ok(Object.is(w[5], -0));
  assert.equal(tensors.double._values()[3], 5e-324);
  assert.equal(tensors["layer.0.scale"].item(), 7.25);
});

Deno.test("serialize writes the same bytes as Python's safetensors library", async () => {
  const bytes = await reference();
  // Metadata in the order the library happened to write it (it keeps a hash map).
  const { metadata } = io.deserialize(bytes);
  const ours = io.serialize(referenceTensors(), metadata);
  assert.equal(ours.length, bytes.length);
  assert.deepEqual(ours, bytes);
  // Insertion order does not matter: tensors are ordered by dtype, then by name.
  const reversed = Object.fromEntries(Object.entries(referenceTensors()).reverse());
  assert.deepEqual(io.serialize(reversed, metadata), bytes);
  assert.deepEqual(await io.serializeAsync(reversed, metadata), bytes);
});

Deno.test("serialize: layout rules shared with the Python library", () => {
  const header = (bytes: Uint8Array) => {
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assert.equal(n % 8, 0, "header length is a multiple of 8");
    return new TextDecoder().decode(bytes.subarray(8, 8 + n));
  };
  // An empty dict, as safetensors.numpy.save({}) writes it.
  assert.deepEqual(io.serialize({}), raw("{}"));
  assert.equal(header(io.serialize({})), "{}      ");
  // Empty metadata is still written; absent metadata is not.
  assert.ok(header(io.serialize({}, {})).startsWith('{"__metadata__":{}}'));
  // Integer-like names keep byte order ("10" < "2"), which JSON.stringify would not.
  const h = header(io.serialize({ "2": tensor([1]), "10": tensor([2]), "a": tensor([3]) }));
  assert.ok(h.startsWith('{"10":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"2":'), h);
  // Views are written as their values, contiguously.
  const t = tensor([[1, 2, 3], [4, 5, 6]], { dtype: "int32" });
  const back = io.deserialize(io.serialize({ t: t.T })).tensors.t;
  assert.deepEqual(back.toArray(), [[1, 4], [2, 5], [3, 6]]);
});

Deno.test("the extra-dtypes fixture (F16, BF16, I64, I16, I8, U8) loads converted", async () => {
  const t = await io.load(new URL("safetensors_extra_dtypes.safetensors", FIXTURES));
  assert.equal(t.half.dtype, "float32");
  assert.deepEqual(t.half.toArray(), [1, -2.5, 65504, 2 ** -14, 2 ** -24, 0]);
  assert.equal(t.bhalf.dtype, "float32");
  assert.deepEqual((t.bhalf.toArray() as number[]).slice(0, 3), [1, -2.5, 3.140625]);
  assert.equal((t.bhalf.toArray() as number[])[3], Math.fround(9.969209968386869e37));
  for (const name of ["long", "short", "byte", "ubyte"]) assert.equal(t[name].dtype, "int32");
  assert.deepEqual(t.long.toArray(), [0, -5, 2147483647, -2147483648]);
  assert.deepEqual(t.short.toArray(), [-32768, 32767]);
  assert.deepEqual(t.byte.toArray(), [-128, 127]);
  assert.deepEqual(t.ubyte.toArray(), [0, 255]);
});

Deno.test("save/load round trip in a temp dir; save replaces atomically and leaves no temp file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gradiente_io_" });
  try {
    const path = `${dir}/model.safetensors`;
    const dict = referenceTensors();
    await io.save(dict, path, { metadata: { epoch: "3" } });
    const loaded = await io.load(path);
    for (const [name, t] of Object.entries(dict)) {
      assert.equal(loaded[name].dtype, t.dtype);
      assert.deepEqual(loaded[name].toArray(), t.toArray());
    }
    assert.deepEqual((await io.loadWithMetadata(path)).metadata, { epoch: "3" });
    assert.deepEqual(await Deno.readFile(path), io.serialize(dict, { epoch: "3" }));

    // Overwrite with new content; a failing save leaves the previous file untouched.
    await io.save({ w: tensor([1, 2]) }, path);
    assert.deepEqual((await io.load(path)).w.toArray(), [1, 2]);
    const before = await Deno.readFile(path);
    await rejectsWith(
      () => io.save({ w: [1, 2] as unknown as Tensor }, path),
      '"w" is object, not a Tensor',
    );
    assert.deepEqual(await Deno.readFile(path), before);
    await rejectsWith(
      () => io.save({ w: tensor([1]) }, `${dir}/missing/dir/x.safetensors`),
      "save: could not write",
      "missing/dir/x.safetensors",
    );
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names, ["model.safetensors"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("load: errors name the file, for a missing file and for a corrupt one", async () => {
  await rejectsWith(
    () => io.load("no/such/file.safetensors"),
    "load:",
    "no/such/file.safetensors",
    "no such file",
  );
  const dir = await Deno.makeTempDir({ prefix: "gradiente_io_" });
  try {
    const path = `${dir}/truncated.safetensors`;
    await Deno.writeFile(path, (await reference()).subarray(0, 300));
    await rejectsWith(
      () => io.load(path),
      "load:",
      path,
      "not a valid safetensors file",
      "truncated",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deserialize: truncated, malformed and hostile data raise clear errors", async () => {
  const ok = { x: { dtype: "F32", shape: [2], data_offsets: [0, 8] } };
  const eight = new Uint8Array(8);
  const bad = (bytes: Uint8Array, ...patterns: (string | RegExp)[]) =>
    throwsWith(
      () => io.deserialize(bytes, { source: "m.safetensors" }),
      "'m.safetensors'",
      ...patterns,
    );

  assert.deepEqual(io.deserialize(raw(ok, eight)).tensors.x.toArray(), [0, 0]);
  bad(new Uint8Array(0), "0 bytes long", "too short");
  bad(new Uint8Array(5), "5 bytes long");
  const full = await reference();
  bad(full.subarray(0, 100), "header claims", "truncated");
  bad(full.subarray(0, full.length - 1), "ends at byte", "truncated");
  bad(raw(ok, eight, 2n ** 40n), "above the 100 MB limit");
  bad(raw(ok, eight, 100_000_001), "above the 100 MB limit");
  bad(raw(ok, eight, 1000), "header claims 1000 bytes");
  const notUtf8 = raw('{"x":1}');
  notUtf8[10] = 0xff;
  bad(notUtf8, "not valid UTF-8");
  bad(raw('{"x": {"dtype": "F32",'), "not valid JSON");
  bad(raw("[1, 2, 3]"), "does not start with '{'");
  bad(raw({ x: 3 }), 'entry "x" is not an object');
  bad(
    raw({ x: { dtype: "Q7", shape: [2], data_offsets: [0, 8] } }, eight),
    'dtype "Q7"',
    "cannot read",
  );
  bad(raw({ x: { dtype: "F8_E4M3", shape: [8], data_offsets: [0, 8] } }, eight), "F8_E4M3");
  bad(raw({ x: { shape: [2], data_offsets: [0, 8] } }, eight), 'no string "dtype"');
  bad(raw({ x: { dtype: "F32", shape: [-2], data_offsets: [0, 8] } }, eight), "shape [-2]");
  bad(raw({ x: { dtype: "F32", shape: [2.5], data_offsets: [0, 8] } }, eight), "shape [2.5]");
  bad(raw({ x: { dtype: "F32", shape: [2], data_offsets: [8, 0] } }, eight), "data_offsets [8,0]");
  bad(raw({ x: { dtype: "F32", shape: [2], data_offsets: "0-8" } }, eight), "data_offsets");
  bad(
    raw({ x: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, eight),
    "needs 12 bytes",
    "span 8",
  );
  bad(
    raw({ x: { dtype: "F32", shape: [2 ** 30, 2 ** 30, 2 ** 30], data_offsets: [0, 8] } }, eight),
    "needs",
  );
  bad(
    raw({ x: { dtype: "F32", shape: [4], data_offsets: [0, 16] } }, eight),
    "ends at byte 16",
    "only 8 bytes",
  );
  bad(
    raw({
      x: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
      y: { dtype: "F32", shape: [1], data_offsets: [4, 8] },
    }, eight),
    "overlaps",
  );
  bad(raw({ x: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, eight), "gap", "bytes 0..4");
  bad(
    raw({ x: { dtype: "F32", shape: [1], data_offsets: [0, 4] } }, eight),
    "trailing bytes",
    "cover 4",
  );
  bad(raw({ __metadata__: { a: 1 } }), "'__metadata__' value \"a\"", "not a string");
  bad(raw({ __metadata__: ["a"] }), "'__metadata__' must be an object");
  const big = new Uint8Array(8);
  new DataView(big.buffer).setBigInt64(0, 2n ** 40n, true);
  bad(raw({ x: { dtype: "I64", shape: [1], data_offsets: [0, 8] } }, big), "does not fit in int32");
  // Without a source, the message says "the data".
  throwsWith(
    () => io.deserialize(new Uint8Array(3)),
    "deserialize: the data is not a valid safetensors file",
  );
});

Deno.test("deserialize: a tensor named __proto__ is an ordinary entry, not a prototype", () => {
  const bytes = raw(
    '{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
    new Uint8Array(4),
  );
  const { tensors } = io.deserialize(bytes);
  assert.equal(Object.getPrototypeOf(tensors), Object.prototype);
  assert.ok(Object.hasOwn(tensors, "__proto__"));
  assert.deepEqual(Object.keys(tensors), ["__proto__"]);
});

Deno.test("deserialize: unaligned data offsets still read correctly", () => {
  // A BOOL before an F32 puts the float at an odd offset (legal, if unusual).
  const data = new Uint8Array(5);
  data[0] = 1;
  new DataView(data.buffer).setFloat32(1, 2.5, true);
  const { tensors } = io.deserialize(raw({
    b: { dtype: "BOOL", shape: [1], data_offsets: [0, 1] },
    f: { dtype: "F32", shape: [1], data_offsets: [1, 5] },
  }, data));
  assert.deepEqual(tensors.b.toArray(), [true]);
  assert.deepEqual(tensors.f.toArray(), [2.5]);
});

Deno.test("serialize: clear errors for bad state dicts and metadata", () => {
  throwsWith(
    () => io.serialize({ w: 3 as unknown as Tensor }),
    "serialize:",
    '"w" is number, not a Tensor',
  );
  throwsWith(() => io.serialize({ __metadata__: tensor([1]) }), "'__metadata__' is reserved");
  throwsWith(
    () => io.serialize({ w: tensor([1]) }, { epoch: 3 as unknown as string }),
    "metadata values must be strings",
    '"epoch" is number',
  );
  throwsWith(() => io.serialize(null as unknown as Record<string, Tensor>), "expected an object");
});

// save/load go through node:fs, which Deno's own polyfill implements with `Deno`; that they run
// on Node is checked by the vitest suite (node/test/, `deno task test:node`).
Deno.test("serialize and deserialize work without the Deno global", async () => {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "Deno")!;
  const readFile = Deno.readFile;
  const bytes = await readFile(new URL("safetensors_reference.safetensors", FIXTURES));
  delete (globalThis as { Deno?: unknown }).Deno;
  try {
    assert.equal((globalThis as { Deno?: unknown }).Deno, undefined);
    assert.deepEqual(
      io.serialize(io.deserialize(bytes).tensors, io.deserialize(bytes).metadata),
      bytes,
    );
  } finally {
    Object.defineProperty(globalThis, "Deno", descriptor);
  }
});
