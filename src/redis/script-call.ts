import { SessionKitError } from '../errors.js'
import { withDeadline as deadline } from '../util/deadline.js'
import { createDeadlineQueue } from '../util/deadline-queue.js'
import type { RedisClientLike, RedisScriptRunner } from './client.js'
import { redisFailure } from './errors.js'
import type { LuaScript } from './lua/scripts.js'

/**
 * Runs one script with a deadline. Failures become `STORE_UNAVAILABLE` or `STORE_REJECTED` (see
 * errors.ts) with the client's error as cause.
 */
export type ScriptCall = (
  script: LuaScript,
  keys: readonly string[],
  args: readonly string[],
  runner?: RedisScriptRunner,
) => Promise<unknown>

/**
 * How often a call is sent again with the keys its script asked for. Each time the record gained
 * a part between two sends; eight in a row means something keeps adding parts.
 */
const MAX_KEY_ROUNDS = 8

/**
 * EVALSHA first (the script's SHA-1 is known at build time), EVAL when the server answers
 * NOSCRIPT (after a restart, a failover, or on a node that never ran it): one round trip in the
 * common case, two the first time on each node. A script that must touch keys it was not given
 * (see the prelude, _lib.lua) writes nothing and names them; the call is sent again with them.
 * Every call goes through `guard`: its deadline (one timer for all calls) and its errors.
 */
export function createScriptCall(client: RedisScriptRunner, guard: CallGuard): ScriptCall {
  const once = (
    script: LuaScript,
    keys: readonly string[],
    args: readonly string[],
    runner: RedisScriptRunner,
  ) =>
    runner.evalsha(script.sha1, keys, args).catch((error: unknown) => {
      if (!isNoScript(error)) throw error
      return runner.eval(script.source, keys, args)
    })
  /** Sends the call again with the keys the script named, until it names none. */
  const withKeys = async (
    script: LuaScript,
    keys: readonly string[],
    args: readonly string[],
    runner: RedisScriptRunner,
    first: unknown[],
  ) => {
    let sent = keys
    let reply: unknown = first
    for (let round = 1; isKeysReply(reply); round++) {
      if (round > MAX_KEY_ROUNDS) {
        throw new SessionKitError(
          'CONFLICT',
          `${script.name} found new parts of the record on each of ${round} tries; retry the call`,
          { details: { operation: script.name } },
        )
      }
      sent = [...sent, ...(reply.slice(1) as string[])]
      reply = await once(script, sent, args, runner)
    }
    return reply
  }
  return (script, keys, args, runner = client) =>
    guard(
      once(script, keys, args, runner).then((reply) =>
        isKeysReply(reply) ? withKeys(script, keys, args, runner, reply) : reply,
      ),
      script.name,
    )
}

/**
 * Bounds a store call's work by the store's deadline and turns its failure into the store's error,
 * both naming `what`: one deadline queue (one timer) for every call of a store, scripts and plain
 * reads alike.
 */
export type CallGuard = <T>(work: Promise<T>, what: string) => Promise<T>

/** The guard of a store whose calls wait at most `timeoutMs`, with errors naming its `prefix`. */
export function createCallGuard(timeoutMs: number, prefix: string): CallGuard {
  const within = createDeadlineQueue(timeoutMs)
  return (work, what) =>
    within(
      work,
      () => timeoutError(what, timeoutMs),
      (error) => redisFailure(error, what, prefix),
    )
}

/** `HGETALL key` within the store's deadline, failing as a script call does. */
export type HashRead = (key: string) => Promise<Readonly<Record<string, string>>>

/** The client's `hgetall` through `guard` (as `meta`), or undefined when the client has none (reads then go through a script). */
export function createHashRead(client: RedisClientLike, guard: CallGuard): HashRead | undefined {
  if (typeof client.hgetall !== 'function') return undefined
  return (key) => guard(client.hgetall!(key), 'meta')
}

/** A script's answer naming keys it needs and was not given: `['keys', ...]`. */
function isKeysReply(reply: unknown): reply is unknown[] {
  return Array.isArray(reply) && reply[0] === 'keys'
}

function timeoutError(what: string, timeoutMs: number): SessionKitError {
  return new SessionKitError(
    'STORE_UNAVAILABLE',
    `Redis did not answer ${what} within ${timeoutMs} ms (commandTimeoutMs); check that Redis is up and reachable`,
    { details: { operation: what, timeoutMs } },
  )
}

/** Like `createScriptCall`'s deadline, for other client calls (listing a Cluster's masters). */
export function withDeadline<T>(
  work: Promise<T>,
  timeoutMs: number,
  what: string,
  prefix: string,
): Promise<T> {
  return deadline(
    work,
    timeoutMs,
    () => timeoutError(what, timeoutMs),
    (error) => redisFailure(error, what, prefix),
  )
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT')
}
