// Generates the script modules of the Redis store from their .lua sources: for each folder below,
// `scripts.ts` holds every script of the folder, one per operation's file, with its SHA-1 for
// EVALSHA. A folder may have a shared prelude (_lib.lua) that every script starts with: the module
// holds it once and joins it to an operation's body only when a server needs the source (NOSCRIPT),
// so every bundle carries it once. With `prune`, a script starts with only the prelude's blocks it
// uses: EVALSHA runs the whole chunk on every call, so each unused local function would be made
// again per call for nothing.
// The .lua files are the source; the generated modules let tsc, tsx, vitest and tsup load them
// without a file-system read or a bundler plugin. `--check` exits 1 when an output is stale.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
/** Script folders: the store's operations, and the rate-limit backend's. */
export const folders = [
  {
    dir: join(root, 'src', 'redis', 'lua'),
    what: 'Every script the Redis store runs, one per store operation.',
    prune: true,
  },
  {
    dir: join(root, 'src', 'redis', 'limits', 'lua'),
    what: 'The scripts of the Redis rate-limit backend: one consume, one settle.',
  },
]

/** The folder's prelude (undefined without a _lib.lua), and per script its name (camelCase of the file name) and body. */
export function scriptSources(dir = folders[0].dir) {
  const lib = join(dir, '_lib.lua')
  const prelude = existsSync(lib) ? readFileSync(lib, 'utf8') : undefined
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.lua') && !f.startsWith('_'))
    .sort()
  const scripts = files.map((file) => ({
    name: file.slice(0, -4).replace(/-([a-z])/g, (_, c) => c.toUpperCase()),
    body: readFileSync(join(dir, file), 'utf8'),
  }))
  return { prelude, scripts }
}

/**
 * The prelude cut into blocks, each one top-level `local` (a variable or a function) with the
 * comment lines above it and the statements after it; the first block also holds the file's
 * opening comment. Joined in order, the blocks are the prelude again. Each block has the name it
 * defines and the words its code uses (comments left out).
 */
export function preludeBlocks(prelude) {
  const lines = prelude.split(/(?<=\n)/)
  const blocks = []
  // Top-level comment lines wait here for the block they introduce.
  let pending = []
  for (const line of lines) {
    const local = /^local (?:function )?([A-Za-z_]\w*)/.exec(line)
    if (local !== null) {
      blocks.push({ name: local[1], lines: [...pending, line] })
      pending = []
    } else if (line.startsWith('--') || blocks.length === 0 || (pending.length > 0 && line.trim() === '')) {
      pending.push(line)
    } else {
      blocks.at(-1).lines.push(...pending, line)
      pending = []
    }
  }
  blocks.at(-1).lines.push(...pending)
  return blocks.map(({ name, lines }) => {
    const text = lines.join('')
    return { name, text, uses: wordsOf(text) }
  })
}

function wordsOf(lua) {
  return new Set(lua.replace(/--.*$/gm, '').match(/[A-Za-z_]\w*/g) ?? [])
}

/** Indices of the blocks `body` needs: the first always, then every block named in what is kept. */
export function blocksFor(blocks, body) {
  const keep = new Set([0])
  const wanted = [...wordsOf(body)]
  while (wanted.length > 0) {
    const word = wanted.pop()
    blocks.forEach((block, i) => {
      if (block.name === word && !keep.has(i)) {
        keep.add(i)
        wanted.push(...block.uses)
      }
    })
  }
  return [...keep].sort((a, b) => a - b)
}

/** A script's source: its prelude (whole, or the blocks it uses when `prune`), a newline, its body. */
export function sourceOf(prelude, body, prune) {
  if (prelude === undefined) return body
  if (!prune) return `${prelude}\n${body}`
  const blocks = preludeBlocks(prelude)
  return `${blocksFor(blocks, body)
    .map((i) => blocks[i].text)
    .join('')}\n${body}`
}

