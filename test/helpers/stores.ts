import { afterEach, describe } from 'vitest'
import type { ManualClock } from '../../src/clock.js'
import type { SessionStore } from '../../src/store/contract.js'
import { createMemoryStore } from '../../src/store/memory.js'

/**
 * The stores every module test runs against. Module tests call `forEachStore` instead of making
 * a store themselves, so one suite runs on the memory store and, when a redis-server is
 * available, on Redis: one parameterised suite, not copies.
 */
export interface StoreFixture {
  readonly name: string
  /** A fresh, empty store on `clock`; closed after the test. */
  make(clock: ManualClock): Promise<SessionStore>
}

const open: SessionStore[] = []

afterEach(async () => {
  await Promise.all(open.splice(0).map((store) => store.close()))
})

const memory: StoreFixture = {
  name: 'memory',
  async make(clock) {
    const store = createMemoryStore({ clock })
    open.push(store)
    return store
  },
}

/** Extra fixtures (the Redis stores) registered by test/helpers/redis-fixtures.ts. */
const extra: StoreFixture[] = []

/** Adds a fixture that closes its stores with the others. */
export function addStoreFixture(fixture: StoreFixture): void {
  extra.push({
    name: fixture.name,
    async make(clock) {
      const store = await fixture.make(clock)
      open.push(store)
      return store
    },
  })
}

/** The fixtures in this run: memory always, the Redis ones when registered. */
export function storeFixtures(): readonly StoreFixture[] {
  return [memory, ...extra]
}

/** Runs `body` once per store fixture, inside `describe('on <name>')`. */
export function forEachStore(body: (fixture: StoreFixture) => void): void {
  for (const fixture of storeFixtures()) describe(`on ${fixture.name}`, () => body(fixture))
}
