/**
 * Reading and writing .ipynb files (nbformat 4.5) the way Jupyter writes them, so a re-run
 * diff shows only what changed: keys sorted, 1-space indent, non-ASCII kept, a trailing
 * newline, and multi-line text stored as a list of lines (sources, stream text, and text/*,
 * image/svg+xml and application/javascript data; JSON data stays an object).
 */
import { basename, dirname, join } from "node:path";
import type { Json } from "./messages.ts";
import type { Output } from "./outputs.ts";

export interface Cell {
  cell_type: "code" | "markdown" | "raw";
  id: string;
  metadata: Json;
  source: string;
  outputs?: Output[];
  execution_count?: number | null;
  attachments?: Json;
}

export interface Notebook {
  cells: Cell[];
  metadata: Json;
  nbformat: 4;
  nbformat_minor: number;
}

const joinLines = (v: unknown): unknown =>
  Array.isArray(v) && v.every((s) => typeof s === "string") ? v.join("") : v;

function isJsonMime(mime: string): boolean {
  return mime === "application/json" || (mime.startsWith("application/") && mime.endsWith("+json"));
}

function mapData(data: unknown, f: (mime: string, v: unknown) => unknown): Json {
  const out: Json = {};
  for (const [mime, v] of Object.entries((data ?? {}) as Json)) out[mime] = f(mime, v);
  return out;
}

function newCellId(): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 8);
}

/** Parses a v4 notebook, joining line lists into strings and giving cells ids (4.5). */
export function parseNotebook(text: string, name = "notebook"): Notebook {
  let raw: Json;
  try {
    raw = JSON.parse(text) as Json;
  } catch (e) {
    throw new Error(`${name}: not JSON (${(e as Error).message})`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new Error(`${name}: not an nbformat 4 notebook (the file is not a JSON object)`);
  }
  if (raw.nbformat !== 4 || !Array.isArray(raw.cells)) {
    throw new Error(`${name}: not an nbformat 4 notebook (nbformat: ${raw.nbformat})`);
  }
  const problems = shapeProblems(raw);
  if (problems.length > 0) {
    const more = problems.length > 10 ? `\n(and ${problems.length - 10} more)` : "";
    throw new Error(
      `${name}: malformed notebook, nothing was run:\n${problems.slice(0, 10).join("\n")}${more}`,
    );
  }
  const seen = new Set<string>();
  const cells = (raw.cells as Json[]).map((c): Cell => {
    let id = typeof c.id === "string" && /^[a-zA-Z0-9_-]{1,64}$/.test(c.id) ? c.id : newCellId();
    while (seen.has(id)) id = newCellId();
    seen.add(id);
    const cell: Cell = {
      ...(c as object),
      cell_type: c.cell_type as Cell["cell_type"],
      id,
      metadata: (c.metadata ?? {}) as Json,
      source: String(joinLines(c.source) ?? ""),
    };
    if (cell.cell_type === "code") {
      cell.execution_count = (c.execution_count ?? null) as number | null;
      cell.outputs = ((c.outputs ?? []) as Json[]).map((o) => {
        const out = { ...o } as Json;
        if ("text" in out) out.text = joinLines(out.text);
        if ("data" in out) out.data = mapData(out.data, (m, v) => isJsonMime(m) ? v : joinLines(v));
        return out as unknown as Output;
      });
    }
    return cell;
  });
  return {
    ...(raw as object),
    cells,
    metadata: (raw.metadata ?? {}) as Json,
    nbformat: 4,
    nbformat_minor: Math.max(5, Number(raw.nbformat_minor ?? 0)),
  };
}

const isObject = (v: unknown): v is Json =>
  v !== null && typeof v === "object" && !Array.isArray(v);
const isText = (v: unknown) =>
  typeof v === "string" || (Array.isArray(v) && v.every((s) => typeof s === "string"));
const show = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
};

/**
 * The types the runner relies on (a cell that is not an object, `metadata.tags: 5`,
 * `outputs: 7`), checked before anything runs so a bad file cannot fail halfway through a
 * run or be written back worse; each problem names the cell and the field.
 */
function shapeProblems(raw: Json): string[] {
  const problems: string[] = [];
  if ("metadata" in raw && !isObject(raw.metadata)) {
    problems.push(`notebook: "metadata" must be an object (got ${show(raw.metadata)})`);
  }
  (raw.cells as unknown[]).forEach((c, i) => {
    const bad = (field: string, want: string, got: unknown) =>
      problems.push(`cell ${i}: "${field}" must be ${want} (got ${show(got)})`);
    if (!isObject(c)) return bad("cells[" + i + "]", "an object", c);
    if (!["code", "markdown", "raw"].includes(c.cell_type as string)) {
      bad("cell_type", `"code", "markdown" or "raw"`, c.cell_type);
    }
    if ("source" in c && !isText(c.source)) {
      bad("source", "a string or a list of strings", c.source);
    }
    if ("metadata" in c && !isObject(c.metadata)) bad("metadata", "an object", c.metadata);
    const tags = isObject(c.metadata) ? c.metadata.tags : undefined;
    if (tags !== undefined && !(Array.isArray(tags) && tags.every((t) => typeof t === "string"))) {
      bad("metadata.tags", "a list of strings", tags);
    }
    if ("attachments" in c && !isObject(c.attachments)) {
      bad("attachments", "an object", c.attachments);
    }
    if (c.cell_type !== "code") return;
    const count = c.execution_count;
    if (count !== undefined && count !== null && !Number.isInteger(count)) {
      bad("execution_count", "an integer or null", count);
    }
    if (!("outputs" in c)) return;
    if (!Array.isArray(c.outputs)) return bad("outputs", "a list", c.outputs);
    c.outputs.forEach((o: unknown, j: number) => {
      const field = `outputs[${j}]`;
      if (!isObject(o)) return bad(field, "an object", o);
      if (typeof o.output_type !== "string") bad(`${field}.output_type`, "a string", o.output_type);
      if ("text" in o && !isText(o.text)) bad(`${field}.text`, "text", o.text);
      if ("data" in o && !isObject(o.data)) bad(`${field}.data`, "an object", o.data);
      if ("metadata" in o && !isObject(o.metadata)) {
        bad(`${field}.metadata`, "an object", o.metadata);
      }
      if ("traceback" in o && !isText(o.traceback)) {
        bad(`${field}.traceback`, "a list of strings", o.traceback);
      }
    });
  });
  return problems;
}

