/**
 * Issue 15's padding, resizing and normalisation: pad, interpolate, pixel (un)shuffle and
 * BatchNorm2d (with torch's weights and running statistics) against PyTorch from
 * fixtures/ops_padnorm.json (CPU float64; WebGPU float32 against the CPU), gradcheck, dropout2d,
 * the layers, summary's output shapes, and each error these raise.
 */
import assert from "node:assert/strict";
import {
  Generator,
  interpolate,
  type InterpolateOptions,
  nn,
  noGrad,
  pad,
  type PadMode,
  pixelShuffle,
  pixelUnshuffle,
  randn,
  summary,
  type Tensor,
  tensor,
  zeros,
} from "gradiente";
import { checkCases, type OpTable } from "./op_cases.ts";
import { checkGrad, gradInputs, vjp } from "./grad_helpers.ts";
import { throwsWith } from "./helpers.ts";

const F = nn.functional;

interface BNOpts {
  eps: number;
  momentum: number | null;
  affine: boolean;
  training: boolean;
}

/** torch's BatchNorm2d state loaded into ours; the weight and bias are the case's inputs. */
function batchNorm2d([x, w, b]: Tensor[], [rm, rv, nbt, o]: [number[], number[], number, BNOpts]) {
  const c = x.shape[1];
  const bn = new nn.BatchNorm2d(c, {
    eps: o.eps,
    momentum: o.momentum,
    affine: o.affine,
    dtype: x.dtype,
    device: x.device,
  });
  const state: Record<string, Tensor> = {
    running_mean: tensor(rm, { dtype: x.dtype }).to(x.device),
    running_var: tensor(rv, { dtype: x.dtype }).to(x.device),
    num_batches_tracked: tensor(nbt, { dtype: "int32" }).to(x.device),
  };
  if (o.affine) {
    state.weight = w.detach();
    state.bias = b.detach();
  }
  bn.loadStateDict(state);
  if (o.affine) Object.assign(bn, { weight: w, bias: b }); // so the gradients reach the inputs
  bn.train(o.training);
  const out = bn.call(x);
  return [out, bn.runningMean!, bn.runningVar!, bn.numBatchesTracked!];
}

const table: OpTable = {
  pad: ([x], [pads, modeOrValue]) =>
    typeof modeOrValue === "number"
      ? pad(x, pads, { value: modeOrValue })
      : pad(x, pads, { mode: modeOrValue as PadMode }),
  interpolate: ([x], [opts]) => interpolate(x, opts as InterpolateOptions),
  pixelShuffle: ([x], [r]) => pixelShuffle(x, r),
  pixelUnshuffle: ([x], [r]) => pixelUnshuffle(x, r),
  batchNorm2d: ([...xs], args) => batchNorm2d(xs, args as never),
};

checkCases("ops_padnorm.json", table, { rtol: 1e-9, atol: 1e-10, gpuRtol: 1e-4, gpuAtol: 1e-5 });

Deno.test("pad, interpolate and pixelShuffle pass gradcheck (and double backward)", () => {
  const r = gradInputs(15);
  for (const mode of ["constant", "reflect", "replicate", "circular"] as const) {
    checkGrad((x) => pad(x, [2, 1, -1, 2], { mode }), [r.randn(2, 2, 3, 4)]);
    checkGrad((x) => pad(x, [1, 2], { mode }), [r.randn(1, 2, 3)]);
  }
  checkGrad((x) => pad(x, [1, 1, 1, 1, 1, 1], { mode: "reflect" }), [r.randn(1, 2, 2, 3, 3)]);
  checkGrad(vjp((x) => pad(x, [1, 2], { mode: "reflect" })), [r.randn(2, 4), r.randn(2, 7)]);
  for (
    const opts of [
      { size: [5, 3] },
      { scaleFactor: 2, mode: "bilinear" },
      { size: [4, 7], mode: "bilinear", alignCorners: true },
      { size: [2, 3], mode: "bilinear" },
      { size: [5, 6], mode: "bicubic" },
    ] as InterpolateOptions[]
  ) checkGrad((x) => interpolate(x, opts), [r.randn(1, 2, 3, 4)]);
  checkGrad((x) => interpolate(x, { size: 7, mode: "linear" }), [r.randn(2, 2, 4)]);
  checkGrad((x) => interpolate(x, { scaleFactor: 1.5, mode: "trilinear" }), [
    r.randn(1, 1, 2, 2, 3),
  ]);
  checkGrad(vjp((x) => interpolate(x, { size: [3, 5], mode: "bilinear" })), [
    r.randn(1, 1, 2, 3),
    r.randn(1, 1, 3, 5),
  ]);
  checkGrad((x) => pixelShuffle(x, 2), [r.randn(1, 8, 2, 3)]);
  checkGrad((x) => pixelUnshuffle(x, 2), [r.randn(1, 2, 4, 2)]);
  const bn = new nn.BatchNorm2d(3, { dtype: "float64" });
  checkGrad((x) => bn.call(x), [r.randn(2, 3, 2, 2)]);
});

