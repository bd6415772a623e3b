import { autograd, tensor, enableGrad } from "gradiente";
const x = tensor([[0.5, -1.2, 0.7, 2.0]], { dtype: "float64", requiresGrad: true });
const v = tensor([[1, 1, 1, 1]], { dtype: "float64" , requiresGrad: true});
const g = enableGrad(() => autograd.grad(x.cumprod(1), x, { gradOutputs: [v], createGraph: true })[0]!);
console.log(g.toArray(), g.gradFn?.name);
const h = autograd.grad(g.index(0, 2), x, {allowUnused: true});
console.log(h.map((t) => t?.toArray()));
