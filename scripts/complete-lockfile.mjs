// The registry these machines reach serves only this platform's native builds, so `npm install`
// writes a lockfile without the other platforms' optional packages (biome, rollup), and `npm ci`
// then refuses it as out of sync. This adds a platform-tagged entry for each optional dependency
// the lockfile lacks; npm skips them on platforms they do not fit, and resolves them by name and
// version where they do. Run it after changing dependencies: `node scripts/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs'

const path = new URL('../package-lock.json', import.meta.url)
const lock = JSON.parse(readFileSync(path, 'utf8'))
const packages = lock.packages
const osNames = [
  'android',
  'darwin',
  'freebsd',
  'linux',
  'openbsd',
  'openharmony',
  'win32',
  'netbsd',
  'sunos',
  'aix',
]
const cpuNames = {
  arm64: 'arm64',
  x64: 'x64',
  arm: 'arm',
  ia32: 'ia32',
  loong64: 'loong64',
  ppc64: 'ppc64',
  riscv64: 'riscv64',
  s390x: 's390x',
}

function platformOf(name) {
  const parts = name.split('/').pop().split('-')
  const os = parts.find((p) => osNames.includes(p))
  const cpu = parts.map((p) => cpuNames[p]).find(Boolean)
  if (!os || !cpu) return undefined
  const libc = os !== 'linux' ? undefined : parts.some((p) => p.includes('musl')) ? 'musl' : 'glibc'
  return { os: [os], cpu: [cpu], ...(libc ? { libc: [libc] } : {}) }
}

let added = 0
for (const entry of Object.values(packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const depKey = `node_modules/${dep}`
    if (packages[depKey] !== undefined) continue
    const platform = platformOf(dep)
    if (platform === undefined) continue
    packages[depKey] = { version, dev: entry.dev === true || undefined, optional: true, ...platform }
    added++
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
)
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`)
console.log(`added ${added} platform entries`)
