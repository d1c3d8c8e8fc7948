import { checkTime } from '../store/arguments.js'
import type { JsonValue, WriteOptions } from '../store/contract.js'
import { canonicalJson, checkJson } from '../util/json.js'

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

/** Checks `value` and returns its canonical JSON text (sorted keys): header facts are stored this way. */
export function canonicalJsonArg(value: unknown, maxBytes: number, what: string): string {
  return canonicalJson(value, { maxBytes }, what)
}

/** Parses JSON text read back from Redis. */
export function parseJson(text: unknown): JsonValue {
  return JSON.parse(String(text)) as JsonValue
}
