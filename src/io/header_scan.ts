/**
 * One pass over a safetensors header's JSON text, before JSON.parse, for what JSON.parse
 * hides: how many keys the top-level object has (JSON.parse silently keeps the last of a
 * repeated key, which Python's reader refuses) and whether any number is written in a form an
 * unsigned integer cannot take (1.0, 1e3, -0), which JSON.parse turns into a plain integer.
 * It allocates nothing per key, so it is cheap enough to run on every header.
 */

export interface HeaderScan {
  /** Keys of the top-level object (repeats counted). */
  keys: number;
  /** Some number token has a fraction, an exponent or is "-0". */
  oddNumbers: boolean;
}

const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, MINUS = 0x2d;
const OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d, OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d;

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b ||
    c === MINUS;
}

/** Scans valid-or-not JSON text; garbage just yields counts JSON.parse will then reject. */
export function scanHeader(text: string): HeaderScan {
  let depth = 0, keys = 0, oddNumbers = false, expectKey = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      if (depth === 1 && expectKey) {
        keys++;
        expectKey = false;
      }
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      expectKey = depth === 1 && c === OPEN_BRACE;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    } else if (c === COMMA) {
      if (depth === 1) expectKey = true;
    } else if ((c >= 0x30 && c <= 0x39) || c === MINUS) {
      const start = i;
      let odd = false;
      while (i + 1 < n && isNumberChar(text.charCodeAt(i + 1))) {
        const d = text.charCodeAt(++i);
        if (d === 0x2e || d === 0x65 || d === 0x45) odd = true;
      }
      if (c === MINUS && i === start + 1 && text.charCodeAt(i) === 0x30) odd = true;
      if (odd) oddNumbers = true;
    }
  }
  return { keys, oddNumbers };
}

/** The top-level keys in order, repeats included (only called when a repeat is known). */
export function topLevelKeys(text: string): string[] {
  const out: string[] = [];
  let depth = 0, expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
      if (depth === 1 && expectKey) {
        out.push(JSON.parse(text.slice(start, i + 1)));
        expectKey = false;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      expectKey = depth === 1 && c === OPEN_BRACE;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
    else if (c === COMMA && depth === 1) expectKey = true;
  }
  return out;
}
