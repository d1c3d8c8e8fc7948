import { invalidArgument } from '../errors.js'
import { assertSessionId } from '../ids.js'
import { detectorMetrics } from '../metrics/catalog.js'
import { bindMeter } from '../metrics/otel.js'
import { warn, warningGate } from '../warnings.js'
import { type CanonicalConfig, plainText } from './canonical.js'
import { DetectionRecord } from './detection.js'
import { deriveExplicitId, ownKey } from './hash.js'
import { type HashContext, hashRequest, pieceFingerprint, pieceOf } from './hashed-request.js'
import { DetectorCounters } from './metrics.js'
import { type DetectorOptions, type DetectorOptionsInput, parseDetectorOptions } from './options.js'
import { Placer } from './placement.js'
import { pieceSketch } from './reply-sketch.js'
import { checkReply, checkRequest, systemPrefixLength } from './request.js'
import { createResetMatcher } from './reset.js'
import { REPLY, SessionTable } from './session-table.js'
import { createSharedDetector, type SharedDetector } from './shared-detector.js'
import type { DetectionIndex } from './shared-index.js'
import type { Detection, Detector, DetectorStats, DetectRequest } from './types.js'

/**
 * Creates a session detector on an index shared by every replica of a gateway: the same rules,
 * with `detect()` and `bindReply()` returning promises (one round trip each, usually). See the
 * overload below for the rest.
 *
 * @example
 * const detector = createDetector({ index: redisDetectionIndex({ client: fromIoredis(redis) }) })
 * const d = await detector.detect({ messages: body.messages, tenant: apiKeyId })
 */
export function createDetector(
  options: DetectorOptionsInput & { readonly index: DetectionIndex },
): SharedDetector
/**
 * Creates a session detector for a stateless LLM gateway: each request carries the whole message
 * array, and `detect()` says which conversation it belongs to, in O(new messages) map lookups
 * whatever the number of sessions. In-process and bounded (`maxSessions`, `idleMs`); it does not
 * use a SessionStore (the facade's `kit.detect()` pairs it with one). Throws `INVALID_CONFIG`
 * naming a bad option.
 *
 * @example
 * const detector = createDetector({ maxSessions: 10_000, idleMs: 3_600_000 })
 * const d = detector.detect({ messages: body.messages, tenant: apiKeyId })
 * detector.bindReply(d, completion.choices[0].message)
 */
export function createDetector(options?: DetectorOptionsInput): Detector
export function createDetector(options?: DetectorOptionsInput): Detector | SharedDetector {
  const o = parseDetectorOptions(options)
  // With a shared index, the local one answers only while the shared one fails (its detections
  // say `degraded`); it is bounded like any detector.
  if (o.index === undefined) return inProcess(o, false)
  // The fallback's metrics and warnings are the shared detector's: it registers no meter itself.
  return createSharedDetector(o, o.index, inProcess({ ...o, meter: undefined }, true))
}

