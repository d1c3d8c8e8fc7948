import { describe, expect, it } from 'vitest'
import { SessionKitError } from '../../src/errors.js'
import { postgresFailure } from '../../src/postgres/errors.js'

const names = { schema: 'app', table: 'sessions' }
/** A failure as the `pg` driver gives it: an Error with the server's severity and SQLSTATE, or a socket's code. */
const driver = (fields: object) => Object.assign(new Error('boom'), fields)

// Which failures of a statement are an outage (STORE_UNAVAILABLE: a retry later may work, and a rate
// limit's onStoreError answers it) and which are a refusal (STORE_REJECTED: fix the configuration).
describe('Postgres failures (no server)', () => {
  it('an outage is STORE_UNAVAILABLE: a socket error, a connection, shutdown, timeout or failover SQLSTATE', () => {
    const outages = [
      { code: 'ECONNREFUSED' },
      { code: 'EPIPE' },
      { code: '57P01' }, // no severity: not from the server
      { severity: 'FATAL', code: '57P01' },
      { severity: 'ERROR', code: '57014' },
      { severity: 'FATAL', code: '08006' },
      { severity: 'FATAL', code: '53300' },
      { severity: 'ERROR', code: '40P01' },
      { severity: 'ERROR', code: '55P03' },
      { severity: 'ERROR', code: '25006' },
    ]
    for (const fields of outages) {
      const cause = driver(fields)
      expect(postgresFailure(cause, 'meta', names), JSON.stringify(fields)).toMatchObject({
        code: 'STORE_UNAVAILABLE',
        cause,
        details: { operation: 'meta' },
        message: expect.stringContaining('check that the server is up'),
      })
    }
  })

  it('a refusal is STORE_REJECTED with its reason and what to do', () => {
    for (const code of ['42P01', '42883', '3F000', '42703', '42704']) {
      expect(postgresFailure(driver({ severity: 'ERROR', code }), 'rate_consume', names)).toMatchObject({
        code: 'STORE_REJECTED',
        details: { reason: 'schema', code, operation: 'rate_consume' },
        message: expect.stringContaining("run `await migrate(pool, { schema: 'app', table: 'sessions' })`"),
      })
    }
    for (const code of ['42501', '28P01', '28000']) {
      expect(postgresFailure(driver({ severity: 'FATAL', code }), 'meta', names)).toMatchObject({
        code: 'STORE_REJECTED',
        details: { reason: 'permission', code },
        message: expect.stringContaining('"app"."sessions_*" functions'),
      })
    }
    expect(postgresFailure(driver({ severity: 'ERROR', code: 'XX000' }), 'meta', names)).toMatchObject({
      code: 'STORE_REJECTED',
      details: { reason: 'server' },
    })
  })

  it('leaves a SessionKitError as it is, and wraps anything else as an outage', () => {
    const invalid = new SessionKitError('INVALID_ARGUMENT', 'bad')
    expect(postgresFailure(invalid, 'meta', names)).toBe(invalid)
    expect(postgresFailure('a string', 'meta', names)).toMatchObject({ code: 'STORE_UNAVAILABLE' })
  })
})
