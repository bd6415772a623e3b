/**
 * Jupyter integration: the wire format, nbformat IO, output assembly, display(), the
 * kernelspec, and the notebook runner end to end through Deno's real kernel and ZeroMQ
 * (run as `deno task notebooks` runs it, with the task's own permissions).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { decode, encode, makeMessage, Signer } from "../kernel/runner/messages.ts";
import {
  type Notebook,
  parseNotebook,
  serializeNotebook,
  splitLines,
  validateNotebook,
} from "../kernel/runner/nbformat.ts";
import { OutputCollector } from "../kernel/runner/outputs.ts";
import { detectFrontend, displayOn, type Frontend, mimeBundle } from "../src/notebook/display.ts";
import { tensor } from "gradiente";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const enc = new TextEncoder();
const dec = new TextDecoder();

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const out = await new Deno.Command(args[0], {
    args: args.slice(1),
    cwd: options.cwd ?? ROOT,
    env: options.env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** A deno.json task's command line, with `deno` as this deno (so its permissions are tested). */
async function task(name: string): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  const [deno, ...rest] = (config.tasks[name] as string).split(/\s+/);
  assert.equal(deno, "deno");
  return [
    Deno.execPath(),
    ...rest.map((a) => a.endsWith(".ts") && !a.startsWith("-") ? join(ROOT, a) : a),
  ];
}

/** A Python with nbformat and jupyter_client (Debian's jupyter-nbconvert brings both), or null. */
const python = await (async () => {
  for (const exe of ["/usr/bin/python3", "python3"]) {
    try {
      const r = await run([exe, "-c", "import nbformat, jupyter_client"]);
      if (r.code === 0) return exe;
    } catch {
      // not installed
    }
  }
  return null;
})();

function text(v: unknown): string {
  return Array.isArray(v) ? v.join("") : String(v);
}

// ---- wire format ------------------------------------------------------------------------------

Deno.test("messages: HMAC-SHA256 over header, parent_header, metadata, content", () => {
  const signer = new Signer("0123456789abcdef");
  const header = '{"msg_id":"m1","session":"s1","username":"u","date":"2026-01-01T00:00:00.000Z",' +
    '"msg_type":"kernel_info_request","version":"5.3"}';
  // From Python: jupyter_client.session.Session(key=b"0123456789abcdef").sign(parts)
  const expected = "f5a6e5e8b1b3e603ae7214d7a6d89c491c230ded5f721b7ba691f8fab64a5856";
  assert.equal(signer.sign([header, "{}", "{}", "{}"]), expected);
  assert.ok(
    signer.verify(expected, [
      enc.encode(header),
      enc.encode("{}"),
      enc.encode("{}"),
      enc.encode("{}"),
    ]),
  );
  assert.ok(!signer.verify(expected.replace("f", "0"), [header, "{}", "{}", "{}"]));
  assert.equal(new Signer("").sign(["x"]), "", "an empty key disables signing");
  assert.throws(() => new Signer("k", "md5"), /signature_scheme/);
});

Deno.test("messages: encode/decode round trip; tampering and wrong keys are rejected", () => {
  const signer = new Signer("secret");
  const parent = makeMessage("session-a", "execute_request", { code: "1 + 1" });
  const msg = makeMessage(
    "session-b",
    "execute_reply",
    { status: "ok", execution_count: 1 },
    parent.header,
  );
  msg.identities = [enc.encode("router-id")];
  msg.buffers = [new Uint8Array([1, 2, 3])];
  const frames = encode(msg, signer).map((f) => typeof f === "string" ? enc.encode(f) : f);
  assert.equal(dec.decode(frames[1]), "<IDS|MSG>");
  const back = decode(frames, signer);
  assert.deepEqual(back.header, msg.header);
  assert.equal(back.header.version, "5.3");
  assert.equal(back.parent_header.msg_id, parent.header.msg_id);
  assert.deepEqual(back.content, msg.content);
  assert.deepEqual(back.identities.map((f) => dec.decode(f)), ["router-id"]);
  assert.deepEqual([...back.buffers[0]], [1, 2, 3]);

  const tampered = [...frames];
  tampered[6] = enc.encode('{"status":"error"}');
  assert.throws(() => decode(tampered, signer), /invalid HMAC signature/);
  assert.throws(() => decode(frames, new Signer("other")), /invalid HMAC signature/);
  assert.throws(() => decode(frames.slice(0, 4), signer), /frames after the delimiter/);
  assert.throws(() => decode([enc.encode("x")], signer), /delimiter/);
});

