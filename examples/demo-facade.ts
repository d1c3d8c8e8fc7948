import { z } from 'zod'
import { createManualClock, createMemoryStore, createSessionKit } from '../src/index.js'

const Preferences = z.object({
  budget: z.object({ min: z.number().int(), max: z.number().int() }).partial().optional(),
  brands: z.array(z.string()).optional(),
})

/** Walks through the facade: lifecycle, users across devices, preferences, cart, typed state. */
export async function demoFacade(log: (line: string) => void): Promise<void> {
  const clock = createManualClock(Date.parse('2026-01-01T09:00:00Z'))
  const kit = createSessionKit<z.infer<typeof Preferences>, { phase: string; engagement: number }>({
    store: createMemoryStore({ clock }),
    ttl: { idleMs: 30 * 60_000 },
    preferences: { schema: Preferences },
    state: { initial: { phase: 'discovery', engagement: 0 } },
  })
  kit.on('created', (e) =>
    log(`  event: created ${e.sessionId.slice(0, 6)}... for ${e.userId ?? 'anonymous'}`),
  )

  const desktop = await kit.create({ userId: 'asha', deviceId: 'desktop' })
  await desktop.preferences.patch({ budget: { min: 500_00, max: 1000_00 }, brands: ['Apple'] })
  await desktop.preferences.patch({ brands: ['Apple', 'Samsung'] })
  log(`  preferences: ${JSON.stringify(await desktop.preferences.get())}`)
  try {
    await desktop.preferences.patch(JSON.parse('{"__proto__": {"admin": true}}'))
  } catch (error) {
    log(`  a __proto__ patch is refused: ${(error as Error).message}`)
  }

  await desktop.cart.add({ sku: 'IPH15PRO-256', name: 'iPhone 15 Pro', unitPrice: 999_00 })
  await desktop.cart.add({ sku: 'CASE-1', name: 'Case', unitPrice: 19_99, quantity: 2 })
  const totals = await desktop.cart.totals()
  log(
    `  cart: ${totals.lines} lines, ${totals.quantity} items, subtotal ${(totals.subtotal / 100).toFixed(2)} ${totals.currency}`,
  )

  await Promise.all(
    Array.from({ length: 100 }, () =>
      desktop.state.update((st) => ({ phase: 'evaluation', engagement: (st?.engagement ?? 0) + 1 })),
    ),
  )
  log(`  state after 100 concurrent updates: ${JSON.stringify(await desktop.state.get())}`)

  clock.advance(10 * 60_000)
  const phone = await kit.create({ userId: 'asha', deviceId: 'phone' })
  const devices = (await kit.sessionsOf('asha')).map((s) => s.deviceId)
  log(`  asha's sessions, newest activity first: ${devices.join(', ')}`)
  await phone.end()
  const resumed = await kit.resume('asha')
  log(
    `  resume on another device continues ${resumed?.deviceId} session with ${(await resumed?.cart.totals())?.quantity} items in the cart`,
  )

  clock.advance(31 * 60_000)
  log(`  after 31 idle minutes: ${(await kit.get(desktop.id)) === undefined ? 'expired' : 'still live'}`)
  log(`  stats: ${JSON.stringify(await kit.stats())}`)
  await kit.close()
}
