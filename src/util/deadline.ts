/**
 * `work` within `timeoutMs`: its value, or the error `onTimeout` makes when it takes longer, or the
 * error `onError` makes of its failure. A store's every call goes through one, so no wait is
 * unbounded; the work itself is not cancelled (a remote write may still land).
 *
 * @example
 * await withDeadline(pool.query(q), 2000, () => timeoutError(), (e) => unavailable(e))
 */
export function withDeadline<T>(
  work: Promise<T>,
  timeoutMs: number,
  onTimeout: () => Error,
  onError: (error: unknown) => Error,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), timeoutMs)
    work.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(onError(error))
      },
    )
  })
}
