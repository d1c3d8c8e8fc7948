import { createDetector } from '../detect/detector.js'
import type { SharedDetector } from '../detect/shared-detector.js'
import type { Detector } from '../detect/types.js'
import type { KitCore } from './core.js'

/**
 * The kit's detector, made on first use from the `detect` option: a kit that never detects never
 * holds the detector's index. It runs on the store's shared detection index (every replica
 * places a conversation alike) unless the option names one, else in this process.
 */
export function lazyDetector(core: KitCore): {
  /** The detector, made now if it was not. */
  get(): Detector | SharedDetector
  /** The detector if it was made (its metrics join the kit's only then). */
  made(): Detector | SharedDetector | undefined
} {
  let detector: Detector | SharedDetector | undefined
  const get = () => {
    if (detector === undefined) {
      const { detect, meter } = core.options
      const index = detect?.index ?? core.store.detectionIndex?.()
      detector = createDetector({
        clock: core.clock,
        onWarning: core.onWarning,
        ...(meter === undefined ? {} : { meter }),
        ...detect,
        ...(index === undefined ? {} : { index }),
      })
    }
    return detector
  }
  return { get, made: () => detector }
}
