import { randomBytes } from 'node:crypto'

// Redis Cluster places a key by CRC16 (XMODEM) of its hash tag, modulo 16384. Everything one script
// touches must share a slot, so the store computes slots itself: to draw a rename target in the
// slot of the record it renames, and to name a tombstone in the slot of the id it guards without
// writing the id into the key.

/** How many slots a Redis Cluster has. */
export const SLOTS = 16_384

const TABLE = new Uint16Array(256)
for (let i = 0; i < 256; i++) {
  let c = i << 8
  for (let bit = 0; bit < 8; bit++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff
  TABLE[i] = c
}

function step(crc: number, byte: number): number {
  return ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ byte) & 0xff]!
}

/** CRC16 (XMODEM) of an ASCII text, continuing from `crc`. Keys of this store are ASCII only. */
function crc16(text: string, crc = 0): number {
  for (let i = 0; i < text.length; i++) crc = step(crc, text.charCodeAt(i))
  return crc
}

/**
 * The Cluster slot of `key`, as Redis computes it: of the hash tag (the text between the first `{`
 * and the next `}`) when there is a non-empty one, else of the whole key.
 *
 * @example
 * keySlot('{sk:q3Vx0c6yBv1bJm2Lh9Zk4A}:history') === keySlot('{sk:q3Vx0c6yBv1bJm2Lh9Zk4A}')
 */
export function keySlot(key: string): number {
  const open = key.indexOf('{')
  if (open >= 0) {
    const close = key.indexOf('}', open + 1)
    if (close > open + 1) return crc16(key.slice(open + 1, close)) & (SLOTS - 1)
  }
  return crc16(key) & (SLOTS - 1)
}

/** The character codes of the base64url alphabet, by 6-bit value (ids, and key names built by hand). */
export const BASE64URL_CODES = Uint8Array.from(
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  (c) => c.charCodeAt(0),
)

/**
 * A session id (22 base64url characters, like `createSessionId()`) whose hash tag
 * `<tagStart><id>` falls in `slot`. Bytes 0 to 13 are random (112 bits, the first 18 characters
 * and half of the 19th); the last two bytes are searched, from a random start, for the 16,384th or
 * so value that lands in the slot, extending the CRC by the last four characters only. About
 * 16,000 cheap steps, so well under a millisecond; in the 2% of draws where no value of the two
 * bytes fits, it draws again.
 *
 * @example
 * sessionIdInSlot('sk:', keySlot('{sk:q3Vx0c6yBv1bJm2Lh9Zk4A}'))
 */
export function sessionIdInSlot(tagStart: string, slot: number): string {
  for (;;) {
    const bytes = randomBytes(16)
    const text = bytes.toString('base64url')
    let head = crc16(tagStart)
    for (let i = 0; i < 18; i++) head = step(head, text.charCodeAt(i))
    // Bits 108..127 of the id make its last four characters: the low half of byte 13 (kept) and bytes 14, 15.
    const nibble = (bytes[13]! & 0x0f) << 16
    const start = (bytes[14]! << 8) | bytes[15]!
    for (let k = 0; k < 65_536; k++) {
      const tail = (start + k) & 0xffff
      const bits = nibble | tail
      let crc = step(head, BASE64URL_CODES[(bits >> 14) & 63]!)
      crc = step(crc, BASE64URL_CODES[(bits >> 8) & 63]!)
      crc = step(crc, BASE64URL_CODES[(bits >> 2) & 63]!)
      crc = step(crc, BASE64URL_CODES[(bits & 3) << 4]!)
      if ((crc & (SLOTS - 1)) !== slot) continue
      bytes[14] = tail >> 8
      bytes[15] = tail & 0xff
      return bytes.toString('base64url')
    }
  }
}

/**
 * For each slot, a short tag that hashes to it: `<prefix>:~<base 36 number>` (`~` is in no record
 * id, so no tag is a record's). Built once per prefix, on first use, by counting up until every
 * slot has one (about 170,000 CRCs of a few characters). A tombstone key carries the tag of its
 * id's slot, so it sits beside the record it guards on a Cluster while naming no id.
 */
export function slotTags(prefix: string): (slot: number) => string {
  let table: Int32Array | undefined
  const start = `${prefix}:~`
  return (slot) => {
    table ??= buildTags(start)
    return `${start}${table[slot]!.toString(36)}`
  }
}

function buildTags(start: string): Int32Array {
  const table = new Int32Array(SLOTS).fill(-1)
  const head = crc16(start)
  let missing = SLOTS
  for (let n = 0; missing > 0; n++) {
    const slot = crc16(n.toString(36), head) & (SLOTS - 1)
    if (table[slot] === -1) {
      table[slot] = n
      missing--
    }
  }
  return table
}