// Python's line boundaries: \n \r \r\n \v \f \x1c \x1d \x1e \x85 \u2028 \u2029.
const BREAKS = "\\n\\r\\v\\f\\x1c\\x1d\\x1e\\x85\\u2028\\u2029";
const LINE = new RegExp(`[^${BREAKS}]*(?:\\r\\n|[${BREAKS}]|$)`, "g");

/** Python's str.splitlines(keepends=True), which nbformat uses. */
export function splitLines(s: string): string[] {
  return s.match(LINE)!.filter((line) => line !== "");
}

function splitMime(mime: string, v: unknown): unknown {
  const split = mime.startsWith("text/") || mime === "image/svg+xml" ||
    mime === "application/javascript";
  return split && typeof v === "string" ? splitLines(v) : v;
}

/** Recursively sorts object keys (Python's sort_keys=True). */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== "object") return v;
  const out: Json = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Json)[k]);
  return out;
}

/** The file text, as `nbformat.write` produces it. */
export function serializeNotebook(nb: Notebook): string {
  const cells = nb.cells.map((cell) => {
    const out: Json = { ...cell, source: splitLines(cell.source) };
    if (cell.outputs) {
      out.outputs = cell.outputs.map((o) => {
        const copy = { ...o } as Json;
        if (o.output_type === "stream") copy.text = splitLines(o.text);
        if ("data" in o) copy.data = mapData(o.data, splitMime);
        return copy;
      });
    }
    return out;
  });
  return JSON.stringify(sortKeys({ ...nb, cells }), null, 1) + "\n";
}

export async function readNotebook(path: string): Promise<Notebook> {
  return parseNotebook(await Deno.readTextFile(path), path);
}

/** Writes through a temp file in the same directory and a rename: never half a notebook. */
export async function writeNotebook(path: string, nb: Notebook): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  try {
    await Deno.writeTextFile(tmp, serializeNotebook(nb));
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

const REQUIRED_OUTPUT_KEYS: Record<string, string[]> = {
  stream: ["name", "text"],
  display_data: ["data", "metadata"],
  execute_result: ["data", "metadata", "execution_count"],
  error: ["ename", "evalue", "traceback"],
};

/**
 * The nbformat 4.5 schema's required keys and basic types, checked on the parsed file (lists
 * of lines allowed); returns the problems found, empty when valid.
 */
export function validateNotebook(nb: unknown): string[] {
  const problems: string[] = [];
  const o = nb as Json;
  for (const k of ["cells", "metadata", "nbformat", "nbformat_minor"]) {
    if (!(k in o)) problems.push(`notebook: missing "${k}"`);
  }
  if (o.nbformat !== 4) problems.push(`notebook: nbformat is ${o.nbformat}, expected 4`);
  if (typeof o.nbformat_minor !== "number" || o.nbformat_minor < 5) {
    problems.push(`notebook: nbformat_minor ${o.nbformat_minor} has no cell ids (needs >= 5)`);
  }
  const text = (v: unknown) =>
    typeof v === "string" || (Array.isArray(v) && v.every((s) => typeof s === "string"));
  const ids = new Set<string>();
  ((o.cells ?? []) as Json[]).forEach((cell, i) => {
    const where = `cell ${i}`;
    const required = cell.cell_type === "code"
      ? ["id", "cell_type", "metadata", "source", "outputs", "execution_count"]
      : ["id", "cell_type", "metadata", "source"];
    for (const k of required) if (!(k in cell)) problems.push(`${where}: missing "${k}"`);
    if (!["code", "markdown", "raw"].includes(cell.cell_type as string)) {
      problems.push(`${where}: unknown cell_type ${cell.cell_type}`);
    }
    const id = cell.id as string;
    if (typeof id !== "string" || !/^[a-zA-Z0-9_-]{1,64}$/.test(id)) {
      problems.push(`${where}: invalid id ${JSON.stringify(id)}`);
    } else if (ids.has(id)) problems.push(`${where}: duplicate id ${id}`);
    else ids.add(id);
    if (!text(cell.source)) problems.push(`${where}: source is not text`);
    if (cell.cell_type !== "code") return;
    const count = cell.execution_count;
    if (count !== null && !Number.isInteger(count)) {
      problems.push(`${where}: execution_count ${count}`);
    }
    ((cell.outputs ?? []) as Json[]).forEach((out, j) => {
      const keys = REQUIRED_OUTPUT_KEYS[out.output_type as string];
      if (!keys) problems.push(`${where} output ${j}: unknown output_type ${out.output_type}`);
      for (const k of keys ?? []) {
        if (!(k in out)) problems.push(`${where} output ${j}: missing "${k}"`);
      }
      if (out.output_type === "stream" && !text(out.text)) {
        problems.push(`${where} output ${j}: stream text is not text`);
      }
    });
  });
  return problems;
}
