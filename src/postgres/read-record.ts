import { assertRecordId } from '../ids.js'
import type { JsonValue, PartDump, RecordDump } from '../store/contract.js'
import type { PostgresContext } from './context.js'
import type { StoreNames } from './names.js'
import { toMeta } from './replies.js'

/**
 * The `readRecord` statement: the header and, as one JSON array, every part that holds something
 * and has not passed its own expiry, each `[name, kind, version, own expiry, last seq, content]`
 * with the content as stored text (a value's JSON, or a JSON array of `[seq, json]` entries or
 * `[field, json]` fields). One SELECT, so one snapshot: a consistent read without a lock.
 */
export function readRecordText(names: StoreNames): string {
  const table = (suffix: string) => `"${names.schema}"."${names.table}${suffix}"`
  return `SELECT r.created_at, r.expires_at, r.data, (
      SELECT json_agg(json_build_array(p.name, p.kind, p.version, p.expires_at, p.last_seq,
        CASE p.kind
          WHEN 'v' THEN p.value
          WHEN 'l' THEN (SELECT json_agg(json_build_array(e.seq, e.value) ORDER BY e.seq)::text
            FROM ${table('_entries')} e WHERE e.record_id = r.id AND e.part = p.name)
          ELSE (SELECT json_agg(json_build_array(f.field, f.value))::text
            FROM ${table('_fields')} f WHERE f.record_id = r.id AND f.part = p.name)
        END))
      FROM ${table('_parts')} p
      WHERE p.record_id = r.id AND p.kind IS NOT NULL AND (p.expires_at IS NULL OR p.expires_at > $2::float8)
    ) AS parts
    FROM ${table('')} r WHERE r.id = $1 AND r.expires_at > $2::float8`
}

type PartRow = [
  name: string,
  kind: string,
  version: number,
  expiresAt: number | null,
  lastSeq: number,
  content: string | null,
]

/** `readRecord`: everything record `id` holds, in one statement; `undefined` when missing or expired. */
export async function readRecord(ctx: PostgresContext, id: string): Promise<RecordDump | undefined> {
  assertRecordId(id)
  const result = await ctx.run(ctx.sql.readRecord, [id, ctx.options.clock.now()])
  const row = result.rows[0]
  if (row === undefined) return undefined
  const parts: Record<string, PartDump> = Object.create(null)
  for (const part of (row.parts ?? []) as PartRow[]) parts[part[0]] = toPart(part)
  return { meta: toMeta(id, row), parts }
}

function toPart([, kind, version, expiresAt, lastSeq, content]: PartRow): PartDump {
  const own = expiresAt === null ? {} : { expiresAt: Number(expiresAt) }
  if (kind === 'v')
    return {
      kind: 'value',
      value: JSON.parse(String(content)) as JsonValue,
      version: Number(version),
      ...own,
    }
  if (kind === 'l') {
    const rows = JSON.parse(content ?? '[]') as [number, string][]
    const entries = rows.map(([seq, text]) => ({ seq: Number(seq), value: JSON.parse(text) as JsonValue }))
    return { kind: 'list', entries, lastSeq: Number(lastSeq), ...own }
  }
  const fields: Record<string, JsonValue> = Object.create(null)
  for (const [field, text] of JSON.parse(content ?? '[]') as [string, string][]) {
    fields[JSON.parse(field) as string] = JSON.parse(text) as JsonValue
  }
  return { kind: 'map', entries: fields, version: Number(version), ...own }
}
