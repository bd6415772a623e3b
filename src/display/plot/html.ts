/**
 * The interactive rendering: an HTML snippet that draws the figure with a pinned plotly.js.
 *
 * Where the library comes from, in order:
 * - already on the page (an earlier figure, or the inline copy below): used as is;
 * - classic Notebook (require.js on the page): through requirejs, as plotly.py does, because
 *   a plain <script src> there fights require.js's loader;
 * - JupyterLab, VS Code, nbconvert's HTML: one <script src> to the official CDN, shared by all
 *   figures of the page through a promise on window (a script inserted from an output runs
 *   asynchronously, so each figure waits for it rather than assuming it ran).
 * Both CDN paths carry a subresource-integrity hash (PLOTLY_SRI, `crossorigin="anonymous"`),
 * so the browser runs the script only if it is byte for byte the pinned file; require.js sets
 * it through its onNodeCreated hook (RequireJS 2.1.20 and later; older ones load without it).
 * - inline mode (`plot.config({ inline: true })` or `{ inline: true }` per figure): the source
 *   of the npm package plotly.js-dist-min, pinned to the same version, embedded in the first
 *   figure of the session and run once per page (a window flag guards it), for offline use.
 *
 * Until plotly draws, the div shows the static SVG, which is also what a viewer that runs no
 * scripts (GitHub, nbviewer) keeps.
 */
import { nodeFs, nodeUrl } from "../../core/host.ts";
import type { FigureSpec } from "./spec.ts";

/** The plotly.js version: the npm `plotly.js-dist-min` pinned in deno.json and the CDN file. */
export const PLOTLY_VERSION = "4.1.2";

/** The official CDN build of the pinned version. */
export const PLOTLY_CDN_URL = `https://cdn.plot.ly/plotly-${PLOTLY_VERSION}.min.js`;

/**
 * Subresource integrity of PLOTLY_CDN_URL: the SHA-384 of plotly.min.js in the npm package
 * plotly.js-dist-min@4.1.2, which is the file the CDN serves for that version (a test checks it
 * against the installed file). The browser refuses the script if the CDN serves anything else.
 */
export const PLOTLY_SRI = "sha384-hHv6D3tTUUBpp4tVv6t2Dc3oGuRhphmWOTKUR8jWyN0Pnon1g3iebKCNDNmKmxo8";

export interface PlotConfig {
  /** Embed plotly.js in the notebook (once per session) instead of loading it from the CDN. */
  inline: boolean;
  /** Where to load plotly.js from when not inline (a mirror of the CDN file, say). */
  cdnUrl: string;
  /**
   * The subresource-integrity hash the loaded script must match ("sha384-..."), or null for
   * none: PLOTLY_SRI for the official URL; setting another cdnUrl drops it unless given too.
   */
  integrity: string | null;
}

const state: PlotConfig & { embedded: boolean } = {
  inline: false,
  cdnUrl: PLOTLY_CDN_URL,
  integrity: PLOTLY_SRI,
  embedded: false,
};

/**
 * Reads, and with an argument changes, how figures load plotly.js. Setting `inline` embeds the
 * library again in the next figure (a fresh page, e.g. after a kernel restart, needs it).
 */
export function config(options: Partial<PlotConfig> = {}): PlotConfig {
  if (options.inline !== undefined) {
    state.inline = options.inline;
    state.embedded = false;
  }
  if (options.cdnUrl !== undefined) {
    state.cdnUrl = options.cdnUrl;
    state.integrity = options.cdnUrl === PLOTLY_CDN_URL ? PLOTLY_SRI : null;
  }
  if (options.integrity !== undefined) state.integrity = options.integrity;
  return { inline: state.inline, cdnUrl: state.cdnUrl, integrity: state.integrity };
}

const FLAG = `__gradientePlotly_${PLOTLY_VERSION.replace(/\W/g, "_")}`;

let source: Promise<string> | null = null;

/** The bundled file of the pinned npm package, read as text (Deno: through deno.json). */
const PLOTLY_FILE = "plotly.js-dist-min/plotly.min.js";

/**
 * Deno reads the file as a text import (resolved through gradiente's deno.json); Node, which
 * has no text imports, reads the file the specifier resolves to from gradiente's own folder
 * (the npm package lists plotly.js-dist-min as a dependency).
 */
async function readPlotly(): Promise<string> {
  if ((globalThis as { Deno?: unknown }).Deno) {
    return (await import("plotly.js-dist-min/plotly.min.js", { with: { type: "text" } }))
      .default as string;
  }
  const [fs, url] = await Promise.all([nodeFs("plot"), nodeUrl()]);
  return await fs.readFile(url.fileURLToPath(import.meta.resolve(PLOTLY_FILE)), "utf8");
}

