import { describe, expect, it } from 'vitest'
import { makeKit, T0 } from '../helpers/kit.js'
import { forEachStore } from '../helpers/stores.js'

const iphone = { sku: 'IPH15PRO-256', name: 'iPhone 15 Pro', unitPrice: 999_00, category: 'smartphone' }
const case_ = { sku: 'CASE-1', name: 'Case', unitPrice: 19_99 }

forEachStore((fixture) => {
  describe('cart', () => {
    it('adds lines keyed by SKU, merging quantities, and totals in minor units', async () => {
      const { kit, clock } = await makeKit(fixture)
      const s = await kit.create()
      await s.cart.add(iphone)
      clock.advance(1000)
      await s.cart.add({ ...case_, quantity: 2 })
      const merged = await s.cart.add({ ...iphone, quantity: 2 })
      expect(merged).toMatchObject({ sku: iphone.sku, quantity: 3, lineTotal: 2997_00, addedAt: T0 })
      const lines = await s.cart.list()
      expect(lines.map((l) => [l.sku, l.quantity, l.addedAt])).toEqual([
        [iphone.sku, 3, T0],
        [case_.sku, 2, T0 + 1000],
      ])
      expect(await s.cart.totals()).toEqual({ lines: 2, quantity: 5, subtotal: 3036_98, currency: 'USD' })
    })

    it('has no floating-point drift: 0.10 + 0.20 is 30 minor units', async () => {
      const { kit } = await makeKit(fixture)
      const s = await kit.create()
      await s.cart.add({ sku: 'A', name: 'a', unitPrice: 10 })
      await s.cart.add({ sku: 'B', name: 'b', unitPrice: 20 })
      expect((await s.cart.totals()).subtotal).toBe(30)
    })

    it('setQuantity changes a line, 0 removes it, unknown SKU is NOT_FOUND; remove and clear', async () => {
      const { kit } = await makeKit(fixture)
      const s = await kit.create()
      await s.cart.add(iphone)
      await s.cart.add(case_)
      expect(await s.cart.setQuantity(iphone.sku, 4)).toMatchObject({ quantity: 4 })
      expect(await s.cart.setQuantity(case_.sku, 0)).toBeUndefined()
      await expect(s.cart.setQuantity('NOPE', 1)).rejects.toMatchObject({ code: 'NOT_FOUND' })
      expect((await s.cart.list()).map((l) => l.sku)).toEqual([iphone.sku])
      expect(await s.cart.remove(iphone.sku)).toBe(true)
      expect(await s.cart.remove(iphone.sku)).toBe(false)
      await s.cart.add(case_)
      await s.cart.clear()
      expect(await s.cart.totals()).toEqual({ lines: 0, quantity: 0, subtotal: 0, currency: 'USD' })
    })

    it('validates every line and leaves the cart unchanged on bad input', async () => {
      const { kit } = await makeKit(fixture)
      const s = await kit.create()
      await s.cart.add(case_)
      const bad = [
        { ...iphone, unitPrice: 999.99 },
        { ...iphone, unitPrice: -1 },
        { ...iphone, sku: '' },
        { ...iphone, sku: 'has space' },
        { ...iphone, quantity: 0 },
        { ...iphone, quantity: 1.5 },
        { ...iphone, name: '' },
        { ...iphone, extra: 1 },
        { ...iphone, metadata: JSON.parse('{"__proto__": {"x": 1}}') },
      ]
      for (const line of bad) {
        await expect(s.cart.add(line as never), JSON.stringify(line)).rejects.toMatchObject({
          code: 'INVALID_ARGUMENT',
        })
      }
      expect(await s.cart.totals()).toMatchObject({ lines: 1, quantity: 1 })
    })

    it('enforces maxLines and maxQuantity with LIMIT_EXCEEDED, changing nothing', async () => {
      const { kit } = await makeKit(fixture, { cart: { maxLines: 2, maxQuantity: 5 } })
      const s = await kit.create()
      await s.cart.add({ ...iphone, quantity: 4 })
      await s.cart.add(case_)
      await expect(s.cart.add({ sku: 'THIRD', name: 't', unitPrice: 1 })).rejects.toMatchObject({
        code: 'LIMIT_EXCEEDED',
        details: { limit: 'cart.maxLines' },
      })
      await expect(s.cart.add({ ...iphone, quantity: 2 })).rejects.toMatchObject({
        code: 'LIMIT_EXCEEDED',
        details: { limit: 'cart.maxQuantity' },
      })
      await expect(s.cart.add({ ...iphone, quantity: 6 })).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' })
      expect(await s.cart.totals()).toMatchObject({ lines: 2, quantity: 5 })
    })

    it('money stays exact: a price over maxUnitPrice is LIMIT_EXCEEDED, the largest cart totals exactly', async () => {
      const { kit } = await makeKit(fixture, {
        cart: { maxLines: 3, maxQuantity: 1_000_000, maxUnitPrice: 3_002_399_751 },
      })
      const s = await kit.create()
      await expect(s.cart.add({ ...iphone, unitPrice: 3_002_399_752 })).rejects.toMatchObject({
        code: 'LIMIT_EXCEEDED',
        details: { limit: 'cart.maxUnitPrice' },
      })
      for (const sku of ['A', 'B', 'C']) {
        await s.cart.add({ sku, name: sku, unitPrice: 3_002_399_751, quantity: 1_000_000 })
      }
      const totals = await s.cart.totals()
      expect(totals.subtotal).toBe(9_007_199_253_000_000)
      expect(Number.isSafeInteger(totals.subtotal)).toBe(true)
    })

    it('lines stored under wider limits never give an inexact total: LIMIT_EXCEEDED instead', async () => {
      const { kit } = await makeKit(fixture)
      const s = await kit.create()
      // What an older configuration could have stored: two lines whose sum passes 2^53 - 1.
      const line = (sku: string) => ({ sku, name: sku, unitPrice: 4_503_599_627_370_496 })
      await kit.store.updateMap(s.id, 'cart', {
        set: { 'l:A': line('A'), 'q:A': 1, 't:A': 1, 'l:B': line('B'), 'q:B': 1, 't:B': 2 },
      })
      await expect(s.cart.totals()).rejects.toMatchObject({
        code: 'LIMIT_EXCEEDED',
        details: { limit: 'cart.total' },
      })
    })

    it('1,000 concurrent adds of one SKU with quantity 1 end at quantity 1,000', async () => {
      const { kit } = await makeKit(fixture, { cart: { maxQuantity: 5000 } })
      const s = await kit.create()
      await Promise.all(Array.from({ length: 1000 }, () => s.cart.add({ ...case_, quantity: 1 })))
      expect(await s.cart.list()).toMatchObject([{ sku: case_.sku, quantity: 1000 }])
    })
  })
})
