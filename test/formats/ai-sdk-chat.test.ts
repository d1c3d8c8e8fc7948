import { describe, expect, it } from 'vitest'
import { chatTurn, standInModel } from '../../examples/ai-sdk-chat.js'
import { createSessionKit } from '../../src/index.js'

const drain = async (turn: AsyncGenerator<string>) => {
  let text = ''
  for await (const chunk of turn) text += chunk
  return text
}

describe('examples/ai-sdk-chat.ts: streamText with history from a session', () => {
  it('sends the stored history with its signed reasoning, and appends the answer on finish', async () => {
    const kit = createSessionKit()
    const session = await kit.create({ userId: 'u1' })
    expect(await drain(chatTurn(session, standInModel('Yes.'), 'Is the blue tee in stock?', 'r1'))).toBe(
      'Yes.',
    )

    const second = standInModel('In M too.')
    expect(await drain(chatTurn(session, second, 'And in size M?', 'r2'))).toBe('In M too.')
    const prompt = second.doStreamCalls[0]!.prompt
    expect(prompt.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user'])
    expect(prompt[2]!.content).toEqual([
      expect.objectContaining({
        type: 'reasoning',
        text: 'The user asks about stock; answer briefly.',
        providerOptions: { anthropic: { signature: 'sig-4' } },
      }),
      expect.objectContaining({ type: 'text', text: 'Yes.' }),
    ])

    // A retried request stores nothing twice.
    await drain(chatTurn(session, standInModel('In M too.'), 'And in size M?', 'r2'))
    const { messages } = await session.history.list()
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant'])
    expect(messages[3]!.content).toEqual([
      { type: 'reasoning', text: 'The user asks about stock; answer briefly.', signature: 'sig-9' },
      { type: 'text', text: 'In M too.' },
    ])
    expect((await session.history.stats()).averageChars).toBeLessThan(30)
    await kit.close()
  })
})
