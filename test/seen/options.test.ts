import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isSessionKitError } from '../../src/errors.js'
import { foldGenerations } from '../../src/seen/fold.js'
import { parseSeenOptions, SEEN_DEFAULTS } from '../../src/seen/index.js'
import { resolveCallPolicy } from '../../src/seen/options.js'
import { createSeenView } from '../../src/seen/view.js'

function configError(input: unknown): Error {
  try {
    parseSeenOptions(input)
  } catch (error) {
    expect(isSessionKitError(error, 'INVALID_CONFIG'), String(error)).toBe(true)
    return error as Error
  }
  throw new Error('expected INVALID_CONFIG')
}

describe('parseSeenOptions', () => {
  it('fills in defaults: decay (weight 3, half-lives 10 min and 2 generations), 256 items, 64 generations, a user level', () => {
    const o = parseSeenOptions(undefined)
    expect(o).toMatchObject({ maxItems: 256, maxGenerations: 64, maxAttributesPerItem: 16 })
    expect(o.user).toEqual({ ttlMs: 30 * 86_400_000, maxGenerations: 256, maxItems: 1024 })
    expect(o.policy).toMatchObject({
      kind: 'decay',
      scoring: 'additive',
      item: { kind: 'decay', weight: 3, halfLifeMs: SEEN_DEFAULTS.halfLifeMs, generationHalfLife: 2 },
      user: { weight: 0.5, halfLifeMs: 86_400_000 },
      cap: undefined,
    })
    expect(parseSeenOptions({ policy: { kind: 'flat' } }).policy.item).toMatchObject({
      weight: 1.5,
      windowMs: 1_800_000,
    })
    expect(parseSeenOptions({ policy: { kind: 'decay', generationHalfLife: 3 } }).policy.item).toMatchObject({
      halfLifeMs: Infinity,
      generationHalfLife: 3,
    })
    expect(
      parseSeenOptions({ policy: { kind: 'flat', scoring: 'multiplicative' } }).policy.item?.weight,
    ).toBe(0.5)
    expect(parseSeenOptions({ user: false }).user).toBeUndefined()
  })

  it('attribute keys inherit the item half-lives unless they set their own', () => {
    const o = parseSeenOptions({
      policy: {
        kind: 'decay',
        halfLifeMs: 5000,
        attributes: { color: { weight: 1 }, brand: { weight: 1, generationHalfLife: 2 } },
      },
    })
    expect(o.policy.attributes.get('color')).toMatchObject({ halfLifeMs: 5000, generationHalfLife: Infinity })
    expect(o.policy.attributes.get('brand')).toMatchObject({ halfLifeMs: Infinity, generationHalfLife: 2 })
  })

  const bad: [unknown, string][] = [
    [{ maxItems: 0 }, 'seen.maxItems'],
    [{ maxGenerations: 1.5 }, 'seen.maxGenerations'],
    [{ colour: 1 }, 'seen'],
    [{ policy: { kind: 'sliding' } }, 'seen.policy.kind'],
    [{ policy: { kind: 'decay', halfLifeMs: 0 } }, 'seen.policy.halfLifeMs'],
    [{ policy: { kind: 'decay', weight: -1 } }, 'seen.policy.weight'],
    [{ policy: { kind: 'flat', halfLifeMs: 1000 } }, 'seen.policy'],
    [{ policy: { kind: 'decay', windowMs: 1000 } }, 'seen.policy'],
    [{ policy: { kind: 'decay', cap: { max: 0 } } }, 'seen.policy.cap.max'],
    [{ policy: { kind: 'decay', user: { weight: 2 } } }, 'seen.policy.user.weight'],
    [{ policy: { kind: 'decay', attributes: { 'color:x': { weight: 1 } } } }, 'seen.policy.attributes'],
    [{ policy: { kind: 'decay', attributes: { color: {} } } }, 'seen.policy.attributes.color.weight'],
    [{ policy: { kind: 'decay', weight: 3, scoring: 'multiplicative' } }, 'seen.policy.weight'],
    [
      { policy: { kind: 'decay', scoring: 'multiplicative', attributes: { color: { weight: 2 } } } },
      'seen.policy.attributes.color.weight',
    ],
    [{ user: { ttlMs: -5 } }, 'seen.user'],
  ]
  for (const [input, option] of bad) {
    it(`refuses ${JSON.stringify(input)} with INVALID_CONFIG naming ${option}`, () => {
      const error = configError(input)
      expect(error.message).toContain(option)
      expect((error as { details?: { option?: string } }).details?.option?.startsWith(option)).toBe(true)
    })
  }

  it('parses a per-call policy object once and reuses it', () => {
    const policy = { kind: 'flat', weight: 2 } as const
    expect(resolveCallPolicy(policy)).toBe(resolveCallPolicy(policy))
    let error: unknown
    try {
      resolveCallPolicy({ kind: 'flat', weight: Number.NaN })
    } catch (e) {
      error = e
    }
    expect(isSessionKitError(error, 'INVALID_ARGUMENT')).toBe(true)
  })
})

describe('folding generations', () => {
  it('equals the recurrence E <- E * 2^(-dt/h) * 2^(-dg/hg) + 1 for any exposure times', () => {
    const hT = 600_000
    const hG = 3
    const policy = parseSeenOptions({
      policy: { kind: 'decay', weight: 1, halfLifeMs: hT, generationHalfLife: hG },
    }).policy
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 3_600_000 }), shown: fc.boolean() }), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.integer({ min: 0, max: 3_600_000 }),
        (steps, tail) => {
          let t = 0
          let e = 0
          const entries = steps.map((step, i) => {
            t += step.gap
            e *= 2 ** (-step.gap / hT - 1 / hG)
            if (step.shown) e += 1
            return { seq: i + 1, value: { at: t, ids: step.shown ? ['a', 'x'] : ['x'] } }
          })
          const now = t + tail
          e *= 2 ** (-tail / hT)
          const folded = foldGenerations(
            now,
            policy,
            { entries, lastSeq: steps.length, maxItems: 10 },
            undefined,
          )
          expect(folded.items.get('a')?.session?.mass ?? 0).toBeCloseTo(e, 9)
          expect(createSeenView(folded, policy, now).penalty('a')).toBeCloseTo(
            e === 0 ? 0 : -(1 - 2 ** -e),
            9,
          )
        },
      ),
    )
  })

  it('skips stored values that are not generations instead of failing the view', () => {
    const policy = parseSeenOptions({}).policy
    const entries = [
      { seq: 1, value: 'junk' },
      { seq: 2, value: { at: 'x', ids: ['a'] } },
      { seq: 3, value: { at: 0, ids: ['b', 7], attrs: { b: 'color:blue', toString: ['color:red'] } } },
    ]
    const folded = foldGenerations(0, policy, { entries, lastSeq: 3, maxItems: 10 }, undefined)
    expect([...folded.items.keys()]).toEqual(['b'])
    expect(createSeenView(folded, policy, 0).penalty('b')).toBeCloseTo(-1.5, 12)
  })
})
