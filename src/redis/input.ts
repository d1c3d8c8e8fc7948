import { checkTime } from '../store/arguments.js'
import type { JsonValue, WriteOptions } from '../store/contract.js'
import { checkJson } from '../util/json.js'

/** Checks an epoch-ms time argument and returns it as a script argument. */
export function timeArg(value: unknown, what: string): string {
  checkTime(value, what)
  return String(value)
}

/**
 * Already checked write options (each call checks its arguments with one function of
 * store/arguments.ts) as the script arguments `[expiresAt, partExpiresAt]` (`''` when absent).
 */
export function writeArgs(options: WriteOptions | undefined): [string, string] {
  if (options === undefined) return ['', '']
  return [optionalArg(options.expiresAt), optionalArg(options.partExpiresAt)]
}

/** An optional, already checked number as a script argument: `''` when absent. */
export function optionalArg(value: number | undefined): string {
  return value === undefined ? '' : String(value)
}

/** Checks `value` is JSON within `maxBytes` and returns its text. */
export function jsonArg(value: unknown, maxBytes: number, what: string): string {
  return checkJson(value, { maxBytes }, what)
}

/**
 * Checks `value` and returns JSON text with object keys sorted, so equal values give equal text:
 * header facts are stored this way, which lets a script compare `ifData` conditions as strings.
 */
export function canonicalJsonArg(value: unknown, maxBytes: number, what: string): string {
  const text = checkJson(value, { maxBytes }, what)
  if (typeof value !== 'object' || value === null) return text
  // checkJson has walked it: plain JSON, so sorting it directly gives the text of the same value.
  return JSON.stringify(sortKeys(value as JsonValue))
}

function sortKeys(value: JsonValue): JsonValue {
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return value.map(sortKeys)
  const out: Record<string, JsonValue> = {}
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, JsonValue>)[key]!)
  return out
}

/** Parses JSON text read back from Redis. */
export function parseJson(text: unknown): JsonValue {
  return JSON.parse(String(text)) as JsonValue
}