Deno.test("dropout2d zeroes whole channels, scales by 1/(1-p), is seeded, and is off in eval", () => {
  const x = randn([4, 6, 3, 5], { dtype: "float64" });
  const y = F.dropout2d(x, 0.5, true, { generator: new Generator(3) });
  const again = F.dropout2d(x, 0.5, true, { generator: new Generator(3) });
  assert.deepEqual(y.toArray(), again.toArray());
  const ratio = noGrad(() => y.div(x).reshape([24, 15]).toArray()) as number[][];
  let dropped = 0;
  for (const row of ratio) {
    assert.ok(row.every((v) => Math.abs(v - row[0]) < 1e-12), "a channel is all kept or all zero");
    assert.ok(row[0] === 0 || Math.abs(row[0] - 2) < 1e-12);
    if (row[0] === 0) dropped++;
  }
  assert.ok(dropped > 3 && dropped < 21, `dropped ${dropped} of 24 channels`);
  const layer = new nn.Dropout2d(0.3);
  layer.eval();
  assert.equal(layer.call(x), x);
  assert.equal(String(layer), "Dropout2d(p=0.3)");
  assert.equal(F.dropout2d(x, 1).abs().sum().item(), 0);
  const unbatched = F.dropout2d(randn([5, 2, 2]), 0.5, true, { generator: new Generator(1) });
  assert.deepEqual(unbatched.shape, [5, 2, 2]);
});

Deno.test("BatchNorm2d: stateDict keys, repr, running stats and eval as torch's", () => {
  const bn = new nn.BatchNorm2d(2, { momentum: 0.5 });
  assert.deepEqual(Object.keys(bn.stateDict()), [
    "weight",
    "bias",
    "running_mean",
    "running_var",
    "num_batches_tracked",
  ]);
  assert.equal(
    String(bn),
    "BatchNorm2d(2, eps=0.00001, momentum=0.5, affine=true, trackRunningStats=true)",
  );
  // Channel 0 holds 0..7, channel 1 holds 10 everywhere.
  const x = tensor([[[[0, 1], [2, 3]], [[10, 10], [10, 10]]], [[[4, 5], [6, 7]], [[10, 10], [
    10,
    10,
  ]]]]);
  bn.call(x);
  assert.deepEqual(Array.from(bn.runningMean!.toArray() as number[]), [1.75, 5]);
  assert.ok(Math.abs((bn.runningVar!.toArray() as number[])[0] - (0.5 + 0.5 * 6)) < 1e-5);
  assert.equal(bn.numBatchesTracked!.item(), 1);
  bn.eval();
  const y = bn.call(x);
  assert.ok(
    Math.abs((y.toArray() as number[][][][])[1][1][0][0] - 5 / Math.sqrt(0.5 + 1e-5)) < 1e-4,
  );
  const noStats = new nn.BatchNorm2d(2, { trackRunningStats: false, affine: false });
  assert.equal(noStats.runningMean, null);
  noStats.eval();
  assert.ok(Math.abs(noStats.call(x).mean().item() as number) < 1e-6, "batch statistics in eval");
});

