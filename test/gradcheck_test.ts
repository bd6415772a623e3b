/**
 * Every differentiable op against central finite differences in float64 (gradcheck), over
 * several shapes: broadcasting, 0-d tensors, non-contiguous views. A last group checks the
 * backward of the backward (createGraph) the same way, and that gradcheck does catch a wrong
 * gradient.
 */
import assert from "node:assert/strict";
import {
  autograd,
  cat,
  dot,
  gather,
  Generator,
  gradcheck,
  indexAdd,
  indexSelect,
  logSoftmax,
  logsumexp,
  matmul,
  maximum,
  minimum,
  mm,
  outer,
  pow,
  randn,
  scatterAdd,
  softmax,
  stack,
  type Tensor,
  tensor,
  where,
} from "gradiente";
// inputs(seed): seeded float64 inputs that require grad (r.randn, r.pos, r.away).
import { fixed, gradInputs as inputs, vjp } from "./grad_helpers.ts";

type Fn = (...xs: Tensor[]) => Tensor | readonly Tensor[];

/**
 * gradcheck, after making sure every float output really is part of the graph (gradcheck
 * skips outputs that do not require grad, so an op that forgot to record would pass).
 */
function check(fn: Fn, xs: Tensor[]): void {
  const out = fn(...xs);
  const outs = Array.isArray(out) ? out as Tensor[] : [out as Tensor];
  assert.ok(outs.length > 0);
  for (const [i, o] of outs.entries()) {
    if (o.dtype === "float64") assert.ok(o.requiresGrad, `output ${i} does not require grad`);
  }
  assert.equal(gradcheck(fn, xs), true);
}

Deno.test("gradcheck: add and sub, with alpha and broadcasting", () => {
  const r = inputs(1);
  for (
    const [a, b] of [
      [r.randn(2, 3), r.randn(2, 3)],
      [r.randn(2, 3), r.randn(3)],
      [r.randn(3, 1), r.randn(1, 4)],
      [r.randn(2, 1, 3), r.randn(4, 1)],
      [r.randn(), r.randn(2, 2)],
      [r.randn(), r.randn()],
    ]
  ) {
    check((x, y) => x.add(y), [a, b]);
    check((x, y) => x.sub(y), [a, b]);
    check((x, y) => x.add(y, 2.5), [a, b]);
    check((x, y) => x.sub(y, -0.75), [a, b]);
    check((x, y) => y.sub(x), [a, b]);
  }
  const x = r.randn(2, 3);
  check((t) => t.add(3), [x]);
  check((t) => t.sub(1.5), [x]);
  check((t) => t.add([1, 2, 3]), [x]);
});

Deno.test("gradcheck: mul and div with broadcasting and 0-d", () => {
  const r = inputs(2);
  for (
    const [a, b] of [
      [r.randn(2, 3), r.pos(2, 3)],
      [r.randn(2, 3), r.pos(3)],
      [r.randn(3, 1), r.pos(1, 4)],
      [r.randn(), r.pos(2, 2)],
      [r.randn(2, 2), r.pos()],
      [r.randn(), r.pos()],
    ]
  ) {
    check((x, y) => x.mul(y), [a, b]);
    check((x, y) => x.div(y), [a, b]);
    check((x, y) => y.div(x.abs().add(1)), [a, b]);
  }
  const x = r.randn(2, 3);
  check((t) => t.mul(-2.5), [x]);
  check((t) => t.div(4), [x]);
  check((t) => t.mul(t), [x]);
});

Deno.test("gradcheck: pow with tensor and scalar exponents (positive bases)", () => {
  const r = inputs(3);
  for (
    const [a, b] of [
      [r.pos(2, 3), r.randn(2, 3)],
      [r.pos(2, 3), r.randn(3)],
      [r.pos(3, 1), r.randn(1, 2)],
      [r.pos(), r.randn(2, 2)],
      [r.pos(2, 2), r.randn()],
    ]
  ) {
    check((x, y) => x.pow(y), [a, b]);
  }
  const x = r.pos(2, 3);
  for (const e of [2, 3, 0.5, -1.5, 1]) check((t) => t.pow(e), [x]);
  check((t) => t.pow(2), [r.randn(4)]); // an integer exponent takes any sign of base
  check((t) => pow(2, t), [r.randn(2, 2)]);
  const e = r.randn(3).detach();
  check((t) => t.pow(e), [x]);
});

