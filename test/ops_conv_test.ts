import assert from "node:assert/strict";
import {
  autograd,
  conv1d,
  conv2d,
  convTranspose1d,
  convTranspose2d,
  enableGrad,
  fold,
  nn,
  type Tensor,
  tensor,
  unfold,
  zeros,
} from "gradiente";
import { checkCases, decode, type EncodedTensor } from "./op_cases.ts";
import { checkGrad, gradInputs } from "./grad_helpers.ts";

// deno-lint-ignore no-explicit-any
type Opts = any;
// deno-lint-ignore no-explicit-any
const conv = (f: (...a: any[]) => Tensor) => ([x, w, b]: Tensor[], [o]: Opts[]) =>
  f(x, w, b ?? null, o);

checkCases("ops_conv.json", {
  unfold: ([x], [o]) => unfold(x, o),
  fold: ([x], [o]) => fold(x, o),
  conv2d: conv(conv2d),
  conv1d: conv(conv1d),
  convTranspose2d: conv(convTranspose2d),
  convTranspose1d: conv(convTranspose1d),
});

interface ModuleCase {
  layer: "Conv1d" | "Conv2d" | "ConvTranspose1d" | "ConvTranspose2d";
  args: [number, number, number | number[]];
  options: Record<string, unknown>;
  repr: string;
  input: EncodedTensor;
  state: Record<string, EncodedTensor>;
  output: EncodedTensor;
  weight: EncodedTensor;
  grads: Record<string, EncodedTensor>;
}

function close(what: string, got: Tensor, want: EncodedTensor) {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const g = ([got.toArray()] as unknown[]).flat(9) as number[];
  want.data.forEach((w, i) => {
    assert.ok(Math.abs(g[i] - Number(w)) <= 1e-9 * (1 + Math.abs(Number(w))), `${what}[${i}]`);
  });
}

const modules = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/ops_conv_modules.json", import.meta.url)),
).modules as ModuleCase[];

Deno.test("torch's nn.Conv* weights loaded into ours give torch's outputs and gradients", () => {
  for (const [k, c] of modules.entries()) {
    const what = `${c.layer} case ${k} ${JSON.stringify(c.options)}`;
    const m = new nn[c.layer](...c.args, { ...c.options, dtype: "float64" } as Opts);
    assert.deepEqual(Object.keys(m.stateDict()).sort(), Object.keys(c.state).sort(), what);
    m.loadStateDict(
      Object.fromEntries(
        Object.entries(c.state).map(([key, e]) => [key, decode(e, "cpu", "float64")]),
      ),
    );
    const x = decode(c.input, "cpu", "float64").requiresGrad_(true);
    const y = m.call(x);
    close(`${what} output`, y, c.output);
    y.mul(decode(c.weight, "cpu", "float64")).sum().backward();
    close(`${what} grad input`, x.grad!, c.grads.input);
    close(`${what} grad weight`, m.weight.grad!, c.grads.weight);
    if (c.grads.bias) close(`${what} grad bias`, m.bias!.grad!, c.grads.bias);
    else assert.equal(m.bias, null, what);
  }
});

Deno.test("nn.Conv2d: PyTorch's shapes, default init bounds and repr", () => {
  const m = new nn.Conv2d(4, 6, 3, { stride: 2, padding: 1, groups: 2 });
  assert.deepEqual(m.weight.shape, [6, 2, 3, 3]);
  assert.deepEqual(m.bias!.shape, [6]);
  const bound = 1 / Math.sqrt(2 * 9);
  for (const v of ([m.weight.toArray(), m.bias!.toArray()] as unknown[]).flat(9) as number[]) {
    assert.ok(Math.abs(v) <= bound);
  }
  assert.equal(
    m.toString(),
    "Conv2d(4, 6, kernelSize=(3, 3), stride=(2, 2), padding=(1, 1), groups=2)",
  );
  const t = new nn.ConvTranspose2d(4, 6, [2, 3], { bias: false, outputPadding: 1, stride: 2 });
  assert.deepEqual(t.weight.shape, [4, 6, 2, 3]);
  assert.equal(
    t.toString(),
    "ConvTranspose2d(4, 6, kernelSize=(2, 3), stride=(2, 2), outputPadding=(1, 1), bias=false)",
  );
  assert.equal(new nn.Conv1d(2, 3, 5).toString(), "Conv1d(2, 3, kernelSize=(5,), stride=(1,))");
  assert.deepEqual(new nn.Conv2d(3, 8, 3, { padding: "same" }).call(zeros([2, 3, 9, 7])).shape, [
    2,
    8,
    9,
    7,
  ]);
});

