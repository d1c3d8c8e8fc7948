import { describe, expect, it } from 'vitest'
import { SessionKitError } from '../../src/errors.js'
import { limitsFailure } from '../../src/postgres/limits/errors.js'

const names = { schema: 'app', table: 'sessions' }
/** What the store's context makes of a failed statement: STORE_UNAVAILABLE with the driver's error as cause. */
const failed = (cause: object) =>
  new SessionKitError('STORE_UNAVAILABLE', 'PostgreSQL failed rate_consume', {
    cause: Object.assign(new Error('boom'), cause),
    details: { operation: 'rate_consume' },
  })

// Which failures of a rate-limit statement a rule's onStoreError may answer (an outage), and which
// are thrown (the server answered and refused: a policy must never admit past them).
describe('Postgres rate-limit failures (no server)', () => {
  it('an outage stays STORE_UNAVAILABLE: no server answer, a socket error, a connection, shutdown, timeout or failover SQLSTATE', () => {
    const outages = [
      new SessionKitError('STORE_UNAVAILABLE', 'PostgreSQL did not answer within 2000 ms'),
      failed({ code: 'ECONNREFUSED' }),
      failed({ code: 'EPIPE' }),
      failed({ severity: 'FATAL', code: '57P01' }),
      failed({ severity: 'ERROR', code: '57014' }),
      failed({ severity: 'FATAL', code: '08006' }),
      failed({ severity: 'FATAL', code: '53300' }),
      failed({ severity: 'ERROR', code: '40P01' }),
      failed({ severity: 'ERROR', code: '25006' }),
    ]
    for (const error of outages) expect(limitsFailure(error, names)).toBe(error)
  })

  it('a refusal is STORE_REJECTED with its reason and what to do', () => {
    expect(limitsFailure(failed({ severity: 'ERROR', code: '42883' }), names)).toMatchObject({
      code: 'STORE_REJECTED',
      details: { reason: 'schema', code: '42883', operation: 'rate_consume' },
      message: expect.stringContaining("run `await migrate(pool, { schema: 'app', table: 'sessions' })`"),
    })
    for (const code of ['42501', '28P01', '28000']) {
      expect(limitsFailure(failed({ severity: 'FATAL', code }), names)).toMatchObject({
        code: 'STORE_REJECTED',
        details: { reason: 'permission', code },
        message: expect.stringContaining('"app"."sessions_limits"'),
      })
    }
    expect(limitsFailure(failed({ severity: 'ERROR', code: 'XX000' }), names)).toMatchObject({
      code: 'STORE_REJECTED',
      details: { reason: 'server' },
    })
  })

  it('leaves any other error as it is', () => {
    const other = new TypeError('not a store failure')
    expect(limitsFailure(other, names)).toBe(other)
    const invalid = new SessionKitError('INVALID_ARGUMENT', 'bad')
    expect(limitsFailure(invalid, names)).toBe(invalid)
  })
})
