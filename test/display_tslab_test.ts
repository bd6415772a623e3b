/**
 * src/notebook/display.ts's tslab frontend with a recording stand-in for tslab's modules (the real
 * kernel runs in node/test/tslab.test.ts): whole bundles through the kernel's writer, else the
 * richest MIME type through tslab's public display API, one handle per display id.
 */
import assert from "node:assert/strict";
import { displayOn, type MimeBundle, type Tslab, tslabFrontend } from "../src/notebook/display.ts";
import { tensor } from "gradiente";

function fakeTslab(withWriter: boolean) {
  const sent: { content?: unknown; update?: boolean; handle?: number; mime?: string }[] = [];
  let handles = 0;
  const handle = (n: number) => ({
    raw: (mime: string, data: string | Uint8Array) => sent.push({ handle: n, mime, content: data }),
  });
  const mod: Tslab = {
    display: handle(0),
    newDisplay: () => handle(++handles),
    jupyter: withWriter
      ? { lastWriteDisplayData: (content, update) => void sent.push({ content, update }) }
      : undefined,
  };
  return { mod, sent };
}

Deno.test("tslab frontend: whole bundles through tslab's kernel writer, updates by display id", async () => {
  const { mod, sent } = fakeTslab(true);
  const frontend = tslabFrontend(mod);
  assert.equal(frontend.name, "tslab");
  const t = tensor([1, 2]);
  await displayOn(frontend, t);
  const [first] = sent as { content: { data: MimeBundle; transient: object } }[];
  assert.deepEqual(Object.keys(first.content.data).sort(), ["text/html", "text/plain"]);
  assert.equal(first.content.data["text/plain"], "tensor([1., 2.])");
  assert.deepEqual(first.content.transient, {});
  assert.equal(sent[0].update, false);

  await displayOn(frontend, { "text/plain": "a" }, { raw: true, id: "x" });
  await displayOn(frontend, { "text/plain": "b" }, { raw: true, id: "x", update: true });
  assert.deepEqual(sent.slice(1), [
    {
      content: { data: { "text/plain": "a" }, metadata: {}, transient: { display_id: "x" } },
      update: false,
    },
    {
      content: { data: { "text/plain": "b" }, metadata: {}, transient: { display_id: "x" } },
      update: true,
    },
  ]);
});

Deno.test("tslab frontend without the writer: the richest type, one display handle per id", async () => {
  const { mod, sent } = fakeTslab(false);
  const frontend = tslabFrontend(mod);
  const bundle = { "text/plain": "fig", "image/svg+xml": "<svg/>", "text/html": "<div/>" };
  await displayOn(frontend, bundle, { raw: true });
  await displayOn(frontend, { "image/png": "iVBOR", "text/plain": "img" }, { raw: true, id: "p" });
  await displayOn(frontend, { "text/plain": "only text" }, { raw: true, id: "p", update: true });
  await displayOn(frontend, { "text/plain": "new" }, { raw: true, id: "q", update: true });
  assert.deepEqual(sent, [
    { handle: 0, mime: "text/html", content: "<div/>" },
    { handle: 1, mime: "image/png", content: "iVBOR" },
    { handle: 1, mime: "text/plain", content: "only text" },
    // An update for an id never shown opens a new output, as tslab's own handles do.
    { handle: 2, mime: "text/plain", content: "new" },
  ]);
});
