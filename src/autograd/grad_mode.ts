/**
 * Global grad mode. `noGrad(fn)` runs fn without recording a graph and returns its value;
 * `noGrad()` with no argument returns a Disposable for `using _ = noGrad();`.
 */
let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

/** Sets grad mode and returns a Disposable that restores the previous mode. */
export function setGradEnabled(mode: boolean): Disposable {
  const previous = enabled;
  enabled = mode;
  return { [Symbol.dispose]: () => void (enabled = previous) };
}

function withMode<T>(mode: boolean, fn?: () => T): T | Disposable {
  if (!fn) return setGradEnabled(mode);
  // Saved and restored by hand: ops call noGrad(fn) on every forward, and a Disposable
  // object per call is measurable on tiny tensors.
  const previous = enabled;
  enabled = mode;
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
    enabled = previous;
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
