import type { StoreNames } from '../names.js'
import type { Statement } from '../statements.js'

/** The rate-limit statements of a store on `names`: each calls a function migration 10 installed. */
export interface LimitStatements {
  readonly consume: Statement
  readonly settle: Statement
  readonly sweep: Statement
}

/**
 * The statements of the Postgres rate-limit backend (see 010-rate-limits.sql). Parameters carry
 * explicit types, so a prepared statement never guesses; a consume and a settle send their
 * charges as arrays, one element per charge.
 */
export function limitStatements(names: StoreNames): LimitStatements {
  const fn = (name: string) => `"${names.schema}"."${names.table}_${name}"`
  const statement = (op: string, text: string): Statement => ({
    name: `sessionkit:${names.schema}.${names.table}:${op}`,
    text,
  })
  const charge = '$3::text[], $4::text[], $5::"char"[], $6::float8[], $7::float8[], $8::float8[]'
  return {
    consume: statement(
      'rate_consume',
      `SELECT ${fn('rate_consume')}($1::float8, $2::float8, ${charge}, $9::float8[]) AS r`,
    ),
    settle: statement(
      'rate_settle',
      `SELECT ${fn('rate_settle')}($1::float8, $2::float8, ${charge}, $9::float8[], $10::float8[], $11::float8[], $12::float8[])`,
    ),
    sweep: statement('sweep_limits', `SELECT ${fn('sweep_limits')}($1::float8, $2::integer) AS n`),
  }
}
