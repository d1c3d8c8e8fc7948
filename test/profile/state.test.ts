import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { makeKit } from '../helpers/kit.js'
import { forEachStore } from '../helpers/stores.js'

const State = z.object({
  phase: z.enum(['discovery', 'evaluation', 'negotiation', 'closing']),
  engagement: z.number().int().min(0),
  filters: z.record(z.string(), z.string()).default({}),
})
type State = z.infer<typeof State>

forEachStore((fixture) => {
  describe('typed state', () => {
    it('get returns the initial value, replace and update store validated state', async () => {
      const initial: State = { phase: 'discovery', engagement: 0, filters: {} }
      const { kit } = await makeKit<Record<string, never>, State>(fixture, {
        state: { schema: State, initial },
      })
      const s = await kit.create()
      expect(await s.state.get()).toEqual(initial)
      await s.state.update((st) => ({ ...(st ?? initial), engagement: (st?.engagement ?? 0) + 1 }))
      await s.state.update((st) => ({ ...(st ?? initial), phase: 'negotiation' }))
      expect(await s.state.get()).toEqual({ phase: 'negotiation', engagement: 1, filters: {} })
    })

    it('an update that produces invalid state throws INVALID_ARGUMENT and stores nothing', async () => {
      const { kit } = await makeKit(fixture, { state: { schema: State } })
      const s = await kit.create()
      await s.state.replace({ phase: 'discovery', engagement: 2, filters: {} })
      await expect(s.state.update(() => ({ phase: 'lost', engagement: 2 }) as never)).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      })
      await expect(
        s.state.update(() => ({ phase: 'closing', engagement: -1 }) as never),
      ).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      })
      expect(await s.state.get()).toEqual({ phase: 'discovery', engagement: 2, filters: {} })
    })

    it('an updater gets a frozen value on every store; changing it is INVALID_ARGUMENT, not a TypeError', async () => {
      const { kit } = await makeKit<Record<string, never>, { count: number; tags: string[] }>(fixture, {
        state: { initial: { count: 0, tags: [] } },
      })
      const s = await kit.create()
      const error = await s.state
        .update((st) => {
          st!.count++
          return st!
        })
        .catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', name: 'SessionKitError' })
      expect((error as Error).message).toContain('return a new value')
      await s.state.replace({ count: 1, tags: ['a'] })
      let frozen = false
      const nested = await s.state
        .update((st) => {
          frozen = Object.isFrozen(st) && Object.isFrozen(st?.tags)
          st!.tags.push('b')
          return st!
        })
        .catch((e: unknown) => e)
      expect(frozen).toBe(true)
      expect(nested).toMatchObject({ code: 'INVALID_ARGUMENT' })
      expect(await s.state.get()).toEqual({ count: 1, tags: ['a'] })
      expect(await s.state.update((st) => ({ ...st!, count: st!.count + 1 }))).toEqual({
        count: 2,
        tags: ['a'],
      })
    })

    it('an update function that throws leaves the state as it was', async () => {
      const { kit } = await makeKit(fixture)
      const s = await kit.create()
      await s.state.replace(1)
      await expect(
        s.state.update(() => {
          throw new Error('boom')
        }),
      ).rejects.toThrow('boom')
      expect(await s.state.get()).toBe(1)
    })

    it('1,000 concurrent update(n => n + 1) end at 1,000', async () => {
      // They queue behind each other: the queue bound is raised so a slow machine cannot fail the
      // test (the bound itself is tested in test/util/keyed-queue.test.ts).
      const { kit } = await makeKit<Record<string, never>, number>(fixture, {
        state: { initial: 0 },
        concurrency: { queueTimeoutMs: 120_000 },
      })
      const s = await kit.create()
      await Promise.all(Array.from({ length: 1000 }, () => s.state.update((n) => (n ?? 0) + 1)))
      expect(await s.state.get()).toBe(1000)
    })

    it('two handles on one session (two requests) never lose an update', async () => {
      const { kit } = await makeKit<Record<string, never>, number>(fixture, {
        state: { initial: 0 },
        concurrency: { queueTimeoutMs: 120_000 },
      })
      const s = await kit.create()
      const other = await kit.get(s.id)
      await Promise.all(
        Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? s : other)?.state.update((n) => (n ?? 0) + 1)),
      )
      expect(await s.state.get()).toBe(200)
    })

    it('gives up with CONFLICT after maxRetries when another writer always wins', async () => {
      const { kit } = await makeKit<Record<string, never>, number>(fixture, {
        state: { initial: 0 },
        concurrency: { maxRetries: 2, maxBackoffMs: 1 },
      })
      const s = await kit.create()
      let calls = 0
      const error = await s.state
        .update(async (n) => {
          calls++
          // A writer in another process, simulated by a direct store write between read and CAS.
          await kit.store.setValue(s.id, 'state', calls * 100)
          return (n ?? 0) + 1
        })
        .catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'CONFLICT' })
      expect(calls).toBe(3)
      expect(await s.state.get()).toBe(300)
    })
  })
})
