import * as crypto from 'node:crypto'

/**
 * An incremental hash: the detector feeds a request's canonical text and reads a digest after
 * each prefix it needs (`copy()` keeps the running state).
 */
export interface HashStream {
  /** Feeds `data` as UTF-8. */
  update(data: string): unknown
  /** An independent copy of the running state. */
  copy(): HashStream
  /** The digest of everything fed so far; the stream is finished afterwards. */
  digest(): string
}

/**
 * The hash function of a detector (option `hash`). It hashes strings as UTF-8 (an unpaired
 * surrogate as U+FFFD, as `Buffer` and `node:crypto` encode it). The detector keys its index by
 * the first 16 characters of each digest, so return a binary (latin1) string of at least 16 bytes
 * to keep 128 bits. Default: SHA-256 from `node:crypto`, truncated to 128 bits.
 *
 * @example
 * const hash: DetectorHash = { create: () => wrap(crypto.createHash('sha512')), digest: (d) => ... }
 */
export interface DetectorHash {
  /** A fresh incremental hash. */
  create(): HashStream
  /** The digest of `data` in one call (message and system prompt fingerprints). */
  digest(data: string): string
}

/** Characters of a digest kept as an index key: 16 binary characters, 128 bits. */
const KEY_CHARS = 16

class NodeStream implements HashStream {
  readonly #h: crypto.Hash
  constructor(h: crypto.Hash) {
    this.#h = h
  }
  update(data: string): void {
    this.#h.update(data)
  }
  copy(): HashStream {
    return new NodeStream(this.#h.copy())
  }
  digest(): string {
    return this.#h.digest('binary')
  }
}

// crypto.hash (Node >= 20.12 / 21.7) skips the Hash object; older 20.x falls back to createHash.
const hasOneShot = typeof (crypto as { hash?: unknown }).hash === 'function'

/**
 * SHA-256 through `crypto.hash` when present (else `createHash`), as a {@link DetectorHash}.
 * The default of option `hash`.
 *
 * @example
 * createDetector({ hash: sha256Hash })
 */
export const sha256Hash: DetectorHash = {
  create: () => new NodeStream(crypto.createHash('sha256')),
  digest: hasOneShot
    ? (data) => crypto.hash('sha256', data, 'binary')
    : (data) => crypto.createHash('sha256').update(data).digest('binary'),
}

/**
 * The index key of a digest: its first 16 characters as a flat string. `slice` would return a
 * view that keeps the whole digest alive; keys are stored for a session's life, so copy them.
 */
export function ownKey(digest: string): string {
  // Shorter digests (a custom hash) are kept whole, as probeKey does.
  if (digest.length < KEY_CHARS) return digest
  const d = digest
  return String.fromCharCode(
    d.charCodeAt(0),
    d.charCodeAt(1),
    d.charCodeAt(2),
    d.charCodeAt(3),
    d.charCodeAt(4),
    d.charCodeAt(5),
    d.charCodeAt(6),
    d.charCodeAt(7),
    d.charCodeAt(8),
    d.charCodeAt(9),
    d.charCodeAt(10),
    d.charCodeAt(11),
    d.charCodeAt(12),
    d.charCodeAt(13),
    d.charCodeAt(14),
    d.charCodeAt(15),
  )
}

/** A probe key: like {@link ownKey} but allowed to be a view (it is dropped after the lookup). */
export function probeKey(digest: string): string {
  return digest.length <= KEY_CHARS ? digest : digest.slice(0, KEY_CHARS)
}

/**
 * The session id for an explicit id: stable across processes and restarts (no per-process seed),
 * different per tenant, and never equal to an id sent raw, so an id that leaks from one tenant
 * never opens a session of another. 22 base64url characters.
 */
export function deriveExplicitId(tenant: string, explicitId: string): string {
  return crypto
    .createHash('sha256')
    .update(`sessionkit/explicit\u0000${tenant.length}\u0000${tenant}\u0000${explicitId}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url')
}
