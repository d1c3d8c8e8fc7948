import { SessionKitError } from '../errors.js'

/** Why Redis refused a call, in `details.reason` of a `STORE_REJECTED` error. */
export type RedisRejection = 'permission' | 'auth' | 'foreign-key' | 'script' | 'command'

/**
 * Errors Redis answers that a retry cannot fix, by the first word of the reply, and what the
 * operator should do about each. Anything not listed here is treated as a passing outage.
 */
const refusals: readonly [RegExp, RedisRejection, (prefix: string) => string][] = [
  [
    /^NOPERM|can't access at least one of the keys|can't run this command/,
    'permission',
    (prefix) =>
      `the Redis user lacks a permission the store needs; grant it +evalsha +eval +hgetall +scan and the keys ~{${prefix}:* (ACL SETUSER)`,
  ],
  [
    /^(NOAUTH|WRONGPASS)/,
    'auth',
    () => 'Redis refused the credentials; check the username and password the client connects with',
  ],
  [
    /^WRONGTYPE/,
    'foreign-key',
    (prefix) =>
      `a key under {${prefix}: holds data this store did not write (does another program use the prefix "${prefix}"?); give this store a prefix of its own`,
  ],
  [
    /^ERR unknown command|Unknown Redis command/i,
    'command',
    () =>
      'the server does not know a command the store sends; use Redis 6.0 or newer and do not rename EVAL/EVALSHA',
  ],
  [
    / script: [0-9a-f]{40}|user_script|Error running script/,
    'script',
    (prefix) =>
      `a sessionkit script failed on the server; check that no other program writes keys under {${prefix}:, and report it with this message if none does`,
  ],
]

/** Passing conditions, by the first word of the reply: what the message tells the operator. */
const outages: readonly [RegExp, string][] = [
  [/^LOADING/, 'Redis is loading its dataset into memory; retry once it is done'],
  [/^CLUSTERDOWN/, 'the Redis Cluster is down or a slot is not served; check CLUSTER INFO'],
  [/^OOM/, 'Redis is out of memory (maxmemory); nothing was written; free memory or raise maxmemory'],
  [
    /^TRYAGAIN|Too many Cluster redirections/,
    'the record’s Cluster slot is being migrated; nothing was written; retry after the migration',
  ],
  [/^(MASTERDOWN|READONLY)/, 'a Redis failover is in progress; retry once a master is elected'],
  [/^BUSY/, 'Redis is busy running a long script; retry later'],
]

/**
 * The `SessionKitError` a failed Redis call becomes: `STORE_REJECTED` (with `details.reason`) when
 * the server refused it for a reason a retry cannot fix, `STORE_UNAVAILABLE` otherwise. The
 * client's error is the `cause`; the message names the operation and says what to do.
 *
 * @example
 * redisFailure(new Error('NOPERM ...'), 'setValue', 'sk').code // 'STORE_REJECTED'
 */
export function redisFailure(error: unknown, what: string, prefix: string): SessionKitError {
  if (error instanceof SessionKitError) return error
  const message = error instanceof Error ? error.message : String(error)
  // Outages first: inside a script Redis adds " script: <sha>" to every error, an OOM included.
  const outage = outages.find(([pattern]) => pattern.test(message))
  const refusal = outage === undefined ? refusals.find(([pattern]) => pattern.test(message)) : undefined
  if (refusal !== undefined) {
    const [, reason, advice] = refusal
    return new SessionKitError('STORE_REJECTED', `Redis refused ${what}: ${message}; ${advice(prefix)}`, {
      cause: error,
      details: { operation: what, reason },
    })
  }
  const advice = outage?.[1] ?? 'check that Redis is up and reachable'
  return new SessionKitError('STORE_UNAVAILABLE', `Redis failed ${what}: ${message}; ${advice}`, {
    cause: error,
    details: { operation: what },
  })
}
