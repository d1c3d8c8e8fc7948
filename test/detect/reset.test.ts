import { describe, expect, it } from 'vitest'
import { defaultResetPhrases } from '../../src/detect/index.js'
import { createResetMatcher } from '../../src/detect/reset.js'
import { assistant, setup, turn, user } from './helpers.js'

const matcher = createResetMatcher(defaultResetPhrases, 120)

describe('reset phrases', () => {
  it.each([
    'start over',
    'Start over.',
    "Start over. What's the weather?",
    'START OVER!',
    "let's start over",
    'Let’s start over please',
    'ok, new conversation',
    'New conversation: pasta recipes',
    'reset',
    'Reset!',
    '  new chat  ',
    'Please clear the chat.',
    'I want to start over',
    'forget everything',
  ])('resets on %j', (text) => {
    expect(matcher.test(text)).toBe(true)
  })

  it.each([
    'Reset my password, please',
    'Restarting the server fixed it',
    'Start overtime pay at 40 hours?',
    'clearly, that is wrong',
    'Can you help me start over with my diet?',
    'I started over yesterday',
    'new conversation starters for a party',
    'The reset button does nothing',
    '',
  ])('does not reset on %j', (text) => {
    expect(matcher.test(text)).toBe(false)
  })

  it('ignores long messages that open with a phrase', () => {
    expect(matcher.test(`Start over. ${'Tell me about ships. '.repeat(10)}`)).toBe(false)
    expect(
      createResetMatcher(defaultResetPhrases, 400).test(`Start over. ${'Tell me about ships. '.repeat(10)}`),
    ).toBe(true)
  })

  it('matches whole phrases only: a custom "clear" never fires on "clearly"', () => {
    const m = createResetMatcher(['clear'], 120)
    expect(m.test('clear')).toBe(true)
    expect(m.test('Clear!')).toBe(true)
    expect(m.test('clearly not')).toBe(false)
    expect(m.test('clear the table for dinner')).toBe(false)
  })

  it('escapes phrases and matches any white space inside them', () => {
    const m = createResetMatcher(['new (topic)', 'a.b'], 120)
    expect(m.test('new   (topic)')).toBe(true)
    expect(m.test('a.b')).toBe(true)
    expect(m.test('axb')).toBe(false)
    expect(createResetMatcher([], 120).test('reset')).toBe(false)
  })

  it('only looks at a last message from the user', () => {
    const { detector } = setup()
    const d1 = turn(detector, [user('Tell me a joke')], assistant('Reset.'))
    const d2 = turn(detector, [user('Tell me a joke'), assistant('Reset.')])
    expect(d2).toMatchObject({ reset: false, sessionId: d1.sessionId })
  })

  it('is off with reset: false', () => {
    const { detector } = setup({ reset: false })
    const d1 = turn(detector, [user('Tell me a joke')], assistant('Why?'))
    const d2 = turn(detector, [user('Tell me a joke'), assistant('Why?'), user('start over')])
    expect(d2).toMatchObject({ kind: 'continued', reset: false, sessionId: d1.sessionId })
  })

  it('uses custom phrases', () => {
    const { detector } = setup({ reset: { phrases: ['nuevo chat'] } })
    turn(detector, [user('Hola')], assistant('Hola!'))
    expect(turn(detector, [user('Hola'), assistant('Hola!'), user('Nuevo chat')]).kind).toBe('reset')
    expect(turn(detector, [user('Hi')], undefined).reset).toBe(false)
  })
})
