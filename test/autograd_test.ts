/**
 * Autograd: the lectures' examples, the graph API (requiresGrad, isLeaf, gradFn,
 * nextFunctions, detach, retainGrad), grad mode, autograd.grad, higher-order gradients,
 * accumulation, and the engine's bookkeeping (freed graphs, in-place version checks).
 */
import assert from "node:assert/strict";
import {
  autograd,
  enableGrad,
  Generator,
  isGradEnabled,
  type NestedArray,
  noGrad,
  ones,
  randn,
  Tensor,
  tensor,
  zeros,
} from "gradiente";

const f64 = { dtype: "float64" } as const;

/** Values of a tensor as a flat list of numbers. */
function vals(t: Tensor): number[] {
  const flat = (v: NestedArray): number[] =>
    Array.isArray(v) ? (v as readonly NestedArray[]).flatMap(flat) : [Number(v)];
  return flat(t.toArray());
}

/** Asserts a tensor equals expected values (a tensor or numbers) elementwise within tol. */
function close(actual: Tensor | null, expected: Tensor | number[] | number, tol = 1e-10): void {
  assert.ok(actual, "expected a tensor, got null");
  const e = expected instanceof Tensor ? vals(expected) : [expected].flat() as number[];
  const a = vals(actual);
  assert.equal(a.length, e.length, `length ${a.length} vs ${e.length}`);
  a.forEach((v, i) => {
    assert.ok(
      Math.abs(v - e[i]) <= tol * Math.max(1, Math.abs(e[i])),
      `element ${i}: got ${v}, expected ${e[i]}`,
    );
  });
}

function rng(seed: number) {
  const generator = new Generator(seed);
  return (...shape: number[]) => randn(shape, { ...f64, generator });
}

// ---- the lectures' examples ----------------------------------------------------------------

Deno.test("d = a·b + a: ∂d/∂a = b + 1 and ∂d/∂b = a (scalars)", () => {
  const a = tensor([2], { requiresGrad: true });
  const b = tensor([3], { requiresGrad: true });
  const d = a.mul(b).add(a);
  assert.deepEqual(d.toArray(), [8]);
  d.backward();
  assert.deepEqual(a.grad!.toArray(), [4]);
  assert.deepEqual(b.grad!.toArray(), [2]);
  assert.equal(a.grad!.dtype, "float32");
  assert.deepEqual(a.grad!.shape, [1]);

  const a0 = tensor(-1.5, { ...f64, requiresGrad: true });
  const b0 = tensor(0.25, { ...f64, requiresGrad: true });
  a0.mul(b0).add(a0).backward();
  assert.deepEqual(a0.grad!.shape, []);
  assert.equal(a0.grad!.item(), 1.25);
  assert.equal(b0.grad!.item(), -1.5);
});

Deno.test("d = a·b + a: ∂d/∂a = b + 1 and ∂d/∂b = a (vectors)", () => {
  const r = rng(1);
  const a = r(5).requiresGrad_(), b = r(5).requiresGrad_();
  a.mul(b).add(a).sum().backward();
  close(a.grad, b.detach().add(1));
  close(b.grad, a.detach());

  // the same without reducing: backward with a gradient of ones
  const a2 = r(2, 3).requiresGrad_(), b2 = r(2, 3).requiresGrad_();
  a2.mul(b2).add(a2).backward(ones([2, 3], f64));
  close(a2.grad, b2.detach().add(1));
  close(b2.grad, a2.detach());
});

