// A namespace import: `crypto.hash` is missing before Node 20.12, and a named import would fail to link.
import * as crypto from 'node:crypto'
import { invalidArgument, type SessionKitError } from './errors.js'
import { isWellFormed } from './util/well-formed.js'

// Random bytes drawn 4 KiB at a time: one call into the system's generator per 256 ids instead of
// one per id (about 5 us each). Each byte is handed out once.
const POOL_BYTES = 4096
const pool = Buffer.alloc(POOL_BYTES)
let poolAt = POOL_BYTES

/**
 * A new session id: 128 random bits from `crypto.randomFillSync` (a CSPRNG), base64url (22
 * characters).
 *
 * @example
 * const id = createSessionId() // 'q3Vx0c6yBv1bJm2Lh9Zk4A'
 */
export function createSessionId(): string {
  if (poolAt === POOL_BYTES) {
    crypto.randomFillSync(pool)
    poolAt = 0
  }
  const id = pool.toString('base64url', poolAt, poolAt + 16)
  poolAt += 16
  return id
}

/** Longest id a store accepts (record ids, user ids, session ids). */
const MAX_ID_LENGTH = 128

const recordIdChars = /^[A-Za-z0-9_\-.:@]*$/
const partNamePattern = /^[a-z][A-Za-z0-9_.-]{0,63}$/
/** Names refused as ids, field names and JSON keys: they would reach an object's prototype. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])
const reservedLengths = [...RESERVED_NAMES].map((name) => name.length)
const SHORTEST_RESERVED = Math.min(...reservedLengths)
const LONGEST_RESERVED = Math.max(...reservedLengths)

/**
 * Whether `name` is one of `RESERVED_NAMES`, its length compared first: this runs on hot paths
 * (every `kit.get`, every rate-limit subject, every key of a written value), where most names
 * cannot be reserved by their length alone and need no set lookup.
 */
export function isReservedName(name: string): boolean {
  return name.length >= SHORTEST_RESERVED && name.length <= LONGEST_RESERVED && RESERVED_NAMES.has(name)
}

/**
 * Whether `prefix` could start a record id: only record-id characters (or empty). A store's scan
 * returns nothing for any other prefix (which may hold pattern characters).
 *
 * @example
 * isRecordIdPrefix('user:') // true
 */
export function isRecordIdPrefix(prefix: string): boolean {
  return recordIdChars.test(prefix)
}

/**
 * Checks a record id before it reaches a store: 1 to 128 characters of `A-Z a-z 0-9 _ - . : @`,
 * never `__proto__`. Every store applies it; the facade uses it for user ids too.
 *
 * @example
 * assertRecordId('user:alice@example.com')
 */
export function assertRecordId(id: unknown, what = 'record id'): asserts id is string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw invalidArgument(`${what} must be a string of 1 to ${MAX_ID_LENGTH} characters; got ${describe(id)}`)
  }
  if (!recordIdChars.test(id) || RESERVED_NAMES.has(id)) {
    throw invalidArgument(
      `${what} may only hold letters, digits and _ - . : @ (and not be a reserved word); got ${JSON.stringify(id.slice(0, 40))}`,
    )
  }
}

/**
 * Checks a caller-supplied session id: 8 to 128 characters of base64url (`A-Z a-z 0-9 _ -`), not a
 * reserved word (`__proto__`, `constructor`, `prototype`). Ids from {@link createSessionId} always pass.
 *
 * @example
 * assertSessionId(req.cookies.sid)
 */
export function assertSessionId(id: unknown, what = 'session id'): asserts id is string {
  if (!isValidSessionId(id)) throw sessionIdError(id, what)
}

/** The error {@link assertSessionId} throws, for callers that reject a promise instead. */
export function sessionIdError(id: unknown, what = 'session id'): SessionKitError {
  return invalidArgument(
    `${what} must be 8 to 128 characters of A-Z a-z 0-9 _ -, not a reserved word (use createSessionId()); got ${describe(id)}`,
  )
}

/**
 * True when `id` would pass {@link assertSessionId}; for code that treats a bad id (a hostile cookie:
 * very long, non-ASCII, control characters, `__proto__`) as an unknown one. Never throws.
 *
 * @example
 * if (!isValidSessionId(req.cookies.sid)) return newSession()
 */
export function isValidSessionId(id: unknown): id is string {
  if (typeof id !== 'string' || id.length < 8 || id.length > MAX_ID_LENGTH) return false
  // A table lookup per character: this runs on every kit.get, and costs a third of the pattern.
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i)
    if (c > 127 || SESSION_ID_CHAR[c] === 0) return false
  }
  return !isReservedName(id)
}

/** 1 for each ASCII code of a session-id character (base64url: A-Z a-z 0-9 _ -). */
const SESSION_ID_CHAR = new Uint8Array(128).map((_, c) =>
  /[A-Za-z0-9_-]/.test(String.fromCharCode(c)) ? 1 : 0,
)

/**
 * A digest of a record id, 22 base64url characters (the first 128 bits of its SHA-256): what a
 * tombstone is keyed by, so a tombstone names no id (erasing a user leaves no key named by their
 * session ids) yet the same id always finds it.
 *
 * @example
 * idDigest('q3Vx0c6yBv1bJm2Lh9Zk4A') // 22 characters, never the id itself
 */
export function idDigest(id: string): string {
  if (typeof id !== 'string') throw invalidArgument('idDigest takes an id string')
  return sha256(id).subarray(0, 16).toString('base64url')
}

/**
 * How errors name a record: `#` and the first 8 characters of its digest (`idDigest`), never the
 * id. A session id is a bearer credential and error messages end up in logs; an operator who
 * holds an id finds its errors by `idDigest(id).slice(0, 8)`.
 *
 * @example
 * throw new SessionKitError('NOT_FOUND', `record ${recordLabel(id)} is missing`)
 */
export function recordLabel(id: string): string {
  return `#${idDigest(id).slice(0, 8)}`
}

// The one-shot `crypto.hash` (Node 20.12 and later) is several times faster than a Hash object.
const sha256: (text: string) => Buffer =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'buffer')
    : (text) => crypto.createHash('sha256').update(text).digest()

/**
 * Checks a part name (`history`, `cart`, `seen.user`): a lower-case letter, then up to 63 of
 * `A-Z a-z 0-9 _ . -`.
 */
export function assertPartName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !partNamePattern.test(name)) {
    throw invalidArgument(
      `part name must start with a lower-case letter and hold up to 64 of A-Z a-z 0-9 _ . -; got ${describe(name)}`,
    )
  }
}

/**
 * Checks a map field or header fact name: a non-empty string of at most 256 characters, with no
 * lone surrogate (it could not be a Redis hash field, see `isWellFormed`), not `__proto__`.
 */
export function assertFieldName(name: unknown): asserts name is string {
  if (
    typeof name !== 'string' ||
    name.length === 0 ||
    name.length > 256 ||
    RESERVED_NAMES.has(name) ||
    !isWellFormed(name)
  ) {
    throw invalidArgument(
      `field name must be a string of 1 to 256 characters with no lone surrogate, not a reserved word; got ${describe(name)}`,
    )
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `a string of ${value.length} characters`
  return value === null ? 'null' : typeof value
}
