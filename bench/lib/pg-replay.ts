// A stand-in `pg` pool that answers every statement at once with the answer a real server last
// gave to a statement of that name, one event-loop turn later (as a socket's answer would come):
// run through it, a request costs only its library's CPU (and the promise work around it), with no
// driver, protocol or kernel, so a benchmark can say how much of a request's client CPU is the
// library's own.
import type { PgPoolLike, PgQuery, PgResult } from '../../src/postgres/index.js'

/** Answers by statement name, and a pool that records them from a real one. */
export interface ReplayRecorder {
  /** Forwards to `real`, keeping the last answer to each named statement. */
  readonly recording: PgPoolLike
  /** Answers each named statement with its recorded answer; throws for one never recorded. */
  replaying(): PgPoolLike
}

const later = <T>(value: T): Promise<T> => new Promise((resolve) => setImmediate(() => resolve(value)))

/** A recorder on `real` (a `pg` Pool). */
export function replayRecorder(real: PgPoolLike): ReplayRecorder {
  const answers = new Map<string, PgResult>()
  const answer = (query: PgQuery): Promise<PgResult> => {
    const known = query.name === undefined ? undefined : answers.get(query.name)
    if (known === undefined) throw new Error(`no recorded answer for statement ${query.name ?? query.text}`)
    return later(known)
  }
  const client = { query: answer, release() {} }
  return {
    recording: {
      async connect() {
        const connection = await real.connect()
        return {
          release: (error) => connection.release(error),
          async query(query) {
            const result = await connection.query(query)
            if (query.name !== undefined)
              answers.set(query.name, { rows: result.rows, rowCount: result.rowCount })
            return result
          },
        }
      },
      query: (query) => real.query(query),
    },
    replaying: () => ({ connect: () => later(client), query: answer }),
  }
}
