/**
 * Error messages that several backends raise for the same bad value: the CPU throws them at
 * once, WebGPU when its device-side error word is read (webgpu/device_errors.ts), so the user
 * sees one message whatever the device.
 */

/** A value rule a kernel checks: bad is outside [lo, hi] (or inside, with `inside`). */
export interface ValueRule {
  lo: number;
  hi: number;
  /** Bad values are those inside [lo, hi] rather than outside it (a zero divisor). */
  inside?: boolean;
  /** A value that is never bad (a loss's ignoreIndex). */
  except?: number;
}

/** Whether `v` breaks `rule`; NaN is outside every range. */
export function breaks(rule: ValueRule, v: number): boolean {
  if (rule.except !== undefined && v === rule.except) return false;
  const within = v >= rule.lo && v <= rule.hi;
  return rule.inside ? within : !within;
}

export function outOfBoundsMessage(op: string, i: number, size: number, dim: number): string {
  return `${op}: index ${i} is out of bounds for dimension ${dim} with size ${size} ` +
    `(valid indices are ${-size}..${size - 1}).`;
}

export function zeroDivisionMessage(op: string): string {
  return `${op}: integer division by zero (the divisor holds a 0), as PyTorch's ZeroDivisionError. ` +
    "Make the divisor nonzero, or convert to float (x.float()) to get inf/NaN instead.";
}
