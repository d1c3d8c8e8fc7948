import { SessionKitError } from '../errors.js'
import { withDeadline as deadline } from '../util/deadline.js'
import type { RedisScriptRunner } from './client.js'
import type { LuaScript } from './lua/scripts.js'

/** Runs one script with a deadline; every failure becomes `STORE_UNAVAILABLE` with the client's error as cause. */
export type ScriptCall = (
  script: LuaScript,
  keys: readonly string[],
  args: readonly string[],
  runner?: RedisScriptRunner,
) => Promise<unknown>

/**
 * EVALSHA first (the script's SHA-1 is known at build time), EVAL when the server answers
 * NOSCRIPT (after a restart, a failover, or on a node that never ran it): one round trip in the
 * common case, two the first time on each node.
 */
export function createScriptCall(client: RedisScriptRunner, timeoutMs: number): ScriptCall {
  return (script, keys, args, runner = client) => {
    const reply = runner.evalsha(script.sha1, keys, args).catch((error: unknown) => {
      if (!isNoScript(error)) throw error
      return runner.eval(script.source, keys, args)
    })
    return withDeadline(reply, timeoutMs, script.name)
  }
}

/** Like `createScriptCall`'s deadline, for other client calls (listing a Cluster's masters). */
export function withDeadline<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  return deadline(
    work,
    timeoutMs,
    () =>
      new SessionKitError(
        'STORE_UNAVAILABLE',
        `Redis did not answer ${what} within ${timeoutMs} ms (commandTimeoutMs); check that Redis is up and reachable`,
        { details: { operation: what, timeoutMs } },
      ),
    (error) => unavailable(error, what),
  )
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT')
}

function unavailable(error: unknown, what: string): SessionKitError {
  if (error instanceof SessionKitError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new SessionKitError(
    'STORE_UNAVAILABLE',
    `Redis failed ${what}: ${message}; check that Redis is up, reachable and not out of memory`,
    { cause: error, details: { operation: what } },
  )
}
