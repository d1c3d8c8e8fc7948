import { SessionKitError } from '../errors.js'
import { assertPartName, assertRecordId, recordLabel } from '../ids.js'
import { checkMergeValueArgs, checkTouchMetaArgs, mergeTooLarge } from '../store/arguments-combined.js'
import type {
  JsonValue,
  MergeValueOptions,
  TouchMetaOptions,
  TouchMetaResult,
  Versioned,
} from '../store/contract.js'
import { mergeJsonText } from '../store/merge-text.js'
import { touchWithoutWrite } from '../store/touch-decision.js'
import { mergeOnClient, rememberMerge } from '../store/value-cache.js'
import { checkJson } from '../util/json.js'
import type { PostgresContext } from './context.js'
import { readHeader } from './records.js'
import { encodeFacts, throwForStatus, toMeta } from './replies.js'
import { getValueText, setValueText } from './values.js'

// The calls that do two things in one statement: read-and-touch, and merge without a read.

type MergedValue = Versioned<Readonly<Record<string, JsonValue>>>

/**
 * `touchMeta`: one statement that moves the expiry (capped, when the owner check holds, unless by
 * less than `touchStepMs`) and returns the header. Under a touch step, the header is read first
 * (the plain `meta` statement, which locks and writes nothing) and the touch decided on it: only a
 * read that must move the expiry sends the touch statement, once per step.
 */
export async function touchMeta(
  ctx: PostgresContext,
  id: string,
  expiresAt: number,
  options: TouchMetaOptions = {},
): Promise<TouchMetaResult | undefined> {
  assertRecordId(id)
  checkTouchMetaArgs(expiresAt, options)
  const conditions = encodeFacts(options.ifDataAbsentOr ?? {}, ctx.options.maxValueBytes, 'ifDataAbsentOr')
  const step = ctx.options.touchStepMs
  if (step > 0) {
    const header = await readHeader(ctx, id)
    if (header === undefined) return undefined
    const data = header.row.data as Readonly<Record<string, string>>
    const decided = touchWithoutWrite(
      (name) => (Object.hasOwn(data, name) ? data[name] : undefined),
      header.meta.expiresAt,
      expiresAt,
      options.notAfter === undefined ? undefined : JSON.stringify(options.notAfter),
      // A condition of null asks for the fact's absence: no stored fact has the text 'null'.
      Object.entries(conditions).map(([name, text]) => [name, text ?? 'null'] as const),
      step,
    )
    if (decided !== 'write') return { meta: header.meta, touched: decided === 'unmoved' }
  }
  const result = await ctx.run(ctx.sql.touchMeta, [
    id,
    ctx.options.clock.now(),
    expiresAt,
    options.notAfter === undefined ? null : JSON.stringify(options.notAfter),
    JSON.stringify(conditions),
    step,
  ])
  const row = result.rows[0]
  if (row === undefined) return undefined
  return { meta: toMeta(id, row), touched: row.touched === true }
}

/**
 * `mergeValue`: a JSON merge patch, no separate read, one statement. With the part's text from an
 * earlier call of this process, the merge is done here and the statement stores the result if that
 * text is still the stored one; otherwise (or without a copy) the same statement has the server
 * merge (see statements.ts and 009-merge-value.sql). When the stored value or the patch holds an
 * escape PostgreSQL text cannot take (NUL, a lone surrogate), the server changes nothing and the
 * merge is done here with compare-and-set.
 */
export async function mergeValue(
  ctx: PostgresContext,
  id: string,
  part: string,
  patch: Readonly<Record<string, JsonValue>>,
  options: MergeValueOptions = {},
): Promise<MergedValue> {
  assertRecordId(id)
  assertPartName(part)
  checkMergeValueArgs(patch, options)
  const maxBytes = Math.min(options.maxBytes ?? Number.POSITIVE_INFINITY, ctx.options.maxValueBytes)
  const text = checkJson(patch, { maxBytes: ctx.options.maxValueBytes }, 'patch')
  let ours = mergeOnClient(ctx.values, id, part, text)
  // A result past the limit is left to the server, which refuses it unless the stored text changed.
  if (ours !== undefined && Buffer.byteLength(ours.text, 'utf8') > maxBytes) ours = undefined
  const statement = ctx.options.touchStepMs > 0 ? ctx.sql.mergeValueStepped : ctx.sql.mergeValue
  const replyText = await ctx.replyText(statement, [
    id,
    part,
    ctx.options.clock.now(),
    text,
    maxBytes,
    options.expiresAt ?? null,
    options.partExpiresAt ?? null,
    ours?.base ?? null,
    ours?.text ?? null,
    ctx.options.touchStepMs,
  ])
  const reply = JSON.parse(replyText) as unknown[]
  throwForStatus(reply, id, part)
  if (reply[0] === 'limit') {
    ctx.values.delete(id, part)
    throw mergeTooLarge(part, Number(reply[1]), maxBytes)
  }
  if (reply[0] === 'text') return mergeHere(ctx, id, part, text, options, maxBytes)
  // ["ok",version] when our text was stored, else ["ok",version,<the merged text as written>].
  const stored =
    reply.length === 2 && ours !== undefined ? ours : replyText.slice(replyText.indexOf(',', 6) + 1, -1)
  return { value: rememberMerge(ctx.values, id, part, stored), version: Number(reply[1]) }
}

// Tries before a merge done here gives up: each retry means another write landed in between.
const MERGE_TRIES = 16

/**
 * The merge read, done here on the texts (the same text merge as the client's copy above, so the
 * stored text is byte for byte what the server's merge would have written) and written back with
 * compare-and-set, retried when another write won. The value returned is the merged text's parse,
 * deep-frozen, as on every other path: nothing in it is the caller's patch.
 */
async function mergeHere(
  ctx: PostgresContext,
  id: string,
  part: string,
  patchText: string,
  options: MergeValueOptions,
  maxBytes: number,
): Promise<MergedValue> {
  for (let attempt = 0; attempt < MERGE_TRIES; attempt++) {
    const current = await getValueText(ctx, id, part)
    const merged = mergeJsonText(current?.text, patchText)
    const bytes = Buffer.byteLength(merged, 'utf8')
    if (bytes > maxBytes) throw mergeTooLarge(part, bytes, maxBytes)
    const written = await setValueText(ctx, id, part, merged, {
      ifVersion: current?.version ?? 0,
      ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
      ...(options.partExpiresAt === undefined ? {} : { partExpiresAt: options.partExpiresAt }),
    })
    if (written.ok) return { value: rememberMerge(ctx.values, id, part, merged), version: written.version }
  }
  throw new SessionKitError(
    'CONFLICT',
    `mergeValue on part "${part}" of record ${recordLabel(id)} lost to another write ${MERGE_TRIES} times in a row; retry the call`,
    { details: { record: recordLabel(id), part } },
  )
}
