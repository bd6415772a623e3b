/**
 * Loaded by `deno task repl` (`deno repl --eval-file=kernel/repl_prelude.ts`): puts every
 * public name of gradiente in scope, so `tensor([1, 2])`, `nn.Linear`, `optim.Adam` work at
 * the prompt. Tensors print with coloured values (their Deno.customInspect honours colors).
 */
import * as gradiente from "gradiente";

Object.assign(globalThis, gradiente, { gradiente });
console.log(
  `gradiente: ${Object.keys(gradiente).length} names in scope ` +
    "(tensor, zeros, nn, optim, data, ...; all of them under `gradiente` too)",
);
