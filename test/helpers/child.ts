import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))

/**
 * Runs a TypeScript file in a child Node (through tsx) with `flags` (heap size, `--expose-gc`) and
 * `args`, from the repository root; resolves its exit code and output.
 */
export function runTsChild(
  file: string,
  flags: readonly string[],
  args: readonly string[] = [],
): Promise<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, '--import', 'tsx', file, ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

/** The last line of `output` parsed as JSON (a child's report), or `undefined` when it is not JSON. */
export function lastJsonLine<T>(output: string): T | undefined {
  const line = output.trim().split('\n').pop()
  return line?.startsWith('{') ? (JSON.parse(line) as T) : undefined
}