// ---- nbformat ---------------------------------------------------------------------------------

Deno.test("nbformat: splitLines is Python's str.splitlines(keepends=True)", () => {
  assert.deepEqual(splitLines(""), []);
  assert.deepEqual(splitLines("a"), ["a"]);
  assert.deepEqual(splitLines("a\n"), ["a\n"]);
  assert.deepEqual(splitLines("a\nb"), ["a\n", "b"]);
  assert.deepEqual(splitLines("a\r\nb\rc\n\n"), ["a\r\n", "b\r", "c\n", "\n"]);
  assert.deepEqual(splitLines("x\u2028y"), ["x\u2028", "y"]);
});

function sampleNotebook(): Notebook {
  return parseNotebook(JSON.stringify({
    nbformat: 4,
    nbformat_minor: 2,
    metadata: { zeta: 1, alpha: { b: 2, a: 1 } },
    cells: [
      { cell_type: "markdown", metadata: {}, source: ["# Título\n", "ñ"] },
      {
        cell_type: "code",
        metadata: { tags: ["x"] },
        execution_count: 3,
        source: "const x = 1;\nx",
        outputs: [
          { output_type: "stream", name: "stdout", text: "a\nb\n" },
          {
            output_type: "display_data",
            metadata: {},
            data: {
              "text/plain": "line 1\nline 2",
              "image/svg+xml": "<svg>\n</svg>",
              "image/png": "iVBORw0KGgo=",
              "application/vnd.plotly.v1+json": { data: [{ y: [1, 2] }], layout: {} },
            },
          },
          {
            output_type: "execute_result",
            execution_count: 3,
            metadata: {},
            data: { "text/plain": "\u001b[33m1\u001b[39m" },
          },
        ],
      },
    ],
  }));
}

