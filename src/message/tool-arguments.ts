import { invalidArgument } from '../errors.js'
import type { JsonObject, ToolCall } from './model.js'

/** A parse of arguments text, and whether a number in it could not be kept exactly. */
export interface ParsedArguments {
  readonly value: JsonObject
  /** An integer beyond 2^53 became the nearest double (runtimes without `JSON.rawJSON`, such as Node 20). */
  readonly rounded: boolean
}

type SourceReviver = (key: string, value: unknown, context?: { source?: string }) => unknown
type RawJson = (text: string) => unknown

// `JSON.rawJSON` (Node >= 21) lets an object hold a number as its source text, which
// `JSON.stringify` writes back verbatim: how big integers reach a provider SDK unchanged.
const rawJSON = (JSON as unknown as { rawJSON?: RawJson }).rawJSON
const cache = new WeakMap<ToolCall, JsonObject>()

/**
 * The JSON text of a tool call's arguments: the stored text as is (never encoded twice), or an
 * object serialised.
 *
 * @example
 * argumentsText({ id: 'c1', name: 'f', arguments: '{"id":12345678901234567890}' }) // the same text
 */
export function argumentsText(call: Pick<ToolCall, 'arguments'>): string {
  assertCall(call, 'argumentsText')
  return typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments)
}

/**
 * The arguments of a tool call as an object, parsed from the stored text on first use and cached
 * per call (an integer beyond 2^53 becomes the nearest double, as with any `JSON.parse`; the
 * stored text keeps it exact). Throws `SyntaxError` only for text that `append` would have refused.
 *
 * @example
 * const { area } = parseToolArguments(message.toolCalls[0])
 */
export function parseToolArguments(call: ToolCall): JsonObject {
  assertCall(call, 'parseToolArguments')
  if (typeof call.arguments !== 'string') return call.arguments
  let value = cache.get(call)
  if (value === undefined) {
    value = JSON.parse(call.arguments) as JsonObject
    cache.set(call, value)
  }
  return value
}

/** A tool call's outline: an object whose `arguments` is JSON text or an object. */
function assertCall(call: unknown, what: string): asserts call is Pick<ToolCall, 'arguments'> {
  const args = typeof call === 'object' ? (call as { arguments?: unknown } | null)?.arguments : undefined
  if (typeof args !== 'string' && (typeof args !== 'object' || args === null || Array.isArray(args))) {
    throw invalidArgument(
      `${what} takes a tool call { id, name, arguments } whose arguments are JSON text or an object`,
    )
  }
}

/**
 * The arguments as an object for a provider SDK to serialise: on runtimes with `JSON.rawJSON` an
 * integer beyond 2^53 is held as its exact source text, so the SDK writes the same digits;
 * elsewhere it becomes the nearest double and `rounded` says so.
 *
 * @example
 * const { value, rounded } = argumentsForSdk(call)
 */
export function argumentsForSdk(call: Pick<ToolCall, 'arguments'>): ParsedArguments {
  if (typeof call.arguments !== 'string') return { value: call.arguments, rounded: false }
  const text = call.arguments
  if (rawJSON === undefined) {
    return { value: JSON.parse(text) as JsonObject, rounded: hasUnsafeInteger(text) }
  }
  const reviver: SourceReviver = (_key, value, context) => {
    const source = context?.source
    if (typeof value !== 'number' || Number.isSafeInteger(value) || source === undefined) return value
    return /^-?\d+$/.test(source) && String(value) !== source ? rawJSON(source) : value
  }
  return {
    value: JSON.parse(text, reviver as Parameters<typeof JSON.parse>[1]) as JsonObject,
    rounded: false,
  }
}

/** Without source access (Node 20) a reviver cannot see digits: look for a long integer literal. */
function hasUnsafeInteger(text: string): boolean {
  for (const match of text.matchAll(/(?<![\w."+-])-?\d{16,}(?![\w.])/g)) {
    // Lost only when the double writes back other digits (2^61 survives, 2^61+1 does not).
    if (String(Number(match[0])) !== match[0]) return true
  }
  return false
}
