/**
 * Jupyter messages on the wire (messaging protocol 5.3): a multipart ZeroMQ message is
 * `[...identities, "<IDS|MSG>", signature, header, parent_header, metadata, content, ...buffers]`
 * where the signature is the hex HMAC-SHA256, keyed by the connection file's `key`, of the four
 * JSON frames in that order. An empty key disables signing (empty signature).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const DELIMITER = "<IDS|MSG>";
export const PROTOCOL_VERSION = "5.3";

export type Json = Record<string, unknown>;

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

export interface Message<C extends Json = Json> {
  identities: Uint8Array[];
  header: Header;
  /** The header of the request this message answers; empty for requests. */
  parent_header: Partial<Header>;
  metadata: Json;
  content: C;
  buffers: Uint8Array[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Signs and verifies message frames with the connection's key. */
export class Signer {
  readonly #key: string;
  readonly #algorithm: string;

  constructor(key: string, scheme = "hmac-sha256") {
    const match = /^hmac-(\w+)$/.exec(scheme);
    if (!match) throw new Error(`unsupported signature_scheme "${scheme}" (expected hmac-sha256)`);
    this.#key = key;
    this.#algorithm = match[1];
  }

  /** The hex digest of the frames, or "" when signing is disabled. */
  sign(frames: (string | Uint8Array)[]): string {
    if (this.#key === "") return "";
    const hmac = createHmac(this.#algorithm, this.#key);
    for (const f of frames) hmac.update(f);
    return hmac.digest("hex");
  }

  verify(signature: string, frames: (string | Uint8Array)[]): boolean {
    const expected = encoder.encode(this.sign(frames));
    const actual = encoder.encode(signature);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}

/** A new request (or reply) of `msgType` in `session`, as a child of `parent` if given. */
export function makeMessage<C extends Json>(
  session: string,
  msgType: string,
  content: C,
  parent?: Header,
): Message<C> {
  return {
    identities: [],
    header: {
      msg_id: crypto.randomUUID(),
      session,
      username: "gradiente",
      date: new Date().toISOString(),
      msg_type: msgType,
      version: PROTOCOL_VERSION,
    },
    parent_header: parent ?? {},
    metadata: {},
    content,
    buffers: [],
  };
}

/** The frames to send for `msg`. */
export function encode(msg: Message, signer: Signer): (string | Uint8Array)[] {
  const parts = [msg.header, msg.parent_header, msg.metadata, msg.content].map((p) =>
    JSON.stringify(p)
  );
  return [...msg.identities, DELIMITER, signer.sign(parts), ...parts, ...msg.buffers];
}

/** Parses received frames; throws when the delimiter is missing or the signature is wrong. */
export function decode(frames: Uint8Array[], signer: Signer): Message {
  const at = frames.findIndex((f) =>
    f.length === DELIMITER.length && decoder.decode(f) === DELIMITER
  );
  if (at < 0) throw new Error("malformed Jupyter message: no <IDS|MSG> delimiter");
  if (frames.length < at + 6) {
    throw new Error(
      `malformed Jupyter message: ${frames.length - at - 1} frames after the delimiter`,
    );
  }
  const signature = decoder.decode(frames[at + 1]);
  const parts = frames.slice(at + 2, at + 6);
  if (!signer.verify(signature, parts)) {
    throw new Error("Jupyter message with an invalid HMAC signature (wrong key?)");
  }
  const [header, parent, metadata, content] = parts.map((p) => JSON.parse(decoder.decode(p)));
  return {
    identities: frames.slice(0, at),
    header,
    parent_header: parent,
    metadata,
    content,
    buffers: frames.slice(at + 6),
  };
}
