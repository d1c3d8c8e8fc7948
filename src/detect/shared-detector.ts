import { isSessionKitError, SessionKitError } from '../errors.js'
import { assertSessionId, createSessionId } from '../ids.js'
import { single } from '../metrics/build.js'
import { detectorMetrics, sharedDetectorMetrics } from '../metrics/catalog.js'
import { bindMeter, type HistogramListener } from '../metrics/otel.js'
import type { MetricsSnapshot } from '../metrics/types.js'
import { errorText, warn, warningGate } from '../warnings.js'
import { type CanonicalConfig, plainText } from './canonical.js'
import { DetectionRecord } from './detection.js'
import { FingerprintMemo } from './fingerprint-memo.js'
import { deriveExplicitId, ownKey } from './hash.js'
import {
  type HashContext,
  type HashedRequest,
  hashRequest,
  pieceFingerprint,
  pieceOf,
  roleAt,
  systemFp,
} from './hashed-request.js'
import { DetectorCounters } from './metrics.js'
import type { DetectorOptions } from './options.js'
import { checkReply, checkRequest, systemPrefixLength } from './request.js'
import { createResetMatcher } from './reset.js'
import { REPLY } from './session-table.js'
import type { DetectionIndex, IndexRules, PlaceInput, PlaceOutcome } from './shared-index.js'
import type { Detection, Detector, DetectorStats, DetectRequest } from './types.js'

/**
 * What `stats()` of a detector on a shared index reports: the counters of this replica, plus
 * its degraded answers and round trips. `active` and `indexKeys` are those of its local index
 * (the shared one is not counted: that would take a scan).
 */
export interface SharedDetectorStats extends DetectorStats {
  /** Detections answered from the local index because the shared one failed or timed out. */
  readonly degraded: number
  /** Round trips to the shared index (detect, bindReply, forget and the seed, once). */
  readonly roundTrips: number
}

/**
 * A detector whose index is shared by every replica (`createDetector({ index })`): the same
 * rules as the in-process one, with `detect()` and `bindReply()` returning promises.
 *
 * @example
 * const d = await detector.detect({ messages, tenant }); await detector.bindReply(d, reply)
 */
export interface SharedDetector {
  /**
   * Places a request in one round trip.
   * Throws `INVALID_ARGUMENT` when it is not a chat request; never rejects for the index: when it
   * fails or does not answer within its timeout, the detection comes from the local index
   * (`degraded: true`).
   */
  detect(request: DetectRequest): Promise<Detection>
  /**
   * Indexes the upstream's reply, in one round trip. Resolves `false` when the session is gone or
   * the detection came from an `explicitId`; rejects with `STORE_UNAVAILABLE` when the index
   * fails (fire and forget with `.catch(onError)`).
   */
  bindReply(
    detection: Detection,
    reply: { readonly role: string; readonly content?: unknown },
  ): Promise<boolean>
  /**
   * Removes a session of `tenant` (default `''`) from the shared index and from the local one;
   * `true` when it was live in the shared index.
   */
  forget(sessionId: string, tenant?: string): Promise<boolean>
  /** This replica's counters, degraded answers and round trips, as one object for logs. */
  stats(): SharedDetectorStats
  /**
   * The detector's metrics, then `sessionkit_detections_degraded_total` and
   * `sessionkit_detection_index_round_trips_total`, for `toPrometheusText`, `toMetricsJson` or
   * your own exporter.
   */
  metrics(): MetricsSnapshot
}

const SYSTEM_MEMO = 1024
// Reply fingerprints kept for continued turns (16 binary characters each: about 2 MB at most).
const FINGERPRINTS_KEPT = 32_768

/**
 * The detector on a shared index: hashes requests here (as the in-process detector does), places
 * them in the index, and falls back to a local in-process detector when the index fails.
 */
