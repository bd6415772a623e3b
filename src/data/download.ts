/** Downloads with checksums, written atomically, trying mirrors in turn. */
import { hashHex, writeFileAtomic } from "../core/host.ts";

/** The expected digest of a file, as hex: MD5 (what torchvision publishes) or SHA-256. */
export type Checksum = { md5: string } | { sha256: string };

export interface DownloadOptions {
  /** The fetch to use (default: globalThis.fetch); tests and proxies can pass their own. */
  fetch?: typeof fetch;
}

/** Checks bytes against a checksum; returns a description of the mismatch, or undefined. */
export async function checksumMismatch(
  bytes: Uint8Array,
  checksum: Checksum,
): Promise<string | undefined> {
  const [algorithm, expected] = "md5" in checksum
    ? ["md5" as const, checksum.md5]
    : ["sha256" as const, checksum.sha256];
  const actual = await hashHex(algorithm, bytes);
  return actual === expected.toLowerCase()
    ? undefined
    : `${algorithm.toUpperCase()} is ${actual}, expected ${expected}`;
}

/**
 * Fetches `file` from the first mirror that serves it with the right checksum and writes it to
 * `dest` atomically (temp file + rename). Throws one error naming every mirror and what went
 * wrong with each when none works.
 */
export async function downloadFile(
  mirrors: readonly string[],
  file: string,
  dest: string,
  checksum: Checksum,
  options: DownloadOptions = {},
): Promise<void> {
  const get = options.fetch ?? globalThis.fetch;
  const failures: string[] = [];
  for (const mirror of mirrors) {
    const url = new URL(file, mirror).href;
    let bytes: Uint8Array;
    try {
      const res = await get(url);
      if (!res.ok) {
        await res.body?.cancel();
        failures.push(`${url}: HTTP ${res.status} ${res.statusText}`.trimEnd());
        continue;
      }
      bytes = new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      failures.push(`${url}: ${(e as Error).message}`);
      continue;
    }
    const mismatch = await checksumMismatch(bytes, checksum);
    if (mismatch) {
      failures.push(`${url}: got ${bytes.length} bytes whose ${mismatch}`);
      continue;
    }
    // Outside the try: a failed write is not the mirror's fault, so it surfaces as it is.
    await writeFileAtomic("download", dest, bytes, { mkdir: true });
    return;
  }
  throw new Error(
    `download: could not get ${file} from any mirror:\n` +
      failures.map((f) => `  - ${f}`).join("\n") +
      "\nCheck the network connection (Deno needs --allow-net and --allow-write to download).",
  );
}
