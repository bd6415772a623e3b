/**
 * Grad mode. `noGrad(fn)` runs fn without recording a graph and returns its value;
 * `noGrad()` with no argument returns a Disposable for `using _ = noGrad();`.
 *
 * Disposable holds may interleave across `await`s (two async functions each holding
 * `using _ = noGrad()`), so they are kept as a list of entries, each removed by identity when
 * disposed: the mode is the newest live entry's (grad on when none is held). Restoring "the
 * previous mode" instead would let the second holder to finish restore the first one's
 * "off" for good. While any async holder is inside its block, the mode is global: other
 * code running meanwhile sees it too (JS has no portable per-async-context state that a
 * `using` block could scope).
 */
let enabled = true;
/** Disposable settings, oldest first; `at` orders them against the sync wrappers below. */
const held: { readonly mode: boolean; readonly at: number }[] = [];
let clock = 0;
/** The innermost running noGrad(fn) / enableGrad(fn) (grad on, at time 0, when none runs). */
let wrapperMode = true, wrapperAt = 0;

function current(): boolean {
  const top = held[held.length - 1];
  return top && top.at > wrapperAt ? top.mode : wrapperMode;
}

export function isGradEnabled(): boolean {
  return enabled;
}

/** Sets grad mode and returns a Disposable that withdraws this setting (idempotent). */
export function setGradEnabled(mode: boolean): Disposable {
  const entry = { mode, at: ++clock };
  held.push(entry);
  enabled = mode;
  return {
    [Symbol.dispose]: () => {
      const i = held.lastIndexOf(entry);
      if (i < 0) return;
      held.splice(i, 1);
      enabled = current();
    },
  };
}

function withMode<T>(mode: boolean, fn?: () => T): T | Disposable {
  if (!fn) return setGradEnabled(mode);
  // Saved and restored by hand: ops call noGrad(fn) on every forward, and a Disposable
  // object per call is measurable on tiny tensors.
  const previous = enabled, previousMode = wrapperMode, previousAt = wrapperAt;
  enabled = wrapperMode = mode;
  wrapperAt = ++clock;
  try {
    const result = fn();
    if (result instanceof Promise) {
      throw new Error(
        `${
          mode ? "enableGrad" : "noGrad"
        }: the function returned a Promise; grad mode is global and ` +
          "cannot follow an await. Use `using _ = noGrad();` inside the async function instead.",
      );
    }
    return result;
  } finally {
    wrapperMode = previousMode;
    wrapperAt = previousAt;
    // A holder opened inside fn and still open (an async function's `using`) stays in force.
    enabled = held.length && held[held.length - 1].at > previousAt ? current() : previous;
  }
}

export function noGrad(): Disposable;
export function noGrad<T>(fn: () => T): T;
export function noGrad<T>(fn?: () => T): T | Disposable {
  return withMode(false, fn);
}

export function enableGrad(): Disposable;
export function enableGrad<T>(fn: () => T): T;
export function enableGrad<T>(fn?: () => T): T | Disposable {
  return withMode(true, fn);
}