Deno.test("MSE of a linear model: autograd equals the closed-form gradients", () => {
  // loss = mean((Xw + b - y)²); ∇w = 2/n·Xᵀ(Xw + b - y), ∂b = 2/n·Σ(Xw + b - y)
  for (const n of [1, 7, 12]) {
    const r = rng(100 + n);
    const X = r(n, 3), y = r(n, 1);
    const w = r(3, 1).requiresGrad_(), b = r(1).requiresGrad_();
    const loss = X.matmul(w).add(b).sub(y).pow(2).mean();
    loss.backward();
    const res = noGrad(() => X.matmul(w).add(b).sub(y));
    close(loss, noGrad(() => res.pow(2).sum().div(n)));
    close(w.grad, noGrad(() => X.T.matmul(res).mul(2 / n)));
    close(b.grad, noGrad(() => res.sum(0).mul(2 / n)));
    assert.deepEqual(w.grad!.shape, [3, 1]);
    assert.deepEqual(b.grad!.shape, [1]);
  }
  // float32 (the default dtype), as in the lecture
  const generator = new Generator(7);
  const X = randn(8, 3, { generator }), y = randn(8, 1, { generator });
  const w = randn(3, 1, { generator }).requiresGrad_(), b = zeros(1, { requiresGrad: true });
  X.matmul(w).add(b).sub(y).pow(2).mean().backward();
  const res = noGrad(() => X.matmul(w).add(b).sub(y));
  close(w.grad, noGrad(() => X.T.matmul(res).mul(2 / 8)), 1e-5);
  close(b.grad, noGrad(() => res.sum(0).mul(2 / 8)), 1e-5);
});

// ---- accumulation ----------------------------------------------------------------------------

Deno.test("gradients accumulate across backward calls until zeroed", () => {
  const x = rng(2)(4).requiresGrad_();
  const f = () => x.mul(x).sum(); // ∂/∂x = 2x
  const twoX = noGrad(() => x.mul(2));
  f().backward();
  close(x.grad, twoX);
  f().backward(); // a recomputed forward
  close(x.grad, noGrad(() => twoX.mul(2)));

  x.grad = null;
  f().backward();
  close(x.grad, twoX);

  const y = f();
  y.backward(undefined, { retainGraph: true });
  y.backward(); // the same graph, kept by retainGraph
  close(x.grad, noGrad(() => twoX.mul(3)));

  noGrad(() => x.grad!.zero_());
  close(x.grad, [0, 0, 0, 0]);
  f().backward();
  close(x.grad, twoX);

  x.grad!.zero_(); // .grad itself does not require grad, so this works in grad mode too
  assert.equal(x.grad!.requiresGrad, false);
  f().backward();
  close(x.grad, twoX);
});

Deno.test("accumulation adds into .grad in place, as PyTorch", () => {
  const x = tensor([1, 2], { ...f64, requiresGrad: true });
  x.sum().backward();
  const first = x.grad!;
  x.sum().backward();
  assert.equal(x.grad, first); // the same tensor, accumulated in place (torch: x.grad is f)
  close(x.grad, [2, 2]);
});

// ---- graph API ------------------------------------------------------------------------------

Deno.test("requiresGrad, isLeaf and gradFn", () => {
  const c = tensor([1, 2, 3]);
  assert.equal(c.requiresGrad, false);
  assert.equal(c.isLeaf, true);
  assert.equal(c.gradFn, null);

  const x = tensor([1, 2, 3], { requiresGrad: true });
  assert.equal(x.requiresGrad, true);
  assert.equal(x.isLeaf, true);
  assert.equal(x.gradFn, null);

  const y = x.mul(2);
  assert.equal(y.requiresGrad, true);
  assert.equal(y.isLeaf, false);
  assert.equal(y.gradFn!.name, "MulBackward");

  // an op on tensors that need no gradient gives a leaf without gradFn, as in PyTorch
  const z = c.mul(2);
  assert.equal(z.requiresGrad, false);
  assert.equal(z.isLeaf, true);
  assert.equal(z.gradFn, null);

  const w = tensor([1, 2]);
  assert.equal(w.requiresGrad_(), w);
  assert.equal(w.requiresGrad, true);
  w.requiresGrad = false;
  assert.equal(w.requiresGrad, false);
  w.requiresGrad = true;
  assert.equal(w.requiresGrad, true);

  assert.throws(() => y.requiresGrad_(false), /leaf/);
  assert.throws(() => tensor([1, 2], { dtype: "int32" }).requiresGrad_(), /floating point/);
  assert.throws(() => c.sum().backward(), /does not require grad/);
});

