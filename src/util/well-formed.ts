// `String.prototype.isWellFormed` (Node 20 and later), typed here: the project's lib is ES2023.
type WellFormedString = { isWellFormed(): boolean; toWellFormed(): string }

/**
 * Whether `text` holds no lone surrogate, so it encodes to UTF-8 and back unchanged. A name with
 * one cannot be a key in Redis (the clients encode it as UTF-8, where each lone surrogate becomes
 * U+FFFD, so two distinct names would name one field).
 *
 * @example
 * isWellFormed('caf\u00e9') // true
 * isWellFormed('a\ud800') // false
 */
export function isWellFormed(text: string): boolean {
  return (text as unknown as WellFormedString).isWellFormed()
}

/** `text` with every lone surrogate replaced by U+FFFD, as UTF-8 encoding would read it. */
export function toWellFormed(text: string): string {
  return (text as unknown as WellFormedString).toWellFormed()
}
