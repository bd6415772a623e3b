/**
 * `display(x)` shows a value in whatever runs the code: Deno's Jupyter kernel (the value's
 * MIME bundle through `Deno.jupyter.display`), tslab in Node (its display API, one MIME type
 * per output), else the console (the bundle's text/plain). With `{ id }` an output can be
 * replaced in place later by `display(y, { id, update: true })`.
 *
 * Nothing here touches `Deno` or `process` at import time: the library also loads in Node and
 * browsers, and `Deno.jupyter` throws outside `deno jupyter`.
 */
import type { MimeBundle } from "../display/bundle.ts";

export type { MimeBundle };

export interface DisplayOptions {
  /** A display id: a later `display(y, { id, update: true })` replaces this output. */
  id?: string;
  /** Replace the output shown earlier under `id` instead of adding a new one. */
  update?: boolean;
  /** `x` is already a MIME bundle. */
  raw?: boolean;
}

/** Where outputs go. */
export interface Frontend {
  readonly name: "deno-jupyter" | "tslab" | "console";
  show(bundle: MimeBundle, options: DisplayOptions): Promise<void> | void;
}

const JUPYTER_DISPLAY = Symbol.for("Jupyter.display");

// deno-lint-ignore no-explicit-any
type Any = any;
const g = globalThis as Any;

function inspect(x: unknown): string {
  if (typeof g.Deno?.inspect === "function") return g.Deno.inspect(x);
  const custom = (x as Any)?.[Symbol.for("nodejs.util.inspect.custom")];
  if (typeof custom === "function") return String(custom.call(x));
  return typeof x === "string" ? x : String(x);
}

/** `x`'s bundle: its own `[Symbol.for("Jupyter.display")]()`, else its inspected text. */
export async function mimeBundle(x: unknown, raw = false): Promise<MimeBundle> {
  if (raw) return x as MimeBundle;
  const own = (x as Any)?.[JUPYTER_DISPLAY];
  const bundle: MimeBundle = typeof own === "function" ? { ...(await own.call(x)) } : {};
  if (!("text/plain" in bundle)) bundle["text/plain"] = inspect(x);
  return bundle;
}

/** Deno's kernel, when this code runs inside `deno jupyter`. */
function denoJupyter(): Any {
  try {
    return g.Deno?.jupyter ?? null;
  } catch {
    return null; // the getter throws outside `deno jupyter`
  }
}

/** One of tslab's display handles (`require("tslab").display`, `newDisplay()`). */
export interface TslabDisplay {
  raw(contentType: string, data: string | Uint8Array): void;
}

/** The parts of tslab that display uses. */
export interface Tslab {
  /** tslab's public API: `display` and `newDisplay()`, one MIME type per output. */
  display: TslabDisplay;
  newDisplay(): TslabDisplay;
  /**
   * tslab's kernel module (tslab/dist/jupyter): `lastWriteDisplayData(content, update)` sends
   * a whole display_data (or update_display_data) for the running cell. The public API wraps
   * it with a single MIME type; absent if a tslab version moves it, and the public API is used.
   */
  jupyter?: {
    lastWriteDisplayData:
      | ((
        content: { data: MimeBundle; metadata: object; transient: object },
        update: boolean,
      ) => void)
      | null;
  };
}

/**
 * tslab's modules, when this process is tslab's kernel (bin/tslab is Node's main module). They
 * are required from there, so they are the kernel's own instances, whichever copy of
 * gradiente (ESM or CommonJS) runs the cell.
 */
function tslab(): Tslab | null {
  const main = g.process?.mainModule;
  if (!main || !/tslab/.test(String(main.filename))) return null;
  try {
    const api = main.require("tslab");
    let jupyter: Tslab["jupyter"];
    try {
      jupyter = main.require("tslab/dist/jupyter");
    } catch {
      jupyter = undefined; // a layout we do not know: the public API still works
    }
    return { display: api.display, newDisplay: api.newDisplay, jupyter };
  } catch {
    return null;
  }
}

/** The mime types tslab's public API can show, richest first (it sends one per output). */
const TSLAB_ORDER = ["text/html", "image/svg+xml", "image/png", "image/jpeg", "text/markdown"];

/**
 * Outputs through tslab. Whole bundles go through the kernel's writer, as Deno's kernel sends
 * them, so text/plain and the static SVG stay beside the HTML (saved notebooks read well on
 * GitHub and in nbconvert). Without the writer, tslab's public API shows the richest one.
 */
export function tslabFrontend(mod: Tslab): Frontend {
  const displays = new Map<string, TslabDisplay>();
  return {
    name: "tslab",
    show(bundle, { id, update }) {
      const write = mod.jupyter?.lastWriteDisplayData;
      if (typeof write === "function") {
        const transient = id === undefined ? {} : { display_id: id };
        write({ data: bundle, metadata: {}, transient }, update === true);
        return;
      }
      const mime = TSLAB_ORDER.find((m) => typeof bundle[m] === "string") ?? "text/plain";
      let target = mod.display;
      if (id !== undefined) {
        const shown = update ? displays.get(id) : undefined;
        if (shown) target = shown;
        else displays.set(id, target = mod.newDisplay());
      }
      target.raw(mime, String(bundle[mime] ?? ""));
    },
  };
}

const consoleFrontend: Frontend = {
  name: "console",
  show(bundle) {
    console.log(String(bundle["text/plain"] ?? ""));
  },
};

let detected: Frontend | undefined;

/** The frontend this code runs in, found at the first call (never at import time). */
export function detectFrontend(): Frontend {
  if (detected) return detected;
  const jupyter = denoJupyter();
  const mod = jupyter ? null : tslab();
  detected = jupyter
    ? {
      name: "deno-jupyter",
      show: (bundle, { id, update }) =>
        jupyter.display(bundle, { raw: true, display_id: id, update: update ?? false }),
    }
    : mod
    ? tslabFrontend(mod)
    : consoleFrontend;
  return detected;
}

/** Shows `x` on `frontend` (see `display`). */
export async function displayOn(
  frontend: Frontend,
  x: unknown,
  options: DisplayOptions = {},
): Promise<void> {
  if (options.update && options.id === undefined) {
    throw new Error("display(x, { update: true }) needs the id of the output to replace");
  }
  await frontend.show(await mimeBundle(x, options.raw), options);
}

/**
 * Shows `x`: a tensor, module, figure or any value with `[Symbol.for("Jupyter.display")]`
 * as rich output in a notebook, as text elsewhere.
 *
 * ```ts
 * await display(lossPlot, { id: "loss" });
 * await display(updatedPlot, { id: "loss", update: true }); // replaces it in place
 * ```
 */
export function display(x: unknown, options: DisplayOptions = {}): Promise<void> {
  return displayOn(detectFrontend(), x, options);
}
