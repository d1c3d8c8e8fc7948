import parsePrometheusTextFormat from 'parse-prometheus-text-format'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Gateway, startGateway } from '../../examples/gateway.js'
import { seedShapedMetrics } from '../helpers/gateway-metrics.js'

let gw: Gateway

beforeAll(async () => {
  gw = await startGateway()
})
afterAll(async () => {
  await gw.close()
})

interface Turn {
  readonly status: number
  readonly id: string | null
  readonly kind: string | null
  readonly reply: { role: string; content: string } | undefined
}

async function chat(messages: unknown[], headers: Record<string, string> = {}): Promise<Turn> {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer key-A', ...headers },
    body: JSON.stringify({ model: 'stand-in', messages }),
  })
  const json = (await res.json()) as { choices?: { message: { role: string; content: string } }[] }
  return {
    status: res.status,
    id: res.headers.get('x-session-id'),
    kind: res.headers.get('x-session-kind'),
    reply: json.choices?.[0]?.message,
  }
}

describe('examples/gateway.ts over real HTTP', () => {
  it('tags each turn of a conversation with its session', async () => {
    const sys = { role: 'system', content: 'You are helpful.' }
    const t1 = await chat([sys, { role: 'user', content: 'Hello' }])
    expect(t1).toMatchObject({ status: 200, kind: 'new' })
    expect(t1.id).toMatch(/^[A-Za-z0-9_-]{22}$/)
    const h = [sys, { role: 'user', content: 'Hello' }, t1.reply, { role: 'user', content: 'Tell me more' }]
    const t2 = await chat(h)
    expect(t2).toMatchObject({ kind: 'continued', id: t1.id })
    // A client retry of the same request.
    expect(await chat(h)).toMatchObject({ kind: 'retry', id: t1.id })
    // Another user with the same opening, after the first was answered: a session of its own.
    const other = await chat([sys, { role: 'user', content: 'Hello' }], { authorization: 'Bearer key-A' })
    expect(other.kind).toBe('new')
    expect(other.id).not.toBe(t1.id)
  })

  it('never shares a session across API keys, and honours x-session-id per key', async () => {
    const a = await chat([{ role: 'user', content: 'Same words' }], { authorization: 'Bearer key-B' })
    const b = await chat([{ role: 'user', content: 'Same words' }], { authorization: 'Bearer key-C' })
    expect(a.id).not.toBe(b.id)
    const x1 = await chat([{ role: 'user', content: 'one' }], { 'x-session-id': 'order-1234' })
    const x2 = await chat([{ role: 'user', content: 'two' }], { 'x-session-id': 'order-1234' })
    const x3 = await chat([{ role: 'user', content: 'two' }], {
      'x-session-id': 'order-1234',
      authorization: 'Bearer key-B',
    })
    expect(x2).toMatchObject({ id: x1.id, kind: 'continued' })
    expect(x3.id).not.toBe(x1.id)
  })

  it('answers 400 to a request that is not a chat request, and serves metrics', async () => {
    const bad = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', body: '{"messages": []}' })
    expect(bad.status).toBe(400)
    const notJson = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', body: 'hello' })
    expect(notJson.status).toBe(400)
    const badId = await chat([{ role: 'user', content: 'x' }], { 'x-session-id': 'bad id' })
    expect(badId.status).toBe(400)
    // The shape the gateway's documentation promises (../shared/seeds), snake_case.
    const metrics = await seedShapedMetrics(gw.url)
    const stats = gw.detector.stats()
    expect(metrics.sessions).toMatchObject({
      active_count: stats.active,
      total_created: stats.totalCreated,
      fuzzy_matches: stats.byKind.fuzzy,
      longest_session: stats.longestSession,
    })
    // Hits over requests placed in a session (one malformed explicit id above was refused).
    const placed = Object.values(stats.byKind).reduce((a, b) => a + b, 0)
    const hits = placed - stats.byKind.new - stats.byKind.fragmented
    expect(metrics.sessions.cache_hit_rate).toBeCloseTo(hits / placed, 3)
    expect(metrics.sessions.average_session_length).toBeCloseTo(stats.averageSessionLength, 3)
    expect(metrics.performance.session_lookup_ms).toBeGreaterThan(0)
    expect(metrics.performance.hash_computation_ms).toBeGreaterThan(0)

    const prometheus = await fetch(`${gw.url}/metrics?format=prometheus`)
    expect(prometheus.headers.get('content-type')).toContain('text/plain; version=0.0.4')
    const families = parsePrometheusTextFormat(await prometheus.text())
    expect(
      families.find((f) => f.name === 'sessionkit_detector_sessions_created_total')?.metrics[0]?.value,
    ).toBe(String(stats.totalCreated))
    const json = (await (await fetch(`${gw.url}/metrics?format=json`)).json()) as Record<string, unknown>
    expect(json.sessionkit_detector_replies_bound_total).toBe(stats.repliesBound)
  })
})
