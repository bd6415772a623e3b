/**
 * Code the runner executes in the kernel before the first cell. Deno's kernel reports nothing
 * for an error raised asynchronously (a `Promise.reject()` nobody awaits, a throw inside a
 * `setTimeout`): the cell ends "ok" and the error is lost. The prelude listens for
 * `unhandledrejection` and `error` and publishes each one as a display_data of ASYNC_ERROR_MIME
 * naming the cell it belongs to, which the runner turns into an error output on that cell.
 *
 * The cell: the one running (the runner sets `cell` before each), or, for a timer callback,
 * the cell that scheduled the timer (setTimeout/setInterval are wrapped to remember it), so a
 * rejection raised by a timer after its cell finished is still put on that cell.
 */
export const ASYNC_ERROR_MIME = "application/vnd.gradiente.async-error+json";

export function preludeCode(firstCell: number): string {
  return `(() => {
  const KEY = Symbol.for("gradiente.runner");
  if (globalThis[KEY]) return;
  const state = { cell: ${firstCell}, timerCell: undefined };
  globalThis[KEY] = state;
  const report = (kind, err) => {
    // Never throws: an error here would raise another "error" event.
    try {
      const e = err instanceof Error ? err : null;
      let text;
      try { text = e ? e.message : typeof err === "string" ? err : Deno.inspect(err); }
      catch { text = "(an uninspectable value)"; }
      const sent = Deno.jupyter.broadcast("display_data", {
        data: { ${JSON.stringify(ASYNC_ERROR_MIME)}: {
          cell: state.timerCell ?? state.cell, kind,
          ename: String(e?.name ?? "Error"), evalue: String(text), stack: String(e?.stack ?? ""),
        } },
        metadata: {}, transient: {},
      });
      Promise.resolve(sent).catch(() => {});
    } catch {}
  };
  addEventListener("unhandledrejection", (ev) => {
    ev.preventDefault();
    report("unhandled promise rejection", ev.reason);
  });
  addEventListener("error", (ev) => {
    ev.preventDefault();
    report("uncaught error", ev.error ?? ev.message);
  });
  const setTimeout0 = globalThis.setTimeout;
  for (const name of ["setTimeout", "setInterval"]) {
    const original = globalThis[name];
    globalThis[name] = function (fn, ms, ...args) {
      if (typeof fn !== "function") return original(fn, ms, ...args);
      const cell = state.cell;
      return original(function (...a) {
        // Kept until the next macrotask: a rejection is reported after the microtasks.
        state.timerCell = cell;
        setTimeout0(() => { if (state.timerCell === cell) state.timerCell = undefined; }, 0);
        return fn.apply(this, a);
      }, ms, ...args);
    };
  }
})();`;
}
