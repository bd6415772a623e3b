/** Timing: the median of several repetitions after warm-up. */

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface RepeatOptions {
  /** Untimed calls first, so the JIT and caches settle. */
  warmup: number;
  reps: number;
  /** Calls per repetition: small bodies are looped so one repetition is long enough to time. */
  inner?: number;
}

/** Median seconds per call of `body`. */
export function secondsPerCall(body: () => void, opts: RepeatOptions): number {
  const inner = opts.inner ?? 1;
  for (let i = 0; i < opts.warmup; i++) body();
  const times: number[] = [];
  for (let r = 0; r < opts.reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) body();
    times.push((performance.now() - t0) / 1000 / inner);
  }
  return median(times);
}

/** How many calls of `body` fill about `seconds` (at least 1), from one timed call. */
export function callsToFill(body: () => void, seconds: number): number {
  const t0 = performance.now();
  body();
  const once = Math.max((performance.now() - t0) / 1000, 1e-7);
  return Math.max(1, Math.round(seconds / once));
}
