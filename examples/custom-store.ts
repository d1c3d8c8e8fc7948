// A store adapter written against the public entries only (`sessionkit`, `sessionkit/adapter`), as
// a third party would write one: each record is one JSON document (here in a Map; in a document
// database, one row or key), read, changed and written back by every call. Calls run synchronously
// to completion, so each is atomic inside the process (`atomicity: 'process'`); a database adapter
// would make the same read-change-write one transaction or one conditional write.
// test/testing/custom-store.test.ts runs the conformance suite on it: 76 of 76 (it leaves out the
// optional touchMeta and mergeValue, whose checks then pass trivially).
import {
  assertPartName,
  assertRecordId,
  canonicalJson,
  checkCreateArgs,
  checkFieldNames,
  checkJson,
  checkPatchMetaArgs,
  checkPushArgs,
  checkRangeArgs,
  checkRenameArgs,
  checkScanOptions,
  checkSeqQuery,
  checkSetValueArgs,
  checkTime,
  checkUpdateMapArgs,
  checkWriteOptions,
  createSessionId,
  IDEMPOTENCY_WINDOW,
  idDigest,
  isRecordIdPrefix,
  type JsonValue,
  mapFieldsLimit,
  mapNumberLimit,
  notAnInteger,
  type PartDump,
  type RangeResult,
  recordNotFound,
  renameTargetTaken,
  type SessionStore,
  wrongPartKind,
} from '../src/adapter/index.js'
import { type Clock, systemClock } from '../src/index.js'

type Kind = 'value' | 'list' | 'map'
interface PartDoc {
  kind: Kind | null
  version: number
  expiresAt?: number
  value?: JsonValue
  entries: JsonValue[]
  lastSeq: number
  keys: [string, number, number][]
  fields: Record<string, JsonValue>
}
interface RecordDoc {
  createdAt: number
  expiresAt: number
  data: Record<string, JsonValue>
  parts: Record<string, PartDoc>
}

const MAX_BYTES = 1_048_576
const json = (value: unknown, what: string): JsonValue =>
  JSON.parse(checkJson(value, { maxBytes: MAX_BYTES }, what))
const has = (o: object, key: string): boolean => Object.hasOwn(o, key)

/**
 * A document-per-record store on the adapter toolkit.
 *
 * @example
 * const kit = createSessionKit({ store: createDocumentStore({ clock }) })
 */