Deno.test("nbformat: written as Jupyter writes it (sorted keys, 1-space indent, lines)", async () => {
  const nb = sampleNotebook();
  assert.equal(nb.nbformat_minor, 5, "upgraded to 4.5");
  assert.match(nb.cells[0].id, /^[0-9a-f]{8}$/, "a cell id was added");
  assert.equal(nb.cells[0].source, "# Título\nñ", "line lists are joined in memory");
  const textOut = serializeNotebook(nb);
  assert.ok(textOut.startsWith('{\n "cells": [\n  {\n   "cell_type": "markdown",'));
  assert.ok(textOut.endsWith("}\n"));
  assert.ok(textOut.includes("Título"), "non-ASCII is kept, as ensure_ascii=False does");
  const parsed = JSON.parse(textOut);
  const [md, code] = parsed.cells;
  assert.deepEqual(md.source, ["# Título\n", "ñ"]);
  assert.deepEqual(Object.keys(parsed.metadata), ["alpha", "zeta"]);
  assert.deepEqual(Object.keys(parsed.metadata.alpha), ["a", "b"]);
  assert.deepEqual(code.source, ["const x = 1;\n", "x"]);
  assert.deepEqual(code.outputs[0].text, ["a\n", "b\n"]);
  const data = code.outputs[1].data;
  assert.deepEqual(data["text/plain"], ["line 1\n", "line 2"]);
  assert.deepEqual(data["image/svg+xml"], ["<svg>\n", "</svg>"]);
  assert.equal(data["image/png"], "iVBORw0KGgo=", "base64 images stay one string");
  assert.deepEqual(data["application/vnd.plotly.v1+json"].data, [{ y: [1, 2] }]);
  assert.deepEqual(validateNotebook(parsed), []);
  assert.equal(serializeNotebook(parseNotebook(textOut)), textOut, "read + write is stable");

  if (python) {
    // nbformat itself must accept the file and write the very same bytes.
    const dir = await Deno.makeTempDir();
    const path = join(dir, "nb.ipynb");
    await Deno.writeTextFile(path, textOut);
    const r = await run([
      python,
      "-c",
      "import nbformat, sys; nb = nbformat.read(sys.argv[1], as_version=4); nbformat.validate(nb); " +
      "sys.stdout.write(nbformat.writes(nb) + '\\n')",
      path,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, textOut);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("nbformat: validateNotebook names missing keys", () => {
  const problems = validateNotebook({
    nbformat: 4,
    nbformat_minor: 4,
    metadata: {},
    cells: [
      {
        cell_type: "code",
        id: "a",
        metadata: {},
        source: "",
        outputs: [{ output_type: "stream" }],
      },
      { cell_type: "markdown", id: "a", metadata: {}, source: [] },
    ],
  });
  assert.ok(problems.some((p) => p.includes("nbformat_minor")));
  assert.ok(problems.includes('cell 0: missing "execution_count"'));
  assert.ok(problems.includes('cell 0 output 0: missing "name"'));
  assert.ok(problems.includes("cell 1: duplicate id a"));
});

// ---- output assembly --------------------------------------------------------------------------

function iopub(type: string, content: Record<string, unknown>) {
  return makeMessage("kernel", type, content);
}

Deno.test("outputs: streams merge, display ids update across cells, clear_output waits", () => {
  const c = new OutputCollector();
  c.handle(0, iopub("stream", { name: "stdout", text: "a\n" }));
  c.handle(0, iopub("stream", { name: "stdout", text: "b\n" }));
  c.handle(0, iopub("stream", { name: "stderr", text: "e\n" }));
  c.handle(
    0,
    iopub("display_data", {
      data: { "text/plain": "v1" },
      metadata: {},
      transient: { display_id: "d" },
    }),
  );
  c.handle(0, iopub("status", { execution_state: "idle" }));
  assert.deepEqual(c.outputs(0).map((o) => o.output_type), ["stream", "stream", "display_data"]);
  assert.deepEqual(c.outputs(0)[0], { output_type: "stream", name: "stdout", text: "a\nb\n" });

  // A later cell updates the display shown in cell 0, and shows it again.
  c.handle(
    1,
    iopub("update_display_data", {
      data: { "text/plain": "v2" },
      metadata: {},
      transient: { display_id: "d" },
    }),
  );
  assert.equal(c.outputs(1).length, 0, "an update adds no output");
  assert.deepEqual(c.outputs(0)[2], {
    output_type: "display_data",
    data: { "text/plain": "v2" },
    metadata: {},
  });
  c.handle(
    1,
    iopub("display_data", {
      data: { "text/plain": "v3" },
      metadata: {},
      transient: { display_id: "d" },
    }),
  );
  assert.equal(
    text((c.outputs(0)[2] as { data: Record<string, unknown> }).data["text/plain"]),
    "v3",
  );
  c.handle(
    1,
    iopub("update_display_data", {
      data: { "text/plain": "unknown" },
      metadata: {},
      transient: { display_id: "nope" },
    }),
  );

  c.handle(2, iopub("stream", { name: "stdout", text: "old" }));
  c.handle(2, iopub("clear_output", { wait: true }));
  assert.equal(c.outputs(2).length, 1, "wait: cleared at the next output");
  c.handle(
    2,
    iopub("execute_result", { data: { "text/plain": "new" }, metadata: {}, execution_count: 7 }),
  );
  assert.deepEqual(c.outputs(2), [
    {
      output_type: "execute_result",
      data: { "text/plain": "new" },
      metadata: {},
      execution_count: 7,
    },
  ]);
  c.handle(2, iopub("clear_output", { wait: false }));
  assert.equal(c.outputs(2).length, 0);
  c.handle(3, iopub("error", { ename: "E", evalue: "v", traceback: ["E: v", "  at x"] }));
  assert.deepEqual(c.outputs(3)[0], {
    output_type: "error",
    ename: "E",
    evalue: "v",
    traceback: ["E: v", "  at x"],
  });
});

// ---- display() --------------------------------------------------------------------------------

Deno.test("display: bundles from Symbol.for('Jupyter.display'), console fallback, updates need ids", async () => {
  const rich = {
    [Symbol.for("Jupyter.display")]: () => Promise.resolve({ "text/html": "<b>x</b>" }),
  };
  const bundle = await mimeBundle(rich);
  assert.equal(bundle["text/html"], "<b>x</b>");
  assert.equal(typeof bundle["text/plain"], "string", "a text/plain fallback is added");
  assert.deepEqual(await mimeBundle({ "text/plain": "raw" }, true), { "text/plain": "raw" });
  assert.equal((await mimeBundle(42))["text/plain"], "42");

  const shown: [Record<string, unknown>, unknown][] = [];
  const recorder: Frontend = { name: "console", show: (b, o) => void shown.push([b, o]) };
  await displayOn(recorder, rich, { id: "a" });
  await displayOn(recorder, rich, { id: "a", update: true });
  assert.equal(shown.length, 2);
  assert.deepEqual(shown[1][1], { id: "a", update: true });
  await assert.rejects(displayOn(recorder, rich, { update: true }), /needs the id/);

  // Outside a kernel (this test) display() prints text/plain to the console.
  assert.equal(detectFrontend().name, "console");
  const logged: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void logged.push(args.join(" "));
  try {
    await detectFrontend().show({ "text/plain": "tensor([1.])", "text/html": "<table>" }, {});
  } finally {
    console.log = log;
  }
  assert.deepEqual(logged, ["tensor([1.])"]);
});

// ---- REPL -------------------------------------------------------------------------------------

Deno.test("repl: tensors print with coloured values; deno task repl preloads the library", async () => {
  const t = tensor([[1.5, -2]], { requiresGrad: true });
  const plain = Deno.inspect(t, { colors: false });
  assert.equal(plain, "tensor([[ 1.5000, -2.0000]], requiresGrad=true)");
  const coloured = Deno.inspect(t, { colors: true });
  assert.equal(
    coloured,
    "tensor([[ \x1b[33m1.5000\x1b[39m, \x1b[33m-2.0000\x1b[39m]], requiresGrad=true)",
  );
  assert.equal(Deno.inspect(tensor([true]), { colors: true }), "tensor([\x1b[33mtrue\x1b[39m])");

  const child = new Deno.Command((await task("repl"))[0], {
    args: (await task("repl")).slice(1),
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(
    enc.encode(
      "const m = new nn.Linear(2, 1);\ntensor([1, 2, 3]).sum().item() + m.weight.shape[1]\n",
    ),
  );
  await writer.close();
  const out = await child.output();
  const stdout = dec.decode(out.stdout);
  assert.match(stdout, /gradiente: \d+ names in scope/);
  assert.match(stdout, /^8$/m, stdout + dec.decode(out.stderr));
});

// ---- kernelspec -------------------------------------------------------------------------------

Deno.test("kernelspec: deno task kernel installs, is idempotent, honours --prefix, uninstalls", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "gradiente-jupyter-" });
  const env = { JUPYTER_DATA_DIR: dataDir, JUPYTER_PATH: "" };
  const install = await task("kernel");
  const specDir = join(dataDir, "kernels", "gradiente");

  const first = await run(install, { env });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^Installed: Jupyter kernel "gradiente" \(Gradiente \(Deno\)\)/);
  assert.ok(first.stdout.includes(specDir), "says where it installed");
  assert.ok(first.stdout.includes("jupyter console --kernel gradiente"));
  assert.ok(first.stdout.includes("VS Code") && first.stdout.includes("JupyterLab"));
  const specText = await Deno.readTextFile(join(specDir, "kernel.json"));
  const spec = JSON.parse(specText);
  assert.deepEqual(spec.argv, [
    Deno.execPath(),
    "jupyter",
    "--kernel",
    "--conn",
    "{connection_file}",
  ]);
  assert.equal(spec.display_name, "Gradiente (Deno)");
  assert.equal(spec.language, "typescript");
  assert.equal(spec.interrupt_mode, "message");
  assert.ok((await Deno.stat(join(specDir, "logo-svg.svg"))).isFile);

  const second = await run(install, { env });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /^Already installed/);
  assert.equal(await Deno.readTextFile(join(specDir, "kernel.json")), specText);

  if (python) {
    const r = await run([
      python,
      "-c",
      "import json; from jupyter_client.kernelspec import KernelSpecManager as M; " +
      "s = M().get_kernel_spec('gradiente'); " +
      "print(json.dumps([s.display_name, s.interrupt_mode, s.argv[1:]]))",
    ], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [
      "Gradiente (Deno)",
      "message",
      ["jupyter", "--kernel", "--conn", "{connection_file}"],
    ]);
  }

  const prefix = join(dataDir, "prefix");
  const withPrefix = await run([...install, "--prefix", prefix], { env });
  assert.equal(withPrefix.code, 0, withPrefix.stderr);
  assert.ok((await Deno.stat(join(prefix, "share/jupyter/kernels/gradiente/kernel.json"))).isFile);

  const removed = await run([...install, "--uninstall"], { env });
  assert.equal(removed.code, 0, removed.stderr);
  assert.match(removed.stdout, /^Removed/);
  await assert.rejects(Deno.stat(specDir), Deno.errors.NotFound);
  const again = await run([...install, "--uninstall"], { env });
  assert.match(again.stdout, /^Nothing to remove/);
  const bad = await run([...install, "--bogus"], { env });
  assert.equal(bad.code, 2);
  await Deno.remove(dataDir, { recursive: true });
});

// ---- the runner, end to end -------------------------------------------------------------------

/** A Jupyter data dir with our kernelspec, so the runner starts the kernel from it. */
async function jupyterEnv(): Promise<Record<string, string>> {
  const dataDir = await Deno.makeTempDir({ prefix: "gradiente-jupyter-" });
  const env = { JUPYTER_DATA_DIR: dataDir, JUPYTER_PATH: "" };
  const r = await run(await task("kernel"), { env });
  assert.equal(r.code, 0, r.stderr);
  return env;
}

/** A scratch directory outside the repo whose deno.json maps "gradiente" to this checkout. */
async function scratchProject(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "gradiente-nb-" });
  const modUrl = pathToFileURL(join(ROOT, "mod.ts")).href;
  await Deno.writeTextFile(
    join(dir, "deno.json"),
    JSON.stringify({ imports: { gradiente: modUrl } }),
  );
  return dir;
}

