import { describe, expect, it } from 'vitest'
import { createDetector, type DetectorHash, sha256Hash } from '../../src/detect/index.js'
import { assistant, setup, turn, user } from './helpers.js'

describe('explicit session ids', () => {
  it('wins over content: different conversations with one explicit id share its session', () => {
    const { detector } = setup()
    const d1 = turn(detector, [user('Hello')], undefined, { explicitId: 'client-session-1' })
    const d2 = turn(detector, [user('Something else entirely')], undefined, {
      explicitId: 'client-session-1',
    })
    expect(d1).toMatchObject({ kind: 'new', explicit: true })
    expect(d2).toMatchObject({ kind: 'continued', explicit: true, sessionId: d1.sessionId, similarity: 1 })
    expect(detector.stats().explicit).toBe(2)
  })

  it('scopes an id by tenant: the same id from two tenants opens two sessions', () => {
    const { detector } = setup()
    const a = turn(detector, [user('Hi')], undefined, { explicitId: 'abc12345', tenant: 'acme' })
    const b = turn(detector, [user('Hi')], undefined, { explicitId: 'abc12345', tenant: 'globex' })
    expect(a.sessionId).not.toBe(b.sessionId)
    // An id that leaked from one tenant (a response header) opens nothing of it for another.
    const c = turn(detector, [user('Hi')], undefined, { explicitId: a.sessionId, tenant: 'globex' })
    expect([a.sessionId, b.sessionId]).not.toContain(c.sessionId)
    expect(turn(detector, [user('x')], undefined, { explicitId: 'abc12345', tenant: 'acme' }).sessionId).toBe(
      a.sessionId,
    )
  })

  // A tenant is hashed as UTF-8 (the key prefix, the derived id, the Redis index's hash tag),
  // where every lone surrogate reads as U+FFFD: two tenants differing only there would be one.
  it('refuses a tenant with a lone surrogate, so no two tenants hash alike', () => {
    const { detector } = setup()
    turn(detector, [user('Hi')], undefined, { explicitId: 'abc12345', tenant: 't\ufffd' })
    for (const tenant of ['t\ud800', 't\udc00', '\ud83d']) {
      for (const explicitId of ['abc12345', undefined]) {
        expect(() =>
          detector.detect({ messages: [user('Hi')], tenant, ...(explicitId ? { explicitId } : {}) }),
        ).toThrow(
          expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/tenant/) }),
        )
      }
    }
    expect(detector.size).toBe(1)
  })

  it('honours an id the detector gave the same tenant (a client echoing x-session-id)', () => {
    const { detector } = setup()
    const d1 = turn(detector, [user('Plan a trip')], assistant('Where to?'), { tenant: 'acme' })
    const d2 = turn(detector, [user('A different opening')], undefined, {
      tenant: 'acme',
      explicitId: d1.sessionId,
    })
    expect(d2).toMatchObject({ kind: 'continued', sessionId: d1.sessionId, explicit: true })
  })

  it('derives the same session id in every process, so replicas agree', () => {
    const a = createDetector().detect({ messages: [user('x')], explicitId: 'order-42-chat', tenant: 't1' })
    const b = createDetector().detect({ messages: [user('y')], explicitId: 'order-42-chat', tenant: 't1' })
    const c = createDetector().detect({ messages: [user('y')], explicitId: 'order-42-chat', tenant: 't2' })
    expect(a.sessionId).toBe(b.sessionId)
    expect(a.sessionId).not.toBe(c.sessionId)
    expect(a.sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/)
  })

  it('rejects a malformed id with INVALID_ARGUMENT and changes nothing', () => {
    const { detector } = setup()
    for (const bad of ['short', 'has space in it', 'x'.repeat(129), '../../etc/passwd']) {
      expect(() => detector.detect({ messages: [user('Hi')], explicitId: bad })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      )
    }
    expect(detector.size).toBe(0)
    expect(detector.stats().requests).toBe(4)
  })

  it('bindReply on an explicit detection does nothing and says so', () => {
    const { detector } = setup()
    const d = detector.detect({ messages: [user('Hi')], explicitId: 'abc12345' })
    expect(detector.bindReply(d, assistant('Hello'))).toBe(false)
    expect(detector.stats().repliesBound).toBe(0)
  })

  it('keeps tenants apart even if their keys collided, as tenants come and go', () => {
    // A hash that ignores the header (seed and tenant): every tenant gets the same keys, so only
    // the tenant check stands between them.
    const unsalted = (data: string) => data.slice(data.indexOf('\u0000', data.indexOf('\u0000') + 1) + 1)
    const hash: DetectorHash = {
      create: () => {
        const inner = sha256Hash.create()
        let first = true
        const stream = {
          update: (data: string) => {
            inner.update(first ? unsalted(data) : data)
            first = false
          },
          copy: () => inner.copy(),
          digest: () => inner.digest(),
        }
        return stream
      },
      digest: (data) => sha256Hash.digest(unsalted(data)),
    }
    const { detector } = setup({ hash })
    const h = [user('Plan a trip'), assistant('Where to?')]
    const a = turn(detector, [h[0]!], h[1], { tenant: 'acme' })
    expect(detector.forget(a.sessionId)).toBe(true)
    const b = turn(detector, [h[0]!], h[1], { tenant: 'globex' })
    const fromAcme = turn(detector, [...h, user('Lisbon')], undefined, { tenant: 'acme' })
    expect(fromAcme.sessionId).not.toBe(b.sessionId)
    const fromGlobex = turn(detector, [...h, user('Lisbon')], undefined, { tenant: 'globex' })
    expect(fromGlobex).toMatchObject({ kind: 'continued', sessionId: b.sessionId })
  })
})
