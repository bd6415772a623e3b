/**
 * Issue 12, section 2: activations (ops, F, nn modules) and products (bmm, baddbmm, addmm,
 * einsum, cdist) against PyTorch (fixtures/ops_activations.json), gradcheck (also of the
 * gradient), the layers' options, parameters and reprs, and the errors.
 */
import assert from "node:assert/strict";
import { checkCases, type OpTable } from "./op_cases.ts";
import { throwsWith } from "./helpers.ts";
import { checkGrad as check, gradInputs, vjp } from "./grad_helpers.ts";
import {
  addmm,
  baddbmm,
  bmm,
  cdist,
  celu,
  einsum,
  elu,
  gelu,
  hardsigmoid,
  hardswish,
  hardtanh,
  logsigmoid,
  matmul,
  mish,
  nn,
  prelu,
  randn,
  relu6,
  selu,
  silu,
  softplus,
  softsign,
  stack,
  type Tensor,
  tensor,
} from "gradiente";

const F = nn.functional;

const table: OpTable = {
  silu: ([x]) => silu(x),
  mish: ([x]) => mish(x),
  selu: ([x]) => selu(x),
  softsign: ([x]) => softsign(x),
  relu6: ([x]) => relu6(x),
  hardsigmoid: ([x]) => hardsigmoid(x),
  hardswish: ([x]) => hardswish(x),
  logsigmoid: ([x]) => logsigmoid(x),
  elu: ([x], [alpha]) => elu(x, { alpha }),
  celu: ([x], [alpha]) => celu(x, { alpha }),
  softplus: ([x], [beta, threshold]) => softplus(x, { beta, threshold }),
  hardtanh: ([x], [minVal, maxVal]) => hardtanh(x, { minVal, maxVal }),
  gelu: ([x], [approximate]) => gelu(x, { approximate }),
  prelu: ([x, w]) => prelu(x, w),
  fused_transposed: ([x]) => {
    const t = x.transpose(-1, -2);
    return stack([silu(t), softplus(t, { beta: 2, threshold: 3 }), elu(t, { alpha: 0.5 })]);
  },
  bmm: ([a, b]) => bmm(a, b),
  baddbmm: ([i, a, b], [beta, alpha]) => baddbmm(i, a, b, { beta, alpha }),
  addmm: ([i, a, b], [beta, alpha]) => addmm(i, a, b, { beta, alpha }),
  einsum: (xs, [eq]) => einsum(eq, ...xs),
  cdist: ([a, b], [p]) => cdist(a, b, { p: p === "inf" ? Infinity : p }),
};

checkCases("ops_activations.json", table, { gpuRtol: 1e-3, gpuAtol: 1e-4 });

// ---- gradcheck -------------------------------------------------------------------------

/** Seeded float64 inputs of standard deviation 2 that require grad: `inputs(1)(2, 3)`. */
const inputs = (seed: number) => gradInputs(seed).from((t) => t.mul(2));

const SMOOTH: [string, (x: Tensor) => Tensor][] = [
  ["silu", silu],
  ["mish", mish],
  ["elu", (x) => elu(x, { alpha: 0.7 })],
  ["selu", selu],
  ["celu", (x) => celu(x, { alpha: 2 })],
  ["softplus", (x) => softplus(x, { beta: 2, threshold: 3 })],
  ["softsign", softsign],
  ["logsigmoid", logsigmoid],
  ["gelu", (x) => gelu(x)],
  ["gelu tanh", (x) => gelu(x, { approximate: "tanh" })],
];
// Piecewise linear ones are checked away from their kinks (randn values almost surely are).
const PIECEWISE: [string, (x: Tensor) => Tensor][] = [
  ["hardtanh", (x) => hardtanh(x, { minVal: -1.5, maxVal: 2 })],
  ["relu6", (x) => relu6(x.mul(2))],
  ["hardsigmoid", hardsigmoid],
  ["hardswish", hardswish],
];

Deno.test("gradcheck: activations, several shapes, and their double backward", () => {
  const r = inputs(1);
  for (const [name, f] of [...SMOOTH, ...PIECEWISE]) {
    for (const shape of [[5], [2, 3], [2, 1, 3], []]) {
      assert.doesNotThrow(() => check(f, [r(...shape)]), name);
    }
  }
  for (const [name, f] of SMOOTH) {
    assert.doesNotThrow(() => check(vjp(f), [r(2, 3), r(2, 3)]), `${name} double backward`);
  }
});

Deno.test("gradcheck: prelu in the input and the weight", () => {
  const r = inputs(2);
  check(prelu, [r(2, 3, 4), r(3)]);
  check(prelu, [r(5), r(1)]);
  check(prelu, [r(2, 3), r(1)]);
});