type Out = Record<string, unknown> & { output_type: string };
type SavedCell = { id: string; execution_count: number | null; outputs: Out[] };

function cellsById(nb: { cells: SavedCell[] }): Record<string, SavedCell> {
  return Object.fromEntries(nb.cells.map((c) => [c.id, c]));
}

const dataOf = (o: Out) => o.data as Record<string, unknown>;

Deno.test("runner: displays, streams, display updates (also late ones); stable re-run", async () => {
  const env = await jupyterEnv();
  const outDir = await Deno.makeTempDir({ prefix: "gradiente-out-" });
  // Executed in test/notebooks (so "gradiente" resolves through the repo's deno.json), written
  // to a temp dir.
  const cmd = [...await task("notebooks"), "--output-dir", outDir, "test/notebooks/display.ipynb"];
  const r = await run(cmd, { env });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^test\/notebooks\/display\.ipynb {2}5 code cells {2}[\d.]+ s {2}OK/);

  const path = join(outDir, "display.ipynb");
  const saved = await Deno.readTextFile(path);
  const nb = JSON.parse(saved);
  assert.deepEqual(validateNotebook(nb), []);
  assert.equal(nb.nbformat, 4);
  assert.equal(nb.nbformat_minor, 5);
  assert.deepEqual(nb.metadata.kernelspec, {
    display_name: "Gradiente (Deno)",
    language: "typescript",
    name: "gradiente",
  });
  assert.equal(nb.metadata.language_info.name, "typescript");
  const cells = cellsById(nb);
  assert.deepEqual(
    nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code").map((c: SavedCell) =>
      c.execution_count
    ),
    [1, 2, 3, 4, 5],
  );

  // The tensor: text/plain is its repr; other MIME types (the HTML table) are whatever the
  // Tensor's bundle holds, each stored in standard form.
  const [tensorOut] = cells.tensor.outputs;
  assert.equal(tensorOut.output_type, "execute_result");
  assert.equal(tensorOut.execution_count, 1);
  const tensorData = dataOf(tensorOut);
  assert.equal(text(tensorData["text/plain"]), "tensor([[1., 2.],\n        [3., 4.]])");
  for (const [mime, v] of Object.entries(tensorData)) {
    const ok = mime.endsWith("json")
      ? typeof v === "object"
      : Array.isArray(v) || typeof v === "string";
    assert.ok(ok, `${mime} stored in standard form`);
  }

  assert.deepEqual(cells.streams.outputs, [
    { name: "stdout", output_type: "stream", text: ["hello\n", "world\n"] },
    { name: "stderr", output_type: "stream", text: ["to stderr\n"] },
  ]);

  // broadcast display_data + 3 updates: one output, in its final state.
  const [live, result] = cells.broadcast.outputs;
  assert.equal(cells.broadcast.outputs.length, 2);
  assert.equal(live.output_type, "display_data");
  assert.deepEqual(dataOf(live), { "text/html": ["<b>step 3</b>"], "text/plain": ["step 3"] });
  assert.equal(result.output_type, "execute_result");
  assert.match(text(dataOf(result)["text/plain"]), /broadcast done/);

  // src/notebook/display.ts in the kernel: shown under an id, updated in place, and a raw bundle.
  const [shown, raw] = cells["display-helper"].outputs;
  assert.equal(cells["display-helper"].outputs.length, 2);
  assert.equal(shown.output_type, "display_data");
  assert.equal(text(dataOf(shown)["text/plain"]), "tensor([[10., 20.],\n        [30., 40.]])");
  assert.match(text(dataOf(raw)["text/html"]), /id="raw-probe"/);

  // An update sent by a timer after its cell (the last one) finished is still applied.
  assert.deepEqual(cells["late-update"].outputs, [
    { data: { "text/plain": ["late final"] }, metadata: {}, output_type: "display_data" },
  ]);

  if (python) {
    const v = await run([
      python,
      "-c",
      "import nbformat, sys; nbformat.validate(nbformat.read(sys.argv[1], 4))",
      path,
    ]);
    assert.equal(v.code, 0, v.stderr);
  }

  // Running it again writes the same bytes.
  const again = await run(cmd, { env });
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.equal(await Deno.readTextFile(path), saved);
  await Deno.remove(outDir, { recursive: true });
  await Deno.remove(env.JUPYTER_DATA_DIR, { recursive: true });
});