Deno.test("gradFn names follow PyTorch's", () => {
  const r = rng(3);
  const x = r(2, 3).requiresGrad_(), W = r(3, 2).requiresGrad_(), v = r(3).requiresGrad_();
  const cases: [Tensor, string][] = [
    [x.add(1), "AddBackward"],
    [x.sub(1), "SubBackward"],
    [x.mul(x), "MulBackward"],
    [x.div(2), "DivBackward"],
    [x.pow(2), "PowBackward"],
    [x.neg(), "NegBackward"],
    [x.exp(), "ExpBackward"],
    [x.tanh(), "TanhBackward"],
    [x.sigmoid(), "SigmoidBackward"],
    [x.relu(), "ReluBackward"],
    [x.sum(), "SumBackward"],
    [x.mean(), "MeanBackward"],
    [x.matmul(W), "MmBackward"],
    [x.matmul(v), "MvBackward"],
    [v.dot(v), "DotBackward"],
    [x.reshape(6), "ReshapeBackward"],
    [x.transpose(0, 1), "TransposeBackward"],
    [x.permute(1, 0), "PermuteBackward"],
    [x.index(0), "SliceBackward"],
    [x.softmax(1), "SoftmaxBackward"],
    [x.logSoftmax(1), "LogSoftmaxBackward"],
  ];
  for (const [t, name] of cases) assert.equal(t.gradFn?.name, name);
  assert.equal(
    x.matmul(W).add(v.index("0:2")).tanh().sum().gradFn!.nextFunctions[0]!.name,
    "TanhBackward",
  );
});

Deno.test("nextFunctions: a tensor used twice is one AccumulateGrad node reached twice", () => {
  const a = tensor([2], { requiresGrad: true });
  const b = tensor([3], { requiresGrad: true });
  const d = a.mul(b).add(a);
  const add = d.gradFn!;
  assert.equal(add.name, "AddBackward");
  assert.equal(add.nextFunctions.length, 2);
  const [mulNode, accA] = add.nextFunctions;
  assert.equal(mulNode!.name, "MulBackward");
  assert.ok(accA instanceof autograd.AccumulateGrad);
  assert.equal(accA!.name, "AccumulateGrad");
  assert.equal((accA as autograd.AccumulateGrad).variable, a);
  // the same node object, reached from AddBackward and from MulBackward
  assert.equal(mulNode!.nextFunctions[0], accA);
  const accB = mulNode!.nextFunctions[1] as autograd.AccumulateGrad;
  assert.equal(accB.variable, b);
  assert.notEqual(accB, accA);
  assert.equal(accA!.nextFunctions.length, 0);

  // an input that needs no gradient has no edge (null)
  const c = tensor([5]);
  const e = a.mul(c);
  assert.equal(e.gradFn!.nextFunctions[0], accA);
  assert.equal(e.gradFn!.nextFunctions[1], null);

  // and the engine sums both paths into a.grad once
  d.backward();
  assert.deepEqual(a.grad!.toArray(), [4]);
});

Deno.test("detach: same data, no graph", () => {
  const x = tensor([1, 2, 3], { ...f64, requiresGrad: true });
  const y = x.mul(2);
  const z = y.detach();
  assert.equal(z.requiresGrad, false);
  assert.equal(z.isLeaf, true);
  assert.equal(z.gradFn, null);
  assert.equal(y.gradFn!.name, "MulBackward");
  z.add_(1); // shares memory with y
  assert.deepEqual(y.toArray(), [3, 5, 7]);

  // no gradient flows through the detached factor
  const x2 = tensor([1, 2, 3], { ...f64, requiresGrad: true });
  x2.detach().mul(x2).sum().backward();
  close(x2.grad, [1, 2, 3]);
});

Deno.test("retainGrad keeps .grad of a non-leaf", () => {
  const x = tensor([1, -2, 0.5], { ...f64, requiresGrad: true });
  const z = x.mul(2);
  const u = z.add(1); // a non-leaf without retainGrad
  assert.equal(z.retainGrad(), z);
  z.mul(z).add(u).sum().backward();
  close(z.grad, [5, -7, 3]); // 2z + 1
  assert.equal(u.grad, null);
  close(x.grad, [10, -14, 6]);
  assert.equal(x.retainGrad(), x); // a leaf keeps its grad anyway
  assert.throws(() => tensor([1]).retainGrad(), /does not require grad/);
});

