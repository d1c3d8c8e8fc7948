import { assertRecordId } from '../ids.js'
import type { JsonValue, ListEntry, PartDump, RecordDump } from '../store/contract.js'
import { asArray, type RedisContext } from './context.js'
import { parseJson } from './input.js'
import { scripts } from './lua/scripts.js'
import { withPartNames } from './part-names.js'
import { toMeta } from './records.js'

/** `readRecord`: the header and every part with data, in one script (two round trips with parts). */
export async function readRecord(ctx: RedisContext, id: string): Promise<RecordDump | undefined> {
  assertRecordId(id)
  const header = ctx.header(id)
  const reply = await withPartNames('readRecord', id, (names) =>
    ctx.call(
      scripts.readRecord,
      [header, ...names.map((name) => `${header}:${name}`)],
      [...ctx.base(), String(names.length), ...names],
    ),
  )
  if (reply.length === 0) return undefined
  const parts: Record<string, PartDump> = Object.create(null)
  for (let i = 2; i < reply.length; i++) {
    const entry = asArray(reply[i], 'readRecord')
    const part = toPart(entry)
    if (part !== undefined) parts[String(entry[0])] = part
  }
  return { meta: toMeta(id, asArray(reply[1], 'readRecord'), 0), parts }
}

/** `name, kind, own expiry or '', version, last seq, content...` as a part, or `undefined` when its key is gone. */
function toPart(entry: readonly unknown[]): PartDump | undefined {
  const [, kind, x, version, lastSeq] = entry
  const own = x === '' ? {} : { expiresAt: Number(x) }
  const content = entry.slice(5)
  if (kind === 'v') {
    if (content[0] === null || content[0] === undefined) return undefined
    return { kind: 'value', value: parseJson(content[0]), version: Number(version), ...own }
  }
  if (kind === 'l') {
    if (content.length === 0) return undefined
    const first = Number(lastSeq) - content.length + 1
    const entries: ListEntry[] = content.map((text, i) => ({ seq: first + i, value: parseJson(text) }))
    return { kind: 'list', entries, lastSeq: Number(lastSeq), ...own }
  }
  const fields: Record<string, JsonValue> = Object.create(null)
  for (let i = 0; i < content.length; i += 2) fields[String(content[i])] = parseJson(content[i + 1])
  return { kind: 'map', entries: fields, version: Number(version), ...own }
}
