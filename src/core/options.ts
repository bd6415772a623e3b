/**
 * Options objects reject what they do not know: a misspelt or snake_case key (`requires_grad`,
 * `batch_size`) would otherwise be silently ignored and the call would do something else.
 */

/** PyTorch's keyword spelling to ours: label_smoothing -> labelSmoothing. */
export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "string" ? `the string '${v}'` : `${typeof v} ${String(v)}`;
}

/**
 * Throws when `options` is not a plain object or has a key outside `known`, naming `op`, the
 * key, the camelCase spelling when that is known, and every known key. `notes` gives a
 * sentence for keys that are deliberately unsupported (e.g. DataLoader's numWorkers).
 * Returns the options (an empty object for undefined), typed as given.
 */
export function checkOptions<T extends object>(
  op: string,
  options: T | undefined,
  known: readonly string[],
  notes: Readonly<Record<string, string>> = {},
): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(
      `${op}: options must be an object such as { ${known[0] ?? "key"}: ... }, got ${
        describe(options)
      }.`,
    );
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const camel = snakeToCamel(key);
    const note = notes[key] ?? notes[camel];
    if (note) throw new TypeError(`${op}: '${key}' is not supported here. ${note}`);
    throw new TypeError(
      `${op}: unknown option '${key}'` +
        (camel !== key && known.includes(camel) ? `; did you mean '${camel}'?` : ".") +
        ` Known options: ${known.length ? known.join(", ") : "none"}.`,
    );
  }
  return options;
}
