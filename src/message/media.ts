import { invalidArgument } from '../errors.js'

/** Image media types every supported provider accepts. */
export const IMAGE_MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const

/** An image media type every supported provider accepts. */
export type ImageMediaType = (typeof IMAGE_MEDIA_TYPES)[number]

const imageTypes: ReadonlySet<string> = new Set(IMAGE_MEDIA_TYPES)
const dataUrl = /^data:([^;,]*)(;base64)?,(.*)$/is
const base64 = /^[A-Za-z0-9+/]*={0,2}$/
const webUrl = /^https?:\/\/[^\s]+$/i

/** A `data:` URL taken apart: its media type and base64 payload. */
export interface DataUrl {
  readonly mediaType: string
  readonly data: string
}

/**
 * The media type and base64 data of a `data:...;base64,` URL, or `undefined` for any other URL.
 *
 * @example
 * parseDataUrl('data:image/png;base64,iVBORw0KGgo=') // { mediaType: 'image/png', data: 'iVBORw0KGgo=' }
 */
export function parseDataUrl(url: string): DataUrl | undefined {
  const m = dataUrl.exec(url)
  if (m === null || m[2] === undefined) return undefined
  return { mediaType: m[1]!.toLowerCase(), data: m[3]! }
}

/**
 * Checks an image URL: `http(s):`, or a base64 `data:` URL of png, jpeg, gif or webp (the types
 * OpenAI, Anthropic and the AI SDK's providers all take). Throws `INVALID_ARGUMENT` naming `where`.
 *
 * @example
 * checkImageUrl('data:image/svg+xml;base64,PHN2Zz4=', 'content[1].url') // throws: not accepted
 */
export function checkImageUrl(url: string, where: string): void {
  if (webUrl.test(url)) return
  const data = parseDataUrl(url)
  if (data === undefined) {
    throw invalidArgument(`${where} must be an http(s) URL or a data:image/...;base64, URL`)
  }
  if (!imageTypes.has(data.mediaType)) {
    const hint = data.mediaType === 'image/jpg' ? ' (write image/jpeg)' : ''
    throw invalidArgument(
      `${where} is a ${data.mediaType || 'untyped'} image${hint}; the providers accept ${IMAGE_MEDIA_TYPES.join(', ')}: convert it first`,
    )
  }
  if (!base64.test(data.data)) throw invalidArgument(`${where} holds data that is not base64`)
}

/**
 * Checks a PDF part: media type `application/pdf` and an `https:` or base64 `data:application/pdf` URL.
 *
 * @example
 * checkPdfUrl('https://x.test/a.pdf', 'application/pdf', 'content[0]')
 */
export function checkPdfUrl(url: string, mediaType: string, where: string): void {
  if (mediaType !== 'application/pdf') {
    throw invalidArgument(`${where}.mediaType must be application/pdf (the file type every provider takes)`)
  }
  if (/^https:\/\/[^\s]+$/i.test(url)) return
  const data = parseDataUrl(url)
  if (data === undefined || data.mediaType !== 'application/pdf' || !base64.test(data.data)) {
    throw invalidArgument(`${where}.url must be an https URL or a data:application/pdf;base64, URL`)
  }
}