Deno.test("backward(gradient) for non-scalar outputs", () => {
  const r = rng(4);
  const x = r(3).requiresGrad_(), v = r(3);
  x.mul(x).backward(v);
  close(x.grad, noGrad(() => x.mul(2).mul(v)));

  const m = tensor([[1, 2], [3, 4]], { ...f64, requiresGrad: true });
  m.pow(2).backward([[1, 0], [0, -1]]); // a nested array as the gradient
  close(m.grad, [2, 0, 0, -8]);

  assert.throws(() => x.mul(x).backward(), /scalar outputs/);
  assert.throws(() => x.mul(x).backward([1, 2]), /shape/);
});

// ---- grad mode -------------------------------------------------------------------------------

Deno.test("noGrad(fn) returns fn's value and records nothing", () => {
  const x = tensor([1, 2], { requiresGrad: true });
  assert.equal(isGradEnabled(), true);
  const y = noGrad(() => {
    assert.equal(isGradEnabled(), false);
    return x.mul(2);
  });
  assert.equal(isGradEnabled(), true);
  assert.deepEqual(y.toArray(), [2, 4]);
  assert.equal(y.requiresGrad, false);
  assert.equal(y.gradFn, null);
  assert.equal(noGrad(() => 42), 42);

  assert.throws(() =>
    noGrad(() => {
      throw new Error("boom");
    }), /boom/);
  assert.equal(isGradEnabled(), true); // restored after a throw
  assert.throws(() => noGrad(() => Promise.resolve(1)), /Promise/);
  assert.equal(isGradEnabled(), true);
});

Deno.test("using _ = noGrad() turns grad mode off for a block", () => {
  const x = tensor([1, 2], { requiresGrad: true });
  {
    using _ = noGrad();
    assert.equal(isGradEnabled(), false);
    const y = x.mul(2);
    assert.equal(y.requiresGrad, false);
    {
      using _inner = noGrad();
      assert.equal(isGradEnabled(), false);
    }
    assert.equal(isGradEnabled(), false);
  }
  assert.equal(isGradEnabled(), true);
  assert.equal(x.mul(2).requiresGrad, true);
});

Deno.test("enableGrad inside noGrad records again", () => {
  const x = tensor([1, 2], { requiresGrad: true });
  noGrad(() => {
    const y = enableGrad(() => x.mul(3));
    assert.equal(y.requiresGrad, true);
    assert.equal(y.gradFn!.name, "MulBackward");
    assert.equal(isGradEnabled(), false);
    {
      using _ = enableGrad();
      assert.equal(isGradEnabled(), true);
      assert.equal(x.exp().requiresGrad, true);
    }
    assert.equal(isGradEnabled(), false);
    enableGrad(() => x.mul(3).sum()).backward();
  });
  assert.deepEqual(x.grad!.toArray(), [3, 3]);
  assert.equal(enableGrad(() => 7), 7);
});

Deno.test("setGradEnabled and isGradEnabled", () => {
  const x = tensor([1], { requiresGrad: true });
  const off = autograd.setGradEnabled(false);
  try {
    assert.equal(isGradEnabled(), false);
    assert.equal(x.mul(2).requiresGrad, false);
    const on = autograd.setGradEnabled(true);
    assert.equal(isGradEnabled(), true);
    assert.equal(x.mul(2).requiresGrad, true);
    on[Symbol.dispose]();
    assert.equal(isGradEnabled(), false);
  } finally {
    off[Symbol.dispose]();
  }
  assert.equal(isGradEnabled(), true);
  {
    using _ = autograd.setGradEnabled(false);
    assert.equal(autograd.isGradEnabled(), false);
  }
  assert.equal(isGradEnabled(), true);
});

// ---- autograd.grad ---------------------------------------------------------------------------

Deno.test("autograd.grad returns gradients without touching .grad", () => {
  const r = rng(5);
  const x = r(3).requiresGrad_(), w = r(3).requiresGrad_();
  const y = x.mul(w).sum();
  const [gx, gw] = autograd.grad(y, [x, w], { retainGraph: true });
  close(gx, w.detach());
  close(gw, x.detach());
  assert.equal(x.grad, null);
  assert.equal(w.grad, null);
  assert.equal(gx!.requiresGrad, false);
  const [gx2] = autograd.grad(y, x); // graph kept by retainGraph above; freed now
  close(gx2, w.detach());
  assert.throws(() => autograd.grad(y, x), /second time/);

  // with respect to a non-leaf
  const z = x.mul(2);
  const [gz] = autograd.grad(z.pow(2).sum(), z);
  close(gz, noGrad(() => z.mul(2)));
  assert.equal(x.grad, null);
});