Deno.test("gradcheck: elementwise unary functions", () => {
  const r = inputs(4);
  for (const shape of [[5], [2, 3], [], [2, 1, 2]]) {
    const x = r.randn(...shape), p = r.pos(...shape), a = r.away(...shape);
    check((t) => t.neg(), [x]);
    check((t) => t.exp(), [x]);
    check((t) => t.log(), [p]);
    check((t) => t.sqrt(), [p]);
    check((t) => t.abs(), [a]);
    check((t) => t.sign().add(t), [a]); // sign's gradient is 0
    check((t) => t.sin(), [x]);
    check((t) => t.cos(), [x]);
    check((t) => t.tanh(), [x]);
    check((t) => t.sigmoid(), [x]);
    check((t) => t.relu(), [a]);
    check((t) => t.leakyRelu(), [a]);
    check((t) => t.leakyRelu(0.2), [a]);
  }
});

Deno.test("gradcheck: sign alone has a zero gradient that still flows", () => {
  const a = inputs(5).away(2, 2);
  check((t) => t.sign(), [a]);
  const [g] = autograd.grad(a.sign().sum(), a);
  assert.deepEqual(g!.toArray(), [[0, 0], [0, 0]]);
});

Deno.test("gradcheck: clamp with values away from the bounds", () => {
  const x = fixed([[-1.2, -0.3, 0.1], [0.45, 0.9, 2.0]]);
  check((t) => t.clamp(-0.5, 0.5), [x]);
  check((t) => t.clamp(0), [x]);
  check((t) => t.clamp(null, 0.2), [x]);
  check((t) => t.clamp(-1, 1).mul(t), [x]);
  check((t) => t.clamp(-1, 1), [fixed(0.3)]);
  check((t) => t.clamp(-1, 1), [fixed(1.7)]);
});

Deno.test("gradcheck: maximum and minimum (no ties)", () => {
  const r = inputs(6);
  for (
    const [a, b] of [
      [r.randn(2, 3), r.randn(2, 3)],
      [r.randn(2, 3), r.randn(3)],
      [r.randn(3, 1), r.randn(1, 2)],
      [r.randn(), r.randn(4)],
    ]
  ) {
    check((x, y) => maximum(x, y), [a, b]);
    check((x, y) => x.minimum(y), [a, b]);
    check((x, y) => minimum(y, x), [a, b]);
  }
  check((t) => t.maximum(0.1), [fixed([-1, 0.5, 2])]);
});

Deno.test("gradcheck: sum and mean over all, one, several and negative dims", () => {
  const r = inputs(7);
  const x = r.randn(2, 3, 2);
  for (const k of [false, true]) {
    for (const d of [0, 1, 2, -1, [0, 2], [1, -1], [0, 1, 2]]) {
      check((t) => t.sum(d, k), [x]);
      check((t) => t.mean(d, k), [x]);
    }
    check((t) => t.sum(null, k), [x]);
    check((t) => t.mean(null, k), [x]);
  }
  check((t) => t.sum(), [x]);
  check((t) => t.mean(), [x]);
  check((t) => t.sum(), [r.randn()]);
  check((t) => t.sum(0), [r.randn()]);
  check((t) => t.mean(-1, true), [r.randn()]);
  check((t) => t.prod(0), [r.randn()]);
  check((t) => t.mean(0), [r.randn(5)]);
});

Deno.test("gradcheck: prod with and without dim", () => {
  const r = inputs(8);
  const x = r.away(2, 3);
  check((t) => t.prod(), [x]);
  for (const d of [0, 1, -1]) {
    check((t) => t.prod(d), [x]);
    check((t) => t.prod(d, true), [x]);
  }
  check((t) => t.prod(), [r.away()]);
  check((t) => t.prod(0), [r.away(4)]);
});

