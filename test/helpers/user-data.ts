import type { SessionKit } from '../../src/kit.js'

/**
 * Gives `userId` everything a session can hold, on two devices: history with a stored summary,
 * preferences, cart, state, a cached answer, seen items at both levels; one session linked at login
 * from an anonymous one and one regenerated, so both carry ids that ended. Resolves every id the
 * user's sessions ever had (live and ended).
 */
export async function fillUser(
  kit: SessionKit,
  userId: string,
): Promise<{ live: string[]; ended: string[] }> {
  const anon = await kit.create({ deviceId: 'web' })
  await anon.cart.add({ sku: 'ANON-1', name: 'Mug', unitPrice: 900 })
  const web = await kit.link(anon.id, userId)
  const first = await kit.create({ userId, deviceId: 'phone' })
  const phone = await kit.regenerate(first.id, { userId })
  for (const session of [web, phone]) {
    for (let i = 0; i < 6; i++) {
      await session.history.append({ role: i % 2 ? 'assistant' : 'user', content: `${userId} message ${i}` })
    }
    await session.history.context({ maxTokens: 25, summarize: () => `${userId} wants a 2BHK` })
    await session.preferences.replace({ budget: { max: 1000 } })
    await session.cart.add({ sku: `${userId}-SKU`, name: 'Phone', unitPrice: 99_900 })
    await session.state.replace({ phase: 'negotiation' })
    await session.cache.set('what is a 2BHK?', { answer: 'two bedrooms, hall, kitchen' })
    await session.seen.mark(['tee-1', 'tee-2'])
  }
  return { live: [web.id, phone.id], ended: [anon.id, first.id] }
}

/** Concatenates a streamed export and parses it. */
export async function collect(chunks: AsyncIterable<string>): Promise<{ text: string; json: UserExport }> {
  let text = ''
  for await (const chunk of chunks) text += chunk
  return { text, json: JSON.parse(text) as UserExport }
}

/** The shape of `kit.users.export`, as far as the tests read it. */
export interface UserExport {
  readonly format: string
  readonly userId: string
  readonly user: { readonly parts: Record<string, { kind: string; entries?: unknown }> } | null
  readonly sessions: readonly {
    readonly session: string
    readonly userId: string
    readonly deviceId: string
    readonly parts: Record<string, { kind: string; value?: unknown; entries?: unknown }>
  }[]
}