export function render(folder = folders[0]) {
  const { prelude, scripts } = scriptSources(folder.dir)
  if (folder.prune) return renderPruned(folder, prelude, scripts)
  const from = relative(root, folder.dir)
  const entries = scripts.map(({ name, body }) => {
    const source = sourceOf(prelude, body, false)
    const sha1 = createHash('sha1').update(source).digest('hex')
    return prelude === undefined
      ? `  ${name}: {\n    name: '${name}',\n    sha1: '${sha1}',\n    source:\n      ${JSON.stringify(body)},\n  },`
      : `  ${name}: script(\n    '${name}',\n    '${sha1}',\n    ${JSON.stringify(body)},\n  ),`
  })
  const withPrelude =
    prelude === undefined
      ? []
      : [
          `/** The prelude every script starts with (${from}/_lib.lua): the key layout and shared functions. */`,
          `export const prelude =\n  ${JSON.stringify(prelude)}`,
          '',
          'function script(name: string, sha1: string, body: string): LuaScript {',
          '  return {',
          '    name,',
          '    sha1,',
          '    get source() {',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: the generated line is a template literal
          '      return `${prelude}\\n${body}`',
          '    },',
          '  }',
          '}',
          '',
        ]
  return [
    ...header(from),
    ...withPrelude,
    `/** ${folder.what} */`,
    'export const scripts = {',
    ...entries,
    '} as const satisfies Record<string, LuaScript>',
    '',
  ].join('\n')
}

const header = (from) => [
  `// Generated by scripts/gen-lua.mjs from ${from}/*.lua. Do not edit: change the .lua files`,
  '// and run `node scripts/gen-lua.mjs`.',
  '',
  '/** One Lua script: its name, its SHA-1 (for EVALSHA) and its source (for EVAL on NOSCRIPT). */',
  'export interface LuaScript {',
  '  readonly name: string',
  '  readonly sha1: string',
  '  readonly source: string',
  '}',
  '',
]

/** `text` as a JS string literal the formatter keeps: single quotes unless the text holds one. */
function literal(text) {
  const json = JSON.stringify(text)
  return text.includes("'") ? json : `'${json.slice(1, -1).replaceAll('\\"', '"')}'`
}

/** A module whose prelude is held once, in blocks, and each script names the blocks it starts with. */
function renderPruned(folder, prelude, scripts) {
  const from = relative(root, folder.dir)
  const blocks = preludeBlocks(prelude)
  const entries = scripts.map(({ name, body }) => {
    const sha1 = createHash('sha1')
      .update(sourceOf(prelude, body, true))
      .digest('hex')
    const used = blocksFor(blocks, body).join(', ')
    return `  ${name}: script(\n    '${name}',\n    '${sha1}',\n    [${used}],\n    ${JSON.stringify(body)},\n  ),`
  })
  return [
    ...header(from),
    `/**`,
    ` * The prelude of every script (${from}/_lib.lua) in blocks, each a top-level variable or function`,
    ` * with its comment: joined, the whole file. A script starts with the blocks it uses.`,
    ` */`,
    'export const preludeBlocks: readonly string[] = [',
    ...blocks.map((block) => `  ${literal(block.text)},`),
    ']',
    '',
    'function script(name: string, sha1: string, blocks: readonly number[], body: string): LuaScript {',
    '  return {',
    '    name,',
    '    sha1,',
    '    get source() {',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the generated line is a template literal
    "      return `${blocks.map((i) => preludeBlocks[i]).join('')}\\n${body}`",
    '    },',
    '  }',
    '}',
    '',
    `/** ${folder.what} */`,
    'export const scripts = {',
    ...entries,
    '} as const satisfies Record<string, LuaScript>',
    '',
  ].join('\n')
}

/** Writes `text` to `out`, or with `--check` reports `out` when it differs; true when stale. */
export function writeOrCheck(out, text) {
  if (process.argv.includes('--check')) {
    if (readFileSync(out, 'utf8') === text) return false
    console.error(`${relative(root, out)} is stale: run \`npm run gen:lua\``)
    return true
  }
  writeFileSync(out, text)
  console.log(`wrote ${out}`)
  return false
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let stale = false
  for (const folder of folders) stale = writeOrCheck(join(folder.dir, 'scripts.ts'), render(folder)) || stale
  if (stale) process.exit(1)
}
