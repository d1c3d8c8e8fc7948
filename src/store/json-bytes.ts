// UTF-8 bytes of JSON texts, computed without writing them: a memory-store write measures its value
// while it copies it (memory-copy.ts), so it never serialises it. Each result equals
// `Buffer.byteLength(JSON.stringify(x))`, which test/store/memory-copy.test.ts checks on random values.

/** Printable ASCII that JSON writes as it is (no quote, no backslash): one byte per character. */
const VERBATIM = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

/**
 * Bytes of `value` as a JSON string, quotes included.
 *
 * @example
 * jsonStringBytes('a"b') // 6: "a\"b"
 */
export function jsonStringBytes(value: string): number {
  if (VERBATIM.test(value)) return value.length + 2
  // Escapes, lone surrogates and multi-byte characters: rare enough to measure the plain way.
  return Buffer.byteLength(JSON.stringify(value), 'utf8')
}

/**
 * Bytes of a finite number as JSON (`String(value)`, which JSON.stringify uses), without making
 * the string for a safe integer.
 *
 * @example
 * jsonNumberBytes(-120) // 4
 */
export function jsonNumberBytes(value: number): number {
  if (!Number.isSafeInteger(value)) return String(value).length
  const rest = Math.abs(value)
  let digits = 1
  // Safe integers are below 1e16 (16 digits), where String() never uses the exponent form.
  for (let limit = 10; rest >= limit && digits < 16; limit *= 10) digits++
  return value < 0 ? digits + 1 : digits
}
