import { createManualClock, type ManualClock } from '../../src/clock.js'
import {
  type ChatMessage,
  createDetector,
  type Detection,
  type Detector,
  type DetectorOptionsInput,
  type DetectRequest,
} from '../../src/detect/index.js'

export const T0 = Date.parse('2026-01-01T00:00:00Z')

/** A detector on a manual clock at T0. */
export function setup(options: Omit<DetectorOptionsInput, 'clock'> = {}): {
  detector: Detector
  clock: ManualClock
} {
  const clock = createManualClock(T0)
  return { detector: createDetector({ ...options, clock }), clock }
}

export const user = (content: unknown): ChatMessage => ({ role: 'user', content })
export const assistant = (content: unknown, extra: Record<string, unknown> = {}): ChatMessage => ({
  role: 'assistant',
  content,
  ...extra,
})
export const system = (content: unknown): ChatMessage => ({ role: 'system', content })

/** What a gateway does per request: detect, then bind the upstream's reply (when given). */
export function turn(
  detector: Detector,
  messages: readonly ChatMessage[],
  reply?: ChatMessage,
  extra: Omit<DetectRequest, 'messages'> = {},
): Detection {
  const d = detector.detect({ ...extra, messages })
  if (reply !== undefined) detector.bindReply(d, reply)
  return d
}