Deno.test("runner: the library's rich outputs through the kernel (module, graph, plot, live)", async () => {
  const outDir = await Deno.makeTempDir({ prefix: "gradiente-out-" });
  const env = { JUPYTER_DATA_DIR: outDir, JUPYTER_PATH: "" };
  const r = await run(
    [...await task("notebooks"), "--output-dir", outDir, "test/notebooks/rich.ipynb"],
    { env },
  );
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const nb = JSON.parse(await Deno.readTextFile(join(outDir, "rich.ipynb")));
  assert.deepEqual(validateNotebook(nb), []);
  const cells = cellsById(nb);
  const mimes = (id: string) => cells[id].outputs.map((o) => Object.keys(dataOf(o)).sort());
  assert.deepEqual(mimes("module"), [["text/html", "text/plain"]]);
  assert.deepEqual(mimes("graph"), [["image/svg+xml", "text/html", "text/plain"]]);
  const svg = text(dataOf(cells.graph.outputs[0])["image/svg+xml"]);
  assert.match(svg, /Mul/);
  assert.match(svg, /Add/);
  const figure = ["application/vnd.plotly.v1+json", "image/svg+xml", "text/html", "text/plain"];
  assert.deepEqual(mimes("plot"), [figure]);
  const plotly = (o: Out) =>
    dataOf(o)["application/vnd.plotly.v1+json"] as { data: { y: number[] }[] };
  assert.deepEqual(plotly(cells.plot.outputs[0]).data[0].y, [1, 3, 2]);
  // The live plot: one output, updated in place to its final state.
  assert.deepEqual(mimes("live-plot"), [figure]);
  assert.deepEqual(plotly(cells["live-plot"].outputs[0]).data[0].y, [1, 0.5, 1 / 3, 0.25, 0.2]);
  assert.match(text(dataOf(cells["live-plot"].outputs[0])["text/plain"]), /epoch 5/);
  const [bar] = cells.progress.outputs;
  assert.equal(bar.output_type, "display_data");
  assert.match(text(dataOf(bar)["text/html"]), /3\/3/);
  await Deno.remove(outDir, { recursive: true });
});

