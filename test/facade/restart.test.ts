import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { createSessionKit } from '../../src/kit.js'
import { createMemoryStore } from '../../src/store/memory.js'
import { T0 } from '../helpers/kit.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function kitOn(path: string, clock = createManualClock(T0)) {
  return createSessionKit<{ theme: string }, { step: number }>({
    store: createMemoryStore({ clock, snapshot: { path, intervalMs: 0 } }),
  })
}

describe('a restart through the memory store snapshot', () => {
  it('keeps sessions with their preferences, cart, state, history and user listing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sessionkit-restart-'))
    dirs.push(dir)
    const path = join(dir, 'sessions.snap')
    const clock = createManualClock(T0)

    const before = kitOn(path, clock)
    const s = await before.create({ userId: 'u1', deviceId: 'web' })
    await s.preferences.replace({ theme: 'dark' })
    await s.cart.add({ sku: 'SKU-1', name: 'Mug', unitPrice: 900, quantity: 2 })
    await s.state.replace({ step: 3 })
    await s.history.append({ role: 'user', content: 'Any 2BHK in Whitefield?' })
    await before.close()

    clock.advance(60_000)
    const after = kitOn(path, clock)
    const restored = await after.get(s.id, { userId: 'u1' })
    expect(restored?.deviceId).toBe('web')
    expect(await restored?.preferences.get()).toEqual({ theme: 'dark' })
    expect(await restored?.cart.totals()).toMatchObject({ quantity: 2, subtotal: 1800 })
    expect(await restored?.state.get()).toEqual({ step: 3 })
    expect((await restored?.history.list())?.messages.map((m) => m.content)).toEqual([
      'Any 2BHK in Whitefield?',
    ])
    expect((await after.sessionsOf('u1')).map((i) => i.id)).toEqual([s.id])
    await after.close()
  })
})