Deno.test("autograd.grad: gradOutputs for non-scalar and several outputs", () => {
  const r = rng(6);
  const x = r(2, 2).requiresGrad_(), v = r(2, 2), u = r(2, 2);
  close(autograd.grad(x.mul(3), x, { gradOutputs: v })[0], noGrad(() => v.mul(3)));
  close(autograd.grad(x.mul(3), x, { gradOutputs: [v] })[0], noGrad(() => v.mul(3)));
  close(autograd.grad(x.mul(3), x, { gradOutputs: [[1, 2], [3, 4]] })[0], [3, 6, 9, 12]);
  // several outputs: the vector-Jacobian products are summed
  const [g] = autograd.grad([x.mul(3), x.exp()], x, { gradOutputs: [v, u] });
  close(g, noGrad(() => v.mul(3).add(u.mul(x.exp()))));
  // a scalar output may leave its entry null (ones)
  const [g2] = autograd.grad([x.sum(), x.mul(x)], [x], { gradOutputs: [null, u] });
  close(g2, noGrad(() => u.mul(x).mul(2).add(1)));
  assert.throws(() => autograd.grad(x.mul(3), x), /gradOutputs/);
  assert.throws(() => autograd.grad(x.mul(3), x, { gradOutputs: ones(3, f64) }), /shape/);
});

Deno.test("autograd.grad: allowUnused and inputs that need no grad", () => {
  const x = tensor([1, 2], { ...f64, requiresGrad: true });
  const unused = tensor([3], { ...f64, requiresGrad: true });
  const y = x.pow(2).sum();
  assert.throws(
    () => autograd.grad(y, [x, unused], { retainGraph: true }),
    /not used/,
  );
  const [gx, gu] = autograd.grad(y, [x, unused], { allowUnused: true });
  close(gx, [2, 4]);
  assert.equal(gu, null);
  assert.throws(() => autograd.grad(x.sum(), tensor([1])), /does not require grad/);
});

Deno.test("autograd.grad with createGraph gives differentiable gradients", () => {
  const x = tensor([0.5, -1], { ...f64, requiresGrad: true });
  const [g] = autograd.grad(x.pow(3).sum(), x, { createGraph: true });
  assert.equal(g!.requiresGrad, true);
  assert.ok(g!.gradFn);
  close(g, [0.75, 3]);
  const [gNo] = autograd.grad(x.pow(3).sum(), x);
  assert.equal(gNo!.requiresGrad, false);
  assert.equal(gNo!.gradFn, null);
});

// ---- higher order ----------------------------------------------------------------------------

Deno.test("higher-order: d²/dx² x³ = 6x and d³/dx³ x³ = 6", () => {
  const xs = [-1.5, 0.5, 2, 0];
  for (const cube of [(t: Tensor) => t.pow(3), (t: Tensor) => t.mul(t).mul(t)]) {
    const x = tensor(xs, { ...f64, requiresGrad: true });
    const [g1] = autograd.grad(cube(x).sum(), x, { createGraph: true });
    close(g1, xs.map((v) => 3 * v * v));
    const [g2] = autograd.grad(g1!.sum(), x, { createGraph: true });
    close(g2, xs.map((v) => 6 * v));
    const [g3] = autograd.grad(g2!.sum(), x);
    close(g3, [6, 6, 6, 6]);
    assert.equal(x.grad, null);
  }
  // a 0-d input
  const s = tensor(1.25, { ...f64, requiresGrad: true });
  const [d1] = autograd.grad(s.pow(3), s, { createGraph: true });
  const [d2] = autograd.grad(d1!, s, { createGraph: true });
  const [d3] = autograd.grad(d2!, s);
  close(d2, 7.5);
  close(d3, 6);
});