Deno.test("layers: Upsample, PixelShuffle, PixelUnshuffle and Unflatten shapes and reprs", () => {
  const x = randn([2, 8, 3, 3]);
  const up = new nn.Upsample({ scaleFactor: 2, mode: "bilinear", alignCorners: false });
  assert.deepEqual(up.call(x).shape, [2, 8, 6, 6]);
  assert.equal(String(up), "Upsample(scaleFactor=2.0, mode=bilinear, alignCorners=false)");
  assert.equal(String(new nn.Upsample({ size: [4, 5] })), "Upsample(size=(4, 5), mode=nearest)");
  const ps = new nn.PixelShuffle(2);
  assert.deepEqual(ps.call(x).shape, [2, 2, 6, 6]);
  assert.equal(String(ps), "PixelShuffle(upscaleFactor=2)");
  assert.deepEqual(new nn.PixelUnshuffle(3).call(x).shape, [2, 72, 1, 1]);
  const flat = randn([2, 24]);
  const un = new nn.Unflatten(1, [2, -1, 3]);
  assert.deepEqual(un.call(flat).shape, [2, 2, 4, 3]);
  assert.deepEqual(new nn.Unflatten(-1, [4, 6]).call(flat).shape, [2, 4, 6]);
  assert.equal(String(un), "Unflatten(dim=1, unflattenedSize=(2, -1, 3))");
  assert.deepEqual(new nn.Flatten().call(un.call(flat)).toArray(), flat.toArray());
});

function smallCnn() {
  return new nn.Sequential(
    new nn.Linear(12, 48),
    new nn.Unflatten(1, [3, 4, 4]),
    new nn.BatchNorm2d(3),
    new nn.Upsample({ scaleFactor: 2 }),
    new nn.PixelUnshuffle(2),
    new nn.Dropout2d(0.2),
    new nn.Flatten(),
    new nn.Linear(192, 5),
  );
}

