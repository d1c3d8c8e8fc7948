import type { RedisClientLike } from '../../src/redis/index.js'

/**
 * Wraps a client so every script sent (EVALSHA or EVAL) and every plain header read (HGETALL, when
 * the client offers it) is counted, with the most in flight at once (scripts sent together cost one round-trip time): for round-trip checks in tests and benches
 * (no test-runner import here: benches load it too).
 */
export function countingClient(client: RedisClientLike) {
  let calls = 0
  let inFlight = 0
  let most = 0
  const track = <T>(sent: Promise<T>): Promise<T> => {
    calls++
    most = Math.max(most, ++inFlight)
    return sent.finally(() => inFlight--)
  }
  const wrapped: RedisClientLike = {
    evalsha: (...args) => track(client.evalsha(...args)),
    eval: (...args) => track(client.eval(...args)),
    masters: () => client.masters(),
    ...(client.hgetall === undefined ? {} : { hgetall: (key: string) => track(client.hgetall!(key)) }),
    ...(client.cluster === undefined ? {} : { cluster: client.cluster }),
  }
  return {
    client: wrapped,
    calls: () => calls,
    mostAtOnce: () => most,
    reset: () => {
      calls = 0
      most = 0
    },
  }
}
