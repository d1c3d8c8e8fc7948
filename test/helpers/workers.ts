import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

/**
 * Starts `processes` copies of a worker script (`node --import tsx <script> ...argsOf(i)`), waits
 * until each prints `ready`, releases them together (`go` on stdin), and resolves what each prints
 * as `done <json>`. A worker that exits otherwise fails the run with its stderr.
 */
export async function runWorkers<T>(
  script: string,
  processes: number,
  argsOf: (index: number) => readonly string[],
): Promise<T[]> {
  const children: ChildProcessWithoutNullStreams[] = []
  const ready: Promise<void>[] = []
  const done: Promise<T>[] = []
  for (let i = 0; i < processes; i++) {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...argsOf(i)], {
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
        let result: T | undefined
        lines.on('line', (line) => {
          if (line.startsWith('done ')) result = JSON.parse(line.slice(5)) as T
        })
        child.once('exit', (code) => {
          if (code === 0 && result !== undefined) resolve(result)
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