Deno.test("gradcheck: max and min, with and without dim (no ties)", () => {
  const r = inputs(9);
  const x = r.randn(3, 4);
  check((t) => t.max(), [x]);
  check((t) => t.min(), [x]);
  for (const d of [0, 1, -1]) {
    for (const k of [false, true]) {
      check((t) => t.max(d, k).values, [x]);
      check((t) => t.min(d, k).values, [x]);
    }
  }
  const y = r.randn(2, 3, 2);
  check((t) => t.max(1).values, [y]);
  check((t) => t.min(2, true).values, [y]);
  check((t) => t.max(), [r.randn()]);
  check((t) => t.max(0).values, [r.randn(5)]);
  check((t) => t.max(0).values, [r.randn()]);
  check((t) => t.min(-1, true).values, [r.randn()]);
});

Deno.test("gradcheck: ties in max, min, maximum, minimum share the gradient evenly", () => {
  // At a tie the central difference is exactly the even split PyTorch's rule gives.
  const x = fixed([[1.5, -0.5, 1.5], [0.25, -0.5, 1.0]]);
  check((t) => t.max(), [x]);
  check((t) => t.min(), [x]);
  const a = fixed([1, 2, 3]), b = fixed([1, 0, 3]);
  check((p, q) => p.maximum(q), [a, b]);
  check((p, q) => p.minimum(q), [a, b]);
  const [ga, gb] = autograd.grad(a.maximum(b).sum(), [a, b]);
  assert.deepEqual(ga!.toArray(), [0.5, 1, 0.5]);
  assert.deepEqual(gb!.toArray(), [0.5, 0, 0.5]);
});

Deno.test("gradcheck: an output that needs no gradient (argmax indices) is skipped", () => {
  const x = inputs(10).randn(3, 4);
  assert.equal(
    gradcheck((t) => {
      const { values, indices } = t.max(1);
      return [indices, values];
    }, [x]),
    true,
  );
});

Deno.test("gradcheck: var and std", () => {
  const r = inputs(11);
  const x = r.randn(3, 4);
  check((t) => t.var(), [x]);
  check((t) => t.std(), [x]);
  for (const d of [0, 1, -1, [0, 1]]) {
    for (const k of [false, true]) {
      check((t) => t.var(d, { keepdim: k }), [x]);
      check((t) => t.std(d, { keepdim: k }), [x]);
    }
    check((t) => t.var(d, false), [x]);
    check((t) => t.std(d, { correction: 0, keepdim: true }), [x]);
  }
  check((t) => t.var(1, { correction: 2 }), [x]);
});

Deno.test("gradcheck: logsumexp, softmax and logSoftmax over several dims", () => {
  const r = inputs(12);
  const x = r.randn(2, 3, 2);
  for (const d of [0, 1, 2, -1, -2]) {
    check((t) => t.softmax(d), [x]);
    check((t) => t.logSoftmax(d), [x]);
    check((t) => softmax(t, d), [x]);
    check((t) => logSoftmax(t, d), [x]);
    check((t) => t.logsumexp(d), [x]);
    check((t) => logsumexp(t, d, true), [x]);
  }
  check((t) => t.logsumexp([0, 2]), [x]);
  check((t) => t.logsumexp([0, 1, 2]), [x]);
  // large values: the shift keeps it finite and the gradient is still the softmax
  check((t) => t.mul(100).logsumexp(0), [r.randn(4)]);
  check((t) => t.mul(30).softmax(0), [r.randn(4)]);
  check((t) => t.softmax(0), [r.randn(5)]);
  for (const d of [0, -1]) { // 0-d tensors accept dim 0 and -1, as in PyTorch
    check((t) => t.softmax(d).mul(t), [r.randn()]);
    check((t) => t.logSoftmax(d).add(t), [r.randn()]);
    check((t) => t.logsumexp(d), [r.randn()]);
  }
  check((t) => t.transpose(0, 1).softmax(1), [r.randn(3, 2)]); // on a non-contiguous view
});

Deno.test("gradcheck: matmul in 1-D, 2-D, mixed and batched broadcast shapes", () => {
  const r = inputs(13);
  const cases: [number[], number[]][] = [
    [[3], [3]],
    [[2, 3], [3, 2]],
    [[3], [3, 2]],
    [[2, 3], [3]],
    [[2, 2, 3], [3, 2]],
    [[3], [2, 3, 2]],
    [[2, 2, 3], [3]],
    [[2, 1, 2, 3], [2, 3, 2]],
    [[2, 2, 3], [2, 3, 1]],
    [[1, 2, 3], [2, 3, 2]],
  ];
  for (const [sa, sb] of cases) {
    check((a, b) => a.matmul(b), [r.randn(...sa), r.randn(...sb)]);
  }
});

