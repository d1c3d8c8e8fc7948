import type { MetricDefinition } from './types.js'

type Def<T extends MetricDefinition['type']> = MetricDefinition & { readonly type: T }

const counter = (
  name: string,
  help: string,
  unit: string,
  labels: readonly string[] = [],
): Def<'counter'> => ({
  name,
  type: 'counter',
  help,
  unit,
  labels,
})
const gauge = (name: string, help: string, unit: string): Def<'gauge'> => ({
  name,
  type: 'gauge',
  help,
  unit,
  labels: [],
})

/** Bucket bounds of `sessionkit_detect_seconds`, in seconds: 10 µs to 100 ms. */
export const DETECT_BUCKETS: readonly number[] = [
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
]

/**
 * Every metric of a kit, defined once (name, type, meaning, labels). `kit.metrics()` reports them
 * in this order, followed by the detector's when the kit made one.
 */
export const kitMetrics = {
  sessionsActive: gauge(
    'sessionkit_sessions_active',
    'Live sessions in the store (asks the store).',
    '{session}',
  ),
  sessionsCreated: counter(
    'sessionkit_sessions_created_total',
    'Sessions created by this process.',
    '{session}',
  ),
  sessionsEnded: counter(
    'sessionkit_sessions_ended_total',
    'Sessions that left, by reason: ended (end, logout, erase), expired, evicted (a limit).',
    '{session}',
    ['reason'],
  ),
  sessionsRotated: counter(
    'sessionkit_sessions_rotated_total',
    'Sessions moved to a new id (login, regenerate).',
    '{session}',
  ),
  lookups: counter(
    'sessionkit_session_lookups_total',
    'kit.get lookups by result: hit (a live session) or miss (missing, expired, invalid id).',
    '{lookup}',
    ['result'],
  ),
  storeErrors: counter(
    'sessionkit_store_errors_total',
    'Store calls that failed, by code: STORE_UNAVAILABLE (down, timed out) or STORE_REJECTED (refused).',
    '{error}',
    ['code'],
  ),
  conflicts: counter(
    'sessionkit_conflicts_total',
    'Updates that lost every compare-and-set retry (CONFLICT after concurrency.maxRetries).',
    '{conflict}',
  ),
  summariesFailed: counter(
    'sessionkit_summaries_failed_total',
    'Summariser calls that threw, timed out or returned no text (the extractive fallback was stored).',
    '{summary}',
  ),
  warnings: counter('sessionkit_warnings_total', 'Warnings emitted, by code (see onWarning).', '{warning}', [
    'code',
  ]),
} as const

/** Every metric of a detector, defined once. `detector.metrics()` reports them in this order. */
export const detectorMetrics = {
  sessionsActive: gauge(
    'sessionkit_detector_sessions_active',
    'Live conversations in the detector index.',
    '{session}',
  ),
  sessionsCreated: counter(
    'sessionkit_detector_sessions_created_total',
    'Conversations the detector started.',
    '{session}',
  ),
  detections: counter('sessionkit_detections_total', 'detect() calls, by kind of answer.', '{request}', [
    'kind',
  ]),
  detectSeconds: {
    name: 'sessionkit_detect_seconds',
    type: 'histogram',
    help: 'Time of detect() by phase: hash (canonicalise and hash) and lookup (probe and place); every request up to the 1,024th, then one in eight.',
    unit: 's',
    labels: ['phase'],
    buckets: DETECT_BUCKETS,
  } satisfies Def<'histogram'>,
  evictions: counter(
    'sessionkit_detector_evictions_total',
    'Conversations dropped from the index, by reason: capacity (maxSessions), idle (idleMs), forgotten.',
    '{session}',
    ['reason'],
  ),
  repliesBound: counter(
    'sessionkit_detector_replies_bound_total',
    'Replies indexed by bindReply().',
    '{reply}',
  ),
  messages: counter(
    'sessionkit_detector_messages_total',
    'Messages added to conversations (average length: this over sessions created).',
    '{message}',
  ),
  longestSession: gauge(
    'sessionkit_detector_longest_session_messages',
    'Most messages seen in one conversation since start.',
    '{message}',
  ),
  indexKeys: gauge('sessionkit_detector_index_keys', 'Prefix hashes in the detector index.', '{key}'),
  bytesHashed: counter(
    'sessionkit_detector_hashed_bytes_total',
    'Canonical text hashed, in UTF-16 code units (bytes for ASCII).',
    'By',
  ),
} as const

/**
 * The metrics only a detector on a shared index has (`createDetector({ index })`), reported after
 * `detectorMetrics`.
 */
export const sharedDetectorMetrics = {
  degraded: counter(
    'sessionkit_detections_degraded_total',
    'Detections answered from the local index because the shared index failed or timed out (page on its rate).',
    '{request}',
  ),
  roundTrips: counter(
    'sessionkit_detection_index_round_trips_total',
    'Round trips to the shared detection index (detect, bindReply, forget and the seed, once).',
    '{round_trip}',
  ),
} as const

/**
 * Every metric of a rate limiter (`createRateLimiter`, `kit.limits`), defined once.
 * `limiter.metrics()` reports them in this order; the memory gauges have no sample when the store
 * keeps the state.
 */
export const limiterMetrics = {
  decisions: counter(
    'sessionkit_rate_limit_decisions_total',
    'consume() calls by result: allowed (every rule admitted) or refused.',
    '{call}',
    ['result'],
  ),
  refusals: counter(
    'sessionkit_rate_limit_refusals_total',
    'Refusals by rule: each rule that refused a consume() (several may refuse one call).',
    '{call}',
    ['rule'],
  ),
  storeErrors: counter(
    'sessionkit_rate_limit_store_errors_total',
    "consume() calls in which the store failed and the rules answered by their onStoreError (page on it: 'deny' refuses everyone).",
    '{call}',
  ),
  subjects: gauge(
    'sessionkit_rate_limit_subjects',
    'Subjects (session, user, tenant, ...) with state in process memory (memory backend).',
    '{subject}',
  ),
  bytes: gauge(
    'sessionkit_rate_limit_memory_bytes',
    'Estimated bytes of state in process memory (memory backend).',
    'By',
  ),
  evicted: counter(
    'sessionkit_rate_limit_evictions_total',
    'Subjects pushed out by memory.maxKeys or memory.maxBytes while they still held state (memory backend).',
    '{subject}',
  ),
} as const
