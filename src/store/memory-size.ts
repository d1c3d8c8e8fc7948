import type { JsonValue } from './contract.js'

// What a parsed JSON value costs on the V8 heap besides the bytes of its JSON text, so that
// `maxBytes` bounds the heap and not only the text: `[[],[],...]` is 3 bytes of JSON per element
// but an array object of about 40 bytes on the heap. The figures are upper bounds for 64-bit Node
// (no pointer compression), checked against measured heap growth by test/store/memory-size.test.ts.

/** An object or array: header, elements/properties backing store, hidden-class share. */
export const CONTAINER = 64
/** One property of an object: its slot, its key in a dictionary or descriptor array. */
export const PROPERTY = 56
/** One element of an array: its slot. */
export const ELEMENT = 8
/** A string's header and alignment. */
const STRING = 32
/** A number that is not a small integer is a boxed double. */
export const NUMBER = 16
/** Any character above U+00FF makes V8 store the whole string with two bytes per character. */
const TWO_BYTE = /[^\p{ASCII}\u0080-\u00ff]/u

/**
 * Heap bytes of a string beyond its JSON text: its header, and its length again when it needs two
 * bytes per character.
 *
 * @example
 * stringOverhead('é') // 32: one byte per character (Latin-1)
 */
export function stringOverhead(value: string): number {
  return STRING + (TWO_BYTE.test(value) ? value.length : 0)
}

/**
 * Heap bytes of a parsed JSON value beyond its JSON text. Strings that need two bytes per
 * character count their length again (the JSON text counts each character at least once).
 *
 * @example
 * heapOverhead(['a', 1.5]) // 64 + 2 * 8 + 32 + 16
 */
export function heapOverhead(value: JsonValue): number {
  switch (typeof value) {
    case 'string':
      return stringOverhead(value)
    case 'number':
      return NUMBER
    case 'object': {
      if (value === null) return 0
      let bytes = CONTAINER
      if (Array.isArray(value)) {
        for (const item of value as readonly JsonValue[]) bytes += ELEMENT + heapOverhead(item)
        return bytes
      }
      const record = value as { readonly [key: string]: JsonValue }
      for (const key in record) bytes += PROPERTY + heapOverhead(record[key] as JsonValue)
      return bytes
    }
    default:
      return 0
  }
}

/**
 * Estimated heap bytes of a stored value: the UTF-8 bytes of its JSON text plus
 * {@link heapOverhead}. Used where a value's size was not kept (a dropped map field, a header
 * fact, a restored snapshot).
 *
 * @example
 * valueBytes({ qty: 2 })
 */
export function valueBytes(value: JsonValue): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8') + heapOverhead(value)
}
