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
 * Every call's deadline is kept by one queue (one timer for all calls, none set per call).
 */
export function createScriptCall(client: RedisScriptRunner, timeoutMs: number, prefix: string): ScriptCall {
  const within = createDeadlineQueue(timeoutMs)
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
    within(
      once(script, keys, args, runner).then((reply) =>
        isKeysReply(reply) ? withKeys(script, keys, args, runner, reply) : reply,
      ),
      () => timeoutError(script.name, timeoutMs),
      (error) => redisFailure(error, script.name, prefix),
    )
}

/** `HGETALL key` within the store's deadline, failing as a script call does. */
export type HashRead = (key: string) => Promise<Readonly<Record<string, string>>>

/**
 * The client's `hgetall` with a deadline and the store's errors (named `what` in them), or
 * undefined when the client has none (reads then go through a script).
 */
export function createHashRead(
  client: RedisClientLike,
  timeoutMs: number,
  prefix: string,
  what: string,
): HashRead | undefined {
  if (typeof client.hgetall !== 'function') return undefined
  const within = createDeadlineQueue(timeoutMs)
  return (key) =>
    within(
      client.hgetall!(key),
      () => timeoutError(what, timeoutMs),
      (error) => redisFailure(error, what, prefix),
    )
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
