import { describe, expect, it } from 'vitest'
import * as adapter from '../../src/adapter/index.js'
import * as api from '../../src/index.js'
import * as postgres from '../../src/postgres/index.js'
import * as redis from '../../src/redis/index.js'
import * as testing from '../../src/testing/index.js'

// Every public function and method answers bad input (null, undefined, numbers, strings, empty
// objects, arrays of junk, in every argument place) with a SessionKitError, never a TypeError from
// deep inside. Whatever it resolves is fine: only the kind of failure is checked here.

const bads: unknown[] = [null, undefined, 42, 'x', {}, [null], [{}], () => null]
const firsts: unknown[] = [
  undefined,
  [],
  'valid-id-123',
  { role: 'user', content: 'x' },
  [{ role: 'user', content: 'x' }],
]

/** The argument lists tried on each function: all-bad, then each plausible first argument with bad rest. */
function argumentLists(): unknown[][] {
  const lists: unknown[][] = []
  for (const bad of bads) lists.push([bad, bad, bad])
  for (const first of firsts) for (const bad of bads) lists.push([first, bad, bad], [first, 'state', bad])
  return lists
}

/** Calls `fn` with every argument list; returns what failed with something other than a SessionKitError. */
async function nonSessionKitFailures(name: string, fn: (...args: unknown[]) => unknown, self?: unknown) {
  const failures: string[] = []
  const check = (args: unknown[], error: unknown) => {
    if ((error as { name?: unknown })?.name !== 'SessionKitError') {
      failures.push(
        `${name}(${args.map((a) => JSON.stringify(a) ?? String(a)).join(', ')}): ${String(error)}`,
      )
    }
  }
  for (const args of argumentLists()) {
    try {
      const result = fn.apply(self, args)
      if (result instanceof Promise) await result.catch((e: unknown) => check(args, e))
      else if (result !== null && typeof result === 'object' && Symbol.asyncIterator in result) {
        try {
          for await (const _ of result as AsyncIterable<unknown>);
        } catch (e) {
          check(args, e)
        }
      }
      const closable = (await result) as { close?: () => Promise<void> } | undefined
      if (self === undefined && typeof closable?.close === 'function') await closable.close()
    } catch (e) {
      check(args, e)
    }
  }
  return failures
}

function methodsOf(object: object): [string, (...args: unknown[]) => unknown][] {
  const names = new Set([
    ...Object.keys(object),
    ...Object.getOwnPropertyNames(Object.getPrototypeOf(object)),
  ])
  const out: [string, (...args: unknown[]) => unknown][] = []
  for (const name of names) {
    if (name === 'constructor' || name.startsWith('__')) continue
    const value = (object as Record<string, unknown>)[name]
    if (typeof value === 'function') out.push([name, value as (...args: unknown[]) => unknown])
  }
  return out
}

describe('bad input is a SessionKitError everywhere', () => {
  it('for every exported function of sessionkit, sessionkit/redis, sessionkit/postgres, sessionkit/adapter and sessionkit/testing', async () => {
    const exported = { ...api, ...redis, ...postgres, ...adapter, ...testing } as Record<string, unknown>
    const failures: string[] = []
    for (const [name, value] of Object.entries(exported)) {
      // Classes (SessionKitError) are not helpers; defineStoreSuite would register tests.
      if (typeof value !== 'function' || /^[A-Z]/.test(name)) continue
      if (name === 'defineStoreSuite') continue
      failures.push(...(await nonSessionKitFailures(name, value as (...args: unknown[]) => unknown)))
    }
    expect(() => testing.defineStoreSuite(null as never, null as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
    expect(failures).toEqual([])
  }, 60_000)

  it('for every method of a kit, a session, its modules, a seen view, a detector, a limiter and a store', async () => {
    const rules = [{ name: 'requests', per: 'session', limit: 10, windowMs: 60_000 }] as const
    const kit = api.createSessionKit({ limits: { rules } })
    const session = await kit.create({ userId: 'u1' })
    const view = await session.seen.view()
    const objects: Record<string, object> = {
      kit,
      users: kit.users,
      kitLimits: kit.limits,
      session,
      sessionLimits: session.limits,
      limiter: api.createRateLimiter({ rules }),
      assembler: api.createReplyAssembler(),
      preferences: session.preferences,
      cart: session.cart,
      state: session.state,
      cache: session.cache,
      seen: session.seen,
      history: session.history,
      view,
      detector: api.createDetector(),
      store: api.createMemoryStore(),
    }
    const failures: string[] = []
    for (const [where, object] of Object.entries(objects)) {
      for (const [name, method] of methodsOf(object)) {
        // These end or close what the other calls need; they take no input anyway. A snapshot
        // writes a file wherever it is told (its bad input is tested in test/store/snapshot.test.ts).
        if (['close', 'end', 'on', 'subscribe', 'snapshot'].includes(name)) continue
        failures.push(...(await nonSessionKitFailures(`${where}.${name}`, method, object)))
      }
    }
    expect(failures).toEqual([])
    await kit.close()
  }, 60_000)
})
