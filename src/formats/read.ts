import { invalidArgument, SessionKitError } from '../errors.js'
import type { MessageInput } from '../message/model.js'
import { validateMessage } from '../message/validate.js'

/** Converters check shapes only; the size limit is history's, applied on append. */
const noLimit = { maxMessageBytes: Number.POSITIVE_INFINITY }

/** A record read from foreign input: `INVALID_ARGUMENT` naming `where` when it is not an object. */
export function readRecord(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidArgument(`${where} must be an object`)
  }
  return value as Record<string, unknown>
}

/** An array read from foreign input. */
export function readArray(value: unknown, where: string): readonly unknown[] {
  if (!Array.isArray(value)) throw invalidArgument(`${where} must be an array`)
  return value
}

/** A string read from foreign input. */
export function readString(value: unknown, where: string): string {
  if (typeof value !== 'string') throw invalidArgument(`${where} must be a string`)
  return value
}

/** Checks a converted message as `append` would (shape, ids, media types) and returns the clean copy. */
export function checked(message: Record<string, unknown>, where: string): MessageInput {
  return validateMessage(message, noLimit, where)
}

/** The error for a part or item a converter does not handle, naming what it does. */
export function unsupported(where: string, type: unknown, supported: string): Error {
  return invalidArgument(`${where}: type ${JSON.stringify(type)} is not supported; supported: ${supported}`)
}

/** Tool input given as an object, as JSON text: `INVALID_ARGUMENT` for what JSON cannot hold (cycles, BigInt, depth). */
export function jsonText(value: unknown, where: string): string {
  try {
    return JSON.stringify(value)
  } catch (cause) {
    throw new SessionKitError(
      'INVALID_ARGUMENT',
      `${where} cannot be written as JSON; send plain JSON values`,
      { cause },
    )
  }
}
