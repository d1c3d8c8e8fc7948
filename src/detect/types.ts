import type { MetricsSnapshot } from '../metrics/types.js'

/**
 * One message of a chat request as a gateway receives it: OpenAI-style (`content` a string or
 * parts, `tool_calls`, `tool_call_id`) or Anthropic-style (`content` blocks such as `tool_use`).
 * Only `role` is required; other fields are read for hashing and never changed.
 *
 * @example
 * const m: ChatMessage = { role: 'user', content: 'Any 2BHK in Whitefield?' }
 */
export interface ChatMessage {
  readonly role: string
  readonly content?: unknown
  readonly [key: string]: unknown
}

/**
 * What `detect()` reads from one proxied request.
 *
 * @example
 * detector.detect({ messages: body.messages, system: body.system, tenant: apiKeyId })
 */
export interface DetectRequest {
  /** The whole message array the client sent (leading `system`/`developer` messages are the system prompt). */
  readonly messages: readonly ChatMessage[]
  /** An Anthropic-style top-level system prompt (a string or text blocks). Default: none. */
  readonly system?: unknown
  /** Who is calling (an API key id, an organisation). Sessions never cross tenants. Default `''`. */
  readonly tenant?: string
  /**
   * A session id the caller read from a header or a body field. When present it wins over content
   * matching, after `assertSessionId`; it is scoped by tenant. Default: none.
   */
  readonly explicitId?: string
}

/**
 * How a request relates to what the detector has seen.
 * - `new`: a first request (no assistant message matched anything): a new session.
 * - `continued`: the request extends the latest state of a known session.
 * - `retry`: the same state again (a client retry, or "regenerate").
 * - `fork`: the request leaves a known session behind its latest position (an edited message):
 *   same session, new `branchId`.
 * - `fuzzy`: no exact match, but the request's assistant messages place it in a known session
 *   (oldest messages dropped, an earlier message edited); see `similarity`.
 * - `reset`: the last user message asks to start over ("start over", "new conversation"); with
 *   `reset.mode: 'split'` the request starts a new session (`previousSessionId` names the old one).
 * - `fragmented`: the request carries assistant messages but matches nothing known: a
 *   conversation whose start this detector never saw (restart, eviction, another process), or a
 *   client that writes its own assistant turns (few-shot examples). A new session.
 */
export type DetectionKind = 'new' | 'continued' | 'retry' | 'fork' | 'fuzzy' | 'reset' | 'fragmented'

/** Every kind, in a fixed order (for metrics and loops). */
export const detectionKinds: readonly DetectionKind[] = [
  'new',
  'continued',
  'retry',
  'fork',
  'fuzzy',
  'reset',
  'fragmented',
]

/**
 * The answer of `detect()`: which session a request belongs to and how. Plain data (log it as
 * JSON); pass it back to `bindReply()` with the upstream's answer.
 *
 * @example
 * const d = detector.detect({ messages }); res.setHeader('x-session-id', d.sessionId)
 */
export interface Detection {
  /** The session: minted by `createSessionId()`, or derived from `explicitId` and the tenant. */
  readonly sessionId: string
  readonly kind: DetectionKind
  /** 0 for a session's first branch; each fork adds one. */
  readonly branchId: number
  /** Messages in the request, the system prompt not counted. */
  readonly position: number
  /** Messages the request adds to what the session had seen (0 for a retry). */
  readonly newMessages: number
  /** The system prompt differs from the one this session last had (volatile parts stripped). */
  readonly systemChanged: boolean
  /** The last user message is a reset phrase ("start over"), whatever the mode. */
  readonly reset: boolean
  /** How closely the request matched: 1 for an exact match, 0 for none, in between for `fuzzy`. */
  readonly similarity: number
  /** For a `reset` in `split` mode: the session the request left. */
  readonly previousSessionId: string | undefined
  /** The session came from `explicitId`. */
  readonly explicit: boolean
  /** The tenant the session belongs to (`''` when none was given). */
  readonly tenant: string
  /**
   * The shared index did not answer within its timeout (Redis down or slow): the detection comes
   * from this replica's local index, which knows only what it placed itself. Always `false`
   * without a shared index.
   */
  readonly degraded: boolean
}

/** A p50/p99 pair over the most recent samples, in milliseconds. */
export interface Percentiles {
  readonly p50: number
  readonly p99: number
}

/**
 * What `stats()` reports. Counters run since the detector was created.
 *
 * @example
 * const m = detector.stats(); log(m.hitRate, m.byKind.fuzzy, m.lookupMs.p99)
 */
export interface DetectorStats {
  /** Live sessions in the index. */
  readonly active: number
  /** Sessions created since start. */
  readonly totalCreated: number
  /** `detect()` calls since start. */
  readonly requests: number
  /** Share of requests placed in a session that already existed (0 when there were none). */
  readonly hitRate: number
  /** Requests by kind. */
  readonly byKind: Readonly<Record<DetectionKind, number>>
  /** Requests that named an `explicitId`. */
  readonly explicit: number
  /** Requests whose system prompt changed within a session. */
  readonly systemChanged: number
  /** Requests whose last user message was a reset phrase. */
  readonly resets: number
  /** Replies indexed by `bindReply()`. */
  readonly repliesBound: number
  /** Sessions removed, by reason: `capacity` (LRU, `maxSessions`), `idle` (`idleMs`), `forgotten`. */
  readonly evictions: Readonly<{ capacity: number; idle: number; forgotten: number }>
  /** Mean messages seen per session (all branches), over every session created. */
  readonly averageSessionLength: number
  /** Most messages seen in one session. */
  readonly longestSession: number
  /**
   * Time to place a request once hashed (probes, fuzzy matching, index updates), over the last
   * 1,024 timed requests (every request up to the 1,024th, then one in eight).
   */
  readonly lookupMs: Percentiles
  /** Time to canonicalise and hash a request, sampled like `lookupMs`. */
  readonly hashMs: Percentiles
  /** Canonical text hashed since start, in UTF-16 code units (bytes, for ASCII text). */
  readonly bytesHashed: number
  /** Chain hashes in the index. */
  readonly indexKeys: number
}

/**
 * Tells which conversation a stateless request belongs to. In-process and bounded; see
 * `createDetector`.
 *
 * @example
 * const d = detector.detect({ messages, tenant }); const reply = await upstream(messages)
 * detector.bindReply(d, reply.choices[0].message)
 */
export interface Detector {
  /** Places a request; throws `INVALID_ARGUMENT` when it is not a chat request. */
  detect(request: DetectRequest): Detection
  /**
   * Indexes the request extended by the upstream's answer, so the next turn is found in one
   * probe and identical openings of different users stay apart. Returns `false` when the session
   * is gone or the detection came from an `explicitId`.
   */
  bindReply(detection: Detection, reply: ChatMessage): boolean
  /** Removes a session and its index keys; `true` when it was there. */
  forget(sessionId: string): boolean
  /** Counters, rates and timings, as one typed object. */
  stats(): DetectorStats
  /**
   * The detector's metrics (`sessionkit_detections_total{kind}`, `sessionkit_detect_seconds`, ...)
   * for `toPrometheusText`, `toMetricsJson` or your own exporter.
   */
  metrics(): MetricsSnapshot
  /** Live sessions (idle ones past `idleMs` are dropped first). */
  readonly size: number
}