Deno.test("runner: an error fails the run but the next cells run; a busy cell is interrupted", async () => {
  const env = await jupyterEnv();
  // A notebook outside the repo, with its own deno.json mapping "gradiente" (as the README
  // tells users to do); written back in place.
  const dir = await scratchProject();
  const path = join(dir, "errors.ipynb");
  await Deno.copyFile(join(ROOT, "test/notebooks/errors.ipynb"), path);
  const r = await run([...await task("notebooks"), "--timeout=3", path], { env });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.ok(r.stdout.startsWith(`${path}  6 code cells`), r.stdout);
  assert.match(r.stdout, /FAILED/);
  assert.match(r.stdout, /cell 1 \(id throws\): RangeError: deliberate failure\n\s+at failing/);
  assert.match(
    r.stdout,
    /cell 3 \(id busy-loop\): TimeoutError: the cell ran longer than 3 s; it was interrupted/,
  );
  assert.ok(!r.stdout.includes("cell 5"), "an error in a raises-exception cell is expected");

  const entries = [...Deno.readDirSync(dir)].map((e) => e.name);
  assert.deepEqual(entries.filter((e) => e.endsWith(".tmp")), [], "no temp file left behind");
  const nb = JSON.parse(await Deno.readTextFile(path));
  assert.deepEqual(validateNotebook(nb), []);
  const cells = cellsById(nb);
  assert.match(text(dataOf(cells.setup.outputs[0])["text/plain"]), /1/);
  const [error] = cells.throws.outputs;
  assert.equal(error.output_type, "error");
  assert.equal(error.ename, "RangeError");
  assert.equal(error.evalue, "deliberate failure");
  assert.ok((error.traceback as string[]).some((l) => l.includes("at failing")));
  assert.match(text(dataOf(cells["after-error"].outputs[0])["text/plain"]), /2/);
  assert.equal(cells["busy-loop"].outputs[0].ename, "TimeoutError");
  assert.match(
    text(dataOf(cells["after-interrupt"].outputs[0])["text/plain"]),
    /survived the interrupt: 3/,
  );
  assert.equal(cells["expected-error"].outputs[0].output_type, "error");
  assert.equal(cells["expected-error"].execution_count, 6);
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(env.JUPYTER_DATA_DIR, { recursive: true });
});