export function createSharedDetector(
  o: DetectorOptions,
  index: DetectionIndex,
  local: Detector,
): SharedDetector {
  const cfg: CanonicalConfig = {
    extraKeys: new Set(o.messageKeys),
    ignoredKeys: new Set(o.ignoredKeys),
    volatilePatterns: o.volatilePatterns,
    volatileEverywhere: o.volatileScope === 'all',
  }
  const rules: IndexRules = {
    idleMs: o.idleMs,
    retryWindowMs: o.retryWindowMs,
    splitResets: o.reset?.mode === 'split',
    fuzzy: o.fuzzy,
  }
  const counters = new DetectorCounters()
  const resets = o.reset === undefined ? undefined : createResetMatcher(o.reset.phrases, o.reset.maxChars)
  // The blanked system prompt's fingerprint by the prompt's fingerprint as sent: regular
  // expressions and a digest only for a prompt this replica has not seen yet.
  const systemMemo = new Map<number, number>()
  const fingerprints = new FingerprintMemo(FINGERPRINTS_KEPT)
  let degraded = 0
  // Degraded answers are counted each time and warned about at most once a minute of the clock.
  const gate = warningGate(() => o.clock.now())
  function degrade(error: SessionKitError): void {
    degraded++
    if (!gate()) return
    warn(
      o.onWarning,
      'SESSIONKIT_DETECTION_DEGRADED',
      `the shared detection index failed (${errorText(error)}); detections come from this replica's local index (degraded: true, ${degraded} so far) until it answers again`,
      error,
    )
  }
  const snapshot = (): MetricsSnapshot => {
    const l = local.stats()
    return [
      ...counters.metrics(l.active, l.indexKeys),
      single(sharedDetectorMetrics.degraded, degraded),
      single(sharedDetectorMetrics.roundTrips, index.roundTrips),
    ]
  }
  const definitions = [...Object.values(detectorMetrics), ...Object.values(sharedDetectorMetrics)]
  const listener: HistogramListener | undefined =
    o.meter === undefined ? undefined : bindMeter(o.meter, definitions, snapshot)
  let ctx: Promise<HashContext> | undefined
  // Once the seed is read (`seeded`), a detect() makes one index call, which rejects by itself
  // within the index's timeout (see DetectionIndex): no second timer is needed around it, and no
  // await for the context either.
  let seeded: HashContext | undefined
  const context = (): Promise<HashContext> => {
    ctx ??= index.seed().then(
      (seed) => {
        seeded = { cfg, hash: o.hash, seed, maxProbe: o.maxProbe }
        return seeded
      },
      (error: unknown) => {
        ctx = undefined
        throw error
      },
    )
    return ctx
  }

  // The index's answer, made into a detection by the caller (after the timeout race, so a late
  // answer is not counted).
  async function place(request: DetectRequest, reset: boolean, now: number): Promise<() => Detection> {
    const tenant = request.tenant ?? ''
    if (request.explicitId !== undefined) {
      const id = request.explicitId
      const position = request.messages.length - systemPrefixLength(request.messages)
      const out = await index.explicit(tenant, rules, {
        now,
        id,
        derivedId: deriveExplicitId(tenant, id),
        position,
      })
      return () => {
        counters.explicit++
        if (out.created) counters.totalCreated++
        counters.grew(out.added, out.length)
        const kind = out.created ? 'new' : 'continued'
        counters.placed(kind)
        const placed = {
          s: -1,
          kind,
          branch: 0,
          newMessages: out.added,
          similarity: out.created ? 0 : 1,
          systemChanged: false,
          previousSessionId: undefined,
        } as const
        return new DetectionRecord(placed, out.sessionId, position, reset, tenant, undefined)
      }
    }
    const hashing = seeded ?? (await context())
    const t0 = performance.now()
    const req = hashRequest(request, hashing, reset, now)
    const input = placeInput(req)
    const t1 = performance.now()
    const out = await index.place(tenant, rules, input)
    const t2 = performance.now()
    return () => {
      if (counters.requests <= 1_024 || (counters.requests & 7) === 0) {
        counters.hash.add(t1 - t0, listener)
        counters.lookup.add(t2 - t1, listener)
      }
      counters.bytesHashed += req.bytes + req.chain.bytes
      return record(req, input.fps, out, reset, tenant)
    }
  }

  // Everything placement may need, so that it takes one round trip: the probed keys and the ones
  // a continuation indexes, the fingerprints of the replies a continuation adds and of the last
  // `window` replies fuzzy matching compares. Fingerprints up to a probed prefix this replica
  // placed before come from the memo: a continued turn hashes only its new reply.
  function placeInput(req: HashedRequest): PlaceInput {
    const n = req.n
    const low = req.probes[req.probes.length - 1]!
    const keys: { pos: number; key: string }[] = []
    let known: readonly string[] | undefined
    let knownAt = 0
    for (let p = n; p >= low; p--) {
      if (!req.chain.has(p)) continue
      const key = req.chain.key(p)
      keys.push({ pos: p, key })
      if (known === undefined && p < n) {
        known = fingerprints.get(key)
        if (known !== undefined) knownAt = p
      }
    }
    const fps: string[] = []
    let roles = ''
    for (let q = 1; q <= n; q++) roles += roleAt(req, q) === 'assistant' ? 'a' : 'o'
    const window = o.fuzzy?.window ?? 0
    // The memo's list holds the assistant messages at or below `knownAt`, newest first.
    let rank = 0
    for (let q = n; q >= 1 && q >= req.firstAssistant; q--) {
      if (roles.charCodeAt(q - 1) !== 0x61) continue
      if (q < low && fps.length >= window) break
      if (q <= knownAt && rank < known!.length) fps.push(known![rank++]!)
      else {
        const piece = req.pieces[q - 1]!
        req.bytes += req.header.length + piece.length
        fps.push(ownKey(pieceFingerprint(o.hash, req.header, piece)))
      }
    }
    fingerprints.set(req.chain.key(n), fps)
    const rawSysFp = req.rawSysFp
    let sysFp = rawSysFp === 0 ? undefined : systemMemo.get(rawSysFp)
    if (sysFp === undefined) {
      sysFp = systemFp(req)
      if (rawSysFp !== 0) {
        if (systemMemo.size >= SYSTEM_MEMO) systemMemo.clear()
        systemMemo.set(rawSysFp, sysFp)
      }
    }
    return {
      now: req.now,
      newId: createSessionId(),
      n,
      lowest: low,
      firstAssistant: req.firstAssistant,
      roles,
      reset: req.reset,
      rawSysFp,
      sysFp,
      keys,
      fps,
    }
  }

  function record(
    req: HashedRequest,
    fps: readonly string[],
    out: PlaceOutcome,
    reset: boolean,
    tenant: string,
  ): Detection {
    counters.placed(out.kind)
    if (out.created) counters.totalCreated++
    if (out.systemChanged) counters.systemChanged++
    counters.grew(out.added, out.length)
    const bind = {
      s: -1,
      sessionId: out.sessionId,
      chain: req.chain,
      header: req.header,
      position: req.n,
      branch: out.branch,
      fps,
    }
    return new DetectionRecord(out, out.sessionId, req.n, reset, tenant, bind)
  }

  // Waits for the index at most its timeout.
  function withinTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new SessionKitError(
              'STORE_UNAVAILABLE',
              `the detection index did not answer within ${index.timeoutMs} ms`,
            ),
          ),
        index.timeoutMs,
      )
    })
    return Promise.race([work, late]).finally(() => clearTimeout(timer))
  }

  return {
    async detect(request) {
      checkRequest(request)
      if (request.explicitId !== undefined) assertSessionId(request.explicitId, 'explicitId')
      const now = o.clock.now()
      counters.requests++
      const last = request.messages[request.messages.length - 1]!
      const reset = resets !== undefined && last.role === 'user' && resets.test(plainText(last.content))
      if (reset) counters.resets++
      try {
        const placing = place(request, reset, now)
        return (await (seeded !== undefined ? placing : withinTimeout(placing)))()
      } catch (error) {
        if (!isSessionKitError(error, 'STORE_UNAVAILABLE')) throw error
        degrade(error)
        const d = local.detect(request)
        counters.placed(d.kind)
        return d
      }
    },

    async bindReply(detection, reply) {
      // A degraded detection was placed in the local index, and binds there.
      if (detection?.degraded === true) return local.bindReply(detection, reply)
      const bind = DetectionRecord.bindOf(detection)
      if (bind === undefined) {
        if (detection?.explicit === true) return false
        throw new SessionKitError(
          'INVALID_ARGUMENT',
          'bindReply() takes the detection detect() returned, unchanged (not a copy)',
        )
      }
      checkReply(reply)
      const piece = pieceOf(reply, cfg)
      const extended = bind.chain.extendedKey(piece)
      const fp = reply.role === 'assistant' ? ownKey(pieceFingerprint(o.hash, bind.header, piece)) : undefined
      counters.bytesHashed += extended.bytes + (fp === undefined ? 0 : bind.header.length + piece.length)
      // The next turn probes the request extended by this reply first: its fingerprints are known.
      if (bind.fps !== undefined)
        fingerprints.set(extended.key, fp === undefined ? bind.fps : [fp, ...bind.fps])
      const bound = await index.bind(detection.tenant, rules, {
        now: o.clock.now(),
        sessionId: bind.sessionId,
        key: ownKey(extended.key),
        pos: bind.position + 1,
        tag: bind.branch * 8 + REPLY,
        fp,
      })
      if (bound) counters.repliesBound++
      return bound
    },

    forget(sessionId, tenant = '') {
      assertSessionId(sessionId)
      // A degraded detection may have placed it in the local index too.
      local.forget(sessionId)
      return index.forget(tenant, rules, sessionId, o.clock.now())
    },

    stats() {
      const l = local.stats()
      return { ...counters.stats(l.active, l.indexKeys), degraded, roundTrips: index.roundTrips }
    },

    metrics: snapshot,
  }
}
