import { createHash, randomBytes } from 'node:crypto'
import { z } from 'zod'
import type { DetectionIndex, IndexRules, PlaceOutcome } from '../../detect/shared-index.js'
import type { DetectionKind } from '../../detect/types.js'
import { invalidConfig } from '../../errors.js'
import { type OptionSource, parseOptions } from '../../options.js'
import type { RedisScriptRunner } from '../client.js'
import { asFields, asFlag } from '../context.js'
import { createCallGuard, createScriptCall } from '../script-call.js'
import { BASE64URL_CODES } from '../slots.js'
import { detectionScripts } from './lua/scripts.js'

/**
 * Options of `redisDetectionIndex`.
 *
 * @example
 * redisDetectionIndex({ client: fromIoredis(redis), prefix: 'gw', commandTimeoutMs: 250 })
 */
export interface RedisDetectionIndexOptions {
  /** The client, through `fromIoredis(...)` or `fromNodeRedis(...)`. The index never closes it. */
  readonly client: RedisScriptRunner
  /**
   * Start of every key: a tenant's detection keys live under `{<prefix>:d:<tenant tag>}`. 1 to 64
   * of `A-Z a-z 0-9 _ - . @ /`. Default `'sk'` (the store's default: the two never collide).
   */
  readonly prefix?: string
  /**
   * A call that gets no answer in this many ms fails, and the detector answers from its local
   * index (`degraded: true`). Default 500: a gateway must keep forwarding.
   */
  readonly commandTimeoutMs?: number
  /** Keys outlive their idle expiry by this many ms (a clock behind Redis's loses nothing). Default 60,000. */
  readonly expiryGraceMs?: number
  /**
   * The secret mixed into every chain key, the same on every replica. Default: 16 random bytes
   * stored once at `{<prefix>:d}:seed:v1` by the first replica and read by the others.
   */
  readonly seed?: string
}

const prefixPattern = /^[A-Za-z0-9_\-.@/]{1,64}$/
const TAGS_CACHED = 4096
// Reply fingerprints in their key form: a continued turn sends the ones of earlier turns again (the
// same strings, from the detector's memo), and a lookup costs less than encoding. About 1 MB at most.
const FINGERPRINTS_ENCODED = 8192

/**
 * The detection index on Redis or Redis Cluster, shared by every replica of a gateway:
 * `createDetector({ index: redisDetectionIndex({ client }) })`. Each `detect()` is one Lua script,
 * each `bindReply()` one, atomic across replicas. A tenant's keys share one Cluster slot; every key
 * expires `idleMs` after its last write; there is no global index and no SCAN.
 *
 * @example
 * const index = redisDetectionIndex({ client: fromIoredis(new Redis(process.env.REDIS_URL)) })
 * const detector = createDetector({ index, idleMs: 3_600_000 })
 */
