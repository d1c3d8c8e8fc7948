import { describe, expect, it } from 'vitest'
import { assistant, setup, system, turn, user } from './helpers.js'

const SYS = system('You are a travel agent.')

describe('detect(): kinds', () => {
  it('opens a session on a first request and continues it on the next turn (after bindReply)', () => {
    const { detector } = setup()
    const d1 = turn(detector, [SYS, user('Flights to Lisbon?')], assistant('Which dates?'))
    expect(d1).toMatchObject({ kind: 'new', position: 1, newMessages: 1, branchId: 0, similarity: 0 })
    expect(d1.sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/)
    const d2 = turn(detector, [
      SYS,
      user('Flights to Lisbon?'),
      assistant('Which dates?'),
      user('May 3 to 9'),
    ])
    expect(d2).toMatchObject({
      kind: 'continued',
      sessionId: d1.sessionId,
      position: 3,
      newMessages: 1,
      similarity: 1,
    })
  })

  it('continues without bindReply too: the echoed reply counts as new', () => {
    const { detector } = setup()
    const d1 = turn(detector, [user('Flights to Lisbon?')])
    const d2 = turn(detector, [user('Flights to Lisbon?'), assistant('Which dates?'), user('May 3 to 9')])
    expect(d2).toMatchObject({ kind: 'continued', sessionId: d1.sessionId, newMessages: 2 })
    const d3 = turn(detector, [
      user('Flights to Lisbon?'),
      assistant('Which dates?'),
      user('May 3 to 9'),
      assistant('Found 3 flights.'),
      user('The cheapest'),
    ])
    expect(d3).toMatchObject({ kind: 'continued', sessionId: d1.sessionId, newMessages: 2 })
  })

  it('calls the same unanswered first request a retry within retryWindowMs, a new session after', () => {
    const { detector, clock } = setup({ retryWindowMs: 60_000 })
    const d1 = turn(detector, [user('Hello')])
    clock.advance(30_000)
    expect(turn(detector, [user('Hello')])).toMatchObject({
      kind: 'retry',
      sessionId: d1.sessionId,
      newMessages: 0,
    })
    clock.advance(61_000)
    const d3 = turn(detector, [user('Hello')])
    expect(d3.kind).toBe('new')
    expect(d3.sessionId).not.toBe(d1.sessionId)
  })

  it('keeps identical openings of different users apart once the first is answered', () => {
    const { detector } = setup()
    const a1 = turn(detector, [user('Hello')], assistant('Hi! How can I help?'))
    const b1 = turn(detector, [user('Hello')], assistant('Hello there. What do you need?'))
    expect(b1.kind).toBe('new')
    expect(b1.sessionId).not.toBe(a1.sessionId)
    const a2 = turn(detector, [user('Hello'), assistant('Hi! How can I help?'), user('Book a hotel')])
    const b2 = turn(detector, [
      user('Hello'),
      assistant('Hello there. What do you need?'),
      user('Fix my code'),
    ])
    expect(a2).toMatchObject({ kind: 'continued', sessionId: a1.sessionId })
    expect(b2).toMatchObject({ kind: 'continued', sessionId: b1.sessionId })
  })

  it('never puts a second user with the same opening into the first one, even without bindReply', () => {
    const { detector, clock } = setup({ retryWindowMs: 1_000 })
    const a1 = turn(detector, [user('Hello')])
    clock.advance(5_000)
    const b1 = turn(detector, [user('Hello')])
    expect(b1.sessionId).not.toBe(a1.sessionId)
    // The opening is shared, so the echoed answer cannot tell which user it was: a new fragment.
    const a2 = turn(detector, [user('Hello'), assistant('Hi A'), user('Book a hotel')])
    expect(a2.kind).toBe('fragmented')
    expect([a1.sessionId, b1.sessionId]).not.toContain(a2.sessionId)
  })

  it('never merges two users whose openings and first answers are both identical (a fragment instead)', () => {
    const { detector } = setup()
    const a1 = turn(detector, [user('Hello')], assistant('Hello! How can I help you today?'))
    const b1 = turn(detector, [user('Hello')], assistant('Hello! How can I help you today?'))
    const a2 = turn(detector, [user('Hello'), assistant('Hello! How can I help you today?'), user('Flights')])
    expect(a2.kind).toBe('fragmented')
    expect([a1.sessionId, b1.sessionId]).not.toContain(a2.sessionId)
    // From there on the fragment is followed like any conversation.
    const a3 = turn(detector, [
      user('Hello'),
      assistant('Hello! How can I help you today?'),
      user('Flights'),
      assistant('Where to?'),
      user('Oslo'),
    ])
    expect(a3).toMatchObject({ kind: 'continued', sessionId: a2.sessionId })
  })

  it('starts a new session when the very first answer is regenerated (an answered opening identifies nobody)', () => {
    const { detector } = setup()
    const d1 = turn(detector, [user('Write a haiku')], assistant('Autumn moonlight...'))
    const d2 = turn(detector, [user('Write a haiku')], assistant('Old pond, a frog...'))
    expect(d2.kind).toBe('new')
    expect(d2.sessionId).not.toBe(d1.sessionId)
    expect(
      turn(detector, [user('Write a haiku'), assistant('Old pond, a frog...'), user('Another')]).sessionId,
    ).toBe(d2.sessionId)
  })

  it('calls a repeat of the latest state a retry (regenerate), and follows the regenerated answer', () => {
    const { detector } = setup()
    const h = [user('Name a colour'), assistant('Blue'), user('Another')]
    const d1 = turn(detector, [user('Name a colour')], assistant('Blue'))
    const d2 = turn(detector, h, assistant('Red'))
    const d3 = turn(detector, h, assistant('Green'))
    expect(d3).toMatchObject({ kind: 'retry', sessionId: d1.sessionId, branchId: d2.branchId })
    const d4 = turn(detector, [...h, assistant('Green'), user('Thanks')])
    expect(d4).toMatchObject({ kind: 'continued', sessionId: d1.sessionId, newMessages: 1 })
  })

  it('forks when a request leaves the session behind its latest position (an edited message)', () => {
    const { detector } = setup()
    const d1 = turn(detector, [user('Plan a trip')], assistant('Where to?'))
    turn(detector, [user('Plan a trip'), assistant('Where to?'), user('Rome')], assistant('Rome it is.'))
    turn(detector, [
      user('Plan a trip'),
      assistant('Where to?'),
      user('Rome'),
      assistant('Rome it is.'),
      user('3 days'),
    ])
    const fork = turn(
      detector,
      [user('Plan a trip'), assistant('Where to?'), user('Paris')],
      assistant('Paris!'),
    )
    expect(fork).toMatchObject({ kind: 'fork', sessionId: d1.sessionId, newMessages: 1 })
    expect(fork.branchId).toBeGreaterThan(0)
    const next = turn(detector, [
      user('Plan a trip'),
      assistant('Where to?'),
      user('Paris'),
      assistant('Paris!'),
      user('2 days'),
    ])
    expect(next).toMatchObject({ kind: 'continued', sessionId: d1.sessionId, branchId: fork.branchId })
    // Back to the first branch's latest state: that branch continues.
    const back = turn(detector, [
      user('Plan a trip'),
      assistant('Where to?'),
      user('Rome'),
      assistant('Rome it is.'),
      user('3 days'),
      assistant('Day 1: Colosseum.'),
      user('More'),
    ])
    expect(back).toMatchObject({ kind: 'continued', sessionId: d1.sessionId, branchId: 0 })
  })

  it('flags a changed system prompt, but not a new timestamp in it', () => {
    const { detector } = setup()
    const s1 = system('You are a bank assistant. Current time: 2026-01-01T10:00:00Z.')
    const s2 = system('You are a bank assistant. Current time: 2026-01-01T10:05:13Z.')
    const s3 = system('You are a pirate.')
    const d1 = turn(detector, [s1, user('Balance?')], assistant('$12.'))
    const d2 = turn(
      detector,
      [s2, user('Balance?'), assistant('$12.'), user('Thanks')],
      assistant('Anytime.'),
    )
    expect(d2).toMatchObject({ kind: 'continued', sessionId: d1.sessionId, systemChanged: false })
    const d3 = turn(detector, [
      s3,
      user('Balance?'),
      assistant('$12.'),
      user('Thanks'),
      assistant('Anytime.'),
      user('Arr'),
    ])
    expect(d3).toMatchObject({ kind: 'continued', sessionId: d1.sessionId, systemChanged: true })
  })

  it('places a request whose oldest messages were dropped (fuzzy)', () => {
    const { detector } = setup()
    const msgs = [user('q1')]
    const first = turn(detector, msgs, assistant('a1 long answer'))
    for (let i = 2; i <= 6; i++) {
      msgs.push(assistant(`a${i - 1} long answer`), user(`q${i}`))
      turn(detector, msgs, assistant(`a${i} long answer`))
    }
    const truncated = [...msgs.slice(4), assistant('a6 long answer'), user('q7')]
    const d = turn(detector, truncated)
    expect(d).toMatchObject({ kind: 'fuzzy', sessionId: first.sessionId, similarity: 1, newMessages: 1 })
    // The next truncated turn matches exactly again (its prefix was indexed).
    const d2 = turn(detector, [...truncated, assistant('a7 long answer'), user('q8')])
    expect(d2).toMatchObject({ kind: 'continued', sessionId: first.sessionId })
  })

  it('places a request whose earlier messages were edited (fuzzy, similarity below 1 for a changed reply)', () => {
    const { detector } = setup()
    const msgs = [user('q1')]
    const first = turn(detector, msgs, assistant('r1'))
    for (let i = 2; i <= 6; i++) {
      msgs.push(assistant(`r${i - 1}`), user(`q${i}`))
      turn(detector, msgs, assistant(`r${i}`))
    }
    const editedUser = msgs.map((m, i) => (i === 2 ? user('q2, edited') : m))
    const d1 = turn(detector, [...editedUser, assistant('r6'), user('q7')])
    expect(d1).toMatchObject({ kind: 'fuzzy', sessionId: first.sessionId, similarity: 1 })
    const editedReply = msgs.map((m, i) => (i === 3 ? assistant('r2 (redacted)') : m))
    const d2 = turn(detector, [...editedReply, assistant('r6'), user('q7 again')])
    expect(d2.kind).toBe('fuzzy')
    expect(d2.sessionId).toBe(first.sessionId)
    expect(d2.similarity).toBeCloseTo(5 / 6, 5)
  })

  it('calls an unknown history fragmented, then follows it', () => {
    const { detector } = setup()
    const h = [user('q1'), assistant('a1'), user('q2')]
    const d1 = turn(detector, h)
    expect(d1.kind).toBe('fragmented')
    const d2 = turn(detector, [...h, assistant('a2'), user('q3')])
    expect(d2).toMatchObject({ kind: 'continued', sessionId: d1.sessionId })
  })

  it('keeps users of the same few-shot template apart', () => {
    const { detector } = setup()
    const shots = [user('2+2'), assistant('4'), user('3+3'), assistant('6')]
    const a1 = turn(detector, [...shots, user('5+5')], assistant('10'))
    const b1 = turn(detector, [...shots, user('7+7')], assistant('14'))
    expect(b1.sessionId).not.toBe(a1.sessionId)
    expect(turn(detector, [...shots, user('5+5'), assistant('10'), user('x2')]).sessionId).toBe(a1.sessionId)
    expect(turn(detector, [...shots, user('7+7'), assistant('14'), user('x2')]).sessionId).toBe(b1.sessionId)
  })

  it('splits on a reset phrase by default, and the new session continues', () => {
    const { detector } = setup()
    const d1 = turn(detector, [user('Recipe for soup')], assistant('Tomato soup: ...'))
    const h = [
      user('Recipe for soup'),
      assistant('Tomato soup: ...'),
      user("Start over. What's the weather?"),
    ]
    const d2 = turn(detector, h, assistant('Sunny.'))
    expect(d2).toMatchObject({ kind: 'reset', reset: true, previousSessionId: d1.sessionId, newMessages: 1 })
    expect(d2.sessionId).not.toBe(d1.sessionId)
    const d3 = turn(detector, [...h, assistant('Sunny.'), user('Tomorrow?')])
    expect(d3).toMatchObject({ kind: 'continued', sessionId: d2.sessionId, reset: false })
  })

  it('annotates a reset in annotate mode (same session)', () => {
    const { detector } = setup({ reset: { mode: 'annotate' } })
    const d1 = turn(detector, [user('Recipe for soup')], assistant('Tomato soup: ...'))
    const d2 = turn(detector, [
      user('Recipe for soup'),
      assistant('Tomato soup: ...'),
      user('new conversation'),
    ])
    expect(d2).toMatchObject({
      kind: 'reset',
      reset: true,
      sessionId: d1.sessionId,
      previousSessionId: undefined,
    })
  })

  it('marks a first request that opens with a reset phrase, as a new session', () => {
    const { detector } = setup()
    expect(turn(detector, [user("Start over. What's the weather?")])).toMatchObject({
      kind: 'new',
      reset: true,
    })
  })

  it('never lets two tenants share a session, even with identical conversations', () => {
    const { detector } = setup()
    const h = [user('Hello'), assistant('Hi'), user('Same words')]
    const a = turn(detector, [user('Hello')], assistant('Hi'), { tenant: 'acme' })
    const b = turn(detector, [user('Hello')], assistant('Hi'), { tenant: 'globex' })
    expect(b.kind).toBe('new')
    expect(turn(detector, h, undefined, { tenant: 'acme' })).toMatchObject({
      sessionId: a.sessionId,
      tenant: 'acme',
    })
    expect(turn(detector, h, undefined, { tenant: 'globex' })).toMatchObject({ sessionId: b.sessionId })
    expect(a.sessionId).not.toBe(b.sessionId)
  })
})
