import { describe, expect, it } from 'vitest'
import type { SessionKitOptions } from '../../src/kit/options.js'
import { createSessionKit } from '../../src/kit.js'
import { LOST_RACE, retryOnConflict } from '../../src/profile/cas.js'
import type { SessionStore } from '../../src/store/contract.js'
import { createMemoryStore } from '../../src/store/memory.js'

const quick = { maxRetries: 5, maxBackoffMs: 1 }

describe('retryOnConflict', () => {
  it('returns the first result, after as many lost races as it took', async () => {
    let attempts = 0
    const value = await retryOnConflict(quick, 'state of s1', async () =>
      ++attempts < 4 ? LOST_RACE : 'won',
    )
    expect(value).toBe('won')
    expect(attempts).toBe(4)
  })

  it('counts undefined, null and 0 as results: only LOST_RACE is a lost race', async () => {
    expect(await retryOnConflict(quick, 'x', async () => undefined)).toBeUndefined()
    expect(await retryOnConflict(quick, 'x', async () => null)).toBeNull()
    expect(await retryOnConflict(quick, 'x', async () => 0)).toBe(0)
  })

  it('throws CONFLICT naming what changed after maxRetries + 1 attempts', async () => {
    let attempts = 0
    const error = await retryOnConflict(quick, 'cart of session s1', async () => {
      attempts++
      return LOST_RACE
    }).catch((e: unknown) => e)
    expect(attempts).toBe(6)
    expect(error).toMatchObject({ code: 'CONFLICT', details: { attempts: 6 } })
    expect(String(error)).toContain('cart of session s1 changed under 6 attempts')
  })

  it('passes an error from an attempt through without retrying', async () => {
    let attempts = 0
    const error = await retryOnConflict(quick, 'x', async () => {
      attempts++
      throw new Error('boom')
    }).catch((e: unknown) => e)
    expect(attempts).toBe(1)
    expect(error).toMatchObject({ message: 'boom' })
  })
})

// A store on which another process wins the first `losses` races on the cart: right after each of
// the cart's reads, a write bumps the cart's version.
function contendedStore(losses: number): SessionStore {
  const store = createMemoryStore()
  let left = losses
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key !== 'getMap') return Reflect.get(target, key, receiver)
      return async (...args: Parameters<SessionStore['getMap']>) => {
        const read = await target.getMap(...args)
        if (args[1] === 'cart' && left-- > 0)
          await target.updateMap(args[0], 'cart', { set: { other: left } })
        return read
      }
    },
  })
}

describe('compare-and-set under contention', () => {
  const line = { sku: 'A-1', name: 'Shirt', unitPrice: 25_00 }

  // A kit whose store loses `losses` races on the cart, and a session with `line` in its cart.
  async function cartUnderContention(losses: number, concurrency: SessionKitOptions['concurrency']) {
    const kit = createSessionKit({ store: contendedStore(losses), concurrency })
    const s = await kit.create()
    await s.cart.add(line)
    return { kit, s }
  }

  it('cart.setQuantity re-reads and retries when another writer changed the cart', async () => {
    const { kit, s } = await cartUnderContention(3, { maxRetries: 5, maxBackoffMs: 1 })
    expect(await s.cart.setQuantity('A-1', 7)).toMatchObject({ quantity: 7 })
    expect((await s.cart.list()).map((l) => l.quantity)).toEqual([7])
    await kit.close()
  })

  it('cart.setQuantity gives up with CONFLICT, the line unchanged, when it loses every race', async () => {
    const { kit, s } = await cartUnderContention(1000, { maxRetries: 2, maxBackoffMs: 1 })
    await expect(s.cart.setQuantity('A-1', 0)).rejects.toMatchObject({ code: 'CONFLICT' })
    expect((await s.cart.list()).map((l) => l.quantity)).toEqual([1])
    await kit.close()
  })

  it('retries 100 times by default, so a few lost races never surface', async () => {
    const { kit, s } = await cartUnderContention(20, { maxBackoffMs: 0 })
    expect(await s.cart.setQuantity('A-1', 2)).toMatchObject({ quantity: 2 })
    await kit.close()
  })
})