/** plotly.min.js from the npm package (4.8 MB, so read only when inline mode asks for it). */
export function plotlySource(): Promise<string> {
  source ??= readPlotly().catch((e) => {
    source = null;
    throw new Error(
      `plot: inline mode needs the npm package plotly.js-dist-min@${PLOTLY_VERSION} ` +
        `(a dependency of gradiente), but it could not be read: ${(e as Error).message}`,
    );
  });
  return source;
}

/** Text that is safe inside a <script> element: no "</script" and no "<!--" left in it. */
function scriptSafe(js: string): string {
  // Both only occur inside string literals in plotly's source and in our JSON, where "\/" and
  // "\!" read back as "/" and "!".
  return js.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

/** JSON for a <script>: "<" escaped so no data can close the element. */
function jsonForScript(v: unknown): string {
  return JSON.stringify(v).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

export interface HtmlOptions {
  /** The element id of the plot's div (unique on the page). */
  id: string;
  /** Shown until plotly draws, and kept where scripts do not run. */
  fallback: string;
  /** Force inline mode on or off for this figure. */
  inline?: boolean;
}

/** The HTML for one figure. Async because inline mode reads plotly.js from the npm package. */
export async function plotlyHtml(spec: FigureSpec, opts: HtmlOptions): Promise<string> {
  const inline = opts.inline ?? state.inline;
  let library = "";
  if (inline && !state.embedded) {
    const src = await plotlySource();
    // The wrapper hides module/define/exports, so the bundle always sets window.Plotly.
    library = `<script type="text/javascript">/* plotly.js ${PLOTLY_VERSION}, inlined by ` +
      `gradiente */\nif (!window.${FLAG}_inline) {\nwindow.${FLAG}_inline = true;\n` +
      `(function (define, module, exports) {\n${scriptSafe(src)}\n}).call(window);\n}\n</script>\n`;
    state.embedded = true;
  }
  const width = spec.layout.width ?? 640, height = spec.layout.height ?? 400;
  const figure = { data: spec.data, layout: spec.layout, config: { responsive: true } };
  const script = `(function () {
  var id = ${JSON.stringify(opts.id)}, version = ${JSON.stringify(PLOTLY_VERSION)};
  var url = ${JSON.stringify(state.cdnUrl)}, key = ${JSON.stringify(FLAG)};
  var sri = ${JSON.stringify(state.integrity)};
  var figure = ${jsonForScript(figure)};
  function draw(Plotly) {
    var el = document.getElementById(id);
    if (!el || !Plotly) return;
    el.innerHTML = "";
    Plotly.newPlot(el, figure.data, figure.layout, figure.config);
  }
  function fail(e) { console.warn("gradiente: plotly.js did not load (" + url + "): " + e); }
  if (window.Plotly && window.Plotly.version === version) return draw(window.Plotly);
  if (window[key]) return window[key].then(draw, fail);
  if (window.require && window.requirejs) {
    var name = "plotly-" + version, paths = {}, shim = {};
    paths[name] = url.replace(/\\.js$/, "");
    shim[name] = { exports: "Plotly" };
    var cfg = { paths: paths, shim: shim };
    if (sri) {
      // RequireJS >= 2.1.20 calls onNodeCreated for each script it adds (older ones ignore
      // it and load without SRI); a hook already set by someone else still runs.
      var ctx = window.requirejs.s && window.requirejs.s.contexts && window.requirejs.s.contexts._;
      var prev = ctx && ctx.config && ctx.config.onNodeCreated;
      if (prev && prev.gradiente) prev = prev.gradiente.prev;
      var hook = function (node, config, module) {
        if (module === name) {
          node.setAttribute("integrity", sri);
          node.setAttribute("crossorigin", "anonymous");
        }
        if (prev) prev.apply(this, arguments);
      };
      hook.gradiente = { prev: prev };
      cfg.onNodeCreated = hook;
    }
    window.requirejs.config(cfg);
    window.require([name], function (Plotly) { draw(Plotly || window.Plotly); }, fail);
    return;
  }
  window[key] = new Promise(function (resolve, reject) {
    var s = document.createElement("script");
    s.src = url;
    s.charset = "utf-8";
    if (sri) {
      s.integrity = sri;
      s.crossOrigin = "anonymous"; // SRI on a cross-origin script needs a CORS request
    }
    s.onload = function () { resolve(window.Plotly); };
    s.onerror = function () { delete window[key]; reject(new Error("network")); };
    document.head.appendChild(s);
  });
  window[key].then(draw, fail);
})();`;
  return `${library}<div class="gradiente-plot" style="max-width:${width}px">` +
    `<div id="${opts.id}" style="width:100%;height:${height}px">${opts.fallback}</div>` +
    `<script type="text/javascript">\n${scriptSafe(script)}\n</script></div>`;
}
