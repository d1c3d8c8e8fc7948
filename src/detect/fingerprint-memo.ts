import { ownKey } from './hash.js'

/**
 * Reply fingerprints a replica already computed, by the chain key of the request that held them.
 * A chain key digests the header (seed and tenant) and every piece up to its position, roles
 * included, so it fixes the fingerprints of the assistant messages up to there: a continued turn
 * takes them from here and hashes only the messages after its previous request (one reply instead
 * of the last `fuzzy.window`). A miss only costs the hashing; answers never depend on it.
 *
 * Bounded in fingerprints held (16 binary characters each), not only in lists: the oldest lists go
 * first.
 */
export class FingerprintMemo {
  readonly #lists = new Map<string, readonly string[]>()
  #held = 0

  constructor(readonly maxFingerprints: number) {}

  /** The fingerprints of the request whose chain key is `key`, newest first, or undefined. */
  get(key: string): readonly string[] | undefined {
    return this.#lists.get(key)
  }

  /**
   * Keeps `fps` (newest first, each its own 16-character string: see `ownKey`) for the request
   * whose chain key is `key`.
   */
  set(key: string, fps: readonly string[]): void {
    if (fps.length === 0 || fps.length > this.maxFingerprints || this.#lists.has(key)) return
    this.#held += fps.length
    while (this.#held > this.maxFingerprints) {
      const [oldest, list] = this.#lists.entries().next().value as [string, readonly string[]]
      this.#lists.delete(oldest)
      this.#held -= list.length
    }
    // A chain key may be a view of its whole digest: keep 16 characters, not the digest.
    this.#lists.set(ownKey(key), fps)
  }
}
