import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { makeKit } from '../helpers/kit.js'
import { forEachStore } from '../helpers/stores.js'

const Preferences = z.object({
  budget: z
    .object({ min: z.number().int().min(0), max: z.number().int().min(0) })
    .partial()
    .optional(),
  brands: z.array(z.string()).max(10).optional(),
  device: z.enum(['smartphone', 'laptop', 'tablet']).optional(),
})

forEachStore((fixture) => {
  describe('preferences', () => {
    it('patch deep-merges objects, replaces arrays, and null removes a key', async () => {
      const { kit } = await makeKit(fixture, { preferences: { schema: Preferences } })
      const s = await kit.create()
      expect(await s.preferences.get()).toBeUndefined()
      await s.preferences.patch({ budget: { min: 500 }, brands: ['Apple', 'Samsung'] })
      await s.preferences.patch({ budget: { max: 1000 }, brands: ['Google'] })
      expect(await s.preferences.get()).toEqual({ budget: { min: 500, max: 1000 }, brands: ['Google'] })
      await s.preferences.patch({ brands: null })
      expect(await s.preferences.get()).toEqual({ budget: { min: 500, max: 1000 } })
    })

    it('an invalid value throws INVALID_ARGUMENT with the schema issues, and the stored value stays', async () => {
      const { kit } = await makeKit(fixture, { preferences: { schema: Preferences } })
      const s = await kit.create()
      await s.preferences.replace({ device: 'laptop' })
      const error = await s.preferences.patch({ device: 'toaster' as never }).catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' })
      expect((error as { details: { issues: { path: string }[] } }).details.issues[0]?.path).toBe('device')
      await expect(s.preferences.replace({ budget: { min: -5 } })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      })
      expect(await s.preferences.get()).toEqual({ device: 'laptop' })
    })

    it('refuses a prototype-pollution attempt and leaves nothing polluted', async () => {
      const { kit } = await makeKit(fixture)
      const s = await kit.create()
      await s.preferences.replace({ theme: 'dark' })
      const hostile = JSON.parse('{"__proto__": {"polluted": true}, "theme": "light"}')
      await expect(s.preferences.patch(hostile)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
      await expect(s.preferences.replace(hostile)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
      const nested = JSON.parse('{"a": {"constructor": {"prototype": {"polluted": true}}}}')
      await expect(s.preferences.patch(nested)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
      expect(({} as { polluted?: boolean }).polluted).toBeUndefined()
      expect(await s.preferences.get()).toEqual({ theme: 'dark' })
    })

    it('refuses non-objects and values over maxBytes', async () => {
      const { kit } = await makeKit(fixture, { preferences: { maxBytes: 100 } })
      const s = await kit.create()
      await expect(s.preferences.replace([1, 2] as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
      await expect(s.preferences.patch({ note: 'x'.repeat(200) })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      })
      await expect(s.preferences.replace({ at: new Date() } as never)).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      })
    })

    it('concurrent patches of different keys all land', async () => {
      const { kit } = await makeKit(fixture)
      const s = await kit.create()
      await Promise.all(Array.from({ length: 50 }, (_, i) => s.preferences.patch({ [`k${i}`]: i })))
      expect(Object.keys((await s.preferences.get()) ?? {})).toHaveLength(50)
    })

    it('clear removes them', async () => {
      const { kit } = await makeKit(fixture)
      const s = await kit.create()
      await s.preferences.replace({ a: 1 })
      await s.preferences.clear()
      expect(await s.preferences.get()).toBeUndefined()
    })
  })
})
