/**
 * What a `touchMeta` call that writes nothing answers, decided on the header as one atomic read
 * returned it. Under a touch step most reads of a session write nothing; a store that reads the
 * header with a plain read and decides here sends its writing call only when a write is needed,
 * and the answer is the one that call would give at the moment of the read (same header, same
 * `now`). The rules are those of the stores' touchMeta (touch-meta.lua, statements.ts), once.
 */

/** The header facts a touch reads: each name's stored canonical JSON text, or `undefined` when absent. */
export type FactText = (name: string) => string | undefined

/** `held`: a condition failed; `unmoved`: within the step; `write`: the expiry must move. */
export type TouchWithoutWrite = 'held' | 'unmoved' | 'write'

// A JSON number, the only text a `notAfter` fact caps with (as the stores' scripts test it).
const JSON_NUMBER = /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/

/**
 * Decides a touch of a live record whose expiry is `currentExpiresAt`: `held` when a fact named in
 * `conditions` (name, canonical JSON pairs) is present with another text, else `unmoved` when the
 * new expiry (`expiresAt`, capped by the number in fact `notAfter`) is not earlier and later by
 * less than `stepMs`, else `write`. With a step of 0 every move is written.
 *
 * @example
 * touchWithoutWrite((n) => facts.get(n), meta.expiresAt, now + idleMs, 'absoluteEnd', [['u', '"ann"']], 60_000)
 */
export function touchWithoutWrite(
  fact: FactText,
  currentExpiresAt: number,
  expiresAt: number,
  notAfter: string | undefined,
  conditions: readonly (readonly [string, string])[],
  stepMs: number,
): TouchWithoutWrite {
  for (const [name, text] of conditions) {
    const current = fact(name)
    if (current !== undefined && current !== text) return 'held'
  }
  let target = expiresAt
  const cap = notAfter === undefined || notAfter === '' ? undefined : fact(notAfter)
  if (cap !== undefined && JSON_NUMBER.test(cap) && Number(cap) < target) target = Number(cap)
  return withinStep(currentExpiresAt, target, stepMs) ? 'unmoved' : 'write'
}

/**
 * True when moving an expiry from `current` to `target` may be skipped under a touch step of
 * `stepMs`: later by less than the step. An earlier expiry is always written; at 0, every move.
 *
 * @example
 * if (withinStep(meta.expiresAt, now + idleMs, 60_000)) return true // nothing to write
 */
export function withinStep(current: number, target: number, stepMs: number): boolean {
  return target >= current && target - current < stepMs
}
