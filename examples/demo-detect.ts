import { createManualClock } from '../src/clock.js'
import { type ChatMessage, createDetector, type Detection } from '../src/detect/index.js'
import { startGateway } from './gateway.js'

const user = (content: string): ChatMessage => ({ role: 'user', content })
const assistant = (content: string): ChatMessage => ({ role: 'assistant', content })

/**
 * Walks through session detection for a stateless gateway: first turns, continuations, retries,
 * identical openings, forks, dropped history (fuzzy), reset phrases, tenants, explicit ids,
 * metrics, then the HTTP gateway example.
 */
export async function demoDetect(log: (line: string) => void): Promise<void> {
  const clock = createManualClock(Date.parse('2026-01-01T09:00:00Z'))
  const detector = createDetector({ clock })
  const ids = new Map<string, string>()
  const name = (id: string) => {
    if (!ids.has(id)) ids.set(id, `S${ids.size + 1}`)
    return ids.get(id)!
  }
  const show = (what: string, d: Detection) =>
    log(
      `  ${what.padEnd(44)} -> ${d.kind.padEnd(10)} ${name(d.sessionId)} branch ${d.branchId}` +
        (d.kind === 'fuzzy' ? ` similarity ${d.similarity.toFixed(2)}` : '') +
        (d.previousSessionId !== undefined ? ` (left ${name(d.previousSessionId)})` : '') +
        (d.systemChanged ? ' (system prompt changed)' : ''),
    )
  const turn = (what: string, messages: ChatMessage[], reply?: string, tenant = 'acme') => {
    const d = detector.detect({ messages, tenant })
    show(what, d)
    if (reply !== undefined) detector.bindReply(d, assistant(reply))
    clock.advance(20_000)
    return d
  }

  const sys = (t: string): ChatMessage => ({ role: 'system', content: `You are a travel agent. Now: ${t}.` })
  const a: ChatMessage[] = [sys('2026-01-01T09:00:00Z'), user('Hello')]
  turn('user A: "Hello"', a, 'Hi! Where would you like to go?')
  turn('user B: "Hello" (same words)', [sys('2026-01-01T09:00:20Z'), user('Hello')], 'Hello! How can I help?')
  a.push(assistant('Hi! Where would you like to go?'), user('Lisbon in May'))
  a[0] = sys('2026-01-01T09:00:40Z')
  turn('user A: next turn (new timestamp in system)', a, 'Found 3 flights to Lisbon.')
  turn('user A: the same request again', a)
  const edited = [...a.slice(0, 3), user('Porto in May')]
  turn('user A: edits the last message', edited, 'Found 2 flights to Porto.')
  const long = [...edited, assistant('Found 2 flights to Porto.'), user('The cheaper one')]
  turn('user A: continues the edit', long, 'Booked: TP 1942.')
  turn('user A: client drops its oldest messages', [
    long[0]!,
    ...long.slice(3),
    assistant('Booked: TP 1942.'),
    user('Thanks!'),
  ])
  turn('user A: "Start over. Hotels in Rome?"', [
    ...long,
    assistant('Booked: TP 1942.'),
    user('Start over. Hotels in Rome?'),
  ])
  turn('tenant globex: "Hello"', [user('Hello')], undefined, 'globex')
  const e1 = detector.detect({ messages: [user('anything')], tenant: 'acme', explicitId: 'order-1234-chat' })
  show('explicit id "order-1234-chat" (acme)', e1)
  const e2 = detector.detect({
    messages: [user('anything')],
    tenant: 'globex',
    explicitId: 'order-1234-chat',
  })
  show('explicit id "order-1234-chat" (globex)', e2)

  const m = detector.stats()
  log(
    `  metrics: ${m.active} active, ${m.totalCreated} created, hit rate ${m.hitRate.toFixed(2)}, ` +
      `kinds ${JSON.stringify(m.byKind)}, longest ${m.longestSession} messages, ${m.bytesHashed} characters hashed`,
  )

  const gw = await startGateway()
  try {
    const post = async (messages: ChatMessage[]) => {
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer demo-key' },
        body: JSON.stringify({ model: 'stand-in', messages }),
      })
      const json = (await res.json()) as { choices: { message: ChatMessage }[] }
      return {
        id: res.headers.get('x-session-id')!,
        kind: res.headers.get('x-session-kind')!,
        reply: json.choices[0]!.message,
      }
    }
    const first = await post([user('Hi gateway')])
    const second = await post([user('Hi gateway'), first.reply, user('And again')])
    log(`  gateway over HTTP: ${first.kind} ${name(first.id)}, then ${second.kind} ${name(second.id)}`)
  } finally {
    await gw.close()
  }
}
