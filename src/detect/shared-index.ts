import type { DetectorOptions } from './options.js'
import type { DetectionKind } from './types.js'

/**
 * What `detect()` asks a shared index to do with one hashed request: place it and update the
 * index in one atomic step (every replica sees the same sessions). Keys and fingerprints are
 * 16-character binary strings (128 bits); positions are 1-based conversation positions.
 */
export interface PlaceInput {
  readonly now: number
  /** A fresh session id, used when the request opens a session (a new one, a fragment, a split reset). */
  readonly newId: string
  /** Conversation messages in the request. */
  readonly n: number
  /** Lowest position probed (the last of `keys`). */
  readonly lowest: number
  /** Position of the first assistant message, 0 when there is none. */
  readonly firstAssistant: number
  /** One character per position: `a` for an assistant message, `o` for any other. */
  readonly roles: string
  readonly reset: boolean
  /** System prompt fingerprints, as sent and with volatile parts blanked (0: none). */
  readonly rawSysFp: number
  readonly sysFp: number
  /**
   * Chain keys by position, from `n` down to `lowest`: the probed positions and the states a later
   * request may probe (not every position: see `probePositions`).
   */
  readonly keys: readonly { readonly pos: number; readonly key: string }[]
  /**
   * Reply fingerprints of the request's assistant messages, newest first: every one at or above
   * `lowest`, then older ones until there are `fuzzy.window` (none older when fuzzy matching is
   * off). Their positions follow from `roles`.
   */
  readonly fps: readonly string[]
}

/** How a request was placed: the fields of a detection, and what the metrics count. */
export interface PlaceOutcome {
  readonly kind: DetectionKind
  readonly sessionId: string
  readonly branch: number
  readonly newMessages: number
  readonly similarity: number
  readonly systemChanged: boolean
  readonly previousSessionId: string | undefined
  /** Messages the placement added to sessions, and the longest of them now. */
  readonly added: number
  readonly length: number
  /** A session was created. */
  readonly created: boolean
}

/** What `bindReply()` asks a shared index to do: index the request extended by the reply. */
export interface BindInput {
  readonly now: number
  readonly sessionId: string
  /** The extended request's chain key, position and tag. */
  readonly key: string
  readonly pos: number
  readonly tag: number
  /** The reply's fingerprint, for an assistant reply. */
  readonly fp: string | undefined
}

/** What a shared index is told once, at detector creation: the options placement follows. */
export interface IndexRules {
  readonly idleMs: number
  readonly retryWindowMs: number
  readonly splitResets: boolean
  /** Fuzzy matching, or `undefined` when off. */
  readonly fuzzy: DetectorOptions['fuzzy']
}

/**
 * A detection index shared by every replica of a gateway (`redisDetectionIndex()` from
 * `sessionkit/redis`). Each call is one round trip and atomic; a call that cannot complete rejects
 * with `STORE_UNAVAILABLE` within `timeoutMs`. Adapter authors: placement follows the rules of
 * `docs/detection.md`, and the detector's tests run against any index.
 *
 * @example
 * const detector = createDetector({ index: redisDetectionIndex({ client: fromIoredis(redis) }) })
 */
export interface DetectionIndex {
  /** How long a call may take before the detector answers from its local index. */
  readonly timeoutMs: number
  /** The secret every replica mixes into chain keys: the same for all of them. */
  seed(): Promise<string>
  /** Places a request: everything placement may need is in `input`, so this is one round trip. */
  place(tenant: string, rules: IndexRules, input: PlaceInput): Promise<PlaceOutcome>
  /** Indexes a bound reply; `false` when the session is gone. */
  bind(tenant: string, rules: IndexRules, input: BindInput): Promise<boolean>
  /**
   * The session of an explicit id: `id` itself when the index gave it to this tenant, else
   * `derivedId`, created when missing.
   */
  explicit(
    tenant: string,
    rules: IndexRules,
    input: {
      readonly now: number
      readonly id: string
      readonly derivedId: string
      readonly position: number
    },
  ): Promise<{
    readonly sessionId: string
    readonly created: boolean
    readonly added: number
    readonly length: number
  }>
  /** Removes a session; `true` when it was live. */
  forget(tenant: string, rules: IndexRules, sessionId: string, now: number): Promise<boolean>
  /** Round trips made so far (for metrics and benchmarks). */
  readonly roundTrips: number
}
