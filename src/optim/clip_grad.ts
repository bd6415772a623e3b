/**
 * Gradient clipping. PyTorch has these as torch.nn.utils.clip_grad_norm_ / clip_grad_value_;
 * they live in `optim` here (nn may re-export them under nn.utils).
 */
import { Tensor } from "../tensor/tensor.ts";
import { tensor } from "../tensor/creation.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { div } from "../ops/binary.ts";
import { stack } from "../ops/join.ts";
import { updateGrad } from "../ops/internal.ts";
import { checkOptions } from "../core/options.ts";

/** The parameters as an array, checked. */
function paramList(op: string, parameters: Tensor | Iterable<Tensor>): Tensor[] {
  if (parameters instanceof Tensor) parameters = [parameters];
  if (parameters === null || typeof parameters !== "object" || !(Symbol.iterator in parameters)) {
    throw new TypeError(
      `${op}: expected a tensor or an iterable of tensors (e.g. model.parameters()), got ${
        String(parameters)
      }.`,
    );
  }
  const params = [...parameters];
  params.forEach((p, i) => {
    if (!(p instanceof Tensor)) {
      throw new TypeError(`${op}: parameters[${i}] is not a Tensor.`);
    }
  });
  return params;
}

export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite (reads the norm back: a sync point). */
  errorIfNonfinite?: boolean;
}

/**
 * Rescales the gradients of `parameters` together so that their total `normType`-norm (as if
 * concatenated into one vector) is at most `maxNorm`: each .grad becomes grad · min(1, maxNorm /
 * (total + 1e-6)). Returns the total norm before clipping, as a 0-d tensor (no read back, so it
 * stays cheap on the GPU). `normType` is any p > 0, or Infinity (also "inf") for the max-norm.
 * The gradients are scaled in place, as torch.nn.utils.clip_grad_norm_ does.
 */
export function clipGradNorm(
  parameters: Tensor | Iterable<Tensor>,
  maxNorm: number,
  normType: number | "inf" = 2,
  options: ClipGradNormOptions = {},
): Tensor {
  const { errorIfNonfinite = false } = checkOptions("clipGradNorm", options, ["errorIfNonfinite"]);
  const op = "clipGradNorm";
  const p = normType === "inf" ? Infinity : normType;
  if (typeof p !== "number" || !(p > 0)) {
    throw new RangeError(
      `${op}: normType must be a number > 0 or Infinity, got ${String(normType)}.`,
    );
  }
  if (typeof maxNorm !== "number" || !(maxNorm >= 0)) {
    throw new RangeError(`${op}: maxNorm must be a number >= 0, got ${String(maxNorm)}.`);
  }
  const params = paramList(op, parameters);
  const grads = params.filter((t) => t.grad !== null).map((t) => t.grad!);
  if (grads.length === 0) return tensor(0);
  return noGrad(() => {
    const dtype = grads[0].dtype;
    const norm = (g: Tensor): Tensor =>
      p === Infinity
        ? g.abs().max()
        : p === 2
        ? g.mul(g).sum().sqrt()
        : p === 1
        ? g.abs().sum()
        : g.abs().pow(p).sum().pow(1 / p);
    const norms = grads.map((g) => norm(g).to(dtype));
    const total = norms.length === 1 ? norms[0] : norm(stack(norms));
    if (errorIfNonfinite && !Number.isFinite(total.item() as number)) {
      throw new Error(
        `${op}: the total norm of order ${p} of the gradients is ${total.item()}, so they cannot ` +
          "be clipped. Look for a NaN or infinite loss; pass { errorIfNonfinite: false } to " +
          "scale by the non-finite norm anyway.",
      );
    }
    // The coefficient stays a tensor: deciding `if (coef < 1)` would read the norm back.
    const coef = div(maxNorm, total.add(1e-6)).clamp(null, 1);
    for (const t of params) updateGrad(t, (g) => g.mul(coef.to(g.dtype)));
    return total;
  });
}

/**
 * Clamps every gradient of `parameters` to [-clipValue, clipValue], in place, as
 * torch.nn.utils.clip_grad_value_ does.
 */
export function clipGradValue(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  if (typeof clipValue !== "number" || !(clipValue >= 0)) {
    throw new RangeError(`clipGradValue: clipValue must be a number >= 0, got ${clipValue}.`);
  }
  const params = paramList("clipGradValue", parameters);
  for (const t of params) updateGrad(t, (g) => g.clamp(-clipValue, clipValue));
}