Deno.test("gradcheck: batched broadcast matmul [2,1,3,4] @ [5,4,2]", () => {
  // 24 + 40 inputs, 60 outputs: the largest check here, kept once.
  const r = inputs(14);
  check((a, b) => matmul(a, b), [r.randn(2, 1, 3, 4), r.randn(5, 4, 2)]);
});

Deno.test("gradcheck: mm, dot, outer and matmul with transposed views", () => {
  const r = inputs(15);
  check((a, b) => mm(a, b), [r.randn(2, 3), r.randn(3, 2)]);
  check((a, b) => a.mm(b), [r.randn(1, 3), r.randn(3, 4)]);
  check((a, b) => dot(a, b), [r.randn(4), r.randn(4)]);
  check((a, b) => a.dot(b), [r.randn(1), r.randn(1)]);
  check((a, b) => outer(a, b), [r.randn(3), r.randn(2)]);
  check((a, b) => a.outer(b), [r.randn(1), r.randn(4)]);
  check((a, b) => a.T.matmul(b), [r.randn(3, 2), r.randn(3, 2)]);
  check((a, b) => a.matmul(b.T), [r.randn(2, 3), r.randn(2, 3)]);
  check((a, b) => a.T.matmul(b.T), [r.randn(3, 2), r.randn(2, 3)]);
  check((a, b) => a.transpose(-1, -2).matmul(b), [r.randn(2, 3, 2), r.randn(2, 3, 2)]);
  check((a, b) => a.matmul(b.transpose(1, 2)), [r.randn(2, 2, 3), r.randn(2, 2, 3)]);
  check((a, b) => a.permute(2, 0, 1).matmul(b), [r.randn(2, 3, 2), r.randn(3, 2)]);
  check((a, b) => a.T.matmul(b), [r.randn(3, 2), r.randn(3)]);
  check((a) => a.matmul(a.T), [r.randn(2, 3)]); // one input on both sides
  check((a, b) => a.index("::-1").matmul(b.index(":", "::2")), [r.randn(2, 3), r.randn(3, 3)]);
});

Deno.test("gradcheck: reshape, view, flatten, squeeze, unsqueeze", () => {
  const r = inputs(16);
  const x = r.randn(2, 3, 2);
  check((t) => t.reshape(3, 4), [x]);
  check((t) => t.reshape([-1]), [x]);
  check((t) => t.reshape(2, -1).mul(t.reshape(2, -1)), [x]);
  check((t) => t.view(6, 2), [x]);
  check((t) => t.view([4, -1]).exp(), [x]);
  check((t) => t.flatten(), [x]);
  check((t) => t.flatten(1), [x]);
  check((t) => t.flatten(0, 1), [x]);
  check((t) => t.transpose(0, 2).reshape(-1).mul(t.reshape(-1)), [x]); // reshape that copies
  check((t) => t.flatten(), [r.randn()]);
  check((t) => t.reshape(1, 1), [r.randn()]);
  const y = r.randn(1, 3, 1, 2);
  check((t) => t.squeeze(), [y]);
  check((t) => t.squeeze(0), [y]);
  check((t) => t.squeeze(-2), [y]);
  check((t) => t.squeeze([0, 2]), [y]);
  check((t) => t.squeeze(1), [y]); // not of size 1: nothing to remove
  check((t) => t.unsqueeze(0), [x]);
  check((t) => t.unsqueeze(-1), [x]);
  check((t) => t.unsqueeze(1).mul(t.unsqueeze(2)), [r.randn(2, 3)]);
  check((t) => t.unsqueeze(0), [r.randn()]);
});