Deno.test("higher-order: backward with createGraph then backward again", () => {
  const x = tensor([1, -2, 3], { ...f64, requiresGrad: true });
  x.pow(3).sum().backward(undefined, { createGraph: true });
  const g = x.grad!;
  assert.equal(g.requiresGrad, true);
  close(g, [3, 12, 27]);
  x.grad = null;
  g.sum().backward();
  close(x.grad, [6, -12, 18]);

  // as in PyTorch, without clearing, the second derivative is added to the first
  const y = tensor([2], { ...f64, requiresGrad: true });
  y.pow(3).sum().backward(undefined, { createGraph: true });
  y.grad!.sum().backward();
  close(y.grad, [12 + 12]);
});

Deno.test("higher-order: d²/dx² tanh(x) = -2 tanh(x)(1 - tanh²(x))", () => {
  const x = rng(7)(6).mul(1.5).requiresGrad_();
  const [g1] = autograd.grad(x.tanh().sum(), x, { createGraph: true });
  const t = noGrad(() => x.tanh());
  close(g1, noGrad(() => t.mul(t).neg().add(1)));
  const [g2] = autograd.grad(g1!.sum(), x);
  close(g2, noGrad(() => t.mul(-2).mul(t.mul(t).neg().add(1))));
});

Deno.test("Hessian-vector product of a 3-4-1 tanh MLP matches finite differences", () => {
  const r = rng(8);
  const X = r(5, 3), y = r(5, 1);
  const params = [r(3, 4), r(4), r(4, 1), r(1)].map((p) => p.requiresGrad_());
  const vs = params.map((p) => r(...p.shape));
  const loss = ([W1, b1, W2, b2]: Tensor[]) =>
    X.matmul(W1).add(b1).tanh().matmul(W2).add(b2).sub(y).pow(2).mean();

  const grads = autograd.grad(loss(params), params, { createGraph: true }) as Tensor[];
  grads.forEach((g) => assert.equal(g.requiresGrad, true));
  const hv = autograd.grad(grads, params, { gradOutputs: vs, retainGraph: true }) as Tensor[];

  // the same product written as the gradient of g·v
  const gv = grads.map((g, i) => g.mul(vs[i]).sum()).reduce((a, b) => a.add(b));
  const hv2 = autograd.grad(gv, params) as Tensor[];
  hv.forEach((h, i) => close(h, hv2[i], 1e-12));

  // central differences of the gradient along v
  const eps = 1e-5;
  const gradAt = (sign: number) => {
    const shifted = noGrad(() => params.map((p, i) => p.add(vs[i].mul(sign * eps))))
      .map((p) => p.requiresGrad_());
    return autograd.grad(loss(shifted), shifted) as Tensor[];
  };
  const plus = gradAt(1), minus = gradAt(-1);
  let nonzero = 0;
  hv.forEach((h, i) => {
    assert.deepEqual(h.shape, params[i].shape);
    const fd = noGrad(() => plus[i].sub(minus[i]).div(2 * eps));
    const a = vals(h), n = vals(fd);
    a.forEach((v, k) => {
      assert.ok(Math.abs(v - n[k]) <= 1e-6 * Math.max(1, Math.abs(n[k])), `param ${i}[${k}]`);
      if (Math.abs(v) > 1e-3) nonzero++;
    });
  });
  assert.ok(nonzero > 5, "the Hessian-vector product should not be trivially zero");
  params.forEach((p) => assert.equal(p.grad, null));
});

// ---- graph shapes ----------------------------------------------------------------------------

Deno.test("diamond-shaped graphs sum both branches", () => {
  const x = tensor([0.3, -1.2, 2], { ...f64, requiresGrad: true });
  const a = x.sin(), b = x.exp();
  a.mul(b).sum().backward();
  close(x.grad, noGrad(() => x.cos().mul(x.exp()).add(x.sin().mul(x.exp()))));

  // a shared non-leaf with three consumers
  const x2 = tensor([0.5, 1.5], { ...f64, requiresGrad: true });
  const z = x2.mul(2);
  z.mul(z).add(z.exp()).add(z).sum().backward();
  close(x2.grad, noGrad(() => z.mul(2).add(z.exp()).add(1).mul(2)));

  // 30 stacked diamonds: 2^30 paths, each node still runs once
  const s = tensor(1.5, { ...f64, requiresGrad: true });
  let h = s;
  for (let i = 0; i < 30; i++) h = h.mul(0.25).add(h.mul(0.75));
  const t0 = performance.now();
  h.backward();
  assert.ok(performance.now() - t0 < 2000);
  close(s.grad, 1, 1e-12);
  close(h, 1.5, 1e-12);
});

