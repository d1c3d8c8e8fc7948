/**
 * The slow tests (a snapshot of more than 1 GiB, the hostile client in a 256 MB heap) run when
 * `SESSIONKIT_SLOW_TESTS=1`: `.ci/run` sets it for its Node 20 pass only. Elsewhere they are
 * skipped with a loud notice, so a skip is never silent.
 */
export const slowTestsEnabled = process.env.SESSIONKIT_SLOW_TESTS === '1'

/** Prints a notice that the slow test `name` was skipped and why. */
export function slowTestSkipped(name: string, why = 'SESSIONKIT_SLOW_TESTS=1 is not set'): void {
  const notice = `SLOW TEST SKIPPED: ${name} (${why})`
  console.warn(`\n${'!'.repeat(notice.length)}\n${notice}\n${'!'.repeat(notice.length)}\n`)
}