Deno.test("runner: a cell stuck in an await is not interruptible; the kernel is stopped", async () => {
  const dir = await scratchProject();
  const path = join(dir, "await.ipynb");
  const cell = (id: string, source: string) => ({
    cell_type: "code",
    id,
    metadata: {},
    source,
    execution_count: null,
    outputs: [],
  });
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [cell("a", "1 + 1"), cell("b", "await new Promise(() => {});"), cell("c", "'never'")],
    }),
  );
  // No kernelspec here: the runner falls back to `deno jupyter --kernel`.
  const dataDir = await Deno.makeTempDir();
  const r = await run([...await task("notebooks"), "--timeout=1", path], {
    env: { JUPYTER_DATA_DIR: dataDir, JUPYTER_PATH: "" },
  });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /cell 1 \(id b\): TimeoutError: .*did not stop it/);
  assert.match(r.stdout, /1 later code cell\(s\) not run/);
  const cells = cellsById(JSON.parse(await Deno.readTextFile(path)));
  assert.equal(cells.a.execution_count, 1);
  assert.equal(cells.b.outputs[0].ename, "TimeoutError");
  assert.equal(cells.c.execution_count, null);
  assert.deepEqual(cells.c.outputs, []);
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(dataDir, { recursive: true });
});

Deno.test({
  name: "kernelspec: Jupyter's own client interrupts the kernel with a message",
  ignore: python === null,
  async fn() {
    const env = await jupyterEnv();
    // jupyter_client's KernelManager reads interrupt_mode from our kernelspec and sends
    // interrupt_request on the control channel (it would send SIGINT otherwise).
    const script = `
import time
from jupyter_client.manager import start_new_kernel
km, kc = start_new_kernel(kernel_name="gradiente")
try:
    kc.execute_interactive("let n = 41;", timeout=30)
    kc.execute("while (true) {}")
    time.sleep(1)
    km.interrupt_kernel()
    print(kc.get_shell_msg(timeout=10)["content"]["status"])
    msg_id = kc.execute("n + 1")
    # Deno may publish the result after the idle status, so wait for the result itself.
    while True:
        m = kc.get_iopub_msg(timeout=10)
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_result":
            print(m["content"]["data"]["text/plain"])
            break
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
`;
    const r = await run([python!, "-c", script], { env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const [status, result] = r.stdout.trim().split("\n");
    assert.equal(status, "error", "the interrupted cell ends with an error reply");
    assert.match(result, /42/, "and the kernel runs the next cell");
    await Deno.remove(env.JUPYTER_DATA_DIR, { recursive: true });
  },
});
