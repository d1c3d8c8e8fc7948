import { SessionKitError } from '../errors.js'
import { idDigest } from '../ids.js'
import { recordNotFound, wrongPartKind } from '../store/store-errors.js'
import { createValueCache, type ValueCache } from '../store/value-cache.js'
import type { ResolvedRedisOptions } from './options.js'
import type { HashRead, ScriptCall } from './script-call.js'
import { keySlot, slotTags } from './slots.js'

/** What every operation of the Redis store shares: options, the script call, key names. */
export interface RedisContext {
  readonly options: ResolvedRedisOptions
  readonly call: ScriptCall
  /** `HGETALL` of one key without a script, when the client offers it (see `RedisClientLike.hgetall`). */
  readonly readHash: HashRead | undefined
  /** The value texts this process last read or wrote, for `mergeValue` (see value-cache.ts). */
  readonly values: ValueCache
  /** The record's header key, `{<prefix>:<id>}`: the braces put every key of the record in one slot. */
  header(id: string): string
  /** `KEYS` of a part script: the header key and the part's key, `{<prefix>:<id>}:<part>`. */
  partKeys(id: string, part: string): [string, string]
  /** `KEYS` of a script that may touch a list: the header, the part's key and its `#k` and `#o` keys. */
  listKeys(id: string, part: string): [string, string, string, string]
  /**
   * The key of the tombstone that guards `id`: `{<prefix>:~<tag>}:tomb:<digest of id>`, where the
   * tag hashes to the slot of the record's own keys, so one script can check the tombstone and
   * write the record on a Cluster, and the key never names the id.
   */
  tombstone(id: string): string
  /**
   * `keys` with the live-record counter of `id` last (see _lib.lua): one key per store on a
   * single server, one per slot on a Cluster (in the record's slot). Every call that moves a
   * record's expiry passes it, so `count()` reads counters instead of scanning (counter.ts).
   */
  counted(id: string, keys: readonly string[]): string[]
  /** The counter key of a standalone server, or of the slot `slot` on a Cluster. */
  counterKey(slot: number): string
  /** `ARGV[1]` and `ARGV[2]` of every script: the clock's now and the expiry grace. */
  base(): string[]
}

/** Builds the shared context once per store. */
export function createRedisContext(
  options: ResolvedRedisOptions,
  call: ScriptCall,
  readHash?: HashRead,
): RedisContext {
  const open = `{${options.prefix}:`
  const grace = String(options.expiryGraceMs)
  const clock = options.clock
  const header = (id: string) => `${open}${id}}`
  const tagOf = slotTags(options.prefix)
  // A client that says it is not a Cluster lets one script touch keys of any slot: one counter.
  const single = options.client.cluster === false ? `{${options.prefix}:~}:n` : undefined
  const counterKey = (slot: number) => single ?? `{${tagOf(slot)}}:n`
  return {
    options,
    call,
    readHash,
    values: createValueCache(options.valueCacheBytes),
    header,
    tombstone: (id) => `{${tagOf(keySlot(header(id)))}}:tomb:${idDigest(id)}`,
    partKeys: (id, part) => {
      const key = header(id)
      return [key, `${key}:${part}`]
    },
    listKeys: (id, part) => {
      const key = header(id)
      const list = `${key}:${part}`
      return [key, list, `${list}#k`, `${list}#o`]
    },
    counterKey,
    counted: (id, keys) => [...keys, single ?? counterKey(keySlot(header(id)))],
    base: () => [String(clock.now()), grace],
  }
}

/** A script reply as an array; anything else means the server is not the one the store expects. */
export function asArray(reply: unknown, what: string): readonly unknown[] {
  if (Array.isArray(reply)) return reply
  throw unexpectedReply(what, String(reply))
}

function unexpectedReply(what: string, reply: string): SessionKitError {
  return new SessionKitError(
    'STORE_REJECTED',
    `Redis gave an unexpected reply to ${what}: ${reply}; is the client a Redis server running sessionkit's scripts?`,
    { details: { operation: what, reason: 'script' } },
  )
}

/**
 * A script reply made of `count` fields in one string, separated by spaces (a client decodes one
 * bulk string for less than an array of as many elements); anything else as {@link asArray}.
 */
export function asFields(reply: unknown, count: number, what: string): readonly string[] {
  const fields = typeof reply === 'string' ? reply.split(' ') : undefined
  if (fields !== undefined && fields.length === count) return fields
  throw unexpectedReply(what, fields === undefined ? String(reply) : `"${reply}" (${count} fields expected)`)
}

/** A script reply of 0 or 1 (an integer reply) as a boolean; anything else as {@link asArray}. */
export function asFlag(reply: unknown, what: string): boolean {
  if (reply === 1 || reply === 0) return reply === 1
  throw unexpectedReply(what, String(reply))
}

/** Throws the error a script's status stands for; returns for `ok`-like statuses. */
export function throwForStatus(reply: readonly unknown[], id: string, part: string): void {
  const status = reply[0]
  if (status === 'missing') throw recordNotFound(id)
  if (status === 'kind') throw wrongPartKind(id, part, kindNames[String(reply[1])] ?? 'value')
}

const kindNames: Readonly<Record<string, 'value' | 'list' | 'map'>> = { v: 'value', l: 'list', m: 'map' }