Deno.test("gradcheck: unfold, fold, conv1d, conv2d, convTranspose1d/2d", () => {
  const r = gradInputs(15);
  checkGrad((x) => unfold(x, { kernelSize: [2, 3], stride: [1, 2], padding: 1, dilation: 1 }), [
    r.randn(2, 2, 4, 5),
  ]);
  checkGrad((x) => unfold(x, { kernelSize: 2, dilation: 2 }), [r.randn(1, 2, 5, 5)]);
  checkGrad((x) => fold(x, { outputSize: [4, 5], kernelSize: 2, padding: 1, stride: 2 }), [
    r.randn(2, 8, 9),
  ]);
  checkGrad((x, w, b) => conv2d(x, w, b, { padding: 1, stride: [1, 2] }), [
    r.randn(2, 2, 4, 5),
    r.randn(3, 2, 3, 3),
    r.randn(3),
  ]);
  checkGrad((x, w) => conv2d(x, w, null, { groups: 2, dilation: 2, padding: "same" }), [
    r.randn(1, 4, 5, 5),
    r.randn(2, 2, 2, 2),
  ]);
  checkGrad((x, w, b) => conv2d(x, w, b), [r.randn(2, 4, 4), r.randn(2, 2, 2, 2), r.randn(2)]);
  checkGrad((x, w, b) => conv1d(x, w, b, { padding: "same", groups: 2 }), [
    r.randn(2, 4, 6),
    r.randn(2, 2, 4),
    r.randn(2),
  ]);
  checkGrad(
    (x, w, b) => convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
    [r.randn(1, 2, 3, 3), r.randn(2, 3, 3, 3), r.randn(3)],
  );
  checkGrad((x, w) => convTranspose2d(x, w, null, { groups: 2, dilation: [1, 2] }), [
    r.randn(2, 4, 2, 3),
    r.randn(4, 1, 2, 2),
  ]);
  checkGrad((x, w, b) => convTranspose1d(x, w, b, { stride: 3, outputPadding: 1 }), [
    r.randn(2, 2, 4),
    r.randn(2, 3, 2),
    r.randn(3),
  ]);
});

Deno.test("gradcheck: conv2d double backward (input and weight)", () => {
  const r = gradInputs(16);
  const f = (x: Tensor, w: Tensor, v: Tensor) =>
    enableGrad(() => {
      const y = conv2d(x, w, null, { padding: 1, stride: 2, groups: 2 });
      const [gx, gw] = autograd.grad(y, [x, w], { gradOutputs: [v], createGraph: true });
      return [gx!, gw!];
    });
  checkGrad(f, [r.randn(1, 4, 4, 5), r.randn(2, 2, 3, 3), r.randn(1, 2, 2, 3)]);
  const t = (x: Tensor, w: Tensor, v: Tensor) =>
    enableGrad(() => {
      const y = convTranspose2d(x, w, null, { stride: 2 });
      return autograd.grad(y, [x, w], { gradOutputs: [v], createGraph: true }) as Tensor[];
    });
  checkGrad(t, [r.randn(1, 2, 2, 2), r.randn(2, 1, 2, 2), r.randn(1, 1, 4, 4)]);
});