Deno.test("the graph follows control flow that depends on values", () => {
  const f = (x: Tensor) => {
    let y = x;
    let doublings = 0;
    while ((y.abs().sum().item() as number) < 10) {
      y = y.mul(2);
      doublings++;
    }
    y = (y.sum().item() as number) > 0 ? y.pow(2) : y.mul(-3);
    return { out: y.sum(), doublings };
  };
  const x1 = tensor([0.5, 0.25], { ...f64, requiresGrad: true });
  const r1 = f(x1);
  assert.equal(r1.doublings, 4); // 0.75 → 12
  assert.equal(r1.out.gradFn!.nextFunctions[0]!.name, "PowBackward");
  r1.out.backward();
  close(x1.grad, [256, 128]); // out = Σ(16x)², ∂ = 512x

  const x2 = tensor([-1, 0.5], { ...f64, requiresGrad: true });
  const r2 = f(x2);
  assert.equal(r2.doublings, 3); // 1.5 → 12
  assert.equal(r2.out.gradFn!.nextFunctions[0]!.name, "MulBackward");
  r2.out.backward();
  close(x2.grad, [-24, -24]); // out = Σ -3·8x

  // count the doublings in the recorded graph
  let node = r1.out.gradFn!.nextFunctions[0]!.nextFunctions[0];
  let muls = 0;
  while (node && node.name === "MulBackward") {
    muls++;
    node = node.nextFunctions[0];
  }
  assert.equal(muls, 4);
  assert.ok(node instanceof autograd.AccumulateGrad);
});

// ---- the engine's bookkeeping ----------------------------------------------------------------

Deno.test("backward frees saved tensors: a second backward needs retainGraph", () => {
  const x = tensor([1, 2, 3], { ...f64, requiresGrad: true });
  const y = x.mul(x).sum();
  const mul = y.gradFn!.nextFunctions[0]!;
  assert.equal(mul.name, "MulBackward");
  assert.ok(mul.savedTensors.length > 0);
  assert.equal(mul.released, false);
  y.backward();
  assert.equal(mul.released, true);
  assert.equal(mul.savedTensors.length, 0);
  assert.throws(() => y.backward(), /second time/);
  assert.throws(() => y.backward(), /retainGraph/);

  const x2 = tensor([1, 2, 3], { ...f64, requiresGrad: true });
  const y2 = x2.mul(x2).sum();
  y2.backward(undefined, { retainGraph: true });
  assert.equal(y2.gradFn!.nextFunctions[0]!.released, false);
  y2.backward(undefined, { retainGraph: true });
  y2.backward();
  close(x2.grad, [6, 12, 18]);
  assert.throws(() => y2.backward(), /second time/);
});

Deno.test("backward twice through ops that save nothing works, as in PyTorch", () => {
  const x = tensor([1, 2, 3], { ...f64, requiresGrad: true });
  const y = x.add(1).sum();
  y.backward();
  y.backward();
  close(x.grad, [2, 2, 2]);
  const z = x.reshape(3, 1).transpose(0, 1).neg().sum();
  z.backward();
  z.backward();
  close(x.grad, [0, 0, 0]);
  // multiplying by a constant saves nothing either (PyTorch keeps the scalar, not a tensor)
  const w = x.mul(3).sum();
  assert.equal(w.gradFn!.nextFunctions[0]!.savedTensors.length, 0);
  w.backward();
  w.backward();
  close(x.grad, [6, 6, 6]);
});

