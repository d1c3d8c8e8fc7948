import { checkSetValueArgs } from './arguments.js'
import type { CasResult, JsonValue, SetValueOptions, Versioned } from './contract.js'
import type { MemoryEngine } from './memory-engine.js'
import { storeJson } from './memory-input.js'
import { PART_OVERHEAD, type ValuePart } from './memory-record.js'

/** The value part `name` as `{ value, version }` (shared and frozen), or `undefined`. */
export function readValue(engine: MemoryEngine, id: string, name: string): Versioned | undefined {
  return engine.readPart(id, name, 'value')?.current
}

/** Writes the value part `name`, honouring `ifVersion` (`0`: only when the part does not exist). */
export function writeValue(
  engine: MemoryEngine,
  id: string,
  name: string,
  value: JsonValue,
  options: SetValueOptions | undefined,
): CasResult {
  checkSetValueArgs(options)
  const stored = storeJson(value, engine.options.maxValueBytes, 'value')
  const now = engine.now()
  const record = engine.require(id, now)
  let part = engine.part(record, name, 'value', now)
  const version = part?.current.version ?? 0
  const ifVersion = options?.ifVersion
  if (ifVersion !== undefined && ifVersion !== version) return { ok: false, version }

  const bytes = PART_OVERHEAD + name.length + stored.bytes
  const delta = bytes - (part?.bytes ?? 0)
  engine.checkBytes(record, delta)
  const current: Versioned = Object.freeze({ value: stored.value, version: version + 1 })
  if (part === undefined) {
    const created: ValuePart = { kind: 'value', current, expiresAt: undefined, bytes }
    engine.putPart(record, name, created)
    part = created
  } else {
    part.current = current
    part.bytes = bytes
  }
  if (options?.partExpiresAt !== undefined) engine.setPartExpiry(record, part, options.partExpiresAt)
  if (options?.expiresAt !== undefined) engine.setExpiry(record, options.expiresAt)
  engine.addBytes(record, delta)
  return { ok: true, version: current.version }
}
