import { describe, expect, it } from 'vitest'
import type { ChatMessage } from '../../src/detect/index.js'
import { assistant, setup, turn, user } from './helpers.js'

const MIN = 60_000

// A conversation of `turns` turns played with bindReply; returns its history and first detection.
function play(detector: ReturnType<typeof setup>['detector'], tag: string, turns: number) {
  const h: ChatMessage[] = []
  let first: ReturnType<typeof turn> | undefined
  for (let i = 0; i < turns; i++) {
    h.push(user(`${tag} question ${i}`))
    const d = turn(detector, h, assistant(`${tag} answer ${i}`))
    first ??= d
    h.push(assistant(`${tag} answer ${i}`))
  }
  return { h, first: first! }
}

describe('bounds', () => {
  it('evicts the least recently used session past maxSessions, with its keys', () => {
    const { detector } = setup({ maxSessions: 2 })
    const a = play(detector, 'a', 2)
    const b = play(detector, 'b', 2)
    // Using `a` makes `b` the least recently used.
    const a3 = turn(detector, [...a.h, user('a more')], assistant('a more answer'))
    expect(a3.sessionId).toBe(a.first.sessionId)
    play(detector, 'c', 1)
    expect(detector.size).toBe(2)
    const m = detector.stats()
    expect(m.evictions).toEqual({ capacity: 1, idle: 0, forgotten: 0 })
    // `b`'s keys went with it: its next turn matches nothing.
    const b3 = turn(detector, [...b.h, user('b more')])
    expect(b3.kind).toBe('fragmented')
    expect(b3.sessionId).not.toBe(b.first.sessionId)
    expect(
      turn(detector, [...a.h, user('a more'), assistant('a more answer'), user('again')]).sessionId,
    ).not.toBe(a.first.sessionId)
  })

  it('drops sessions idle for idleMs, on the injected clock', () => {
    const { detector, clock } = setup({ idleMs: 30 * MIN })
    const a = play(detector, 'a', 2)
    clock.advance(20 * MIN)
    expect(turn(detector, [...a.h, user('still here')]).sessionId).toBe(a.first.sessionId)
    clock.advance(29 * MIN)
    expect(detector.size).toBe(1)
    clock.advance(2 * MIN)
    expect(detector.size).toBe(0)
    expect(detector.stats()).toMatchObject({ active: 0, indexKeys: 0, evictions: { idle: 1 } })
    expect(turn(detector, [...a.h, user('back')]).kind).toBe('fragmented')
  })

  it('forgets a session on request', () => {
    const { detector } = setup()
    const a = play(detector, 'a', 2)
    expect(detector.forget(a.first.sessionId)).toBe(true)
    expect(detector.forget(a.first.sessionId)).toBe(false)
    expect(detector.stats()).toMatchObject({ active: 0, indexKeys: 0, evictions: { forgotten: 1 } })
  })

  it('keeps at most maxKeysPerSession keys per session, oldest out first', () => {
    const { detector } = setup({ maxKeysPerSession: 4, fuzzy: false })
    const a = play(detector, 'a', 10)
    expect(detector.stats().indexKeys).toBe(4)
    // The latest state still continues exactly...
    expect(turn(detector, [...a.h, user('next')]).kind).toBe('continued')
    // ...but a fork at the start is gone from the index (and fuzzy matching is off).
    const fork = turn(detector, [a.h[0]!, a.h[1]!, user('a different second question')])
    expect(fork.kind).toBe('fragmented')
  })

  it('keeps the index bounded under many sessions', () => {
    const { detector } = setup({ maxSessions: 50, maxKeysPerSession: 8 })
    for (let i = 0; i < 200; i++) play(detector, `s${i}`, 3)
    const m = detector.stats()
    expect(m.active).toBe(50)
    expect(m.indexKeys).toBeLessThanOrEqual(50 * 8)
    expect(m.evictions.capacity).toBe(150)
    expect(m.totalCreated).toBe(200)
  })

  it('ignores a late bindReply for an evicted session, even when its slot holds another now', () => {
    const { detector } = setup({ maxSessions: 1 })
    const a = detector.detect({ messages: [user('a question')] })
    const b = turn(detector, [user('b question')], assistant('b answer'))
    expect(detector.bindReply(a, assistant('a answer'))).toBe(false)
    expect(detector.stats().evictions.capacity).toBe(1)
    const next = turn(detector, [user('b question'), assistant('b answer'), user('b more')])
    expect(next).toMatchObject({ kind: 'continued', sessionId: b.sessionId })
    expect(turn(detector, [user('a question'), assistant('a answer'), user('a more')]).kind).toBe(
      'fragmented',
    )
  })

  it('keeps every session findable through churn, and empties the index when all are gone', () => {
    const { detector } = setup({ maxSessions: 40, maxKeysPerSession: 6 })
    const kept: { id: string; h: ChatMessage[] }[] = []
    for (let i = 0; i < 300; i++) {
      // Shared openings (taken over and marked shared) and long conversations (rings wrap).
      const opening = i % 3 === 0 ? 'Hello' : `hello ${i}`
      const h: ChatMessage[] = []
      let id = ''
      for (let t = 0; t < 1 + (i % 7); t++) {
        h.push(user(t === 0 ? opening : `s${i} q${t}`))
        const d = turn(detector, h, assistant(`s${i} a${t}`))
        if (t === 0) id = d.sessionId
        h.push(assistant(`s${i} a${t}`))
      }
      if (i % 5 === 0) detector.forget(id)
      else kept.push({ id, h })
    }
    // The 40 most recent sessions are live; each continues exactly (newest first, so that a miss
    // could not evict one not yet checked).
    expect(detector.size).toBe(40)
    for (const { id, h } of kept.slice(-40).reverse()) {
      expect(detector.detect({ messages: [...h, user('still there?')] })).toMatchObject({
        kind: 'continued',
        sessionId: id,
      })
    }
    for (const { id } of kept) detector.forget(id)
    expect(detector.stats()).toMatchObject({ active: 0, indexKeys: 0 })
  })
})
