/** Assertions shared by the test suites. */
import assert from "node:assert/strict";
import type { NestedArray } from "gradiente";

/** Recursively compares numbers (relative+absolute tolerance), booleans, NaN and infinities. */
export function close(actual: unknown, expected: unknown, tol = 1e-6, path = "value"): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: expected an array, got ${String(actual)}`);
    assert.equal(actual.length, expected.length, `${path}: length`);
    expected.forEach((e, i) => close(actual[i], e, tol, `${path}[${i}]`));
    return;
  }
  if (typeof expected === "boolean") {
    assert.equal(actual, expected, path);
    return;
  }
  assert.equal(typeof actual, "number", `${path}: expected a number, got ${String(actual)}`);
  const a = actual as number, e = expected as number;
  if (Number.isNaN(e)) assert.ok(Number.isNaN(a), `${path}: expected NaN, got ${a}`);
  else if (!Number.isFinite(e)) assert.equal(a, e, path);
  else assert.ok(Math.abs(a - e) <= tol * (1 + Math.abs(e)), `${path}: got ${a}, expected ${e}`);
}

/** Builds a nested array of `shape` whose entry at each multi-index is f(index). */
export function build(
  shape: number[],
  f: (idx: number[]) => number,
  prefix: number[] = [],
): NestedArray {
  if (shape.length === 0) return f(prefix);
  return Array.from({ length: shape[0] }, (_, i) => build(shape.slice(1), f, [...prefix, i]));
}

/**
 * Asserts that fn throws an Error whose message contains every pattern (a string as an exact
 * substring, a RegExp as a match), printing the message when one is missing.
 */
export function throwsWith(fn: () => unknown, ...patterns: (string | RegExp)[]): void {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error, `expected an Error, got ${String(e)}`);
    for (const p of patterns) {
      const ok = typeof p === "string" ? e.message.includes(p) : p.test(e.message);
      assert.ok(ok, `message lacks ${String(p)}:\n  ${e.message}`);
    }
    return true;
  });
}
