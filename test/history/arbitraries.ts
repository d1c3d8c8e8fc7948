import fc from 'fast-check'
import type { MessageInput } from '../../src/index.js'

const word = fc.constantFrom(
  'flat',
  'price',
  'Whitefield',
  'camera',
  'budget',
  'tee',
  'blue',
  'café',
  '東京',
  'ok',
  'rent',
)
const text = fc.array(word, { minLength: 1, maxLength: 40 }).map((w) => w.join(' '))

/** One step of a conversation; tool steps may lose results or gain stray ones, as real logs do. */
const step = fc.oneof(
  { weight: 4, arbitrary: text.map((t): MessageInput[] => [{ role: 'user', content: t }]) },
  { weight: 3, arbitrary: text.map((t): MessageInput[] => [{ role: 'assistant', content: t }]) },
  { weight: 1, arbitrary: text.map((t): MessageInput[] => [{ role: 'system', content: t }]) },
  {
    weight: 3,
    arbitrary: fc
      .record({
        calls: fc.integer({ min: 1, max: 3 }),
        answered: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        reversed: fc.boolean(),
        say: fc.option(text, { nil: undefined }),
        result: text,
        stray: fc.boolean(),
        tag: fc.integer({ min: 0, max: 1_000_000 }),
      })
      .map(({ calls, answered, reversed, say, result, stray, tag }): MessageInput[] => {
        const ids = Array.from({ length: calls }, (_, i) => `call_${tag}_${i}`)
        const head: MessageInput = {
          role: 'assistant',
          content: say ?? '',
          toolCalls: ids.map((id) => ({
            id,
            name: 'search_listings',
            arguments: { q: result.slice(0, 20) },
          })),
        }
        const results: MessageInput[] = ids
          .filter((_, i) => answered[i])
          .map((id) => ({ role: 'tool', toolCallId: id, content: result }))
        if (reversed) results.reverse()
        if (stray)
          results.push({ role: 'tool', toolCallId: `stray_${tag}`, content: `late result: ${result}` })
        return [head, ...results]
      }),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer()
      .map((n): MessageInput[] => [{ role: 'tool', toolCallId: `orphan_${n}`, content: 'x' }]),
  },
)

/** A random history of 0 to `max` steps, flattened to messages. */
export function history(max = 40): fc.Arbitrary<MessageInput[]> {
  return fc.array(step, { maxLength: max }).map((steps) => steps.flat())
}
