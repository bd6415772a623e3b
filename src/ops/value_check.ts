/**
 * Value rules checked on every device: on the CPU the values are read at once and the first
 * bad one throws; elsewhere the backend checks them on the device and throws the same message
 * at the next read (DESIGN.md §8: every device validates what the CPU validates).
 */
import type { Tensor } from "../tensor/tensor.ts";
import { breaks, type ValueRule } from "../backend/messages.ts";

/**
 * Throws `message(v, i)` for the first value of `t` (at row-major position i) that breaks `rule`, now on the CPU, at the
 * next read on WebGPU. `key` names the op and every parameter `message` uses.
 */
export function checkValues(
  t: Tensor,
  rule: ValueRule,
  key: string,
  message: (v: number, at: number) => string,
): void {
  const host = t._backend.readSync?.(t);
  if (host) {
    for (let i = 0; i < host.length; i++) {
      if (breaks(rule, host[i])) throw new Error(message(host[i], i));
    }
    return;
  }
  t._backend.checkValues?.(t, rule, key, message);
}
