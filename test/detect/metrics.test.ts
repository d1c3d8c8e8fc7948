import { describe, expect, it } from 'vitest'
import { detectionKinds } from '../../src/detect/index.js'
import { assistant, setup, system, turn, user } from './helpers.js'

describe('stats()', () => {
  it('starts at zero', () => {
    const { detector } = setup()
    const m = detector.stats()
    expect(m).toMatchObject({
      active: 0,
      totalCreated: 0,
      requests: 0,
      hitRate: 0,
      bytesHashed: 0,
      indexKeys: 0,
    })
    expect(Object.keys(m.byKind)).toEqual([...detectionKinds])
    expect(m.lookupMs).toEqual({ p50: 0, p99: 0 })
  })

  it('counts kinds, hits, sessions, lengths, bytes and timings', () => {
    const { detector } = setup()
    const a1 = turn(detector, [system('You sell shoes.'), user('a1')], assistant('r1'))
    turn(detector, [system('You sell shoes.'), user('a1'), assistant('r1'), user('a2')], assistant('r2'))
    turn(detector, [system('You sell shoes.'), user('a1'), assistant('r1'), user('a2')], assistant('r2b'))
    turn(detector, [
      system('You sell hats.'),
      user('a1'),
      assistant('r1'),
      user('a2'),
      assistant('r2b'),
      user('a3'),
    ])
    turn(detector, [user('b1')])
    turn(detector, [user('c1'), assistant('never seen'), user('c2')])
    turn(detector, [user('a1'), assistant('r1'), user('start over')], undefined, { explicitId: a1.sessionId })
    const m = detector.stats()
    expect(m.requests).toBe(7)
    expect(m.byKind).toEqual({ new: 2, continued: 3, retry: 1, fork: 0, fuzzy: 0, reset: 0, fragmented: 1 })
    expect(m.hitRate).toBeCloseTo(4 / 7, 10)
    expect(m).toMatchObject({
      active: 3,
      totalCreated: 3,
      explicit: 1,
      systemChanged: 1,
      resets: 1,
      repliesBound: 3,
    })
    // Session a: a1, r1, a2, r2, r2b (a second reply), a3 = 6 messages; b: 1; c: 3.
    expect(m.longestSession).toBe(6)
    expect(m.averageSessionLength).toBeCloseTo(10 / 3, 10)
    expect(m.bytesHashed).toBeGreaterThan(50)
    expect(m.indexKeys).toBeGreaterThan(0)
    expect(m.hashMs.p99).toBeGreaterThanOrEqual(m.hashMs.p50)
    expect(m.lookupMs.p99).toBeGreaterThanOrEqual(m.lookupMs.p50)
    expect(m.lookupMs.p50).toBeGreaterThan(0)
  })

  it('keeps its timing samples bounded (the last 1,024)', () => {
    const { detector } = setup()
    for (let i = 0; i < 3_000; i++) detector.detect({ messages: [user(`q${i}`)] })
    const m = detector.stats()
    expect(m.requests).toBe(3_000)
    expect(Number.isFinite(m.hashMs.p99)).toBe(true)
  })
})
