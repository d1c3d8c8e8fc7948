// Runs every bench/*.bench.ts in its own process (with --expose-gc, so heap figures are honest)
// and passes through what each prints. `npm run bench -- seen` runs the files whose name has "seen".
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const filter = process.argv[2] ?? ''
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
  .sort()
let failed = 0
for (const file of files) {
  console.log(`\n=== ${file} ===`)
  const run = spawnSync(
    process.execPath,
    ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', join(here, file)],
    { stdio: 'inherit' },
  )
  if (run.status !== 0) failed++
}
if (failed > 0) {
  console.error(`${failed} benchmark file(s) failed`)
  process.exit(1)
}
