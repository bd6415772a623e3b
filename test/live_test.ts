import assert from "node:assert/strict";
import { tensor } from "gradiente";
import {
  type DisplayContent,
  type DisplayMsgType,
  liveLoss,
  LiveLossPlot,
  notebookPublisher,
} from "../src/notebook/live.ts";
import {
  formatDuration,
  formatProgress,
  progress,
  ProgressBar,
  progressHtml,
} from "../src/notebook/progress.ts";
import type { TextSink } from "../src/notebook/terminal.ts";
import { parseXml } from "./xml_check.ts";

/** A publisher that records messages, and a clock the test moves by hand. */
function recorder(delayMs = 0) {
  const messages: { type: DisplayMsgType; content: DisplayContent }[] = [];
  const publish = async (type: DisplayMsgType, content: DisplayContent) => {
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    messages.push({ type, content: structuredClone(content) });
  };
  const clock = { t: 0 };
  const types = () => messages.map((m) => m.type);
  const text = (i = messages.length - 1) => String(messages[i].content.data["text/plain"]);
  return { messages, publish, clock, now: () => clock.t, types, text };
}

function textSink(tty: boolean) {
  const writes: string[] = [];
  const sink: TextSink = { write: (s) => writes.push(s), tty };
  return { writes, sink };
}

Deno.test("notebookPublisher: null outside a kernel (Deno.jupyter throws there)", () => {
  assert.equal(notebookPublisher(), null);
});

Deno.test("live loss: N rapid pushes give one display_data, and close() sends the final state", async () => {
  const r = recorder();
  const live = liveLoss({ publish: r.publish, now: r.now });
  for (let epoch = 1; epoch <= 100; epoch++) live.push(epoch, { train: 1 / epoch, val: 2 / epoch });
  await live.flush();
  assert.deepEqual(r.types(), ["display_data", "update_display_data"]);
  assert.match(r.text(0), /^epoch \d+ {2}train [\d.]+ {2}val [\d.]+$/);
  assert.equal(r.text(1), "epoch 100  train 0.01  val 0.02");
  await live.close();
  assert.deepEqual(r.types(), ["display_data", "update_display_data", "update_display_data"]);
  const ids = new Set(r.messages.map((m) => m.content.transient.display_id));
  assert.deepEqual([...ids], [live.displayId]);
  for (const m of r.messages) assert.deepEqual(m.content.metadata, {});
  // Live frames are the static SVG; the final one is the whole interactive figure.
  const svg = r.messages[0].content.data["image/svg+xml"] as string;
  parseXml(svg);
  assert.equal(svg.match(/<path class="line"/g)?.length, 2);
  const last = r.messages[2].content.data;
  assert.ok("application/vnd.plotly.v1+json" in last);
  const spec = last["application/vnd.plotly.v1+json"] as { data: { name: string; y: number[] }[] };
  assert.deepEqual(spec.data.map((t) => t.name), ["train", "val"]);
  assert.equal(spec.data[0].y.length, 100);
  assert.equal(spec.data[1].y[99], 0.02);
  // After close, pushes are ignored.
  await live.push(101, 0);
  assert.equal(r.messages.length, 3);
});

Deno.test("live loss: throttled to one message per interval, newest state wins", async () => {
  const r = recorder();
  const live = new LiveLossPlot({ publish: r.publish, now: r.now, minInterval: 250 });
  const at = async (t: number, loss: number) => {
    r.clock.t = t;
    await live.push(loss);
  };
  await at(0, 1); // shown
  await at(100, 0.9); // too soon: pending
  await at(200, 0.8);
  await at(300, 0.7); // 300 ms after the last message: sent, with the newest value
  await at(400, 0.6);
  await at(600, 0.5); // sent
  await at(601, 0.4); // pending until close
  assert.deepEqual(r.messages.map((m) => r.text(r.messages.indexOf(m))), [
    "epoch 1  loss 1",
    "epoch 4  loss 0.7",
    "epoch 6  loss 0.5",
  ]);
  await live.close();
  assert.equal(r.messages.length, 4);
  assert.equal(r.text(), "epoch 7  loss 0.4");
  assert.deepEqual(live.history, { loss: [1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4] });
});

Deno.test("live loss: a throttled update goes out by timer when the loop yields", async () => {
  const r = recorder();
  const live = liveLoss({ publish: r.publish, now: r.now, minInterval: 20, interactive: false });
  await live.push(1, 1);
  r.clock.t = 5;
  await live.push(2, 0.5); // pending: 15 ms to go
  assert.equal(r.messages.length, 1);
  await new Promise((resolve) => setTimeout(resolve, 60));
  await live.flush();
  assert.equal(r.messages.length, 2);
  assert.equal(r.text(), "epoch 2  loss 0.5");
  await live.close();
  assert.ok(!("application/vnd.plotly.v1+json" in r.messages[2].content.data));
});