export function createDocumentStore(options: { clock?: Clock } = {}): SessionStore {
  const clock = options.clock ?? systemClock
  const docs = new Map<string, string>()
  // Tombstones: digest of an id -> until when it may not be created again. They name no id.
  const tombs = new Map<string, number>()
  const tombstoned = (id: string): boolean => {
    const until = tombs.get(idDigest(id))
    if (until !== undefined && until <= clock.now()) tombs.delete(idDigest(id))
    return until !== undefined && until > clock.now()
  }
  const bury = (id: string, until: number): void => {
    const key = idDigest(id)
    tombs.set(key, Math.max(until, tombs.get(key) ?? 0))
  }
  const load = (id: string): RecordDoc | undefined => {
    const text = docs.get(id)
    const doc = text === undefined ? undefined : (JSON.parse(text) as RecordDoc)
    return doc !== undefined && doc.expiresAt > clock.now() ? doc : undefined
  }
  const live = (id: string): RecordDoc => load(id) ?? throwError(recordNotFound(id))
  const save = (id: string, doc: RecordDoc, expiresAt?: number): void => {
    if (expiresAt !== undefined) doc.expiresAt = expiresAt
    docs.set(id, JSON.stringify(doc))
  }
  // The part `name` of `kind` (a fresh one when missing or past its own expiry; a list keeps its counter).
  const part = (id: string, doc: RecordDoc | undefined, name: string, kind: Kind): PartDoc => {
    assertPartName(name)
    const found = doc !== undefined && has(doc.parts, name) ? doc.parts[name]! : undefined
    const lastSeq = found?.lastSeq ?? 0
    if (found === undefined || found.kind === null || (found.expiresAt ?? Infinity) <= clock.now()) {
      return { kind: null, version: 0, entries: [], lastSeq, keys: [], fields: {} }
    }
    if (found.kind !== kind) throw wrongPartKind(id, name, found.kind)
    return found
  }
  const write = (doc: RecordDoc, name: string, p: PartDoc, kind: Kind, partExpiresAt?: number): void => {
    p.kind = kind
    if (partExpiresAt !== undefined) p.expiresAt = partExpiresAt
    doc.parts[name] = p
  }
  const factText = (v: unknown, what: string) => canonicalJson(v, { maxBytes: MAX_BYTES }, what)
  // Applies a header patch when every `ifData` condition holds (compared as canonical JSON);
  // `false` (nothing changed) when one fails. Values are checked before anything changes.
  const patchData = (
    doc: RecordDoc,
    patch: Readonly<Record<string, JsonValue>>,
    ifData: Readonly<Record<string, JsonValue>>,
  ): boolean => {
    for (const [key, value] of Object.entries(patch)) if (value !== null) factText(value, `patch.${key}`)
    for (const [key, want] of Object.entries(ifData)) {
      const held = has(doc.data, key) ? factText(doc.data[key], key) : null
      if (held !== (want === null ? null : factText(want, `ifData.${key}`))) return false
    }
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete doc.data[key]
      else doc.data[key] = json(value, `patch.${key}`)
    }
    return true
  }
  const slice = (p: PartDoc, lo: number, hi: number): RangeResult => {
    const first = p.lastSeq - p.entries.length + 1
    const entries = []
    for (let seq = Math.max(lo, first); seq <= Math.min(hi, p.lastSeq); seq++) {
      entries.push({ seq, value: p.entries[seq - first]! })
    }
    return { entries, length: p.entries.length, lastSeq: p.lastSeq }
  }

  return {
    capabilities: { atomicity: 'process', scan: true, expiryEvents: false, durable: false },
    clock,
    async create(id, o) {
      checkCreateArgs(id, o, clock.now())
      const data: Record<string, JsonValue> = {}
      for (const [key, value] of Object.entries(o.data ?? {})) data[key] = json(value, `data.${key}`)
      if (load(id) !== undefined || tombstoned(id)) return false
      save(id, { createdAt: clock.now(), expiresAt: o.expiresAt, data, parts: {} })
      if (o.tombstoneUntil !== undefined) bury(id, o.tombstoneUntil)
      return true
    },
    async meta(id) {
      assertRecordId(id)
      const doc = load(id)
      return doc && { id, createdAt: doc.createdAt, expiresAt: doc.expiresAt, data: doc.data }
    },
    async patchMeta(id, patch, o = {}) {
      checkPatchMetaArgs(id, patch, o)
      const doc = live(id)
      if (!patchData(doc, patch, o.ifData ?? {})) return undefined
      save(id, doc, o.expiresAt)
      return { id, createdAt: doc.createdAt, expiresAt: doc.expiresAt, data: doc.data }
    },
    async touch(id, expiresAt) {
      assertRecordId(id)
      checkTime(expiresAt, 'expiresAt')
      const doc = load(id)
      if (doc !== undefined) save(id, doc, expiresAt)
      return doc !== undefined
    },
    async delete(id) {
      assertRecordId(id)
      const wasLive = load(id) !== undefined
      docs.delete(id)
      return wasLive
    },
    renameTarget: () => createSessionId(),
    async rename(fromId, toId, o) {
      checkRenameArgs(fromId, toId, o)
      const doc = live(fromId)
      if (load(toId) !== undefined || tombstoned(toId)) throw renameTargetTaken(toId)
      if (!patchData(doc, o.patch ?? {}, o.ifData ?? {})) return undefined
      docs.delete(fromId)
      save(toId, doc, o.expiresAt)
      bury(fromId, o.tombstoneUntil)
      bury(toId, o.tombstoneUntil)
      return { id: toId, createdAt: doc.createdAt, expiresAt: doc.expiresAt, data: doc.data }
    },
    async readRecord(id) {
      assertRecordId(id)
      const doc = load(id)
      if (doc === undefined) return undefined
      const parts: Record<string, PartDump> = Object.create(null)
      for (const [name, p] of Object.entries(doc.parts)) {
        if (p.kind === null || (p.expiresAt ?? Infinity) <= clock.now()) continue
        const own = p.expiresAt === undefined ? {} : { expiresAt: p.expiresAt }
        if (p.kind === 'value') parts[name] = { kind: 'value', value: p.value!, version: p.version, ...own }
        else if (p.kind === 'map')
          parts[name] = { kind: 'map', entries: p.fields, version: p.version, ...own }
        else
          parts[name] = { kind: 'list', entries: slice(p, 0, p.lastSeq).entries, lastSeq: p.lastSeq, ...own }
      }
      return { meta: { id, createdAt: doc.createdAt, expiresAt: doc.expiresAt, data: doc.data }, parts }
    },
    async getValue(id, name) {
      assertRecordId(id)
      const p = part(id, load(id), name, 'value')
      return p.kind === null ? undefined : { value: p.value as never, version: p.version }
    },
    async setValue(id, name, value, o = {}) {
      assertRecordId(id)
      assertPartName(name)
      checkSetValueArgs(o)
      const stored = json(value, 'value')
      const doc = live(id)
      const p = part(id, doc, name, 'value')
      if (o.ifVersion !== undefined && o.ifVersion !== p.version) return { ok: false, version: p.version }
      p.value = stored
      p.version++
      write(doc, name, p, 'value', o.partExpiresAt)
      save(id, doc, o.expiresAt)
      return { ok: true, version: p.version }
    },
    async push(id, name, values, o) {
      assertRecordId(id)
      assertPartName(name)
      checkPushArgs(values, o)
      const stored = values.map((v, i) => json(v, `list entry [${i}]`))
      const doc = live(id)
      const p = part(id, doc, name, 'list')
      const key = o.idempotencyKey === undefined ? undefined : p.keys.find((k) => k[0] === o.idempotencyKey)
      if (key !== undefined) {
        save(id, doc, o.expiresAt)
        return { firstSeq: key[1], lastSeq: key[2], length: p.entries.length, dropped: 0, duplicate: true }
      }
      const firstSeq = p.lastSeq + 1
      p.entries.push(...stored)
      p.lastSeq += stored.length
      const dropped = Math.max(0, p.entries.length - o.max)
      p.entries.splice(0, dropped)
      if (o.idempotencyKey !== undefined)
        p.keys = [...p.keys, [o.idempotencyKey, firstSeq, p.lastSeq]].slice(
          -IDEMPOTENCY_WINDOW,
        ) as PartDoc['keys']
      write(doc, name, p, 'list', o.partExpiresAt)
      save(id, doc, o.expiresAt)
      return { firstSeq, lastSeq: p.lastSeq, length: p.entries.length, dropped, duplicate: false }
    },
    async range(id, name, start, stop) {
      assertRecordId(id)
      checkRangeArgs(start, stop)
      const p = part(id, load(id), name, 'list')
      const n = p.entries.length
      const first = p.lastSeq - n + 1
      const from = start < 0 ? Math.max(n + start, 0) : start
      const to = stop < 0 ? n + stop : Math.min(stop, n - 1)
      return slice(p, first + from, first + to) as never
    },
    async rangeBySeq(id, name, q) {
      assertRecordId(id)
      checkSeqQuery(q)
      const p = part(id, load(id), name, 'list')
      let lo = Math.max((q.afterSeq ?? 0) + 1, p.lastSeq - p.entries.length + 1)
      let hi = Math.min((q.beforeSeq ?? Infinity) - 1, p.lastSeq)
      if (q.newest ?? q.afterSeq === undefined) lo = Math.max(lo, hi - q.limit + 1)
      else hi = Math.min(hi, lo + q.limit - 1)
      return slice(p, lo, hi) as never
    },
    async getMap(id, name, fields) {
      assertRecordId(id)
      if (fields !== undefined) checkFieldNames(fields, 'getMap fields')
      const p = part(id, load(id), name, 'map')
      const entries: Record<string, JsonValue> = Object.create(null)
      for (const field of fields ?? Object.keys(p.fields))
        if (has(p.fields, field)) entries[field] = p.fields[field]!
      return { entries: entries as never, version: p.version }
    },
    async updateMap(id, name, ops, o = {}) {
      assertRecordId(id)
      assertPartName(name)
      checkUpdateMapArgs(ops, o)
      const sets = Object.entries(ops.set ?? {}).map(([f, v]) => [f, json(v, `set.${f}`)] as const)
      const absent = Object.entries(ops.setIfAbsent ?? {}).map(
        ([f, v]) => [f, json(v, `setIfAbsent.${f}`)] as const,
      )
      const doc = live(id)
      const p = part(id, doc, name, 'map')
      const count = Object.keys(p.fields).length
      if (o.ifVersion !== undefined && (o.ifVersion === 0 ? count > 0 : o.ifVersion !== p.version)) {
        return { ok: false, version: p.version }
      }
      // Work on a copy: a failure below leaves the stored document as it was.
      const fields: Record<string, JsonValue> = { ...p.fields }
      for (const field of ops.delete ?? []) delete fields[field]
      for (const [field, value] of sets) fields[field] = value
      for (const [field, value] of absent) if (!has(fields, field)) fields[field] = value
      const numbers: Record<string, number> = Object.create(null)
      for (const [field, by] of Object.entries(ops.incr ?? {})) {
        const base = has(fields, field) ? fields[field] : 0
        if (!Number.isSafeInteger(base)) throw notAnInteger(id, name, field)
        numbers[field] = (base as number) + by
        if (o.maxNumber !== undefined && numbers[field]! > o.maxNumber)
          throw mapNumberLimit(id, name, field, o.maxNumber)
        fields[field] = numbers[field]!
      }
      if (o.maxFields !== undefined && Object.keys(fields).length > o.maxFields)
        throw mapFieldsLimit(id, name, o.maxFields)
      const kept: Record<string, JsonValue> = Object.create(null)
      for (const [field] of absent) kept[field] = fields[field]!
      p.fields = fields
      p.version++
      write(doc, name, p, 'map', o.partExpiresAt)
      save(id, doc, o.expiresAt)
      return { ok: true, version: p.version, numbers, kept }
    },
    async deletePart(id, name, o) {
      assertRecordId(id)
      assertPartName(name)
      checkWriteOptions(o)
      const doc = live(id)
      if (has(doc.parts, name)) {
        const lastSeq = doc.parts[name]!.lastSeq
        doc.parts[name] = { kind: null, version: 0, entries: [], lastSeq, keys: [], fields: {} }
      }
      save(id, doc, o?.expiresAt)
    },
    async *scan(o) {
      const { prefix, batchSize } = checkScanOptions(o, 100, 'scan')
      if (!isRecordIdPrefix(prefix)) return
      const ids = [...docs.keys()].filter((id) => id.startsWith(prefix) && load(id) !== undefined)
      for (let i = 0; i < ids.length; i += batchSize) yield ids.slice(i, i + batchSize)
    },
    async count(o) {
      const { prefix } = checkScanOptions(o, 100, 'count')
      return [...docs.keys()].filter((id) => id.startsWith(prefix) && load(id) !== undefined).length
    },
    async close() {},
  }
}

function throwError(error: Error): never {
  throw error
}
