import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryStore } from '../../src/store/memory.js'

const writer = fileURLToPath(new URL('./fixtures/snapshot-writer.ts', import.meta.url))
const root = fileURLToPath(new URL('../..', import.meta.url))
const folders: string[] = []

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})

/** Runs the writer and kills it with SIGKILL as soon as it says it is writing the big snapshot. */
function runAndKill(path: string): Promise<{ signal: NodeJS.Signals | null; saved: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, path], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('writing\n')) child.kill('SIGKILL')
    })
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString()
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (signal === null) reject(new Error(`writer exited with ${code} before it was killed: ${err}`))
      else resolve({ signal, saved: out.split('\n')[0] ?? '' })
    })
  })
}

describe('snapshot atomicity', () => {
  it('a save killed with SIGKILL leaves the last good snapshot loadable and no temp file after restart', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sessionkit-kill-'))
    folders.push(folder)
    const path = join(folder, 'sessions.snap')
    const { signal, saved } = await runAndKill(path)
    expect(signal).toBe('SIGKILL')
    expect(saved).toBe('saved 10')
    const leftovers = readdirSync(folder).filter((name) => name.includes('.tmp-'))
    expect(leftovers.length).toBe(1)
    expect(statSync(join(folder, leftovers[0]!)).size).toBeGreaterThan(0)

    // Restart: the killed save's temp file is removed, the last good file is loaded.
    const store = createMemoryStore({ snapshot: { path, intervalMs: 0, strict: true } })
    expect(readdirSync(folder)).toEqual(['sessions.snap'])
    expect(await store.count()).toBe(10)
    expect(await store.getValue('first3', 'state')).toEqual({ value: { i: 3 }, version: 1 })
    await store.close()
  }, 120_000)

  it('leaves alone the temp files of saves still running, here or in another live process', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sessionkit-kill-'))
    folders.push(folder)
    const path = join(folder, 'sessions.snap')
    const dead = `sessions.snap.tmp-${2 ** 22 + 7}-1`
    const live = `sessions.snap.tmp-${process.ppid}-1`
    const other = 'sessions.snap.other'
    for (const name of [dead, live, other]) writeFileSync(join(folder, name), 'x')
    const store = createMemoryStore({ snapshot: { path, intervalMs: 0 } })
    expect(readdirSync(folder).sort()).toEqual([other, live].sort())
    await store.close()
  })
})
