// Redis Cluster hash slots: CRC16 (XMODEM) of the key's hash tag, modulo 16384, as CLUSTER KEYSLOT
// computes it. The rate-limit backend groups a consume's keys by slot: one script per slot.

const table = new Uint16Array(256)
for (let i = 0; i < 256; i++) {
  let crc = i << 8
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff
  table[i] = crc
}

/**
 * The Cluster slot of a key whose hash tag is `tag` (the text between its first `{` and `}`).
 * The tag must be ASCII, as subject ids and prefixes are.
 *
 * @example
 * slotOf('sk|user:u1') // the slot of '{sk|user:u1}' and '{sk|user:u1}:tokens'
 */
export function slotOf(tag: string): number {
  let crc = 0
  for (let i = 0; i < tag.length; i++)
    crc = ((crc << 8) & 0xffff) ^ table[((crc >> 8) ^ tag.charCodeAt(i)) & 0xff]!
  return crc & 0x3fff
}
