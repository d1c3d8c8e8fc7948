import type { JsonValue, RecordMeta } from '../store/contract.js'
import { recordNotFound, wrongPartKind } from '../store/store-errors.js'
import { canonicalJson } from '../util/json.js'

// How values cross to PostgreSQL and back. Values, list entries and map field values travel and are
// stored as the JSON text JSON.stringify writes (escapes keep it free of NUL bytes and lone
// surrogates, which PostgreSQL text refuses or alters); field names and idempotency keys travel as
// their JSON text too, for the same reason. The functions answer with JSON text holding those texts
// as they are, so a reply is one JSON.parse.

const kindNames: Readonly<Record<string, 'value' | 'list' | 'map'>> = { v: 'value', l: 'list', m: 'map' }

/** Throws the error a function's status stands for (`missing`, `kind`); returns for the others. */
export function throwForStatus(reply: readonly unknown[], id: string, part: string): void {
  if (reply[0] === 'missing') throw recordNotFound(id)
  if (reply[0] === 'kind') throw wrongPartKind(id, part, kindNames[String(reply[1])] ?? 'value')
}

/** Throws for a read that found a part of another kind (`kind` is the stored one, `want` the read's). */
export function checkReadKind(kind: unknown, want: string, id: string, part: string): void {
  if (kind !== want) throw wrongPartKind(id, part, kindNames[String(kind)] ?? 'value')
}

/**
 * Header facts as the `data` column holds them: each name as JSON text, each value as its
 * canonical JSON text (sorted keys), so `ifData` compares text and any name fits jsonb.
 */
export function encodeFacts(
  facts: Readonly<Record<string, JsonValue>>,
  maxBytes: number,
  what: string,
): Record<string, string | null> {
  const out: Record<string, string | null> = {}
  for (const name of Object.keys(facts)) {
    const value = facts[name]
    out[JSON.stringify(name)] = value === null ? null : canonicalJson(value, { maxBytes }, `${what}.${name}`)
  }
  return out
}

/** Encoded header changes split into the facts to write and the names to remove (`null`). */
export function splitPatch(changes: Readonly<Record<string, string | null>>): {
  set: Record<string, string>
  remove: string[]
} {
  const set: Record<string, string> = {}
  const remove: string[] = []
  for (const [name, text] of Object.entries(changes)) {
    if (text === null) remove.push(name)
    else set[name] = text
  }
  return { set, remove }
}

/** The `data` column read back: names and values parsed. */
export function decodeFacts(data: unknown): Readonly<Record<string, JsonValue>> {
  const out: Record<string, JsonValue> = {}
  if (typeof data !== 'object' || data === null) return out
  for (const [name, text] of Object.entries(data as Record<string, string>)) {
    out[JSON.parse(name) as string] = JSON.parse(text) as JsonValue
  }
  return out
}

/** A header row (created_at, expires_at, data) as the store answers it. */
export function toMeta(id: string, row: Readonly<Record<string, unknown>>): RecordMeta {
  return {
    id,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    data: decodeFacts(row.data),
  }
}
