// tslab end to end: our notebook runner (kernel/runner, `deno task notebooks`) starts tslab's
// kernel from a kernelspec and runs test/notebooks/tslab.ipynb, whose cells require the
// installed package (tslab compiles cells to CommonJS) and display a tensor, a plot, the
// autograd graph and a live loss plot through src/notebook/display.ts's tslab frontend.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const tslabBin = fileURLToPath(new URL("../node_modules/tslab/bin/tslab", import.meta.url));

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}
interface Notebook {
  cells: { id: string; cell_type: string; outputs?: Output[] }[];
  metadata: { kernelspec: { name: string }; language_info?: { name: string } };
}

const joined = (v: unknown) => Array.isArray(v) ? v.join("") : String(v);

let dir = "";
let nb: Notebook;
let runnerLog = "";
const cell = (id: string) => nb.cells.find((c) => c.id === id)!.outputs!;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gradiente-tslab-"));
  // The kernelspec `tslab install` writes (tslab/python/install.py), with absolute paths to
  // this node and tslab, so neither needs to be on PATH (nor Python's jupyter_client here).
  const spec = join(dir, "jupyter", "kernels", "tslab");
  await mkdir(spec, { recursive: true });
  await writeFile(
    join(spec, "kernel.json"),
    JSON.stringify({
      argv: [process.execPath, tslabBin, "kernel", "--config-path", "{connection_file}"],
      display_name: "TypeScript",
      language: "typescript",
    }),
  );
  const args = [
    "task",
    "notebooks",
    "--kernel=tslab",
    "--timeout=120",
    `--output-dir=${join(dir, "out")}`,
    "node/test/notebooks/tslab.ipynb",
  ];
  const env = { ...process.env, JUPYTER_PATH: join(dir, "jupyter"), NO_COLOR: "1" };
  try {
    const { stdout, stderr } = await promisify(execFile)("deno", args, { cwd: root, env });
    runnerLog = stdout + stderr;
  } catch (e) {
    const { stdout = "", stderr = "", message } = e as Error & { stdout?: string; stderr?: string };
    throw new Error(`deno ${args.join(" ")} failed: ${message}\n${stdout}${stderr}`);
  }
  nb = JSON.parse(await readFile(join(dir, "out", "tslab.ipynb"), "utf8"));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("a notebook run in tslab through our runner", () => {
  it("runs every cell without error, in tslab's kernel", () => {
    expect(runnerLog).toMatch(/tslab\.ipynb {2}6 code cells .* OK/);
    expect(nb.metadata.kernelspec.name).toBe("tslab");
    expect(nb.metadata.language_info?.name).toBe("typescript");
    const errors = nb.cells.flatMap((c) => c.outputs ?? []).filter((o) =>
      o.output_type === "error"
    );
    expect(errors).toEqual([]);
  });

  it("the CommonJS build runs on the WASM SIMD matmul kernel; a tensor prints its repr", () => {
    expect(cell("setup")).toEqual([{
      output_type: "stream",
      name: "stdout",
      text: ["wasm-simd\n"],
    }]);
    expect(joined(cell("repr")[0].text)).toBe("tensor([4.])\n");
  });

  it("display(tensor) sends the whole bundle: the HTML table and the text repr", () => {
    const [out] = cell("tensor");
    expect(out.output_type).toBe("display_data");
    expect(Object.keys(out.data!).sort()).toEqual(["text/html", "text/plain"]);
    expect(joined(out.data!["text/plain"])).toBe("tensor([4.])");
    expect(joined(out.data!["text/html"])).toMatch(/shape \[1\][\s\S]*<td[^>]*>4\.<\/td>/);
  });

  it("display(plot) sends plotly JSON, HTML and the static SVG", () => {
    const [out] = cell("plot");
    const data = out.data!;
    expect(Object.keys(data).sort()).toEqual([
      "application/vnd.plotly.v1+json",
      "image/svg+xml",
      "text/html",
      "text/plain",
    ]);
    const spec = data["application/vnd.plotly.v1+json"] as { data: { y: number[] }[] };
    expect(spec.data[0].y).toEqual([1, 4, 9]);
    expect(joined(data["image/svg+xml"])).toContain("squares");
  });

  it("the autograd graph is an SVG drawn by Graphviz", () => {
    const [out] = cell("graph");
    const svg = joined(out.data!["image/svg+xml"]);
    for (const s of [">Mul<", ">Add<", ">a<", ">d<", ">value 8<"]) expect(svg).toContain(s);
  });

  it("liveLoss updates one output in place (update_display_data) to its final state", () => {
    const outs = cell("live");
    expect(outs.length).toBe(1);
    const spec = outs[0].data!["application/vnd.plotly.v1+json"] as { data: { y: number[] }[] };
    expect(spec.data[0].y).toEqual([1, 0.5, 1 / 3, 0.25, 0.2]);
    expect(joined(outs[0].data!["text/plain"])).toMatch(/epoch 5/);
  });
});
