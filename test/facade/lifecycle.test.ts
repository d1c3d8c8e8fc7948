import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { isSessionKitError } from '../../src/errors.js'
import { createSessionKit } from '../../src/kit.js'
import { createMemoryStore } from '../../src/store/memory.js'
import { makeKit, T0 } from '../helpers/kit.js'
import { forEachStore } from '../helpers/stores.js'

const MIN = 60_000

forEachStore((fixture) => {
  describe('lifecycle', () => {
    it('creates a session with a 128-bit base64url id and finds it again', async () => {
      const { kit } = await makeKit(fixture)
      const s = await kit.create({ userId: 'u1', deviceId: 'web' })
      expect(s.id).toMatch(/^[A-Za-z0-9_-]{22}$/)
      const again = await kit.get(s.id, { userId: 'u1' })
      expect(again?.id).toBe(s.id)
      expect(again?.userId).toBe('u1')
      expect(again?.deviceId).toBe('web')
      expect(again?.createdAt).toBe(T0)
    })

    it('returns undefined for an unknown or malformed id (a cookie is client input); INVALID_ARGUMENT for a non-string', async () => {
      const { kit } = await makeKit(fixture)
      expect(await kit.get('AAAAAAAAAAAAAAAAAAAAAA')).toBeUndefined()
      expect(await kit.get('bad id!')).toBeUndefined()
      expect(await kit.get('short')).toBeUndefined()
      await expect(kit.get(42 as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    })

    it('expires after the idle TTL, and writes through modules count as activity', async () => {
      const { kit, clock } = await makeKit(fixture, { ttl: { idleMs: 30 * MIN } })
      const s = await kit.create()
      clock.advance(20 * MIN)
      await s.state.replace({ step: 1 })
      clock.advance(20 * MIN)
      expect(await kit.get(s.id)).toBeDefined()
      clock.advance(31 * MIN)
      expect(await kit.get(s.id)).toBeUndefined()
    })

    it('touch() slides the expiry; get() alone does not unless asked', async () => {
      const { kit, clock } = await makeKit(fixture, { ttl: { idleMs: 10 * MIN } })
      const s = await kit.create()
      clock.advance(8 * MIN)
      expect(await s.touch()).toBe(true)
      clock.advance(8 * MIN)
      await kit.get(s.id)
      clock.advance(1 * MIN)
      expect(await kit.get(s.id, { touch: true })).toBeDefined()
      clock.advance(9 * MIN)
      expect(await kit.get(s.id)).toBeDefined()
      clock.advance(2 * MIN)
      expect(await kit.get(s.id)).toBeUndefined()
      expect(await s.touch()).toBe(false)
    })

    it('an absolute lifetime ends a session whatever its activity', async () => {
      const { kit, clock } = await makeKit(fixture, { ttl: { idleMs: 30 * MIN, absoluteMs: 60 * MIN } })
      const s = await kit.create()
      for (let i = 0; i < 4; i++) {
        clock.advance(14 * MIN)
        await s.touch()
      }
      const info = await s.info()
      expect(info?.expiresAt).toBe(T0 + 60 * MIN)
      expect(info?.absoluteExpiresAt).toBe(T0 + 60 * MIN)
      clock.advance(5 * MIN)
      expect(await kit.get(s.id)).toBeUndefined()
    })

    it("get({ touch }) never slides past the absolute end, and leaves another user's session untouched", async () => {
      const { kit, clock } = await makeKit(fixture, { ttl: { idleMs: 30 * MIN, absoluteMs: 40 * MIN } })
      const s = await kit.create({ userId: 'u1' })
      clock.advance(20 * MIN)
      expect((await kit.get(s.id, { touch: true, userId: 'u1' }))?.id).toBe(s.id)
      expect((await s.info())?.expiresAt).toBe(T0 + 40 * MIN)
      const other = await kit.create({ userId: 'u1' })
      clock.advance(5 * MIN)
      await expect(kit.get(other.id, { touch: true, userId: 'u2' })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      })
      expect((await other.info())?.expiresAt).toBe(T0 + 50 * MIN)
      expect((await kit.stats()).lookups).toMatchObject({ hits: 1 })
    })

    it('info() reports the header with last activity derived from the sliding expiry', async () => {
      const { kit, clock } = await makeKit(fixture, { ttl: { idleMs: 30 * MIN } })
      const s = await kit.create({ userId: 'u9', deviceId: 'ios' })
      clock.advance(5 * MIN)
      await s.cart.add({ sku: 'A-1', name: 'Tee', unitPrice: 1500 })
      expect(await s.info()).toEqual({
        id: s.id,
        userId: 'u9',
        deviceId: 'ios',
        createdAt: T0,
        lastActiveAt: T0 + 5 * MIN,
        expiresAt: T0 + 35 * MIN,
        absoluteExpiresAt: T0 + 24 * 60 * MIN,
      })
    })

    it('end() removes the session and its data; a second end() is false', async () => {
      const { kit } = await makeKit(fixture)
      const s = await kit.create()
      await s.preferences.replace({ theme: 'dark' })
      expect(await kit.end(s.id)).toBe(true)
      expect(await kit.get(s.id)).toBeUndefined()
      expect(await kit.end(s.id)).toBe(false)
      expect(await s.preferences.get()).toBeUndefined()
      await expect(s.preferences.replace({ theme: 'light' })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    })

    it('create with a caller id refuses an id held by a live session', async () => {
      const { kit } = await makeKit(fixture)
      await kit.create({ id: 'caller-chosen-id-1' })
      const error = await kit.create({ id: 'caller-chosen-id-1' }).catch((e: unknown) => e)
      expect(isSessionKitError(error, 'CONFLICT')).toBe(true)
    })

    it('getOrCreate keeps a live session, and gives a fresh server id for unknown, expired or invalid ids', async () => {
      const { kit, clock } = await makeKit(fixture, { ttl: { idleMs: 10 * MIN } })
      const first = await kit.getOrCreate(undefined)
      expect(first.created).toBe(true)
      const same = await kit.getOrCreate(first.session.id)
      expect(same).toMatchObject({ created: false })
      expect(same.session.id).toBe(first.session.id)
      const chosen = await kit.getOrCreate('client-cookie-value')
      expect(chosen).toMatchObject({ created: true })
      expect(chosen.session.id).not.toBe('client-cookie-value')
      expect(await kit.get('client-cookie-value')).toBeUndefined()
      clock.advance(11 * MIN)
      const revived = await kit.getOrCreate(first.session.id)
      expect(revived.created).toBe(true)
      expect(revived.session.id).not.toBe(first.session.id)
      const invalid = await kit.getOrCreate('no good!')
      expect(invalid.created).toBe(true)
      expect(invalid.session.id).not.toBe('no good!')
    })

    it('getOrCreate with adopt makes an unknown id under that id, but never one issued before', async () => {
      const { kit, clock } = await makeKit(fixture, { ttl: { idleMs: 10 * MIN, absoluteMs: 60 * MIN } })
      const adopted = await kit.getOrCreate('gateway-signed-id-1', { adopt: true })
      expect(adopted).toMatchObject({ created: true, session: { id: 'gateway-signed-id-1' } })
      expect((await kit.getOrCreate('gateway-signed-id-1', { adopt: true })).created).toBe(false)
      clock.advance(11 * MIN)
      const after = await kit.getOrCreate('gateway-signed-id-1', { adopt: true })
      expect(after.created).toBe(true)
      expect(after.session.id).not.toBe('gateway-signed-id-1')
      clock.advance(50 * MIN)
      const later = await kit.getOrCreate('gateway-signed-id-1', { adopt: true })
      expect(later.session.id).toBe('gateway-signed-id-1')
    })

    it('stats() counts creations, ends and lookups, and active sessions from the store', async () => {
      const { kit } = await makeKit(fixture)
      const a = await kit.create({ userId: 'u1' })
      await kit.create()
      await kit.get(a.id, { userId: 'u1' })
      await kit.get('missing-session-id')
      await a.end()
      expect(await kit.stats()).toEqual({
        active: 1,
        created: 2,
        ended: 1,
        expired: 0,
        evicted: 0,
        rotated: 0,
        lookups: { hits: 1, misses: 1, hitRate: 0.5 },
        summaries: { calls: 0, failures: 0, timeouts: 0 },
      })
    })

    it('emits created and ended events; a listener that throws does not break the kit', async () => {
      const { kit } = await makeKit(fixture)
      const seen: string[] = []
      kit.on('created', () => {
        throw new Error('listener bug')
      })
      const off = kit.on('created', (e) => seen.push(`created ${e.userId}`))
      kit.on('ended', (e) => seen.push(`ended ${e.reason}`))
      const s = await kit.create({ userId: 'u1' })
      off()
      await kit.create()
      await s.end()
      expect(seen).toEqual(['created u1', 'ended ended'])
    })
  })
})

describe('kit.get on a store that answers now (metaNow)', () => {
  it('reads the header without meta, and a store failure is still a rejected promise, never a throw', async () => {
    const store = createMemoryStore()
    let metaCalls = 0
    const counted = new Proxy(store, {
      get(target, property) {
        if (property === 'meta') metaCalls++
        return Reflect.get(target, property, target)
      },
    })
    const kit = createSessionKit({ store: counted })
    const s = await kit.create({ userId: 'u1' })
    metaCalls = 0
    expect((await kit.get(s.id, { userId: 'u1' }))?.userId).toBe('u1')
    await expect(kit.get(s.id)).rejects.toMatchObject({ code: 'FORBIDDEN' })
    expect(metaCalls).toBe(0)
    await store.close()
    let thrown = false
    const pending = (() => {
      try {
        return kit.get(s.id)
      } catch {
        thrown = true
        return undefined
      }
    })()
    expect(thrown).toBe(false)
    await expect(pending).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
    await kit.close()
  })
})

describe('kit options', () => {
  it('ttl.absoluteMs below the default idle time is taken: the session ends at its absolute end', async () => {
    const clock = createManualClock(Date.parse('2026-01-01T00:00:00Z'))
    const kit = createSessionKit({ clock, ttl: { absoluteMs: 10 * 60_000 } })
    const s = await kit.create()
    expect((await s.info())?.expiresAt).toBe(clock.now() + 10 * 60_000)
    clock.advance(10 * 60_000)
    expect(await kit.get(s.id)).toBeUndefined()
    const error = (() => {
      try {
        createSessionKit({ ttl: { idleMs: 60_000, absoluteMs: 1000 } })
      } catch (e) {
        return e as Error
      }
    })()
    expect(error?.message).toContain('could never apply')
    await kit.close()
  })

  it('are checked once, with INVALID_CONFIG naming the option', () => {
    const bad = [
      [{ ttl: { idleMs: -1 } }, 'ttl.idleMs'],
      [{ ttl: { idleMs: 60_000, absoluteMs: 1000 } }, 'ttl.absoluteMs'],
      [{ concurrency: { queueTimeoutMs: 0 } }, 'concurrency.queueTimeoutMs'],
      [{ cart: { maxLines: 0 } }, 'cart.maxLines'],
      [{ cart: { maxLines: 10_000, maxQuantity: 1_000_000 } }, 'cart.maxUnitPrice'],
      [{ state: { initial: { at: new Date() } } }, 'state.initial'],
      [{ preferences: { schema: { parse() {} } } }, 'preferences.schema'],
      [{ store: {} }, 'store'],
      [{ tll: {} }, 'options'],
    ] as const
    for (const [options, option] of bad) {
      const error = (() => {
        try {
          createSessionKit(options as never)
        } catch (e) {
          return e
        }
      })()
      expect(isSessionKitError(error, 'INVALID_CONFIG'), JSON.stringify(options)).toBe(true)
      expect((error as Error).message).toContain(option === 'options' ? 'tll' : option)
    }
  })
})