Deno.test("summary(model, inputShape): output shapes in text and HTML; no state changes", () => {
  const m = smallCnn();
  const before = summary(m).toString();
  assert.ok(!before.includes("Output Shape"), "no shape given: the old table");
  const s = summary(m, [2, 12]);
  assert.deepEqual(s.rows.map((r) => r.outputShape), [
    "[2, 5]",
    "[2, 48]",
    "[2, 3, 4, 4]",
    "[2, 3, 4, 4]",
    "[2, 3, 8, 8]",
    "[2, 12, 4, 4]",
    "[2, 12, 4, 4]",
    "[2, 192]",
    "[2, 5]",
  ]);
  const text = s.toString();
  assert.match(text, /Layer \(type\)\s+Output Shape\s+Param shapes\s+Param #\s+Trainable/);
  assert.match(text, /2 \(BatchNorm2d\)\s+\[2, 3, 4, 4\]\s+\[3\], \[3\]\s+6\s+yes/);
  const html = s[Symbol.for("Jupyter.display") as never] as unknown as () => Record<string, string>;
  const bundle = html.call(s);
  assert.ok(bundle["text/html"].includes(">Output Shape</th>"));
  assert.ok(
    bundle["text/html"].includes(
      '<td style="text-align:left;padding:2px 8px">[2, 12, 4, 4]</td>',
    ) ||
      bundle["text/html"].includes(">[2, 12, 4, 4]</td>"),
  );
  // The pass ran in eval mode under noGrad and left the model as it was.
  const bn = m.modules().find((x) => x instanceof nn.BatchNorm2d) as nn.BatchNorm2d;
  assert.equal(bn.numBatchesTracked!.item(), 0);
  assert.ok(m.modules().every((x) => x.training));
  assert.ok(!Object.hasOwn(bn, "forward"), "the wrappers are removed");
  assert.equal(m.parameters()[0].grad, null);
  assert.equal(summary(m).toString(), before);
});

Deno.test("errors of pad, interpolate, pixelShuffle, dropout2d, BatchNorm2d, Unflatten, summary", () => {
  const x = zeros([1, 2, 3]);
  throwsWith(() => pad(x, [1, 2, 3]), "pad:", "[1,2,3]", "even length");
  throwsWith(() => pad(x, [1, 1, 1, 1, 1, 1, 1, 1]), "pad:", "at most 2 × 3");
  throwsWith(() => pad(x, [1.5, 1]), "pad:", "integers");
  throwsWith(() => pad(x, [-2, -2]), "pad:", "negative or empty dim 2", "Crop by less");
  throwsWith(() => pad(x, [3, 0], { mode: "reflect" }), "pad:", "(3, 0)", "size 3", "replicate");
  throwsWith(() => pad(x, [4, 0], { mode: "circular" }), "pad:", "more than once", "at most 3");
  throwsWith(
    () => pad(zeros([4]), [1, 1], { mode: "reflect" }),
    "pad:",
    "'reflect'",
    "[4]",
    "constant",
  );
  throwsWith(() => pad(zeros([2, 3]), [1, 1], { mode: "circular" }), "pad:", "batched", "[2, 3]");
  throwsWith(() => pad(x, [1, 1], { mode: "wrap" as PadMode }), "pad:", "'wrap'", "circular");
  throwsWith(
    () => pad(x, [1, 1], { mode: "reflect", value: 2 }),
    "pad:",
    "only used by mode 'constant'",
  );
  throwsWith(() => pad(x, [1, 1], { valeu: 2 } as never), "pad", "valeu", "value");
  const img = zeros([1, 2, 3, 4]);
  throwsWith(() => interpolate(img, {}), "interpolate:", "exactly one of size and scaleFactor");
  throwsWith(() => interpolate(img, { size: 4, scaleFactor: 2 }), "exactly one");
  throwsWith(() => interpolate(img, { size: [4, 5, 6] }), "interpolate:", "[4,5,6]", "2 for input");
  throwsWith(() => interpolate(img, { size: 0 }), "interpolate:", "positive integers");
  throwsWith(() => interpolate(img, { scaleFactor: -1 }), "interpolate:", "positive");
  throwsWith(() => interpolate(img, { scaleFactor: 0.1 }), "interpolate:", "empty output");
  throwsWith(() => interpolate(img, { size: 4, mode: "linear" }), "'linear'", "3-D", "'bilinear'");
  throwsWith(() => interpolate(x, { size: 4, mode: "bicubic" }), "'bicubic'", "4-D", "'linear'");
  throwsWith(() => interpolate(zeros([3, 4]), { size: 4 }), "interpolate:", "[3, 4]");
  throwsWith(() => interpolate(img, { size: 4, alignCorners: true }), "alignCorners", "'nearest'");
  throwsWith(() => interpolate(img, { size: 4, mode: "area" as never }), "mode must be one of");
  throwsWith(() => interpolate(img.int(), { size: 4 }), "interpolate:", "int32", "float");
  throwsWith(() => interpolate(img, { sizes: 4 } as never), "interpolate", "sizes", "size");
  throwsWith(() => pixelShuffle(img, 2), "pixelShuffle:", "(2, input [1, 2, 3, 4])", "4");
  throwsWith(() => pixelShuffle(zeros([4, 4]), 2), "pixelShuffle:", "3 or more dims");
  throwsWith(() => pixelShuffle(img, 0), "pixelShuffle:", "positive integer, got 0");
  throwsWith(() => pixelUnshuffle(img, 2), "pixelUnshuffle:", "divisible by downscaleFactor = 2");
  throwsWith(() => F.dropout2d(x.reshape([6]), 0.5), "dropout2d:", "[6]", "4-D");
  throwsWith(() => F.dropout2d(img, 1.5), "dropout2d:", "between 0 and 1, got 1.5");
  throwsWith(() => new nn.Dropout2d(-1), "Dropout2d:", "got -1");
  throwsWith(() => new nn.BatchNorm2d(2).call(x), "BatchNorm2d:", "4-D [N, C, H, W]", "[1, 2, 3]");
  throwsWith(() => new nn.BatchNorm2d(3).call(img), "BatchNorm2d:", "3 channels", "[1, 2, 3, 4]");
  throwsWith(() => new nn.BatchNorm2d(0), "BatchNorm2d:", "positive integer, got 0");
  throwsWith(() => new nn.BatchNorm2d(2, { momentun: 0.1 } as never), "BatchNorm2d", "momentun");
  throwsWith(
    () => new nn.BatchNorm2d(2).call(zeros([1, 2, 1, 1])),
    "more than 1 value per channel",
  );
  throwsWith(() => new nn.Unflatten(1, [4, 4]).call(zeros([2, 12])), "Unflatten:", "[4,4]", "12");
  throwsWith(() => new nn.Unflatten(1, [-1, -1]).call(zeros([2, 12])), "Unflatten:", "one -1");
  throwsWith(() => new nn.Unflatten(1, []), "Unflatten:", "non-empty");
  throwsWith(() => new nn.Upsample({}), "Upsample:", "exactly one");
  throwsWith(() => new nn.Upsample({ scale: 2 } as never), "Upsample", "scale");
  throwsWith(() => summary(smallCnn(), [2, 13]), "summary:", "[2, 13]", "linear:", "batch dim");
  throwsWith(() => summary(smallCnn(), [2.5] as never), "summary:", "non-negative integers");
});
