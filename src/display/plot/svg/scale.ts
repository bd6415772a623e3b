/**
 * Scales map data values to pixels, and choose "nice" ticks: steps of 1, 2 or 5 times a power
 * of ten, so 0..1 gets 0, 0.2, ..., 1 and 0..37 gets 0, 10, 20, 30.
 */

/** A data -> pixel map with its ticks and their labels. */
export interface Scale {
  (v: number): number;
  readonly domain: readonly [number, number];
  ticks(): number[];
  format(v: number): string;
}

/**
 * Ticks inside [lo, hi], about `count` of them. Tick i is computed as an integer times (or
 * over) a power of ten, so 0.6 prints as 0.6 and not 0.6000000000000001.
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) {
    return Number.isFinite(lo) ? [lo] : [];
  }
  const { power, factor } = stepParts(lo, hi, count);
  const ticks: number[] = [];
  if (power < 0) {
    // Step = 1 / inv: dividing integers by an integer keeps decimals exact.
    const inv = 10 ** -power / factor;
    for (let i = Math.ceil(lo * inv); i <= Math.floor(hi * inv); i++) ticks.push(i / inv);
  } else {
    const step = 10 ** power * factor;
    for (let i = Math.ceil(lo / step); i <= Math.floor(hi / step); i++) ticks.push(i * step);
  }
  return ticks;
}

/** The tick step niceTicks uses for [lo, hi]. */
export function tickStep(lo: number, hi: number, count = 5): number {
  const { power, factor } = stepParts(lo, hi, count);
  return 10 ** power * factor;
}

function stepParts(lo: number, hi: number, count: number): { power: number; factor: number } {
  const raw = (hi - lo) / Math.max(1, count);
  const power = Math.floor(Math.log10(raw));
  const error = raw / 10 ** power;
  // Thresholds at the geometric means between 1, 2, 5 and 10.
  const factor = error >= Math.sqrt(50)
    ? 10
    : error >= Math.sqrt(10)
    ? 5
    : error >= Math.sqrt(2)
    ? 2
    : 1;
  return factor === 10 ? { power: power + 1, factor: 1 } : { power, factor };
}

/** A label for v on an axis whose ticks are `step` apart: just enough decimals. */
export function formatTick(v: number, step: number): string {
  if (v === 0) return "0";
  const abs = Math.abs(v);
  if (abs >= 1e6 || abs < 1e-4) return exponential(v);
  return v.toFixed(digitsOf(step));
}

function digitsOf(step: number): number {
  // Decimals needed to write multiples of step (1, 2 or 5 times a power of ten) exactly.
  return Math.max(0, Math.min(12, -Math.floor(Math.log10(step) + 1e-9)));
}

/** 2e-5, 1.5e7: four significant digits at most, no "+". */
function exponential(v: number): string {
  return Number(v.toPrecision(4)).toExponential().replace("e+", "e");
}

/** A linear scale from domain to the pixel range [r0, r1]. */
export function linearScale(domain: readonly [number, number], r0: number, r1: number): Scale {
  const [d0, d1] = domain;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  const scale = ((v: number) => r0 + (v - d0) * k) as Scale;
  const step = tickStep(Math.min(d0, d1), Math.max(d0, d1), tickCount(r0, r1));
  return Object.assign(scale, {
    domain,
    ticks: () => niceTicks(Math.min(d0, d1), Math.max(d0, d1), tickCount(r0, r1)),
    format: (v: number) => formatTick(v, step),
  });
}

/** A log10 scale; the domain is in data units (both ends > 0). */
export function logScale(domain: readonly [number, number], r0: number, r1: number): Scale {
  const [l0, l1] = [Math.log10(domain[0]), Math.log10(domain[1])];
  const k = l1 === l0 ? 0 : (r1 - r0) / (l1 - l0);
  const scale = ((v: number) => (v > 0 ? r0 + (Math.log10(v) - l0) * k : NaN)) as Scale;
  return Object.assign(scale, {
    domain,
    ticks: () => logTicks(domain[0], domain[1]),
    format: (
      v: number,
    ) => (v >= 1e5 || v < 1e-4 ? exponential(v) : String(Number(v.toPrecision(6)))),
  });
}

/**
 * Powers of ten inside [lo, hi]; with fewer than three, 2x and 5x as well; with more than
 * maxTicks, every k-th power only, so the labels of a wide range do not overlap.
 */
export function logTicks(lo: number, hi: number, maxTicks = 10): number[] {
  const e0 = Math.floor(Math.log10(lo)), e1 = Math.ceil(Math.log10(hi));
  const pick = (mults: number[]) => {
    const out: number[] = [];
    for (let e = e0; e <= e1; e++) {
      for (const m of mults) {
        const v = Number((m * 10 ** e).toPrecision(12));
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
      }
    }
    return out;
  };
  const decades = pick([1]);
  if (decades.length > maxTicks) {
    const k = Math.ceil(decades.length / maxTicks);
    return decades.filter((v) => Math.round(Math.log10(v)) % k === 0);
  }
  return decades.length >= 3 ? decades : pick([1, 2, 5]);
}

/** About one tick per 80 pixels, at least two. */
function tickCount(r0: number, r1: number): number {
  return Math.max(2, Math.round(Math.abs(r1 - r0) / 80));
}

/** The smallest and largest finite values ([Infinity, -Infinity] when there are none). */
export function bounds(values: Iterable<number | null>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (v !== null && Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return [lo, hi];
}

/** The padded extent of values, widened when it is a single point. */
export function extent(values: readonly number[], pad = 0.05): [number, number] {
  const [lo, hi] = bounds(values);
  if (lo === Infinity) return [0, 1];
  if (lo === hi) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - d, hi + d];
  }
  const d = (hi - lo) * pad;
  return [lo - d, hi + d];
}