Deno.test("gradcheck: transpose, permute, T and expand", () => {
  const r = inputs(17);
  const x = r.randn(2, 3, 2);
  check((t) => t.transpose(0, 1), [x]);
  check((t) => t.transpose(-1, 0).exp(), [x]);
  check((t) => t.transpose(1, 1), [x]);
  check((t) => t.permute(2, 0, 1), [x]);
  const w = r.randn(3, 2, 2).detach();
  check((t) => t.permute([1, 2, 0]).mul(w), [x]);
  check((t) => t.T, [r.randn(2, 3)]);
  check((t) => t.T, [x]);
  check((t) => t.T.T.mul(t), [r.randn(2, 3)]);
  const c = r.randn(3, 1);
  check((t) => t.expand(3, 4), [c]);
  check((t) => t.expand(2, 3, 2), [c]);
  const w2 = r.randn(3, 2).detach();
  check((t) => t.expand(-1, 2).mul(w2), [c]);
  check((t) => t.expandAs(x), [r.randn(1, 2)]);
  check((t) => t.expand(3), [r.randn()]);
  check((t) => t.expand(3, 1), [c]); // no-op
});

Deno.test("gradcheck: index with slices, steps, negative steps, ints, null, ..., lists", () => {
  const r = inputs(18);
  const x = r.randn(3, 4);
  const specs: Parameters<Tensor["index"]>[] = [
    [1],
    [-1],
    [":", 0],
    [":", -2],
    ["1:3"],
    ["::2"],
    ["::-1"],
    [":", "::-2"],
    ["-2:", "1:-1"],
    ["2:0:-1", "3::-2"],
    [null],
    [":", null, "1:"],
    ["...", 0],
    [1, "..."],
    [{ start: 1, stop: 3 }],
    [{ step: -1 }, { start: 1, step: 2 }],
    [1, 2],
    [[0, 2]],
    [":", [3, 0, 3]],
    ["::-1", [1, 2]],
    ["1:2", "1:1"], // empty
  ];
  for (const spec of specs) check((t) => t.index(...spec), [x]);
  check((t) => t.index(0, "::-1").mul(t.index(2, "::-1")), [x]); // two views of one input
  check((t) => t.index("...", "::-1").index(1).exp(), [r.randn(2, 3, 2)]);
  check((t) => t.index(null), [r.randn()]);
  check((t) => t.index("..."), [r.randn()]);
  check((t) => t.index(0).index(1), [r.randn(2, 2)]); // to 0-d
});

Deno.test("gradcheck: narrow, cat, stack, split, chunk", () => {
  const r = inputs(19);
  const x = r.randn(4, 3);
  check((t) => t.narrow(0, 1, 2), [x]);
  check((t) => t.narrow(1, -2, 2), [x]);
  check((t) => t.narrow(-1, 0, 1).mul(t.narrow(-1, 2, 1)), [x]);
  const a = r.randn(2, 3), b = r.randn(1, 3), c = r.randn(2, 2);
  check((p, q) => cat([p, q]), [a, b]);
  check((p, q) => cat([p, q, p], 0), [a, b]);
  check((p, q) => cat([p, q], 1), [a, c]);
  check((p, q) => cat([p, q], -1), [a, c]);
  check((p) => cat([p]), [a]);
  check((p, q) => stack([p, q]), [a, r.randn(2, 3)]);
  check((p, q) => stack([p, q], 1), [a, r.randn(2, 3)]);
  check((p, q) => stack([p, q], -1), [a, r.randn(2, 3)]);
  check((p, q) => stack([p, q]), [r.randn(), r.randn()]);
  check((t) => t.split(2), [x]);
  check((t) => t.split(3), [x]); // uneven: [3, 1]
  check((t) => t.split([1, 2], 1), [x]);
  check((t) => t.split(1, -1).map((s, i) => s.mul(i + 1)), [x]);
  check((t) => t.chunk(2), [x]);
  check((t) => t.chunk(3, 1), [x]);
  check((t) => t.chunk(3), [x]); // 4 rows in 3 chunks: [2, 2]
  check((t) => {
    const [p, q] = t.chunk(2, 1);
    return cat([q, p, q], 1);
  }, [r.randn(2, 4)]);
});