Deno.test("gradcheck: bmm, baddbmm, addmm", () => {
  const r = inputs(3);
  check(bmm, [r(2, 3, 4), r(2, 4, 2)]);
  check((i, a, b) => baddbmm(i, a, b, { beta: 0.5, alpha: -2 }), [
    r(2, 3, 2),
    r(2, 3, 4),
    r(2, 4, 2),
  ]);
  check((i, a, b) => baddbmm(i, a, b), [r(2), r(3, 3, 4), r(3, 4, 2)]);
  check((i, a, b) => addmm(i, a, b, { beta: 1.5, alpha: 0.5 }), [r(3, 2), r(3, 4), r(4, 2)]);
  check((i, a, b) => addmm(i, a, b, { beta: 0 }), [r(2), r(3, 4), r(4, 2)]);
});

Deno.test("gradcheck: einsum (contractions, diagonals, ellipsis, several operands)", () => {
  const r = inputs(4);
  const cases: [string, number[][]][] = [
    ["ij,jk->ik", [[2, 3], [3, 4]]],
    ["ii->i", [[3, 3]]],
    ["ii", [[3, 3]]],
    ["iji->j", [[2, 3, 2]]],
    ["...ij,...jk", [[2, 2, 3], [3, 2]]],
    ["i,i->i", [[3], [1]]],
    ["ijk,ikl,ilm->ijm", [[2, 3, 2], [2, 2, 3], [2, 3, 2]]],
    ["bn,anm,bm->ba", [[2, 3], [2, 3, 2], [2, 2]]],
  ];
  for (const [eq, shapes] of cases) {
    assert.doesNotThrow(() => check((...xs) => einsum(eq, ...xs), shapes.map((s) => r(...s))), eq);
  }
  // The diagonal's backward is itself differentiable.
  check(vjp((x) => einsum("ii->i", x).mul(einsum("ii", x))), [r(3, 3), r(3)]);
});

Deno.test("gradcheck: cdist for p = 2, 1, inf, 1.5, 3, 0.5, batched", () => {
  const r = inputs(5);
  for (const p of [2, 1, Infinity, 1.5, 3, 0.5]) {
    assert.doesNotThrow(() => check((a, b) => cdist(a, b, { p }), [r(3, 2), r(4, 2)]), `p=${p}`);
  }
  check((a, b) => cdist(a, b), [r(2, 3, 2), r(1, 2, 2)]);
  check((a, b) => cdist(a, b), [r(27, 2), r(2, 2)]); // the matmul form
  check(vjp((a) => cdist(a, tensor([[0.5, -1], [2, 0]], { dtype: "float64" }))), [
    r(3, 2),
    r(3, 2),
  ]);
});

// ---- semantics beyond the fixture -------------------------------------------------------

Deno.test("activations are stable at large |x| and take ints to float", () => {
  const x = tensor([-1000, -100, 100, 1000], { dtype: "float64" });
  for (const f of [silu, mish, logsigmoid, (t: Tensor) => softplus(t), elu, selu, celu]) {
    for (const v of f(x).toArray() as number[]) assert.ok(Number.isFinite(v), `${f.name}: ${v}`);
  }
  assert.deepEqual(logsigmoid(tensor([-1000], { dtype: "float64" })).toArray(), [-1000]);
  assert.equal(silu(tensor([1, 2])).dtype, "float32");
  assert.equal(relu6(tensor([1, 9], { dtype: "int32" })).dtype, "int32");
});

Deno.test("Tensor methods forward to the ops", () => {
  const x = tensor([[-2, -0.5, 0.5, 4]], { dtype: "float64" });
  const same = (a: Tensor, b: Tensor) => assert.deepEqual(a.toArray(), b.toArray());
  same(x.silu(), silu(x));
  same(x.mish(), mish(x));
  same(x.gelu({ approximate: "tanh" }), gelu(x, { approximate: "tanh" }));
  same(x.elu({ alpha: 2 }), elu(x, { alpha: 2 }));
  same(x.selu(), selu(x));
  same(x.celu({ alpha: 2 }), celu(x, { alpha: 2 }));
  same(x.softplus({ beta: 2 }), softplus(x, { beta: 2 }));
  same(x.softsign(), softsign(x));
  same(x.hardtanh({ maxVal: 2 }), hardtanh(x, { maxVal: 2 }));
  same(x.relu6(), relu6(x));
  same(x.hardsigmoid(), hardsigmoid(x));
  same(x.hardswish(), hardswish(x));
  same(x.logsigmoid(), logsigmoid(x));
  same(x.prelu([0.1]), prelu(x, [0.1]));
  const a = randn(2, 3, 4, { dtype: "float64" }), b = randn(2, 4, 5, { dtype: "float64" });
  same(a.bmm(b), matmul(a, b));
  const c = randn(2, 3, 5, { dtype: "float64" });
  same(c.baddbmm(a, b, { beta: 2 }), baddbmm(c, a, b, { beta: 2 }));
  const m = randn(3, 5, { dtype: "float64" });
  same(m.addmm(a.index(0), b.index(0)), addmm(m, a.index(0), b.index(0)));
  same(einsum("bij,bjk->bik", [a, b]), matmul(a, b)); // the operands as one array
});