Deno.test("conv errors name the op, the shapes and the fix", () => {
  const x = zeros([1, 4, 5, 5]);
  assert.throws(
    () => conv2d(x, zeros([2, 3, 3, 3])),
    /conv2d: input has 4 channels \(shape \[1, 4, 5, 5\]\) but weight of shape \[2, 3, 3, 3\] with groups=1 expects 3.*Pass an input/,
  );
  assert.throws(
    () => conv2d(x, zeros([3, 2, 3, 3]), null, { groups: 2 }),
    /conv2d: the weight's 3 output channels .* not divisible by groups=2/,
  );
  assert.throws(
    () => conv2d(x, zeros([2, 4, 7, 7])),
    /conv2d: the \(dilated\) kernel \[7, 7\] is larger than the padded input \[5, 5\].*more padding/,
  );
  assert.throws(
    () => conv2d(x, zeros([2, 4, 3, 3]), null, { dilation: 3 }),
    /kernel \[7, 7\] is larger than the padded input \[5, 5\]/,
  );
  assert.throws(
    () => conv2d(zeros([4, 5]), zeros([2, 4, 3, 3])),
    /conv2d: expected a 3-D \(C, H, W\) or 4-D \(N, C, H, W\) input, got shape \[4, 5\]/,
  );
  assert.throws(() => conv2d(x, zeros([2, 4, 3])), /conv2d: expected a 4-D weight/);
  assert.throws(
    () => conv2d(x, zeros([2, 4, 3, 3]), null, { stride: 0 }),
    /conv2d: stride must be an integer >= 1 or a pair of them, got 0/,
  );
  assert.throws(
    () => conv2d(x, zeros([2, 4, 3, 3]), null, { dilation: [1, 1.5] }),
    /conv2d: dilation must be an integer >= 1/,
  );
  assert.throws(
    () => conv2d(x, zeros([2, 4, 3, 3]), null, { padding: "same", stride: 2 }),
    /conv2d: padding: "same" is not supported for strided convolutions/,
  );
  assert.throws(
    () => conv2d(x, zeros([2, 4, 3, 3]), zeros([3])),
    /conv2d: bias must have shape \[2\]/,
  );
  assert.throws(() => conv2d(x, zeros([2, 4, 3, 3]), null, { pad: 1 } as Opts), /conv2d/);
  assert.throws(
    () => conv2d(x.int(), zeros([2, 4, 3, 3])),
    /conv2d: input must be a float tensor, got int32/,
  );
  assert.throws(
    () => conv1d(zeros([1, 2, 3]), zeros([1, 2, 5])),
    /conv1d: the \(dilated\) kernel \[5\] is larger than the padded input \[3\]/,
  );
  assert.throws(
    () => convTranspose2d(x, zeros([4, 1, 3, 3]), null, { outputPadding: 1 }),
    /convTranspose2d: outputPadding 1 must be smaller than either stride \(1\) or dilation \(1\)/,
  );
  assert.throws(
    () => convTranspose2d(x, zeros([3, 1, 3, 3])),
    /convTranspose2d: input has 4 channels .* expects 3 \(weight.shape\[0\]\)/,
  );
  assert.throws(
    () => convTranspose2d(zeros([1, 3, 2, 2]), zeros([3, 1, 3, 3]), null, { groups: 2 }),
    /convTranspose2d: the 3 input channels are not divisible by groups=2/,
  );
  assert.throws(
    () => unfold(zeros([1, 1, 2, 2]), { kernelSize: 3 }),
    /unfold: the sliding blocks do not fit: spatial size \[2, 2\] with kernelSize \[3, 3\]/,
  );
  assert.throws(
    () => unfold(zeros([2, 2]), { kernelSize: 1 }),
    /unfold: expected a 3-D \(C, H, W\) or 4-D \(N, C, H, W\) input, got shape \[2, 2\]/,
  );
  assert.throws(
    () => fold(zeros([1, 8, 5]), { outputSize: 4, kernelSize: 2 }),
    /fold: input of shape \[1, 8, 5\] has 5 blocks, but outputSize \[4, 4\] .* gives 3×3 = 9/,
  );
  assert.throws(
    () => fold(zeros([1, 7, 9]), { outputSize: 4, kernelSize: 2 }),
    /fold: .* \(7\) must be divisible by the product of kernelSize \[2, 2\] \(4\)/,
  );
  assert.throws(
    () => new nn.Conv2d(4, 6, 3, { groups: 4 }),
    /Conv2d: inChannels \(4\) and outChannels \(6\) must both be divisible by groups \(4\)/,
  );
  assert.throws(
    () => new nn.Conv2d(4, 6, 3, { paddingMode: "mirror" as Opts }),
    /Conv2d: paddingMode must be "zeros", "reflect", "replicate", "circular", got "mirror"/,
  );
  assert.throws(
    () => new nn.Conv2d(4, 6, 3, { padding: "same", stride: 2 }),
    /Conv2d: padding "same" is not supported for strided convolutions/,
  );
  assert.throws(() => new nn.Conv2d(4, 6, 3, { kernel: 3 } as Opts), /Conv2d/);
  assert.throws(
    () => new nn.Conv2d(1, 1, 3, { padding: 3, paddingMode: "reflect" }).call(zeros([1, 1, 3, 3])),
    /Conv2d: paddingMode "reflect" needs padding of at most 2 on a dim of size 3/,
  );
});

Deno.test("fold is unfold's adjoint: <unfold(x), c> = <x, fold(c)>", () => {
  const r = gradInputs(17);
  const x = r.randn(2, 3, 6, 5), opts = { kernelSize: [3, 2], stride: [2, 1], padding: 1 } as const;
  const u = unfold(x, opts);
  const c = r.randn(...u.shape);
  const lhs = u.mul(c).sum().item() as number;
  const rhs = x.mul(fold(c, { ...opts, outputSize: [6, 5] })).sum().item() as number;
  assert.ok(Math.abs(lhs - rhs) < 1e-9 * (1 + Math.abs(lhs)));
  assert.deepEqual(tensor([[1]]).shape, [1, 1]);
});
