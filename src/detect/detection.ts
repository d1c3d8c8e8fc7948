import type { RequestChain } from './chain.js'
import type { Placement } from './placement.js'
import type { Detection, DetectionKind } from './types.js'

/** What `bindReply` needs from a detection: hidden from logs, `JSON.stringify` and inspection. */
export interface BindState {
  /** The session's slot (-1 in a shared index), and its id (the slot may be reused once the session is gone). */
  readonly s: number
  readonly sessionId: string
  /** The request's prefix hashes, extended by the reply. */
  readonly chain: RequestChain
  /** Seed and tenant (secret: never printed). */
  readonly header: string
  readonly position: number
  readonly branch: number
  /**
   * A shared index's detection: the request's reply fingerprints (newest first), which the reply
   * extends in the replica's memo (see `FingerprintMemo`).
   */
  readonly fps?: readonly string[]
}

/** A detection as `detect()` returns it: plain public fields, the bind state in a private field. */
export class DetectionRecord implements Detection {
  readonly sessionId: string
  readonly kind: DetectionKind
  readonly branchId: number
  readonly position: number
  readonly newMessages: number
  readonly systemChanged: boolean
  readonly reset: boolean
  readonly similarity: number
  readonly previousSessionId: string | undefined
  readonly explicit: boolean
  readonly tenant: string
  readonly degraded: boolean
  readonly #bind: BindState | undefined

  constructor(
    p: Omit<Placement, 's'>,
    sessionId: string,
    position: number,
    reset: boolean,
    tenant: string,
    bind: BindState | undefined,
    degraded = false,
  ) {
    this.sessionId = sessionId
    this.kind = p.kind
    this.branchId = p.branch
    this.position = position
    this.newMessages = p.newMessages
    this.systemChanged = p.systemChanged
    this.reset = reset
    this.similarity = p.similarity
    this.previousSessionId = p.previousSessionId
    this.explicit = bind === undefined
    this.tenant = tenant
    this.degraded = degraded
    this.#bind = bind
  }

  /** The bind state of a detection this module made; `undefined` for anything else. */
  static bindOf(d: unknown): BindState | undefined {
    return d instanceof DetectionRecord ? d.#bind : undefined
  }
}
