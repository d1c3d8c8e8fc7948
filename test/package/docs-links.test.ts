import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

// The README is a map and docs/ holds the reference: every link between them must land. A link to
// a file must name one that exists; a link to a heading (`#anchor`, here or in another page) must
// name a heading that exists, slugged the way the repository's host renders them.

const root = join(import.meta.dirname, '..', '..')
const pages = [
  'README.md',
  'CHANGELOG.md',
  ...(existsSync(join(root, 'SECURITY.md')) ? ['SECURITY.md'] : []),
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
]

/** Text outside fenced code blocks, so a `](` inside an example is not read as a link. */
function prose(markdown: string): string {
  let inFence = false
  const kept: string[] = []
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) inFence = !inFence
    else if (!inFence) kept.push(line)
  }
  return kept.join('\n')
}

/** Heading anchors of a page: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>()
  const out = new Set<string>()
  for (const line of prose(markdown).split('\n')) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
    if (!heading) continue
    const base = heading[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-')
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    out.add(n === 0 ? base : `${base}-${n}`)
  }
  return out
}

function links(markdown: string): string[] {
  const found: string[] = []
  for (const match of prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)) found.push(match[1]!)
  return found.filter((href) => !/^[a-z]+:/i.test(href))
}

describe('documentation links', () => {
  it('finds the pages', () => {
    expect(pages).toContain('README.md')
    expect(pages.filter((page) => page.startsWith('docs/')).length).toBeGreaterThan(3)
  })

  it('the README links every page under docs/', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    for (const page of pages.filter((p) => p.startsWith('docs/'))) expect(readme).toContain(`](${page}`)
  })

  for (const page of pages) {
    it(`every link in ${page} lands on a file and heading that exist`, () => {
      const text = readFileSync(join(root, page), 'utf8')
      const broken: string[] = []
      for (const href of links(text)) {
        const [path, anchor] = href.split('#') as [string, string | undefined]
        const target = path === '' ? join(root, page) : join(root, dirname(page), path)
        if (!existsSync(target)) {
          broken.push(`${href} (no file ${relative(root, target)})`)
          continue
        }
        if (anchor !== undefined && target.endsWith('.md')) {
          if (!anchors(readFileSync(target, 'utf8')).has(anchor))
            broken.push(`${href} (no heading #${anchor})`)
        }
      }
      expect(broken).toEqual([])
    })
  }
})
