// Seeded text and message shapes for the corpus: OpenAI- and Anthropic-style replies, tool calls,
// and the way clients echo an answer back (string or text part, CRLF, reordered argument keys).
import type { ChatMessage } from '../../src/detect/index.js'
import type { Rng } from '../helpers/rng.js'

const WORDS = (
  'order price stock flight hotel weather code review test build deploy cache index query answer ' +
  'invoice refund shipping size colour blue red green cotton leather budget plan trip rome paris ' +
  'lisbon train bus ticket seat window aisle meal vegan receipt account password email phone card ' +
  'delivery tomorrow today week month return exchange warranty repair battery screen laptop phone ' +
  'function class module error stack trace bug fix patch merge branch commit release version'
).split(' ')

function words(r: Rng, min: number, max: number): string {
  const n = min + Math.floor(r() * (max - min + 1))
  const out: string[] = []
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(r() * WORDS.length)]!)
  return out.join(' ')
}

// Reverses key order at every depth: what a client's re-serialisation may do to tool arguments.
function reorder(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reorder)
  if (typeof v !== 'object' || v === null) return v
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(v).reverse()) out[k] = reorder((v as Record<string, unknown>)[k])
  return out
}

/** Text and message makers for one conversation (ids and counters are per conversation). */
export function conversationText(r: Rng, conversation: number) {
  let serial = 0
  const uid = () => `${conversation}-${serial++}`
  return {
    user: () => `${words(r, 2, 20)} #${uid()}`,

    reply(anthropic: boolean): ChatMessage {
      const text = `${words(r, 8, 60)}. Ref ${uid()}.`
      return anthropic
        ? { role: 'assistant', content: [{ type: 'text', text }] }
        : { role: 'assistant', content: text, refusal: null, annotations: [] }
    },

    toolCall(anthropic: boolean): ChatMessage {
      const input = {
        query: words(r, 1, 4),
        limit: 1 + Math.floor(r() * 20),
        filters: { inStock: true, maxPrice: 99 },
      }
      const id = `call_${uid()}`
      return anthropic
        ? {
            role: 'assistant',
            content: [
              { type: 'text', text: 'Let me look that up.' },
              { type: 'tool_use', id, name: 'search', input },
            ],
          }
        : {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: [
              { id, type: 'function', function: { name: 'search', arguments: JSON.stringify(input) } },
            ],
          }
    },

    /** The reply as the client sends it back next turn. */
    echo(reply: ChatMessage, anthropic: boolean): ChatMessage {
      const c = reply.content
      if (anthropic) {
        const parts = c as { type: string; text?: string; input?: unknown }[]
        if (parts.length === 1 && r() < 0.5) return { role: 'assistant', content: parts[0]!.text }
        return {
          role: 'assistant',
          content: parts.map((p) => (p.input === undefined ? p : { ...p, input: reorder(p.input) })),
        }
      }
      const calls = reply.tool_calls as
        | { id: string; type: string; function: { name: string; arguments: string } }[]
        | undefined
      if (calls !== undefined) {
        const echoed = calls.map((call) => ({
          id: call.id,
          type: call.type,
          function: {
            name: call.function.name,
            arguments: JSON.stringify(reorder(JSON.parse(call.function.arguments)), null, 1),
          },
        }))
        return { role: 'assistant', content: null, tool_calls: echoed }
      }
      const x = r()
      const text = c as string
      if (x < 0.2) return { role: 'assistant', content: [{ type: 'text', text }] }
      if (x < 0.3) return { role: 'assistant', content: `${text}\r\n` }
      return { role: 'assistant', content: text }
    },

    toolResult(call: ChatMessage, anthropic: boolean): ChatMessage {
      const result = `${1 + Math.floor(r() * 9)} results: ${words(r, 3, 12)}`
      if (anthropic) {
        const use = (call.content as { type: string; id?: string }[]).find((p) => p.type === 'tool_use')!
        return { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: result }] }
      }
      const id = (call.tool_calls as { id: string }[])[0]!.id
      return { role: 'tool', tool_call_id: id, content: result }
    },
  }
}