Deno.test("nn activation layers: forward, options, reprs as PyTorch's", () => {
  const x = randn(2, 3, { dtype: "float64" });
  const same = (a: Tensor, b: Tensor) => assert.deepEqual(a.toArray(), b.toArray());
  const layers: [nn.Module & { forward(x: Tensor): Tensor }, Tensor, string][] = [
    [new nn.SiLU(), F.silu(x), "SiLU()"],
    [new nn.Mish(), F.mish(x), "Mish()"],
    [new nn.ELU({ alpha: 0.5 }), F.elu(x, { alpha: 0.5 }), "ELU(alpha=0.5)"],
    [new nn.ELU(), F.elu(x), "ELU(alpha=1)"],
    [new nn.SELU(), F.selu(x), "SELU()"],
    [new nn.CELU({ alpha: 2 }), F.celu(x, { alpha: 2 }), "CELU(alpha=2)"],
    [
      new nn.Softplus({ beta: 2, threshold: 5 }),
      F.softplus(x, { beta: 2, threshold: 5 }),
      "Softplus(beta=2, threshold=5)",
    ],
    [new nn.Softsign(), F.softsign(x), "Softsign()"],
    [
      new nn.Hardtanh({ minVal: 0, maxVal: 2 }),
      F.hardtanh(x, { minVal: 0, maxVal: 2 }),
      "Hardtanh(minVal=0, maxVal=2)",
    ],
    [new nn.ReLU6(), F.relu6(x), "ReLU6()"],
    [new nn.Hardsigmoid(), F.hardsigmoid(x), "Hardsigmoid()"],
    [new nn.Hardswish(), F.hardswish(x), "Hardswish()"],
    [new nn.LogSigmoid(), F.logsigmoid(x), "LogSigmoid()"],
    [new nn.GELU("tanh"), F.gelu(x, { approximate: "tanh" }), 'GELU(approximate="tanh")'],
    [
      new nn.GELU({ approximate: "tanh" }),
      F.gelu(x, { approximate: "tanh" }),
      'GELU(approximate="tanh")',
    ],
    [new nn.GELU(), F.gelu(x), 'GELU(approximate="none")'],
  ];
  for (const [layer, want, repr] of layers) {
    same(layer.forward(x), want);
    assert.equal(String(layer), repr);
    assert.equal(layer.parameters().length, 0, repr);
  }
});

Deno.test("nn.PReLU: a learnable weight, 0.25 by default, stateDict key 'weight'", () => {
  const p = new nn.PReLU();
  assert.equal(String(p), "PReLU(numParameters=1)");
  assert.deepEqual(p.weight.shape, [1]);
  assert.deepEqual(p.weight.toArray(), [0.25]);
  assert.deepEqual(Object.keys(p.stateDict()), ["weight"]);
  const q = new nn.PReLU({ numParameters: 3, init: 0.1, dtype: "float64" });
  assert.equal(q.weight.dtype, "float64");
  assert.equal(q.parameters().length, 1);
  const x = tensor([[-1, 2, -3], [4, -5, 6]], { dtype: "float64" });
  const y = q.call(x);
  assert.deepEqual(y.toArray(), [[-0.1, 2, -0.30000000000000004], [4, -0.5, 6]]);
  y.sum().backward();
  assert.deepEqual(q.weight.grad!.toArray(), [-1, -5, -3]);
  throwsWith(
    () => q.call(randn(2, 4, { dtype: "float64" })),
    "prelu",
    "[3]",
    "[2, 4]",
    "4 channel",
  );
});