Deno.test("gradcheck: indexSelect, gather, scatterAdd, indexAdd", () => {
  const r = inputs(20);
  const x = r.randn(3, 4);
  const rows = tensor([2, 0, 2], { dtype: "int32" });
  check((t) => t.indexSelect(0, rows), [x]);
  check((t) => indexSelect(t, 1, [3, 1]), [x]);
  check((t) => t.indexSelect(-1, [0, 0, 0]), [x]);
  check((t) => t.indexSelect(0, tensor(1, { dtype: "int32" })), [x]);
  const s0 = r.randn(); // 0-d: dim 0 has one entry
  check((t) => t.indexSelect(0, [0]).mul(t), [s0]);
  check((t) => t.gather(0, tensor(0, { dtype: "int32" })), [s0]);
  check((b, s) => b.scatterAdd(0, tensor(0, { dtype: "int32" }), s), [s0, r.randn()]);
  check((b, s) => b.indexAdd(0, [0], s), [s0, r.randn()]);
  const gi = tensor([[0, 2], [1, 1], [3, 0]], { dtype: "int32" });
  check((t) => t.gather(1, gi), [x]);
  check((t) => gather(t, 0, [[2, 0, 1, 1], [0, 0, 2, 1]]), [x]);
  const base = r.randn(3, 4), src = r.randn(3, 2);
  check((b, s) => b.scatterAdd(1, gi, s), [base, src]);
  check((b, s) => scatterAdd(b, 0, [[0, 0], [2, 0], [0, 1]], s), [r.randn(3, 2), src]);
  check((s) => scatterAdd(base.detach(), 1, gi, s), [src]); // only src requires grad
  const isrc = r.randn(3, 2);
  check((b, s) => b.indexAdd(1, [3, 3], s), [base, isrc]);
  check((b, s) => indexAdd(b, 0, [2, 0], s), [r.randn(3, 2), r.randn(2, 2)]);
  const row = r.randn(1, 4).detach();
  check((b) => b.indexAdd(0, [1], row), [base]);
});

Deno.test("gradcheck: where and maskedFill with broadcasting", () => {
  const r = inputs(21);
  const a = r.randn(2, 3), b = r.randn(2, 3);
  const cond = tensor([[true, false, true], [false, false, true]]);
  check((x, y) => where(cond, x, y), [a, b]);
  check((x, y) => x.where(cond, y), [a, b]);
  check((x, y) => where(cond, x, y), [r.randn(3), r.randn(2, 1)]);
  check((x, y) => where(tensor([true, false, true]), x, y), [a, r.randn()]);
  check((x) => where(cond, x, 0), [a]);
  check((x) => where(cond, 1.5, x), [a]);
  check((x) => where(x.gt(0), x, x.mul(0.1)), [r.away(2, 3)]);
  check((x) => x.maskedFill(cond, -1), [a]);
  check((x) => x.maskedFill(tensor([false, true, false]), 2), [a]);
  check((x) => x.maskedFill(x.lt(0), 0), [r.away(4)]);
});

Deno.test("gradcheck: composites through non-contiguous views and 0-d tensors", () => {
  const r = inputs(22);
  check((t) => t.T.exp().mul(t.T.sin()).sum(0), [r.randn(2, 3)]);
  check((t) => t.index("::-1", 1).tanh(), [r.randn(3, 2)]);
  check((t) => t.expand(2, 3).sigmoid().mul(t), [r.randn(3)]);
  check((t) => t.permute(1, 0, 2).log().sum([0, 2]), [r.pos(2, 2, 2)]);
  check((t, u) => t.mul(u).add(u.exp()).div(t.abs().add(1)), [r.randn(), r.randn()]);
  check((t, u) => t.pow(u).log().sqrt(), [r.pos().add(1).detach().requiresGrad_(), r.pos()]);
  check((t) => t.contiguous().clone(), [r.randn(2, 3)]);
  check((t) => t.T.contiguous().mul(2), [r.randn(2, 3)]);
  check((t) => t.clone().mul(t), [r.randn()]);
});

