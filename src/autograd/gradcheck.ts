/**
 * gradcheck: compares autograd's Jacobian with central finite differences, in float64.
 * Returns true, or throws an error naming the input, the element and both values.
 */
import type { Tensor } from "../tensor/tensor.ts";
import { grad } from "./grad.ts";
import { noGrad } from "./grad_mode.ts";
import { shapeStr } from "../core/shape.ts";
import { tensor } from "../tensor/creation.ts";
import { checkOptions } from "../core/options.ts";

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
}

function outputsOf(r: Tensor | readonly Tensor[]): Tensor[] {
  return Array.isArray(r) ? [...r] as Tensor[] : [r as Tensor];
}

export function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor | readonly Tensor[],
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): true {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3 } = checkOptions("gradcheck", options, [
    "eps",
    "atol",
    "rtol",
  ]);
  inputs.forEach((x, i) => {
    if (x.dtype !== "float64" || x.device !== "cpu" || !x.isContiguous()) {
      throw new Error(
        `gradcheck: input ${i} must be a contiguous float64 CPU tensor (got ${x.dtype} on ${x.device}); ` +
          "finite differences in float32 are too noisy. Create inputs with { dtype: 'float64' }.",
      );
    }
  });
  const diffInputs = inputs.filter((x) => x.requiresGrad);
  if (diffInputs.length === 0) {
    throw new Error("gradcheck: no input requires grad, so there is nothing to check.");
  }
  const all = outputsOf(fn(...inputs));
  // Outputs that need no gradient (e.g. argmax indices) are skipped, but oi keeps each
  // checked output's position in what fn returns, so the numerical pass reads the same one.
  for (const [oi, out] of all.entries()) {
    if (!out.requiresGrad) continue;
    const n = out.numel();
    // Analytic Jacobian, one row per output element: d out[k] / d inputs.
    const analytic: Float64Array[][] = diffInputs.map((x) =>
      [...Array(n)].map(() => new Float64Array(x.numel()))
    );
    for (let k = 0; k < n; k++) {
      const e = new Float64Array(n);
      e[k] = 1;
      const seed = tensor(e, { dtype: out.dtype }).reshape(out.shape);
      const gs = grad([out], diffInputs, {
        gradOutputs: [seed],
        retainGraph: true,
        allowUnused: true,
      });
      gs.forEach((g, j) => {
        if (g) analytic[j][k].set(g.to("float64")._values());
      });
    }
    // Numerical Jacobian by perturbing each input element in place.
    diffInputs.forEach((x, j) => {
      const data = x.storage as Float64Array;
      for (let p = 0; p < x.numel(); p++) {
        const at = x.offset + p;
        const orig = data[at];
        data[at] = orig + eps;
        const plus = noGrad(() => outputsOf(fn(...inputs))[oi].to("float64")._values());
        data[at] = orig - eps;
        const minus = noGrad(() => outputsOf(fn(...inputs))[oi].to("float64")._values());
        data[at] = orig;
        for (let k = 0; k < n; k++) {
          const numeric = (plus[k] - minus[k]) / (2 * eps);
          const a = analytic[j][k][p];
          if (!(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric))) {
            throw new Error(
              `gradcheck: Jacobian mismatch for output ${oi} (shape ${
                shapeStr(out.shape)
              }) element ${k} ` +
                `with respect to input ${inputs.indexOf(x)} (shape ${
                  shapeStr(x.shape)
                }) element ${p}: ` +
                `numerical ${numeric}, analytical ${a}.`,
            );
          }
        }
      }
    });
  }
  return true;
}
