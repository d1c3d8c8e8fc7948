import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { isSessionKitError } from '../../src/errors.js'
import { idDigest } from '../../src/ids.js'
import { clusterFixtures } from '../helpers/redis-cluster-fixture.js'
import { type StoreFixture, storeFixtures } from '../helpers/stores.js'

// A session id is a bearer credential, and error messages end up in logs: an error names a record
// by the start of its digest (`idDigest`), never by the id, in its message and in its details.

const MIN = 60_000

for (const fixture of [...storeFixtures(), ...clusterFixtures()])
  describe(`on ${fixture.name}`, () => errorsWithoutIds(fixture))

function errorsWithoutIds(fixture: StoreFixture): void {
  it('store errors name a record by its digest, never by its id', async () => {
    const store = await fixture.make(createManualClock(Date.now()))
    const id = 'Zk4Aq3Vx0c6yBv1bJm2Lh9'
    const now = store.clock.now()
    await store.create(id, { expiresAt: now + MIN })
    await store.updateMap(id, 'cache', { set: { a: 1 } })
    const failures: unknown[] = []
    const fail = async (call: () => Promise<unknown>) => {
      const error = await call().then(
        () => undefined,
        (caught: unknown) => caught,
      )
      expect(isSessionKitError(error)).toBe(true)
      failures.push(error)
    }
    await fail(() => store.updateMap(`${id}x`, 'cache', { set: { a: 1 } }))
    await fail(() => store.setValue(id, 'cache', 1))
    await fail(() => store.updateMap(id, 'cache', { set: { b: 1 } }, { maxFields: 1 }))
    await fail(() =>
      store.updateMap(id, 'cache', { set: { b: 1 } }, { maxFields: 1, expiresAt: now + 2 * MIN }),
    )
    await store.updateMap(id, 'counts', { set: { n: 1, note: 'x' } })
    await fail(() => store.updateMap(id, 'counts', { incr: { note: 1 } }))
    await fail(() => store.updateMap(id, 'counts', { incr: { n: 5 } }, { maxNumber: 3 }))
    for (const error of failures) {
      const seen = `${String(error)} ${JSON.stringify(error)} ${JSON.stringify((error as { details?: unknown }).details)}`
      expect(seen).not.toContain(id)
    }
    expect(String(failures[1])).toContain(`#${idDigest(id).slice(0, 8)}`)
  })
}
