import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type CanonicalConfig, directPiece, messagePiece, systemText } from '../../src/detect/canonical.js'
import { defaultIgnoredKeys, defaultMessageKeys, defaultVolatilePatterns } from '../../src/detect/index.js'
import type { ChatMessage } from '../../src/detect/types.js'
import { assistant, setup, system, turn, user } from './helpers.js'

const cfg: CanonicalConfig = {
  extraKeys: new Set(defaultMessageKeys),
  ignoredKeys: new Set(defaultIgnoredKeys),
  volatilePatterns: defaultVolatilePatterns,
  volatileEverywhere: false,
}
const piece = (m: ChatMessage) => messagePiece(m, cfg, 0)

describe('canonical hashing (for hashing only)', () => {
  it('hashes a string and a single text part alike, cache_control aside', () => {
    const s = piece(user('What is the weather?'))
    expect(piece(user([{ type: 'text', text: 'What is the weather?' }]))).toBe(s)
    expect(
      piece(user([{ type: 'text', text: 'What is the weather?', cache_control: { type: 'ephemeral' } }])),
    ).toBe(s)
    expect(
      piece(
        user([
          { type: 'text', text: 'What is' },
          { type: 'text', text: 'the weather?' },
        ]),
      ),
    ).not.toBe(s)
    expect(piece(user('What is the weather!'))).not.toBe(s)
    expect(piece(assistant('What is the weather?'))).not.toBe(s)
  })

  it('normalises line endings and surrounding white space, not inner text', () => {
    const s = piece(user('line one\nline two'))
    expect(piece(user('  line one\r\nline two\r\n'))).toBe(s)
    expect(piece(user('line one\rline two'))).toBe(s)
    expect(piece(user('line one\n\nline two'))).not.toBe(s)
  })

  it('replaces unpaired surrogates like toWellFormed does', () => {
    expect(piece(user('bad \uD800 half'))).toBe(piece(user('bad \uFFFD half')))
    expect(piece(user('emoji \uD83D\uDE00'))).not.toBe(piece(user('emoji \uFFFD\uFFFD')))
  })

  it('parses and key-sorts tool-call arguments; keeps text that is not JSON as text', () => {
    const call = (args: string) =>
      assistant(null, {
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'search', arguments: args } }],
      })
    expect(piece(call('{"city":"Paris","days":3,"opts":{"a":1,"b":2}}'))).toBe(
      piece(call('{ "opts": { "b": 2, "a": 1 }, "days": 3,\n "city": "Paris" }')),
    )
    expect(piece(call('{"city":"Paris"}'))).not.toBe(piece(call('{"city":"Rome"}')))
    expect(piece(call('not json {'))).toBe(piece(call(' not json {\r\n')))
    expect(piece(call('not json {'))).not.toBe(piece(call('not json }')))
  })

  it('sorts keys of structured content (Anthropic tool_use input) and drops null or absent fields', () => {
    const use = (input: unknown) =>
      assistant([
        { type: 'text', text: 'Looking' },
        { type: 'tool_use', id: 't1', name: 'search', input },
      ])
    expect(piece(use({ q: 'x', limit: 3 }))).toBe(piece(use({ limit: 3, q: 'x' })))
    expect(piece(assistant('hi', { refusal: null, annotations: [] }))).toBe(piece(assistant('hi')))
    expect(piece(assistant(null, { tool_calls: [] }))).toBe(piece(assistant('')))
  })

  it('hashes an OpenAI system message and an Anthropic top-level system alike', () => {
    const a = systemText(undefined, [system('Be brief.'), user('hi')], 1, cfg)
    const b = systemText('Be brief.', [user('hi')], 0, cfg)
    const c = systemText(
      [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      [user('hi')],
      0,
      cfg,
    )
    expect(b).toBe(c)
    expect(a).toContain('Be brief.')
    expect(systemText(undefined, [user('hi')], 0, cfg)).toBe('')
  })

  it('blanks volatile parts of the system prompt (timestamps, dates, weekdays)', () => {
    const at = (stamp: string) => systemText(`You are helpful. ${stamp}`, [user('hi')], 0, cfg)
    expect(at('Current time: 2026-01-20T10:30:45.123Z')).toBe(at('Current time: 2026-03-02T23:01:07.999Z'))
    expect(at('Today is Monday, January 20, 2026, 10:30 AM')).toBe(
      at('Today is Tuesday, February 3, 2026, 9:05 PM'),
    )
    expect(at('Date: Mon, 20 Jan 2026 10:30:45 +0100')).toBe(at('Date: Fri, 6 Feb 2026 08:00:00 +0100'))
    expect(at('epoch 1768905045')).toBe(at('epoch 1768991445'))
    expect(at('You sell shoes.')).not.toBe(at('You sell hats.'))
  })

  it('leaves message text alone unless volatileScope is "all"', () => {
    const all = { ...cfg, volatileEverywhere: true }
    expect(piece(user('meet at 10:30'))).not.toBe(piece(user('meet at 11:45')))
    expect(messagePiece(user('meet at 10:30'), all, 0)).toBe(messagePiece(user('meet at 11:45'), all, 0))
  })

  it('honours custom ignoredKeys and messageKeys', () => {
    const custom: CanonicalConfig = {
      ...cfg,
      ignoredKeys: new Set(['cache_control', 'id']),
      extraKeys: new Set(['name']),
    }
    const part = (id: string) => user([{ type: 'image_url', image_url: { url: 'u' }, id }])
    expect(messagePiece(part('a'), custom, 0)).toBe(messagePiece(part('b'), custom, 0))
    expect(piece(part('a'))).not.toBe(piece(part('b')))
    const call = assistant('x', {
      tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }],
    })
    expect(messagePiece(call, custom, 0)).toBe(messagePiece(assistant('x'), custom, 0))
  })

  it('throws INVALID_ARGUMENT for content nested too deep, and leaves the index as it was', () => {
    const { detector } = setup()
    let deep: unknown = 'x'
    for (let i = 0; i < 100; i++) deep = { v: deep }
    expect(() => detector.detect({ messages: [user([{ type: 'json', data: deep }])] })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
    expect(detector.size).toBe(0)
  })

  it('places a client echo that differs only canonically as the same conversation', () => {
    const { detector } = setup()
    const reply = assistant(null, {
      refusal: null,
      tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"b":1,"a":2}' } }],
    })
    const d1 = turn(detector, [system('S'), user('go')], reply)
    const echoed = assistant(null, {
      tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a": 2, "b": 1}' } }],
    })
    const d2 = turn(detector, [
      system('S'),
      user([{ type: 'text', text: 'go ' }]),
      echoed,
      { role: 'tool', tool_call_id: 'c1', content: 'ok' },
    ])
    expect(d2).toMatchObject({ kind: 'continued', sessionId: d1.sessionId, newMessages: 1 })
  })

  it('builds the common piece directly with the same bytes as messagePiece (CR aside)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 40 }).filter((t) => !t.includes('\r'))
    fc.assert(
      fc.property(fc.constantFrom('user', 'assistant', 'tool', 'x-custom'), text, (role, content) => {
        const m = { role, content }
        const direct = directPiece(m, cfg)
        // Only a message canonicalText() would not trim goes directly; its UTF-8 is the same.
        if (direct !== undefined) expect(Buffer.from(direct)).toEqual(Buffer.from(messagePiece(m, cfg, 0)))
      }),
      { numRuns: 500 },
    )
    expect(directPiece(user('plain text'), cfg)).toBe(piece(user('plain text')))
    expect(directPiece(user(' padded'), cfg)).toBeUndefined()
    expect(directPiece(user([{ type: 'text', text: 'x' }]), cfg)).toBeUndefined()
    expect(directPiece(assistant('x', { tool_calls: [{ id: 'c' }] }), cfg)).toBeUndefined()
    expect(directPiece(user('x'), { ...cfg, volatileEverywhere: true })).toBeUndefined()
  })

  it('hashes a CR and an unpaired surrogate inside a text like LF and U+FFFD, in any message', () => {
    const { detector } = setup()
    const d1 = turn(detector, [user('first line\r\nsecond line')], assistant('one\rtwo \uD800 three'))
    const d2 = turn(detector, [
      user('first line\nsecond line'),
      assistant('one\ntwo \uFFFD three'),
      user('next \uDC00 question'),
    ])
    expect(d2).toMatchObject({ kind: 'continued', sessionId: d1.sessionId })
    const d3 = turn(detector, [
      user('first line\r\nsecond line'),
      assistant('one\r\ntwo \uD800 three'),
      user('next \uFFFD question'),
    ])
    expect(d3).toMatchObject({ kind: 'retry', sessionId: d1.sessionId })
  })

  it('flags a changed system prompt, not one that only differs by its timestamp, in either form', () => {
    const { detector } = setup()
    const sys = (stamp: string, text = 'You sell shoes.') => system(`${text} Now: ${stamp}.`)
    const h = [user('q1'), assistant('r1')]
    const d1 = turn(detector, [sys('2026-01-20T10:00:00Z'), user('q1')], assistant('r1'))
    const same = turn(detector, [sys('2026-01-20T10:00:00Z'), ...h, user('q2')], assistant('r2'))
    expect(same).toMatchObject({ sessionId: d1.sessionId, systemChanged: false })
    const later = turn(detector, [sys('2026-01-20T10:05:00Z'), ...h, user('q2'), assistant('r2'), user('q3')])
    expect(later).toMatchObject({ sessionId: d1.sessionId, systemChanged: false })
    const changed = turn(detector, [sys('2026-01-20T10:05:00Z', 'You sell hats.'), ...h, user('q2b')])
    expect(changed).toMatchObject({ sessionId: d1.sessionId, systemChanged: true })
    const a1 = turn(detector, [user('hello')], assistant('hi'), { system: 'Be brief. 10:00' })
    const a2 = detector.detect({
      messages: [user('hello'), assistant('hi'), user('x')],
      system: 'Be brief. 11:00',
    })
    expect(a2).toMatchObject({ sessionId: a1.sessionId, systemChanged: false })
    const a3 = detector.detect({
      messages: [user('hello'), assistant('hi'), user('x'), assistant('y'), user('z')],
      system: 'Be long.',
    })
    expect(a3).toMatchObject({ sessionId: a1.sessionId, systemChanged: true })
  })

  it('flags the same prompt text moved to another form (system, developer, top-level)', () => {
    const { detector } = setup()
    const text = 'You sell shoes.'
    const h = [user('q1'), assistant('r1')]
    const d1 = turn(detector, [system(text), user('q1')], assistant('r1'))
    const asDeveloper = detector.detect({
      messages: [{ role: 'developer', content: text }, ...h, user('q2')],
    })
    expect(asDeveloper).toMatchObject({ sessionId: d1.sessionId, systemChanged: true })
    const topLevel = detector.detect({ messages: [...h, user('q2')], system: text })
    expect(topLevel).toMatchObject({ sessionId: d1.sessionId, systemChanged: true })
    const back = detector.detect({ messages: [system(text), ...h, user('q2')] })
    expect(back).toMatchObject({ sessionId: d1.sessionId, systemChanged: true })
    const again = detector.detect({ messages: [system(text), ...h, user('q2')] })
    expect(again).toMatchObject({ sessionId: d1.sessionId, systemChanged: false })
  })
})