// The in-process detector; `degraded` marks its detections as a shared index's fallback.
function inProcess(o: DetectorOptions, degraded: boolean): Detector {
  const cfg: CanonicalConfig = {
    extraKeys: new Set(o.messageKeys),
    ignoredKeys: new Set(o.ignoredKeys),
    volatilePatterns: o.volatilePatterns,
    volatileEverywhere: o.volatileScope === 'all',
  }
  const counters = new DetectorCounters()
  // A capacity eviction drops a conversation still in use (idle ones are swept first): warn,
  // at most once a minute of the detector's clock.
  const gate = warningGate(() => o.clock.now())
  counters.onCapacityEviction = () => {
    if (!gate()) return
    warn(
      o.onWarning,
      'SESSIONKIT_DETECTION_DEGRADED',
      `the detector dropped an active conversation to stay under maxSessions (${o.maxSessions}; ${counters.evictions.capacity} so far); its next request starts a fragmented session: raise maxSessions`,
    )
  }
  const record =
    o.meter === undefined
      ? undefined
      : bindMeter(o.meter, Object.values(detectorMetrics), () =>
          counters.metrics(table.size, table.index.size),
        )
  const table = new SessionTable(o.maxSessions, o.idleMs, o.maxKeysPerSession, o.fuzzy?.window ?? 1, counters)
  const ctx: HashContext = {
    cfg,
    hash: o.hash,
    seed: o.seed,
    maxProbe: o.maxProbe,
  }
  const placer = new Placer(table, counters, {
    retryWindowMs: o.retryWindowMs,
    splitResets: o.reset?.mode === 'split',
    fuzzy: o.fuzzy,
  })
  const resets = o.reset === undefined ? undefined : createResetMatcher(o.reset.phrases, o.reset.maxChars)

  function explicit(request: DetectRequest, tenant: string, reset: boolean, now: number): Detection {
    const id = request.explicitId
    assertSessionId(id, 'explicitId')
    // An id this detector gave the same tenant is honoured as is (a client echoing x-session-id);
    // any other is derived per tenant, so no id joins another tenant's session.
    let sessionId = id
    let s = table.byId(id)
    if (s < 0 || table.tenant(s) !== tenant) {
      sessionId = deriveExplicitId(tenant, id)
      s = table.byId(sessionId)
    }
    const created = s < 0
    if (created) s = table.create(sessionId, tenant, now)
    else table.touch(s, now)
    const position = request.messages.length - systemPrefixLength(request.messages)
    const added = Math.max(0, position - table.length(s))
    counters.grew(added, table.grow(s, added))
    counters.explicit++
    const kind = created ? 'new' : 'continued'
    const placed = {
      s,
      kind,
      branch: 0,
      newMessages: added,
      similarity: created ? 0 : 1,
      systemChanged: false,
      previousSessionId: undefined,
    } as const
    counters.placed(kind)
    return new DetectionRecord(placed, sessionId, position, reset, tenant, undefined, degraded)
  }

  const detector: Detector = {
    detect(request) {
      checkRequest(request)
      const now = o.clock.now()
      table.sweep(now)
      counters.requests++
      const tenant = request.tenant ?? ''
      const last = request.messages[request.messages.length - 1]!
      const reset = resets !== undefined && last.role === 'user' && resets.test(plainText(last.content))
      if (reset) counters.resets++
      if (request.explicitId !== undefined) return explicit(request, tenant, reset, now)
      // Timings of every request at first, then of one in eight: the clock reads cost too.
      const timed = counters.requests <= 1_024 || (counters.requests & 7) === 0
      const t0 = timed ? performance.now() : 0
      const req = hashRequest(request, ctx, reset, now)
      const t1 = timed ? performance.now() : 0
      const placed = placer.place(req)
      if (timed) {
        counters.hash.add(t1 - t0, record)
        counters.lookup.add(performance.now() - t1, record)
      }
      counters.bytesHashed += req.bytes + req.chain.bytes
      const sessionId = table.id(placed.s)
      const bind = {
        s: placed.s,
        sessionId,
        chain: req.chain,
        header: req.header,
        position: req.n,
        branch: placed.branch,
      }
      return new DetectionRecord(placed, sessionId, req.n, reset, tenant, bind, degraded)
    },

    bindReply(detection, reply) {
      const bind = DetectionRecord.bindOf(detection)
      if (bind === undefined) {
        if (detection?.explicit === true) return false
        throw invalidArgument('bindReply() takes the detection detect() returned, unchanged (not a copy)')
      }
      checkReply(reply)
      const s = bind.s
      if (table.byId(bind.sessionId) !== s) return false
      const piece = pieceOf(reply, cfg)
      const extended = bind.chain.extendedKey(piece)
      counters.bytesHashed += extended.bytes
      const added = table.addKey(s, extended.key, bind.position + 1, bind.branch * 8 + REPLY)
      if (added) counters.grew(1, table.grow(s, 1))
      if (reply.role === 'assistant') {
        table.addReply(s, ownKey(pieceFingerprint(o.hash, bind.header, piece)), pieceSketch(piece))
        counters.bytesHashed += bind.header.length + piece.length
      }
      counters.repliesBound++
      table.setAnswered(s)
      table.touch(s, o.clock.now())
      return true
    },

    forget(sessionId) {
      const s = table.byId(sessionId)
      if (s < 0) return false
      table.remove(s, 'forgotten')
      return true
    },

    stats(): DetectorStats {
      table.sweep(o.clock.now())
      return counters.stats(table.size, table.index.size)
    },

    metrics() {
      table.sweep(o.clock.now())
      return counters.metrics(table.size, table.index.size)
    },

    get size() {
      table.sweep(o.clock.now())
      return table.size
    },
  }
  return detector
}
