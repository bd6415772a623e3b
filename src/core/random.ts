/**
 * Seeded randomness. A Generator wraps pure-rand's xoroshiro128+ (a small, fast, well-tested
 * PRNG); `manualSeed(n)` reseeds the default generator that every random function uses
 * unless given { generator }.
 */
import { xoroshiro128plus, xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

export class Generator {
  #rng: RandomGenerator;
  #seed: number;

  constructor(seed = 0) {
    this.#seed = seed;
    this.#rng = Generator.#fresh(seed);
  }

  static #fresh(seed: number): RandomGenerator {
    const rng = xoroshiro128plus(seed | 0);
    // xoroshiro's first outputs after a small seed are poorly mixed; skip past them.
    for (let i = 0; i < 16; i++) rng.next();
    return rng;
  }

  manualSeed(seed: number): this {
    if (!Number.isInteger(seed)) {
      throw new Error(`manualSeed: the seed must be an integer, got ${seed}.`);
    }
    this.#seed = seed;
    this.#rng = Generator.#fresh(seed);
    return this;
  }

  initialSeed(): number {
    return this.#seed;
  }

  getState(): number[] {
    return [...this.#rng.getState()];
  }

  setState(state: readonly number[]): this {
    this.#rng = xoroshiro128plusFromState(state);
    return this;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  nextFloat(): number {
    return uniformFloat64(this.#rng);
  }

  /** Uniform integer in [low, high). */
  nextInt(low: number, high: number): number {
    return low + Math.floor(this.nextFloat() * (high - low));
  }

  /** Standard normal (Box-Muller). */
  nextNormal(): number {
    let u = 0;
    while (u === 0) u = this.nextFloat();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.nextFloat());
  }
}

export const defaultGenerator: Generator = new Generator(0);

/** Seeds the default generator, making every random function reproducible. */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
