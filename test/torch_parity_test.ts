/**
 * Parity with PyTorch: random expressions (JSON trees) evaluated by torch in float64, stored in
 * fixtures/torch_parity.json by fixtures/make_torch_parity.py. Each one is rebuilt here with
 * gradiente; the output and the gradients of sum(output * W) must match torch's to 1e-9.
 */
import assert from "node:assert/strict";
import {
  add,
  cat,
  div,
  gather,
  gt,
  indexSelect,
  type IndexSpec,
  matmul,
  maximum,
  minimum,
  mul,
  pow,
  stack,
  sub,
  type Tensor,
  tensor,
  where,
} from "gradiente";

type Expr = [string, ...unknown[]];
type Value = Tensor | number;

interface Stored {
  shape: number[];
  values: number | unknown[];
}

interface Case {
  expr: Expr;
  inputs: Stored[];
  output: Stored;
  weight: Stored;
  grads: Stored[];
}

interface Fixture {
  header: { torch: string; seed: number; count: number; ops: Record<string, number> };
  cases: Case[];
}

const fixture: Fixture = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/torch_parity.json", import.meta.url)),
);

const RTOL = 1e-9, ATOL = 1e-9;

function load(s: Stored, requiresGrad = false): Tensor {
  return tensor(s.values as number[], { dtype: "float64", requiresGrad });
}

function asTensor(v: Value, what: string): Tensor {
  if (typeof v === "number") throw new Error(`${what}: expected a tensor, got the number ${v}`);
  return v;
}

/** Evaluates one tree node with gradiente; consts stay plain numbers (weak scalars). */
function evaluate(node: Expr, xs: Tensor[]): Value {
  const [op, ...args] = node;
  const arg = (i: number): Value => evaluate(args[i] as Expr, xs);
  const t = (i: number): Tensor => asTensor(arg(i), op);
  const n = (i: number) => args[i] as number;
  const b = (i: number) => args[i] as boolean;
  const dimArg = (i: number) => args[i] as number | number[] | null;
  switch (op) {
    case "in":
      return xs[n(0)];
    case "const":
      return n(0);
    case "add":
      return add(arg(0), arg(1));
    case "sub":
      return sub(arg(0), arg(1));
    case "mul":
      return mul(arg(0), arg(1));
    case "div":
      return div(arg(0), arg(1));
    case "pow":
      return pow(arg(0), arg(1));
    case "maximum":
      return maximum(arg(0), arg(1));
    case "minimum":
      return minimum(arg(0), arg(1));
    case "gt":
      return gt(arg(0), arg(1));
    case "matmul":
      return matmul(arg(0), arg(1));
    case "neg":
      return t(0).neg();
    case "exp":
      return t(0).exp();
    case "log":
      return t(0).log();
    case "sqrt":
      return t(0).sqrt();
    case "abs":
      return t(0).abs();
    case "tanh":
      return t(0).tanh();
    case "sigmoid":
      return t(0).sigmoid();
    case "relu":
      return t(0).relu();
    case "sin":
      return t(0).sin();
    case "cos":
      return t(0).cos();
    case "leakyRelu":
      return t(0).leakyRelu(n(1));
    case "clamp":
      return t(0).clamp(args[1] as number | null, args[2] as number | null);
    case "sum":
      return t(0).sum(dimArg(1), b(2));
    case "mean":
      return t(0).mean(dimArg(1), b(2));
    case "var":
      return t(0).var(dimArg(1), b(2));
    case "std":
      return t(0).std(dimArg(1), b(2));
    case "prod":
      return t(0).prod(n(1), b(2));
    case "max":
      return t(0).max(n(1), b(2)).values;
    case "min":
      return t(0).min(n(1), b(2)).values;
    case "logsumexp":
      return t(0).logsumexp(args[1] as number | number[], b(2));
    case "softmax":
      return t(0).softmax(n(1));
    case "logSoftmax":
      return t(0).logSoftmax(n(1));
    case "transpose":
      return t(0).transpose(n(1), n(2));
    case "permute":
      return t(0).permute(args[1] as number[]);
    case "reshape":
      return t(0).reshape(args[1] as number[]);
    case "unsqueeze":
      return t(0).unsqueeze(n(1));
    case "squeeze":
      return t(0).squeeze(n(1));
    case "flatten":
      return t(0).flatten(n(1), n(2));
    case "expand":
      return t(0).expand(args[1] as number[]);
    case "narrow":
      return t(0).narrow(n(1), n(2), n(3));
    case "index":
      return t(0).index(...(args[1] as IndexSpec[]));
    case "cat":
    case "stack": {
      const parts = (args[0] as Expr[]).map((e) => asTensor(evaluate(e, xs), op));
      return op === "cat" ? cat(parts, n(1)) : stack(parts, n(1));
    }
    case "where":
      return where(t(0), arg(1), arg(2));
    case "maskedFill":
      return t(0).maskedFill(t(1), n(2));
    case "gather":
      return gather(t(0), n(1), args[2] as number[][]);
    case "indexSelect":
      return indexSelect(t(0), n(1), args[2] as number[]);
    default:
      throw new Error(`torch parity: no evaluator for op '${op}'`);
  }
}

function flat(values: number | unknown[]): number[] {
  return typeof values === "number" ? [values] : (values.flat(Infinity) as number[]);
}

async function assertClose(what: string, actual: Tensor | null, expected: Stored): Promise<void> {
  const want = flat(expected.values);
  // (the generator only keeps expressions where every input gets a nonzero gradient)
  assert.ok(actual !== null, `${what}: gradiente gave no gradient`);
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  assert.equal(actual.dtype, "float64", `${what}: dtype`);
  const got = Array.from(await actual.data());
  assert.equal(got.length, want.length, `${what}: number of values`);
  const bad: string[] = [];
  got.forEach((g, i) => {
    const w = want[i];
    if (!(Math.abs(g - w) <= ATOL + RTOL * Math.abs(w))) bad.push(`[${i}] ${g} vs torch ${w}`);
  });
  assert.ok(
    bad.length === 0,
    `${what}: ${bad.length} values differ: ${bad.slice(0, 5).join(", ")}`,
  );
}

Deno.test("torch parity: fixture header", () => {
  assert.equal(fixture.cases.length, fixture.header.count);
  assert.ok(fixture.cases.length >= 40);
  assert.ok(typeof fixture.header.torch === "string" && typeof fixture.header.seed === "number");
});

fixture.cases.forEach((c, i) => {
  const text = JSON.stringify(c.expr);
  const label = text.length > 140 ? `${text.slice(0, 137)}...` : text;
  Deno.test(`torch parity #${i}: ${label}`, async () => {
    const xs = c.inputs.map((s) => load(s, true));
    xs.forEach((x, k) => assert.deepEqual(x.shape, c.inputs[k].shape, `input ${k} shape`));
    const out = asTensor(evaluate(c.expr, xs), "expression");
    await assertClose("output", out, c.output);
    const w = load(c.weight);
    assert.deepEqual(w.shape, c.weight.shape);
    out.mul(w).sum().backward();
    for (const [k, x] of xs.entries()) await assertClose(`grad of input ${k}`, x.grad, c.grads[k]);
  });
});
