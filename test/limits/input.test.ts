import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { isSessionKitError } from '../../src/errors.js'
import { createRateLimiter } from '../../src/limits/limiter.js'
import type { Reservation } from '../../src/limits/result.js'
import type { RateRule } from '../../src/limits/rules.js'

const rules: RateRule[] = [
  { name: 'requests', per: 'session', limit: 5, windowMs: 60_000 },
  { name: 'tokens', per: 'user', limit: 1000, windowMs: 60_000 },
]

function limiter() {
  return createRateLimiter({ rules, clock: createManualClock(0) })
}

async function codeOf(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => 'ok',
    (error: unknown) => (isSessionKitError(error) ? error.code : `foreign: ${String(error)}`),
  )
}

describe('limiter input (hostile callers)', () => {
  it('refuses bad subjects and costs with INVALID_ARGUMENT, charging nothing', async () => {
    const l = limiter()
    const bad: [unknown, unknown][] = [
      [null, { requests: 1 }],
      [{ session: 's1' }, null],
      [{ sesion: 's1' }, { requests: 1 }], // a typo would silently skip the rule
      [{ session: 's1' }, { request: 1 }],
      [{ session: '' }, { requests: 1 }],
      [{ session: 'x'.repeat(129) }, { requests: 1 }],
      [{ session: 'a b' }, { requests: 1 }],
      [{ session: '{tag}' }, { requests: 1 }], // would change the Redis hash slot
      [{ session: '__proto__' }, { requests: 1 }],
      [{ session: 42 }, { requests: 1 }],
      [{ session: 's1' }, { requests: -1 }],
      [{ session: 's1' }, { requests: 1.5 }],
      [{ session: 's1' }, { requests: Number.NaN }],
      [{ session: 's1' }, { requests: '1' }],
      [{ user: 'u1' }, { tokens: 1e13 }],
      [JSON.parse('{"__proto__": "x"}'), { requests: 1 }],
      [{ session: 's1' }, JSON.parse('{"__proto__": 1}')],
    ]
    for (const [subjects, costs] of bad) {
      expect(
        await codeOf(l.consume(subjects as never, costs as never)),
        JSON.stringify([subjects, costs]),
      ).toBe('INVALID_ARGUMENT')
    }
    expect((await l.consume({ session: 's1' }, { requests: 5 })).allowed).toBe(true)
  })

  it('checks ids it has no state for yet, and a bad one on any rule leaves no state behind', async () => {
    const l = limiter()
    expect((await l.consume({ session: 's1' }, { requests: 1 })).allowed).toBe(true)
    expect(l.stats().keys).toBe(1)
    for (const user of ['', 'a b', '__proto__', 'x'.repeat(129), 7, { toString: () => 'u1' }]) {
      expect(await codeOf(l.consume({ session: 's2', user } as never, { requests: 1, tokens: 1 }))).toBe(
        'INVALID_ARGUMENT',
      )
      expect(await codeOf(l.consume({ user } as never, { tokens: 1 }))).toBe('INVALID_ARGUMENT')
    }
    expect(l.stats().keys).toBe(1)
    // Names inherited from Object.prototype are neither kinds nor cost keys.
    expect(await codeOf(l.consume({ toString: 's1' } as never, { requests: 1 }))).toBe('INVALID_ARGUMENT')
    expect(await codeOf(l.consume({ session: 's1' }, { constructor: 1 } as never))).toBe('INVALID_ARGUMENT')
    expect((await l.consume({ session: 's1' }, { requests: 4 })).allowed).toBe(true)
    expect(l.stats().keys).toBe(1)
  })

  it('names a bad id before a cost no rule could admit, whichever rule either is on', async () => {
    const l = limiter()
    // The cost too large on the first rule, the bad id on the second, and the other way round.
    expect(await codeOf(l.consume({ session: 's1', user: 'a b' }, { requests: 6, tokens: 1 }))).toBe(
      'INVALID_ARGUMENT',
    )
    expect(await codeOf(l.consume({ session: 'a b', user: 'u1' }, { requests: 1, tokens: 1001 }))).toBe(
      'INVALID_ARGUMENT',
    )
    expect(await codeOf(l.consume({ session: 's1', user: 'u1' }, { requests: 1, tokens: 1001 }))).toBe(
      'LIMIT_EXCEEDED',
    )
    expect(l.stats().keys).toBe(0)
  })

  it('refuses forged or broken reservations', async () => {
    const l = limiter()
    const r = await l.consume({ user: 'u1' }, { tokens: 10 })
    const charge = r.reservation!.charges[0]!
    const forged: unknown[] = [
      null,
      {},
      { charges: 'x' },
      { charges: [{ ...charge, rule: 'nope' }] },
      { charges: [{ ...charge, subject: 'session:s1' }] }, // another kind than the rule's
      { charges: [{ ...charge, subject: 'user:__proto__' }] },
      { charges: [{ ...charge, cost: -5 }] },
      { charges: [{ ...charge, at: 'now' }] },
      { charges: [charge, charge, charge] }, // more charges than rules
    ]
    for (const reservation of forged) {
      expect(
        await codeOf(l.settle(reservation as Reservation, { tokens: 1 })),
        JSON.stringify(reservation),
      ).toBe('INVALID_ARGUMENT')
    }
    expect(await codeOf(l.settle(r.reservation!, { tokens: -1 }))).toBe('INVALID_ARGUMENT')
    expect(await codeOf(l.settle(r.reservation!, { nope: 1 }))).toBe('INVALID_ARGUMENT')
    expect(await codeOf(l.settle(r.reservation!, { tokens: 3 }))).toBe('ok')
  })

  it('checks options once: unique names, names no object already has, ranges', () => {
    const bad: [unknown, string][] = [
      [undefined, 'options'],
      [{ rules: [rules[0], rules[0]] }, 'rules.1.name'],
      [{ rules: [{ ...rules[0], per: 'constructor' }] }, 'rules.0.per'],
      [{ rules: [{ ...rules[0], cost: 'toString' }] }, 'rules.0.cost'],
      [{ rules: [{ ...rules[0], name: 'a:b' }] }, 'rules.0.name'],
      [{ rules: [{ ...rules[0], windowMs: 0 }] }, 'rules.0.windowMs'],
      [{ rules: [{ ...rules[0], algorithm: 'fixed-window' }] }, 'rules.0.algorithm'],
      [{ rules: [{ ...rules[0], onStoreError: 'ignore' }] }, 'rules.0.onStoreError'],
      [{ rules: [{ ...rules[0], limit: 10_000_000 }] }, 'rules.0.limit'], // its log could not fit in memory.maxBytes
      [{ rules, memory: { maxKeys: 0 } }, 'memory.maxKeys'],
      [{ rules, store: {} }, 'store'],
      [{ rules, clock: Date }, 'clock'],
      [{ rules, onWarning: 'log' }, 'onWarning'],
      [{ rules, meter: { createHistogram() {} } }, 'meter'],
    ]
    for (const [options, option] of bad) {
      let error: unknown
      try {
        createRateLimiter(options as never)
      } catch (e) {
        error = e
      }
      expect(isSessionKitError(error, 'INVALID_CONFIG'), option).toBe(true)
      expect((error as { details?: { option?: string } }).details?.option ?? 'options', option).toBe(option)
    }
  })
})
