import { createHash } from "node:crypto";

/** PostgreSQL's NAMEDATALEN - 1: longer identifiers are silently cut. */
export const MAX_IDENTIFIER_BYTES = 63;

const HASH_LENGTH = 8;

/**
 * Makes a generated name (index, constraint, alias) fit Postgres' 63-byte
 * limit. Short names pass through; long ones keep a readable prefix and end
 * in a hash of the full name, so two long names that share a prefix never
 * collide after truncation, and the result is the same on every run.
 *
 * The suffix (`_idx`, `_fkey`...) is kept intact so the kind stays readable.
 */
export function shortenIdentifier(name: string, suffix = ""): string {
  const full = `${name}${suffix}`;
  if (Buffer.byteLength(full) <= MAX_IDENTIFIER_BYTES) {
    return full;
  }

  const hash = createHash("sha256").update(full).digest("hex");
  const tail = `_${hash.slice(0, HASH_LENGTH)}${suffix}`;
  return `${truncateUtf8(name, MAX_IDENTIFIER_BYTES - tail.length)}${tail}`;
}

/** Cuts a string to at most `maxBytes` of UTF-8 without splitting a character. */
function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes) {
      break;
    }
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}