Deno.test("modifying a saved tensor in place makes backward throw the version error", () => {
  const r = rng(9);
  // a non-leaf, modified under noGrad
  const x = r(3).requiresGrad_();
  const h = x.mul(1);
  const y = h.mul(h).sum();
  noGrad(() => h.mul_(2));
  assert.throws(() => y.backward(), /modified by an in-place operation/);

  // a detached alias of a leaf shares its version counter
  const w = r(3).requiresGrad_();
  const y2 = w.mul(w).sum();
  w.detach().add_(1);
  assert.throws(() => y2.backward(), /in-place/);

  // a saved output (exp saves its result)
  const e = x.exp();
  const y3 = e.sum();
  noGrad(() => e.mul_(2));
  assert.throws(() => y3.backward(), /version/);

  // a leaf updated under noGrad before backward
  const p = r(2).requiresGrad_();
  const y4 = p.pow(2).sum();
  noGrad(() => p.sub_(1));
  assert.throws(() => y4.backward(), /version/);

  // modifying a tensor that no node saved is fine
  const a = r(3).requiresGrad_();
  const b = a.mul(1);
  const y5 = b.add(1).sum();
  noGrad(() => b.mul_(5));
  y5.backward();
  close(a.grad, [1, 1, 1]);
});

Deno.test("an optimizer-style update under noGrad between steps is fine", () => {
  const w = tensor([1, -2], { ...f64, requiresGrad: true });
  for (let step = 0; step < 3; step++) {
    const loss = w.pow(2).sum();
    loss.backward();
    noGrad(() => {
      w.sub_(w.grad!.mul(0.25));
      w.grad!.zero_();
    });
  }
  close(w, [0.125, -0.25]); // w ← w - 0.25·2w = w/2, three times
  assert.throws(() => w.add_(1), /leaf/); // but not in grad mode
});

Deno.test("a view taken before a recorded in-place write refuses to take part in autograd", () => {
  const w = tensor([5, 6], { requiresGrad: true });
  const x = zeros([4]);
  const before = x.index("0:3");
  const beforeOfBefore = before.index("1:");
  const untouched = zeros([4]);
  const otherView = untouched.index("0:2");
  x.at("0:2").set_(w);
  // Its values include the write (shared memory), its history does not: PyTorch regenerates
  // the view's history; gradiente refuses rather than give w a wrong (missing) gradient.
  assert.deepEqual(before.toArray(), [5, 6, 0]);
  for (const stale of [before, beforeOfBefore]) {
    assert.throws(
      () => stale.sum(),
      /Sum: .*view taken before an in-place write.*Take the view again/,
    );
  }
  // Reading without grad mode is fine, and so are views of other tensors.
  assert.deepEqual(noGrad(() => before.mul(2)).toArray(), [10, 12, 0]);
  assert.equal(otherView.sum().item(), 0);
  // A view taken after the write carries the write's history: w gets PyTorch's gradient.
  x.index("0:3").mul(2).sum().backward();
  assert.deepEqual(w.grad?.toArray(), [2, 2]);
  // Writes that autograd does not record (inside noGrad) leave earlier views usable.
  const y = zeros([3]);
  const yv = y.index("0:2");
  noGrad(() => y.at(0).set_(1));
  assert.equal(yv.sum().item(), 1);
});

Deno.test("grad mode: `using noGrad()` blocks interleaved across awaits restore grad mode", async () => {
  const tick = () => new Promise((r) => setTimeout(r, 1));
  const holder = async (waits: number) => {
    using _ = noGrad();
    for (let i = 0; i < waits; i++) await tick();
    assert.equal(isGradEnabled(), false, "inside its block");
  };
  // A enters, B enters, A leaves first, then B: restoring "the previous mode" would leave
  // grad mode off for good here.
  await Promise.all([holder(1), holder(3)]);
  assert.equal(isGradEnabled(), true);
  // Nested enableGrad inside noGrad, disposed out of order, still ends with grad on.
  const off = noGrad();
  const on = enableGrad();
  assert.equal(isGradEnabled(), true);
  off[Symbol.dispose]();
  assert.equal(isGradEnabled(), true, "the newest live setting (enableGrad) rules");
  on[Symbol.dispose]();
  on[Symbol.dispose](); // idempotent
  assert.equal(isGradEnabled(), true);
  const x = tensor([1, 2], { requiresGrad: true });
  x.mul(3).sum().backward();
  assert.deepEqual(x.grad?.toArray(), [3, 3]);
});

Deno.test("backward's error mentions grad mode when it is off", () => {
  const x = tensor([1, 2], { requiresGrad: true });
  using _ = noGrad();
  assert.throws(() => x.mul(2).sum().backward(), /Grad mode is off right now/);
});
