import type { JsonValue } from '../store/contract.js'

/**
 * Freezes a JSON value all the way down, so readers can share it without copying. A value whose
 * top is already frozen is taken as frozen throughout (every value this library freezes is frozen
 * whole), so freezing a stored value again costs nothing.
 *
 * @example
 * const current = deepFreeze(JSON.parse(text))
 */
export function deepFreeze<T extends JsonValue>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value
  if (Array.isArray(value)) {
    for (const item of value) deepFreeze(item)
  } else {
    for (const key in value) deepFreeze((value as Record<string, JsonValue>)[key] as JsonValue)
  }
  return Object.freeze(value)
}
