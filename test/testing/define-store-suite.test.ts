import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import type { SessionStore } from '../../src/store/contract.js'
import { createMemoryStore } from '../../src/store/memory.js'
import { defineStoreSuite, type MakeStore, type StoreCheck, storeChecks } from '../../src/testing/index.js'
import { checkContext } from '../../src/testing/suite-types.js'

function findCheck(name: string): StoreCheck {
  const check = Object.values(storeChecks)
    .flat()
    .find((c) => c.name === name)
  if (check === undefined) throw new Error(`no check named ${name}`)
  return check
}

/** Runs one check against `store` and resolves whether it passed. */
async function passes(
  name: string,
  broken: (store: SessionStore) => Partial<SessionStore>,
): Promise<boolean> {
  const clock = createManualClock(Date.now())
  const real = createMemoryStore({ clock, sweepIntervalMs: 0 })
  const store = { ...bind(real), ...broken(real) } as SessionStore
  try {
    await findCheck(name).run(checkContext(store, clock, expect))
    return true
  } catch {
    return false
  } finally {
    await real.close()
  }
}

function bind(store: SessionStore): SessionStore {
  const out: Record<string, unknown> = { capabilities: store.capabilities, clock: store.clock }
  for (const key of Object.keys(store) as (keyof SessionStore)[]) {
    const value = store[key]
    if (typeof value === 'function') out[key] = (value as (...a: unknown[]) => unknown).bind(store)
  }
  return out as unknown as SessionStore
}

describe('defineStoreSuite', () => {
  it('registers at least 30 distinct, named checks with the framework it is given', () => {
    const names: string[] = []
    const groups: string[] = []
    defineStoreSuite(
      {
        describe: (name, body) => {
          groups.push(name)
          body()
        },
        it: (name) => {
          names.push(name)
        },
        expect,
      },
      () => createMemoryStore(),
      { title: 'custom title' },
    )
    expect(groups[0]).toBe('custom title')
    expect(names.length).toBeGreaterThanOrEqual(30)
    expect(new Set(names).size).toBe(names.length)
  })

  it('does not depend on a test framework', () => {
    const folder = fileURLToPath(new URL('../../src/testing/', import.meta.url))
    for (const file of readdirSync(folder)) {
      const source = readFileSync(`${folder}${file}`, 'utf8')
      // Line-start imports only (TSDoc examples show a runner's import on purpose): relative
      // modules and Node's own, nothing else.
      for (const [, from] of source.matchAll(/^import .* from ['"]([^'"]+)['"]/gm)) {
        expect(from, `${file} imports ${from}`).toMatch(/^(\.|node:(?!test))/)
      }
    }
  })

  it('passes an unbroken store, as a control', async () => {
    expect(await passes('1,000 concurrent pushes stay exact under the cap', () => ({}))).toBe(true)
  })

  it.each<[string, string, (s: SessionStore) => Partial<SessionStore>]>([
    [
      'a store that brings records back on write',
      'writes of every kind to an expired record throw NOT_FOUND and do not resurrect it',
      (s) => ({
        setValue: async (id, part, value, options) => {
          await s.create(id, { expiresAt: s.clock.now() + 60_000 })
          return s.setValue(id, part, value, options)
        },
      }),
    ],
    [
      'a store whose push ignores max',
      '1,000 concurrent pushes stay exact under the cap',
      (s) => ({
        push: (id, part, values, options) => s.push(id, part, values, { ...options, max: 1_000_000 }),
      }),
    ],
    [
      'a store whose touch does nothing',
      'touch extends a record and its parts without rewriting them',
      () => ({ touch: async () => true }),
    ],
    [
      'a store that ignores ifVersion',
      'setValue with ifVersion writes on the current version and conflicts otherwise',
      (s) => ({
        setValue: (id, part, value, options) =>
          s.setValue(id, part, value, { ...options, ifVersion: undefined }),
      }),
    ],
    [
      'a store whose scan stops after one batch',
      'scan returns every live record exactly once, over several batches',
      (s) => ({
        scan: async function* (options) {
          for await (const batch of s.scan(options)) {
            yield batch
            return
          }
        },
      }),
    ],
    [
      'a store that accepts any id',
      'bad record ids are INVALID_ARGUMENT for reads and writes, and create nothing',
      (s) => ({
        meta: async (id) => (typeof id === 'string' && id.length > 0 ? s.meta('valid-id') : undefined),
      }),
    ],
  ])('fails %s', async (_, check, broken) => {
    expect(await passes(check, broken)).toBe(false)
  })
})

/** Registers the suite on `makeStore` and runs the check named `name`; resolves its error. */
async function failureOf(name: string, makeStore: MakeStore): Promise<Error | undefined> {
  const bodies = new Map<string, () => Promise<void>>()
  defineStoreSuite(
    {
      describe: (_, body) => body(),
      it: (title, body) => {
        bodies.set(title, body)
      },
      expect,
    },
    makeStore,
  )
  try {
    await bodies.get(name)?.()
    return undefined
  } catch (error) {
    return error as Error
  }
}

describe('defineStoreSuite failure messages', () => {
  it('name the broken rule and its usual cause, and keep the assertion', async () => {
    const error = await failureOf('1,000 concurrent pushes stay exact under the cap', ({ clock }) => {
      const real = createMemoryStore({ clock })
      return {
        ...bind(real),
        push: (id, part, values, options) => real.push(id, part, values, { ...options, max: 1e6 }),
      }
    })
    expect(error?.message).toContain(
      'SessionStore rule broken: lists > 1,000 concurrent pushes stay exact under the cap',
    )
    expect(error?.message).toContain(
      'usual cause: a push must read, append, trim and number in one atomic step',
    )
    expect(error?.message).toMatch(/expected .* to (be|deeply equal)/)
  })

  it('say once, plainly, when the store is not on the clock makeStore receives', async () => {
    const error = await failureOf('meta of a missing record is undefined', () => createMemoryStore())
    expect(error?.message).toContain(
      'SessionStore rule broken: records > meta of a missing record is undefined',
    )
    expect(error?.message).toContain('makeStore must build the store on the manual clock it receives')
  })

  it('point an expiry failure at the store clock, not Date.now()', async () => {
    // Shows the manual clock but expires by the system clock, the usual mistake.
    const error = await failureOf(
      'a record is gone from its expiresAt on, by the injected clock',
      ({ clock }) => ({
        ...bind(createMemoryStore()),
        clock,
      }),
    )
    expect(error?.message).toContain(
      'SessionStore rule broken: records > a record is gone from its expiresAt on',
    )
    expect(error?.message).toContain(
      'usual cause: expire by the store clock, the ctx.clock makeStore receives, never Date.now()',
    )
  })

  it('leave a passing check alone', async () => {
    expect(
      await failureOf('meta of a missing record is undefined', ({ clock }) => createMemoryStore({ clock })),
    ).toBe(undefined)
  })
})