export function redisDetectionIndex(options: RedisDetectionIndexOptions): DetectionIndex {
  const o = resolve(options)
  let trips = 0
  const run = createScriptCall(o.client, createCallGuard(o.commandTimeoutMs, o.prefix))
  const call = (
    script: (typeof detectionScripts)[keyof typeof detectionScripts],
    keys: string[],
    args: string[],
  ) => {
    trips++
    return run(script, keys, args)
  }
  const tags = new Map<string, string>()
  // Every key of a tenant under one hash tag: one slot per call.
  const baseOf = (tenant: string): string => {
    let base = tags.get(tenant)
    if (base === undefined) {
      if (tags.size >= TAGS_CACHED) tags.clear()
      const tag = createHash('sha256')
        .update(`sessionkit/detect\u0000${tenant}`)
        .digest('base64url')
        .slice(0, 12)
      base = `{${o.prefix}:d:${tag}}`
      tags.set(tenant, base)
    }
    return base
  }
  // The arguments every script starts with (see _lib.lua): now, idleMs, and the keys' lifetime.
  const head = (now: number, rules: IndexRules): string[] => [
    String(now),
    String(rules.idleMs),
    String(rules.idleMs + o.expiryGraceMs),
  ]
  // The rules as the place script reads them, built once per rules object.
  const packed = new WeakMap<IndexRules, string>()
  const rulesArg = (rules: IndexRules): string => {
    let s = packed.get(rules)
    if (s === undefined) {
      const f = rules.fuzzy
      s = `${rules.retryWindowMs} ${rules.splitResets ? 1 : 0}`
      if (f !== undefined) s += ` ${f.threshold} ${f.window} ${f.band} ${f.maxCandidates}`
      packed.set(rules, s)
    }
    return s
  }
  const encodedFps = new Map<string, string>()
  const encodeFp = (fp: string): string => {
    let e = encodedFps.get(fp)
    if (e === undefined) {
      if (encodedFps.size >= FINGERPRINTS_ENCODED) encodedFps.clear()
      e = encode(fp)
      encodedFps.set(fp, e)
    }
    return e
  }
  let seed: Promise<string> | undefined = o.seed === undefined ? undefined : Promise.resolve(o.seed)

  return {
    timeoutMs: o.commandTimeoutMs,
    get roundTrips() {
      return trips
    },
    seed() {
      seed ??= call(
        detectionScripts.seed,
        [`{${o.prefix}:d}:seed:v1`],
        ['0', '0', '0', randomBytes(16).toString('base64')],
      ).then(String, (error: unknown) => {
        seed = undefined
        throw error
      })
      return seed
    },

    async place(tenant, rules, input) {
      const base = baseOf(tenant)
      const keys = [`${base}:s:${input.newId}`]
      const args = head(input.now, rules)
      args.push(
        rulesArg(rules),
        `${input.n} ${input.lowest} ${input.firstAssistant} ${input.reset ? 1 : 0} ${input.rawSysFp} ${input.sysFp}`,
        input.roles,
      )
      // One argument per chain key's position: the script reads them without parsing a list.
      for (const k of input.keys) {
        keys.push(`${base}:k:${encode(k.key)}`)
        args.push(String(k.pos))
      }
      for (const fp of input.fps) keys.push(`${base}:r:${encodeFp(fp)}`)
      return toOutcome(asFields(await call(detectionScripts.place, keys, args), 10, 'detection place'))
    },

    async bind(tenant, rules, input) {
      const base = baseOf(tenant)
      const keys = [`${base}:s:${input.sessionId}`, `${base}:k:${encode(input.key)}`]
      if (input.fp !== undefined) keys.push(`${base}:r:${encode(input.fp)}`)
      const args = head(input.now, rules)
      args.push(`${input.pos} ${input.tag} ${rules.fuzzy?.window ?? 1}`)
      return asFlag(await call(detectionScripts.bind, keys, args), 'detection bind')
    },

    async explicit(tenant, rules, input) {
      const base = baseOf(tenant)
      const keys = [`${base}:s:${input.id}`, `${base}:s:${input.derivedId}`]
      const args = head(input.now, rules)
      args.push(String(input.position))
      const reply = asFields(await call(detectionScripts.explicit, keys, args), 4, 'detection explicit id')
      return {
        sessionId: reply[0]!,
        created: Number(reply[1]) === 1,
        added: Number(reply[2]),
        length: Number(reply[3]),
      }
    },

    async forget(tenant, rules, sessionId, now) {
      const keys = [`${baseOf(tenant)}:s:${sessionId}`]
      return asFlag(await call(detectionScripts.forget, keys, head(now, rules)), 'detection forget')
    },
  }
}

// A 16-character binary key as it appears in a Redis key name: its base64url form, 22 characters
// (written here: a Buffer round trip per key cost more than the rest of building the call).
function encode(key: string): string {
  if (key.length !== 16) return Buffer.from(key, 'latin1').toString('base64url')
  const out = new Array<number>(22)
  let j = 0
  for (let i = 0; i < 15; i += 3) {
    const v = (key.charCodeAt(i) << 16) | (key.charCodeAt(i + 1) << 8) | key.charCodeAt(i + 2)
    out[j++] = BASE64URL_CODES[v >>> 18]!
    out[j++] = BASE64URL_CODES[(v >>> 12) & 63]!
    out[j++] = BASE64URL_CODES[(v >>> 6) & 63]!
    out[j++] = BASE64URL_CODES[v & 63]!
  }
  const last = key.charCodeAt(15)
  out[j++] = BASE64URL_CODES[last >>> 2]!
  out[j] = BASE64URL_CODES[(last & 3) << 4]!
  return String.fromCharCode.apply(null, out)
}

function toOutcome(reply: readonly string[]): PlaceOutcome {
  const previous = reply[6]!
  return {
    kind: reply[0] as DetectionKind,
    sessionId: reply[1]!,
    branch: Number(reply[2]),
    newMessages: Number(reply[3]),
    similarity: Number(reply[4]),
    systemChanged: Number(reply[5]) === 1,
    previousSessionId: previous === '' ? undefined : previous,
    added: Number(reply[7]),
    length: Number(reply[8]),
    created: Number(reply[9]) === 1,
  }
}

const source: OptionSource = { what: 'redisDetectionIndex', code: 'INVALID_CONFIG' }

const schema = z.strictObject({
  client: z.custom<RedisScriptRunner>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      typeof (v as RedisScriptRunner).evalsha === 'function' &&
      typeof (v as RedisScriptRunner).eval === 'function',
    'must be wrapped: redisDetectionIndex({ client: fromIoredis(redis) })',
  ),
  prefix: z.string().regex(prefixPattern, 'must be 1 to 64 of A-Z a-z 0-9 _ - . @ / (no ":")').default('sk'),
  commandTimeoutMs: z.number().int().min(1).max(600_000).default(500),
  expiryGraceMs: z.number().int().min(0).max(86_400_000).default(60_000),
  seed: z.string().min(1).max(256).optional(),
})

function resolve(options: RedisDetectionIndexOptions): z.output<typeof schema> {
  if (typeof options !== 'object' || options === null) {
    throw invalidConfig('redisDetectionIndex needs options: { client: fromIoredis(redis) }')
  }
  return parseOptions(schema, options, source)
}
