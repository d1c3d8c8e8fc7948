import { createHash } from 'node:crypto'

/** What Anthropic accepts as a tool_use id. */
const safe = /^[A-Za-z0-9_-]{1,64}$/

/**
 * Maps tool call ids to ids a provider accepts, the same for a call and its result. An id already
 * safe is kept. Another becomes its safe characters plus a hash of the whole id, so `call.1` and
 * `call_1` never meet; should a hash land on an id already in the request, it grows until unique.
 * Stable across requests (a growing conversation keeps its ids, and a provider's prompt cache
 * its prefix).
 *
 * @example
 * const ids = createIdMap(['call.1', 'call_1']); ids.get('call.1') // 'call_1_k3Xz9QfA2bLm'
 */
export function createIdMap(ids: Iterable<string>): ReadonlyMap<string, string> {
  const all = [...new Set(ids)]
  const taken = new Set(all.filter((id) => safe.test(id)))
  const map = new Map<string, string>()
  for (const id of all) {
    if (safe.test(id)) {
      map.set(id, id)
      continue
    }
    const digest = createHash('sha256')
      .update(id)
      .digest('base64url')
      .replaceAll(/[^A-Za-z0-9]/g, 'x')
    const stem = id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 16)
    let mapped = `${stem}_${digest.slice(0, 12)}`
    // Ids a client sent could occupy the first candidates on purpose: the counter always ends it.
    for (let n = 13; taken.has(mapped); n++) {
      mapped = n <= 32 ? `${stem}_${digest.slice(0, n)}` : `${stem}_${digest.slice(0, 32)}_${n}`
    }
    taken.add(mapped)
    map.set(id, mapped)
  }
  return map
}
