/**
 * In a real browser: a notebook executed by `deno task notebooks`, exported to HTML by
 * nbconvert (Debian's jupyter-nbconvert), loaded in headless Chromium. Skipped, with a message,
 * only where chromium or nbconvert is missing (.ci/run installs both).
 *
 * One line in CELLS adds a cell to the notebook; one line in CHECKS asserts what the page
 * shows. The page is offline (only file: and data: URLs load), so figures inline plotly.js.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { CheckReport } from "./browser_check.ts";

const CHROMIUM = "/usr/bin/chromium";

const CELLS: [id: string, source: string][] = [
  [
    "probe",
    `await Deno.jupyter.display({ "text/html": '<div id="gradiente-probe">rendered by gradiente</div>', "text/plain": "probe" }, { raw: true });`,
  ],
  ["tensor", `import { tensor } from "gradiente";\ntensor([[1, 2], [3, 4]])`],
  ["plot", `import { plot } from "gradiente";\nplot.line([1, 3, 2], { inline: true })`],
  [
    "graph",
    `import { drawGraph } from "gradiente";\nconst a = tensor([2], { requiresGrad: true });\n` +
    `const b = tensor([3], { requiresGrad: true });\nawait drawGraph(a.mul(b).add(a))`,
  ],
];

const CHECKS: { what: string; selector: string; text?: RegExp }[] = [
  { what: "a text/html output", selector: "#gradiente-probe", text: /rendered by gradiente/ },
  { what: "the tensor's HTML table", selector: ".gradiente-tensor table", text: /4/ },
  {
    what: "plotly's SVG in the plot div",
    selector: ".gradiente-plot .js-plotly-plot svg.main-svg",
  },
  {
    what: "the graph's SVG",
    selector: ".gradiente-graph svg",
    text: /Mul[\s\S]*Add|Add[\s\S]*Mul/,
  },
];

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const dec = new TextDecoder();

async function run(args: string[], cwd = ROOT, env?: Record<string, string>) {
  try {
    const out = await new Deno.Command(args[0], {
      args: args.slice(1),
      cwd,
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  } catch (e) {
    return { code: -1, stdout: "", stderr: String(e) };
  }
}

const missing: string[] = [];
if (!(await Deno.stat(CHROMIUM).then((s) => s.isFile, () => false))) {
  missing.push(`${CHROMIUM} (apt-get install chromium)`);
}
if ((await run(["jupyter", "nbconvert", "--version"])).code !== 0) {
  missing.push("jupyter nbconvert (apt-get install jupyter-nbconvert)");
}
if (missing.length > 0) {
  console.warn(`browser_test: skipped, missing ${missing.join(" and ")}`);
}

Deno.test({
  name: "browser: an executed notebook exported by nbconvert renders in headless Chromium",
  ignore: missing.length > 0,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "gradiente-browser-" });
    const modUrl = pathToFileURL(join(ROOT, "mod.ts")).href;
    await Deno.writeTextFile(
      join(dir, "deno.json"),
      JSON.stringify({ imports: { gradiente: modUrl } }),
    );
    const notebook = join(dir, "browser.ipynb");
    await Deno.writeTextFile(
      notebook,
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: CELLS.map(([id, source]) => ({
          cell_type: "code",
          id,
          metadata: {},
          source,
          execution_count: null,
          outputs: [],
        })),
      }),
    );

    const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
    const [, ...runner] = (config.tasks.notebooks as string).split(/\s+/);
    // An empty Jupyter data dir: the runner starts `deno jupyter --kernel` with this deno.
    const env = { JUPYTER_DATA_DIR: dir, JUPYTER_PATH: "" };
    const executed = await run([Deno.execPath(), ...runner, notebook], ROOT, env);
    assert.equal(executed.code, 0, executed.stdout + executed.stderr);

    const exported = await run(["jupyter", "nbconvert", "--to", "html", notebook], dir);
    assert.equal(exported.code, 0, exported.stderr);
    const html = join(dir, "browser.html");

    const checker = [Deno.execPath(), "run", "--allow-all", join(ROOT, "test/browser_check.ts")];
    const r = await run([...checker, CHROMIUM, html, ...CHECKS.map((c) => c.selector)]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as CheckReport;
    CHECKS.forEach((check, i) => {
      const got = report.results[i];
      const context = `${check.what} (${check.selector}); page errors: ${
        report.errors.join(" | ") || "none"
      }`;
      assert.ok(got.found, `not in the page: ${context}`);
      if (check.text) assert.match(got.text, check.text, context);
    });
    await Deno.remove(dir, { recursive: true });
  },
});
