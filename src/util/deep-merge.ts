import type { JsonValue } from '../store/contract.js'

type JsonObject = { readonly [key: string]: JsonValue }

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Merges `patch` into `base` the way preferences are patched: plain objects merge key by key,
 * everything else (arrays included) is replaced, and a `null` in the patch removes the key.
 * Neither input is changed. Both were checked with `checkJson`, so no key is `__proto__`.
 *
 * @example
 * deepMerge({ budget: { min: 1 }, brands: ['a'] }, { budget: { max: 9 }, brands: ['b'] })
 * // { budget: { min: 1, max: 9 }, brands: ['b'] }
 */
export function deepMerge(base: JsonValue | undefined, patch: JsonObject): JsonObject {
  const out: Record<string, JsonValue> = isPlainObject(base) ? { ...base } : {}
  for (const key of Object.keys(patch)) {
    const next = patch[key] as JsonValue
    if (next === null) delete out[key]
    else if (isPlainObject(next)) out[key] = deepMerge(out[key], next)
    else out[key] = next
  }
  return out
}
