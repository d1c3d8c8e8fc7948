/**
 * Splits a Server-Sent Events byte stream into the `data` of each event, as chunks arrive (a
 * line may be cut anywhere, a multi-byte character too). Lines are LF, CRLF or CR; `data:` lines
 * of one event are joined with LF; comments and other fields are skipped.
 */
export class SseParser {
  readonly #decoder = new TextDecoder()
  #line = ''
  #data: string[] = []
  /** The last chunk ended in CR: a LF at the start of the next one belongs to it. */
  #afterCr = false
  /** Characters held (an unfinished line and event): what the caller bounds. */
  size = 0

  /** Feeds a chunk; returns the data of every event it completed. */
  feed(chunk: string | Uint8Array): string[] {
    let text = typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, { stream: true })
    if (this.#afterCr && text.startsWith('\n')) text = text.slice(1)
    this.#afterCr = text.endsWith('\r')
    const events: string[] = []
    let start = 0
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c !== 0x0a && c !== 0x0d) continue
      this.#endLine(this.#line + text.slice(start, i), events)
      this.#line = ''
      if (c === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++
      start = i + 1
    }
    this.#line += text.slice(start)
    this.size = this.#line.length + this.#data.reduce((n, d) => n + d.length, 0)
    return events
  }

  #endLine(line: string, events: string[]): void {
    if (line === '') {
      if (this.#data.length > 0) events.push(this.#data.join('\n'))
      this.#data = []
      return
    }
    if (!line.startsWith('data:')) return
    this.#data.push(line.charCodeAt(5) === 0x20 ? line.slice(6) : line.slice(5))
  }
}
