/**
 * iopub messages -> nbformat outputs, as a frontend applies them: consecutive stream text of
 * one name is merged, `update_display_data` (and a new `display_data` with the same id)
 * replaces every earlier output shown under that transient display_id, in any cell, and
 * `clear_output` (with `wait`, at the next output) empties a cell.
 */
import type { Json, Message } from "./messages.ts";

export type Output =
  | { output_type: "stream"; name: string; text: string }
  | { output_type: "display_data"; data: Json; metadata: Json }
  | { output_type: "execute_result"; data: Json; metadata: Json; execution_count: number | null }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

type DisplayOutput = Extract<Output, { data: Json }>;

class CellOutputs {
  readonly outputs: Output[] = [];
  clearPending = false;
}

export class OutputCollector {
  readonly #cells = new Map<number, CellOutputs>();
  readonly #displays = new Map<string, DisplayOutput[]>();

  /** The outputs of cell `index` so far (the array is live). */
  outputs(index: number): Output[] {
    return this.#cell(index).outputs;
  }

  #cell(index: number): CellOutputs {
    let cell = this.#cells.get(index);
    if (!cell) this.#cells.set(index, cell = new CellOutputs());
    return cell;
  }

  /** Appends an output made by the runner itself (a timeout, an error from the reply). */
  push(index: number, output: Output): void {
    this.#add(this.#cell(index), output);
  }

  #add(cell: CellOutputs, output: Output): void {
    if (cell.clearPending) {
      cell.outputs.length = 0;
      cell.clearPending = false;
    }
    const last = cell.outputs.at(-1);
    if (
      output.output_type === "stream" && last?.output_type === "stream" &&
      last.name === output.name
    ) {
      last.text += output.text;
      return;
    }
    cell.outputs.push(output);
  }

  #show(displayId: unknown, output: DisplayOutput): void {
    if (typeof displayId !== "string" || displayId === "") return;
    for (const earlier of this.#displays.get(displayId) ?? []) {
      earlier.data = output.data;
      earlier.metadata = output.metadata;
    }
  }

  #register(displayId: unknown, output: DisplayOutput): void {
    if (typeof displayId !== "string" || displayId === "") return;
    const list = this.#displays.get(displayId) ?? [];
    list.push(output);
    this.#displays.set(displayId, list);
  }

  /** Applies one iopub message caused by cell `index`. */
  handle(index: number, msg: Message): void {
    const c = msg.content as Record<string, unknown>;
    const cell = this.#cell(index);
    const displayId = (c.transient as Json | undefined)?.display_id;
    switch (msg.header.msg_type) {
      case "stream":
        this.#add(cell, { output_type: "stream", name: String(c.name), text: String(c.text) });
        break;
      case "display_data": {
        const out: DisplayOutput = {
          output_type: "display_data",
          data: (c.data ?? {}) as Json,
          metadata: (c.metadata ?? {}) as Json,
        };
        this.#show(displayId, out);
        this.#add(cell, out);
        this.#register(displayId, out);
        break;
      }
      case "update_display_data":
        this.#show(displayId, {
          output_type: "display_data",
          data: (c.data ?? {}) as Json,
          metadata: (c.metadata ?? {}) as Json,
        });
        break;
      case "execute_result": {
        const out: DisplayOutput = {
          output_type: "execute_result",
          data: (c.data ?? {}) as Json,
          metadata: (c.metadata ?? {}) as Json,
          execution_count: typeof c.execution_count === "number" ? c.execution_count : null,
        };
        this.#add(cell, out);
        this.#register(displayId, out);
        break;
      }
      case "error":
        this.#add(cell, {
          output_type: "error",
          ename: String(c.ename ?? "Error"),
          evalue: String(c.evalue ?? ""),
          traceback: Array.isArray(c.traceback) ? c.traceback.map(String) : [],
        });
        break;
      case "clear_output":
        if (c.wait) cell.clearPending = true;
        else cell.outputs.length = 0;
        break;
    }
  }
}