Deno.test("activation options are checked", () => {
  throwsWith(() => new nn.ELU({ alhpa: 1 } as never), "ELU", "alhpa", "alpha");
  throwsWith(() => new nn.Hardtanh({ min_val: 0 } as never), "Hardtanh", "did you mean 'minVal'");
  throwsWith(
    () => new nn.Hardtanh({ minVal: 2, maxVal: 1 }),
    "Hardtanh",
    "maxVal (1)",
    "minVal (2)",
  );
  throwsWith(() => new nn.SiLU({ inplace: true } as never), "SiLU", "inplace", "not supported");
  throwsWith(() => new nn.PReLU({ numParameters: 0 }), "PReLU", "numParameters", "got 0");
  throwsWith(() => new nn.PReLU({ num_parameters: 3 } as never), "PReLU", "numParameters");
  throwsWith(() => new nn.GELU("tahn" as never), "GELU", "tahn", '"none" or "tanh"');
  throwsWith(() => new nn.GELU({ approx: "tanh" } as never), "GELU", "approx");
  throwsWith(() => new nn.CELU({ alpha: 0 }), "CELU", "alpha cannot be 0");
  throwsWith(
    () => softplus(tensor([1]), { beta: "2" as never }),
    "softplus",
    "beta must be a number",
  );
  throwsWith(() => elu(tensor([1]), { alpha: 1, inplace: true } as never), "elu", "inplace");
  throwsWith(() => gelu(tensor([1]), { approximate: "exact" as never }), "gelu", "exact");
  throwsWith(() => celu(tensor([1]), { alpha: 0 }), "celu", "alpha cannot be 0");
  throwsWith(() => prelu(randn(2, 3), randn(2)), "prelu", "[2]", "[2, 3]", "1 or 3 entries");
  throwsWith(() => prelu(randn(2, 3), randn(3, 1)), "prelu", "1-D weight");
});

Deno.test("product errors name the shapes and the fix", () => {
  throwsWith(
    () => bmm(randn(2, 3), randn(2, 3, 4)),
    "bmm",
    "3-D",
    "[2, 3]",
    "[2, 3, 4]",
    "matmul()",
  );
  throwsWith(
    () => bmm(randn(2, 3, 4), randn(3, 4, 5)),
    "bmm",
    "batch sizes differ",
    "2",
    "3",
    "matmul()",
  );
  throwsWith(
    () => bmm(randn(2, 3, 4), randn(2, 3, 5)),
    "bmm",
    "[2, 3, 4]",
    "[2, 3, 5]",
    "transpose(1, 2)",
  );
  throwsWith(
    () => baddbmm(randn(3, 3), randn(2, 3, 4), randn(2, 4, 5)),
    "baddbmm",
    "[3, 3]",
    "[2, 3, 5]",
  );
  throwsWith(() => addmm(randn(3), randn(2, 3, 4), randn(4, 5)), "addmm", "2-D", "baddbmm()");
  throwsWith(() => addmm(randn(3), randn(3, 4), randn(3, 5)), "addmm", "3x4 by 3x5", "Transpose");
  throwsWith(
    () => addmm(randn(3), randn(3, 4), randn(4, 5), { gamma: 1 } as never),
    "addmm",
    "gamma",
  );
});

Deno.test("einsum errors name the subscripts, shapes and fix", () => {
  const a = randn(2, 3), b = randn(3, 4);
  throwsWith(
    () => einsum("ij,jk", a),
    "einsum",
    "2 operand(s) but 1 were given",
    "one comma-separated",
  );
  throwsWith(() => einsum("ij->ij", a, b), "einsum", "1 operand(s) but 2");
  throwsWith(() => einsum("i1,jk", a, b), "einsum", "invalid subscript '1'", "letters a-z");
  throwsWith(() => einsum("i.j,jk", a, b), "einsum", "invalid subscript '.'");
  throwsWith(() => einsum("...i...,jk", a, b), "einsum", "more than one '...'");
  throwsWith(() => einsum("ijk,jk", a, b), "einsum", "operand 0", "[2, 3]", "'ijk' name 3");
  throwsWith(() => einsum("ij,kj", a, b), "einsum", "subscript 'j'", "3", "4", "[3, 4]");
  throwsWith(() => einsum("ij,jk->il", a, b), "einsum", "'l'", "appears in no operand");
  throwsWith(() => einsum("ij,jk->ii", a, b), "einsum", "'i'", "more than once");
  throwsWith(() => einsum("ij->i->j", a), "einsum", "more than one '->'");
  throwsWith(
    () => einsum("ii", randn(2, 3)),
    "einsum",
    "subscript 'i'",
    "size 2",
    "but 3",
    "[2, 3]",
  );
  throwsWith(() => einsum("ii", randn(1, 3)), "einsum", "'i' is repeated", "[1, 3]", "1 and 3");
  throwsWith(() => einsum("...ij->ij", randn(5, 2, 3)), "einsum", "'...'", "output");
});

Deno.test("cdist errors", () => {
  throwsWith(() => cdist(randn(3), randn(2, 3)), "cdist", "2-D", "[3]");
  throwsWith(() => cdist(randn(2, 3), randn(2, 4)), "cdist", "features", "[2, 3]", "[2, 4]");
  throwsWith(() => cdist(randn(2, 3), randn(2, 3), { p: -1 }), "cdist", "non-negative", "-1");
  throwsWith(() => cdist(randn(2, 3), randn(2, 3), { P: 1 } as never), "cdist", "'P'");
  throwsWith(() => cdist(randn(2, 2, 3), randn(3, 2, 3)), "cdist", "batch dims");
});