Deno.test("gradcheck of the gradient (double backward) for every op family", () => {
  const r = inputs(23);
  const cases: [(x: Tensor) => Tensor, Tensor, number[]][] = [
    [(t) => t.mul(t), r.randn(2, 3), [2, 3]],
    [(t) => t.div(t.abs().add(1)), r.randn(2, 3), [2, 3]],
    [(t) => t.pow(3), r.randn(4), [4]],
    [(t) => t.pow(t), r.pos(3), [3]],
    [(t) => t.exp(), r.randn(3), [3]],
    [(t) => t.log(), r.pos(3), [3]],
    [(t) => t.sqrt(), r.pos(3), [3]],
    [(t) => t.sin().mul(t.cos()), r.randn(3), [3]],
    [(t) => t.tanh(), r.randn(3), [3]],
    [(t) => t.sigmoid(), r.randn(3), [3]],
    [(t) => t.abs(), r.away(3), [3]],
    [(t) => t.relu().mul(t), r.away(4), [4]],
    [(t) => t.leakyRelu(0.1).mul(t), r.away(4), [4]],
    [(t) => t.clamp(-0.5, 0.5).mul(t), fixed([-1, 0.2, 0.9]), [3]],
    [(t) => t.maximum(t.index("::-1")), r.randn(3), [3]],
    [(t) => t.prod(1), r.away(2, 3), [2]],
    [(t) => t.max(1).values.mul(t.max()), r.randn(2, 3), [2]],
    [(t) => t.var(0), r.randn(3, 2), [2]],
    [(t) => t.std(1, { keepdim: true }), r.randn(2, 3), [2, 1]],
    [(t) => t.logsumexp(1), r.randn(2, 3), [2]],
    [(t) => t.softmax(0), r.randn(2, 3), [2, 3]],
    [(t) => t.logSoftmax(1), r.randn(2, 3), [2, 3]],
    [(t) => t.matmul(t.T), r.randn(2, 3), [2, 2]],
    [(t) => t.mean(0).mul(t.sum()), r.randn(2, 3), [3]],
    [(t) => t.index("::-1", 1).mul(t.index(0)), r.randn(3, 3), [3]],
    [(t) => t.narrow(1, 1, 2).exp(), r.randn(2, 3), [2, 2]],
    [(t) => t.expand(2, 3).mul(t), r.randn(3), [2, 3]],
    [(t) => t.gather(1, [[1, 1], [0, 2]]).exp(), r.randn(2, 3), [2, 2]],
    [(t) => t.indexSelect(0, [1, 1]).exp(), r.randn(2, 2), [2, 2]],
    [(t) => t.scatterAdd(0, [[1, 0]], t.index("0:1").exp()), r.randn(2, 2), [2, 2]],
    [(t) => t.indexAdd(0, [0], t.index("1:").exp()), r.randn(2, 2), [2, 2]],
    [(t) => cat([t.exp(), t.mul(t)], 1), r.randn(2, 2), [2, 4]],
    [(t) => where(t.gt(0), t.mul(t), t.exp()), r.away(4), [4]],
  ];
  cases.forEach(([f, x, vShape], i) => {
    const v = r.randn(...vShape);
    const out = vjp(f)(x, v);
    assert.ok(out.requiresGrad, `case ${i}: the gradient is not part of a graph`);
    assert.equal(gradcheck(vjp(f), [x, v]), true, `case ${i}`);
  });
});

Deno.test("gradcheck throws for a function whose gradient misses a term", () => {
  const x = inputs(24).randn(3);
  // forward is x², but detach() hides one factor from autograd: analytic x, true 2x
  assert.throws(() => gradcheck((t) => t.mul(t.detach()), [x]), /Jacobian mismatch/);
  // the same forward written correctly passes
  assert.equal(gradcheck((t) => t.mul(t), [x]), true);
  // a hidden dependency through a detached alias of another input
  const y = inputs(25).randn(3);
  assert.throws(
    () => gradcheck((a, b) => a.mul(b.detach()).add(b.exp()), [x, y]),
    /with respect to input 1/,
  );
  // the error names the numerical and analytical values
  assert.throws(
    () => gradcheck((t) => t.exp().mul(t.detach().exp()), [fixed([0.5])]),
    (e: Error) => {
      const m = /numerical ([-\d.e]+), analytical ([-\d.e]+)/.exec(e.message);
      assert.ok(m, e.message);
      assert.ok(Math.abs(parseFloat(m[1]) - 2 * Math.exp(1)) < 1e-5);
      assert.ok(Math.abs(parseFloat(m[2]) - Math.exp(1)) < 1e-12);
      return true;
    },
  );
});

Deno.test("gradcheck rejects inputs it cannot check", () => {
  const x32 = randn(3, { generator: new Generator(26) }).requiresGrad_();
  assert.throws(() => gradcheck((t) => t.exp(), [x32]), /float64/);
  const noReq = randn(3, { dtype: "float64", generator: new Generator(27) });
  assert.throws(() => gradcheck((t) => t.exp(), [noReq]), /requires grad/);
});
