import { afterEach, describe, expect, it, vi } from 'vitest'
import { isSessionKitError } from '../../src/errors.js'
import { createSessionKit } from '../../src/kit.js'
import type { SessionStore } from '../../src/store/contract.js'
import { createMemoryStore } from '../../src/store/memory.js'
import { createKeyedQueue } from '../../src/util/keyed-queue.js'

afterEach(() => {
  vi.useRealTimers()
})

function gate(): { readonly wait: Promise<void>; open(): void } {
  let open: () => void = () => undefined
  const wait = new Promise<void>((resolve) => {
    open = resolve
  })
  return { wait, open }
}

describe('keyed queue', () => {
  it('the k-th queued task waits at most waitMs, not k times it, and a dropped task never runs', async () => {
    vi.useFakeTimers()
    const queue = createKeyedQueue({ waitMs: 100 })
    const first = gate()
    const ran: number[] = []
    const running = queue.run('s\u0000state', async () => {
      ran.push(0)
      await first.wait
      return 0
    })
    const queued = Array.from({ length: 10 }, (_, k) =>
      queue.run('s\u0000state', async () => {
        ran.push(k + 1)
        return k + 1
      }),
    )
    const settled = queued.map((p) =>
      p.then(
        () => 'ran',
        (e: unknown) => (isSessionKitError(e, 'STORE_UNAVAILABLE') ? 'timed out' : String(e)),
      ),
    )
    await vi.advanceTimersByTimeAsync(100)
    expect(await Promise.all(settled)).toEqual(Array(10).fill('timed out'))
    // A task queued after the dropped ones still waits for the one that is running.
    const later = queue.run('s\u0000state', async () => {
      ran.push(99)
      return 99
    })
    await vi.advanceTimersByTimeAsync(50)
    expect(ran).toEqual([0])
    first.open()
    expect(await running).toBe(0)
    expect(await later).toBe(99)
    expect(ran).toEqual([0, 99])
  })

  it('keys do not wait for each other, and an uncontended task starts at once', async () => {
    const queue = createKeyedQueue({ waitMs: 10 })
    const blocked = gate()
    const slow = queue.run('a', () => blocked.wait)
    expect(await queue.run('b', async () => 'b')).toBe('b')
    blocked.open()
    await slow
  })
})

describe('kit updates behind a stuck one', () => {
  // A store whose first write of `state` never answers (a hung connection); the store says its
  // calls time out after 50 ms, and the kit bounds its queues by that.
  function stuckStore(): SessionStore {
    const store = createMemoryStore()
    let first = true
    const capabilities = { ...store.capabilities, commandTimeoutMs: 50 }
    return new Proxy(store, {
      get(target, key, receiver) {
        if (key === 'capabilities') return capabilities
        if (key !== 'setValue') return Reflect.get(target, key, receiver)
        return (...args: Parameters<SessionStore['setValue']>) => {
          if (args[1] === 'state' && first) {
            first = false
            return new Promise(() => undefined)
          }
          return target.setValue(...args)
        }
      },
    })
  }

  it('each fails with STORE_UNAVAILABLE after the store timeout, having written nothing', async () => {
    const kit = createSessionKit({ store: stuckStore() })
    const s = await kit.create()
    void s.state.update(() => 1)
    const calls: number[] = []
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, k) =>
        s.state.update(() => {
          calls.push(k)
          return k
        }),
      ),
    )
    expect(
      results.map((r) => r.status === 'rejected' && isSessionKitError(r.reason, 'STORE_UNAVAILABLE')),
    ).toEqual(Array(5).fill(true))
    expect(calls).toEqual([])
    expect(await s.state.get()).toBe(undefined)
  })

  it('concurrency.queueTimeoutMs sets the bound', async () => {
    const kit = createSessionKit({ store: stuckStore(), concurrency: { queueTimeoutMs: 20 } })
    const s = await kit.create()
    void s.state.update(() => 1)
    const error = await s.state.update(() => 2).catch((e: unknown) => e)
    expect(isSessionKitError(error, 'STORE_UNAVAILABLE')).toBe(true)
    expect((error as Error).message).toContain('queueTimeoutMs')
    expect((error as { details?: { waitMs?: number } }).details?.waitMs).toBe(20)
  })

  it('login, regenerate and detect never wait behind a stuck update; every wait after them is bounded', async () => {
    const kit = createSessionKit({ store: stuckStore() })
    const s = await kit.create()
    const stuck = s.state.update(() => 1)
    const behind = s.state.update(() => 2).catch((e: unknown) => e)
    const started = Date.now()
    // None of these queue behind the session's updates: each is one store call (a rename, a read).
    const linked = await kit.link(s.id, 'u1')
    const regenerated = await kit.regenerate(linked.id, { userId: 'u1' })
    const { session: detected } = await kit.detect({ messages: [{ role: 'user', content: 'hi' }] })
    expect(Date.now() - started).toBeLessThan(1000)
    expect(isSessionKitError(await behind, 'STORE_UNAVAILABLE')).toBe(true)
    // The rotated session and a detected one update at once; the stuck write never lands.
    expect(await regenerated.state.update(() => 3)).toBe(3)
    expect(await detected.state.update(() => 4)).toBe(4)
    expect(await regenerated.state.get()).toBe(3)
    void stuck
  })
})
