import { SessionKitError } from '../errors.js'
import { recordLabel } from '../ids.js'
import { asArray } from './context.js'

/** Tries before a call whose record keeps gaining or losing parts gives up (each race costs one try). */
const ATTEMPTS = 8

/**
 * Runs a script that must be given the keys of every part of a record (every key a script touches
 * is passed in `KEYS`, which is how a Cluster routes it): first with the names the caller knows (none),
 * then, while the script answers `{ 'parts', name ... }` because the record's parts differ, with
 * the names it reported. A record without parts costs one round trip, any other two.
 */
export async function withPartNames(
  what: string,
  id: string,
  run: (names: readonly string[]) => Promise<unknown>,
): Promise<readonly unknown[]> {
  let names: readonly string[] = []
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const reply = asArray(await run(names), what)
    if (reply[0] !== 'parts') return reply
    names = reply.slice(1).map(String)
  }
  throw new SessionKitError(
    'CONFLICT',
    `${what} of record ${recordLabel(id)} lost ${ATTEMPTS} races with writes adding or removing its parts; try again`,
    { details: { record: recordLabel(id) } },
  )
}
