import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import {
  createDetector,
  type DetectorOptionsInput,
  parseDetectorOptions,
  sha256Hash,
} from '../../src/detect/index.js'
import { assistant, setup, turn, user } from './helpers.js'

describe('options', () => {
  it('has documented defaults', () => {
    const o = parseDetectorOptions(undefined)
    expect(o).toMatchObject({ maxSessions: 10_000, idleMs: 3_600_000, maxProbe: 16, maxKeysPerSession: 64 })
    expect(o.reset).toMatchObject({ mode: 'split', maxChars: 120 })
    expect(o.fuzzy).toEqual({ threshold: 0.5, window: 16, band: 8, maxCandidates: 4 })
    expect(o.ignoredKeys).toEqual(['cache_control'])
    expect(o.hash).toBe(sha256Hash)
    expect(o.seed).not.toBe(parseDetectorOptions({}).seed)
  })

  it.each<[DetectorOptionsInput | Record<string, unknown>, string]>([
    [{ maxSessions: 0 }, 'maxSessions'],
    [{ idleMs: -1 }, 'idleMs'],
    [{ maxProbe: 1.5 }, 'maxProbe'],
    [{ fuzzy: { threshold: 2 } }, 'fuzzy.threshold'],
    [{ reset: { mode: 'forget' } }, 'reset.mode'],
    [{ reset: { phrases: [''] } }, 'reset.phrases.0'],
    [{ volatilePatterns: ['\\d+'] }, 'volatilePatterns.0'],
    [{ hash: {} }, 'hash'],
    [{ clock: { now: 1 } }, 'clock'],
    [{ maxSesions: 10 }, 'maxSesions'],
  ])('rejects %j with INVALID_CONFIG naming %s', (input, name) => {
    let error: unknown
    try {
      createDetector(input as DetectorOptionsInput)
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({ name: 'SessionKitError', code: 'INVALID_CONFIG' })
    expect((error as Error).message).toContain(name)
  })

  it('turns fuzzy matching off with fuzzy: false', () => {
    const { detector } = setup({ fuzzy: false })
    turn(detector, [user('q1')], assistant('r1'))
    turn(detector, [user('q1'), assistant('r1'), user('q2')], assistant('r2'))
    expect(turn(detector, [user('q2'), assistant('r2'), user('q3')]).kind).toBe('fragmented')
  })

  it('takes a custom hash function', () => {
    let calls = 0
    const counting = {
      create: () => {
        calls++
        return sha256Hash.create()
      },
      digest: (d: string) => sha256Hash.digest(d),
    }
    const { detector } = setup({ hash: counting })
    const d1 = turn(detector, [user('q1')], assistant('r1'))
    expect(turn(detector, [user('q1'), assistant('r1'), user('q2')]).sessionId).toBe(d1.sessionId)
    expect(calls).toBeGreaterThan(0)
  })

  it('with the same seed, two detectors hash alike (and still mint their own ids)', () => {
    const a = createDetector({ seed: 'shared-secret' })
    const b = createDetector({ seed: 'shared-secret' })
    const da = a.detect({ messages: [user('x')] })
    const db = b.detect({ messages: [user('x')] })
    expect(da.sessionId).not.toBe(db.sessionId)
  })
})

describe('input checks', () => {
  it.each([
    [{ messages: [] }, 'non-empty'],
    [{ messages: 'hi' }, 'non-empty'],
    [{ messages: [{ content: 'no role' }] }, 'messages[0]'],
    [{ messages: [user('a'), null] }, 'messages[1]'],
    [{ messages: [user('a')], tenant: 7 }, 'tenant'],
    [null, 'detect()'],
  ])('rejects %j with INVALID_ARGUMENT', (request, text) => {
    const { detector } = setup()
    expect(() => detector.detect(request as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
    expect(() => detector.detect(request as never)).toThrow(text)
    expect(detector.size).toBe(0)
  })

  it('bindReply takes only the detection itself, and a message', () => {
    const { detector } = setup()
    const d = detector.detect({ messages: [user('Hi')] })
    expect(() => detector.bindReply({ ...d }, assistant('Hello'))).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
    expect(() => detector.bindReply(d, 'Hello' as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
    expect(detector.bindReply(d, assistant('Hello'))).toBe(true)
  })

  it('never shows the seed or the session internals in a logged detection', () => {
    const d = createDetector({ seed: 'top-secret-seed' }).detect({ messages: [user('Hi')], tenant: 'acme' })
    expect(JSON.stringify(d)).not.toContain('top-secret-seed')
    expect(inspect(d, { depth: 10, showHidden: true })).not.toContain('top-secret-seed')
    expect(JSON.parse(JSON.stringify(d))).toMatchObject({
      sessionId: d.sessionId,
      kind: 'new',
      tenant: 'acme',
    })
  })
})
