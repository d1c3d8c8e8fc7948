import type { JsonValue, ListEntry, RecordMeta } from './contract.js'

/** One part as `readRecord` returns it; `expiresAt` only when the part has its own expiry. */
export type PartDump =
  | {
      readonly kind: 'value'
      readonly value: JsonValue
      readonly version: number
      readonly expiresAt?: number
    }
  | {
      readonly kind: 'list'
      readonly entries: readonly ListEntry[]
      readonly lastSeq: number
      readonly expiresAt?: number
    }
  | {
      readonly kind: 'map'
      readonly entries: Readonly<Record<string, JsonValue>>
      readonly version: number
      readonly expiresAt?: number
    }

/** Everything one record holds, as `readRecord` returns it. */
export interface RecordDump {
  readonly meta: RecordMeta
  /** Part name -> content, in a prototype-free object; parts past their own expiry are absent. */
  readonly parts: Readonly<Record<string, PartDump>>
}