Deno.test("live loss: close() resolves only once a slow publisher has delivered everything", async () => {
  const r = recorder(5);
  const live = liveLoss({ publish: r.publish, now: r.now });
  live.update({ train: [3, 2, 1], val: tensor([4, 3, 2]) });
  live.push(4, { train: tensor(0.5), val: 1.5 });
  await live.close();
  assert.deepEqual(r.types(), ["display_data", "update_display_data"]);
  assert.equal(r.text(), "epoch 4  train 0.5  val 1.5");
});

Deno.test("live output: a failing publisher warns once and never throws", async () => {
  const warnings: unknown[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args);
  try {
    const live = liveLoss({
      publish: () => Promise.reject(new Error("iopub closed")),
      minInterval: 0,
    });
    await live.push(1, 1);
    await live.push(2, 1);
    await live.close();
    assert.equal(warnings.length, 1);
    assert.match(String(warnings[0]), /iopub closed/);
  } finally {
    console.warn = warn;
  }
});

Deno.test("live loss in a terminal: one status line redrawn with \\r on stderr", async () => {
  const { writes, sink } = textSink(true);
  const clock = { t: 0 };
  const live = liveLoss({ publish: null, sink, now: () => clock.t });
  await live.push(1, 0.5);
  clock.t = 1000;
  await live.push(2, 0.25);
  await live.close();
  assert.deepEqual(writes, [
    "\repoch 1  loss 0.5\x1b[K",
    "\repoch 2  loss 0.25\x1b[K",
    "\repoch 2  loss 0.25\x1b[K",
    "\n",
  ]);
  // Into a file: whole lines, at most one per 5 s, and the final one.
  const file = textSink(false);
  const logged = liveLoss({ publish: null, sink: file.sink, now: () => clock.t });
  for (let e = 1; e <= 10; e++) {
    clock.t += 1000;
    await logged.push(e, 1 / e);
  }
  await logged.close();
  assert.deepEqual(file.writes, [
    "epoch 1  loss 1\n",
    "epoch 6  loss 0.1667\n",
    "epoch 10  loss 0.1\n",
  ]);
});

Deno.test("progress text: percent, count, elapsed<ETA, rate, metrics", () => {
  assert.equal(
    formatProgress({
      n: 45,
      total: 100,
      elapsedMs: 12_000,
      label: "epoch 1",
      postfix: { loss: "0.1234" },
    }),
    "epoch 1  45%|██████████▊             | 45/100 [00:12<00:14, 3.75it/s, loss=0.1234]",
  );
  assert.equal(
    formatProgress({ n: 0, total: 10, elapsedMs: 0, width: 10 }),
    "  0%|          | 0/10 [00:00<?, ?it/s]",
  );
  assert.equal(
    formatProgress({ n: 10, total: 10, elapsedMs: 40_000, width: 10, unit: "batch" }),
    "100%|██████████| 10/10 [00:40<00:00, 4.00s/batch]",
  );
  assert.equal(formatProgress({ n: 3, elapsedMs: 1000 }), "3it [00:01, 3.00it/s]");
  assert.equal(formatDuration(75_000), "01:15");
  assert.equal(formatDuration(3_725_000), "1:02:05");

  const html = progressHtml({ n: 3, total: 4, elapsedMs: 3000, label: "<train>" });
  assert.match(html, /<progress value="3" max="4"/);
  assert.match(html, /<b>&lt;train&gt;<\/b>/);
  assert.match(html, /75% 3\/4/);
  assert.match(html, /\[00:03&lt;00:01, 1\.00it\/s\]/);
});

Deno.test("ProgressBar in a notebook: one display, throttled updates, final state on close", async () => {
  const r = recorder();
  const bar = new ProgressBar(200, { label: "train", publish: r.publish, now: r.now });
  for (let i = 1; i <= 200; i++) {
    r.clock.t = i; // 200 updates within 200 ms
    bar.update(i, { loss: tensor(1 / i) });
  }
  await bar.close();
  assert.deepEqual(r.types(), ["display_data", "update_display_data"]);
  assert.match(r.text(), /^train 100%\|█+\| 200\/200 \[00:00<00:00, [\d.]+it\/s, loss=0\.005\]$/);
  assert.match(String(r.messages[1].content.data["text/html"]), /<progress value="200" max="200"/);
});

Deno.test("progress(iterable): for await drives the bar; set() adds metrics", async () => {
  const r = recorder();
  const items = progress([10, 20, 30], { label: "batches", publish: r.publish, now: r.now });
  const seen: number[] = [];
  for await (const x of items) {
    seen.push(x);
    items.set({ loss: x / 10 });
  }
  assert.deepEqual(seen, [10, 20, 30]);
  assert.equal(items.bar.total, 3);
  assert.equal(r.types()[0], "display_data");
  assert.match(r.text(), /^batches 100%.* 3\/3 .*loss=3\]$/);

  // Plain for, in a terminal.
  const { writes, sink } = textSink(true);
  const clock = { t: 0 };
  for (const _ of progress(new Set([1, 2]), { publish: null, sink, now: () => (clock.t += 300) })) {
    // each step takes 300 ms on this clock
  }
  assert.equal(writes.at(-1), "\n");
  assert.match(writes.at(-2)!, /^\r100%\|█+\| 2\/2 /);
});
