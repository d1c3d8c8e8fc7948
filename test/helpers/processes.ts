import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

/**
 * Starts `count` Node processes running the TypeScript file `script` (through tsx) with `args`.
 * Each prints `ready`, waits for `go` on stdin (so all start together), works, and prints
 * `done <json>`. Resolves every process's parsed summary once all have exited with code 0.
 */
export async function runProcesses<T>(script: string, args: readonly string[], count: number): Promise<T[]> {
  const children: ChildProcessWithoutNullStreams[] = []
  const ready: Promise<void>[] = []
  const done: Promise<T>[] = []
  for (let i = 0; i < count; i++) {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    children.push(child)
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    const lines = createInterface({ input: child.stdout })
    ready.push(
      new Promise((resolve, reject) => {
        lines.on('line', (line) => line === 'ready' && resolve())
        child.once('exit', (code) => reject(new Error(`worker exited (${code}) before ready: ${stderr}`)))
      }),
    )
    done.push(
      new Promise((resolve, reject) => {
        let summary: T | undefined
        lines.on('line', (line) => {
          if (line.startsWith('done ')) summary = JSON.parse(line.slice(5)) as T
        })
        child.once('exit', (code) => {
          if (code === 0 && summary !== undefined) resolve(summary)
          else reject(new Error(`worker exited with ${code}: ${stderr}`))
        })
      }),
    )
  }
  try {
    await Promise.all(ready)
    for (const child of children) child.stdin.write('go\n')
    return await Promise.all(done)
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill()
  }
}
