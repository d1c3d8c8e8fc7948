// Sums the test runner's JSON reports and prints the closing line "N passed, N failed".
// A report that is missing, or a run that executed no test, counts as a failure.
import { readFileSync } from 'node:fs'

let passed = 0
let failed = 0
const files = process.argv.slice(2)
for (const file of files) {
  let report
  try {
    report = JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    console.log(`${file}: no readable report`)
    failed++
    continue
  }
  const p = report.numPassedTests ?? 0
  const f = (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0)
  console.log(`${file}: ${p} passed, ${f} failed, ${report.numPendingTests ?? 0} skipped`)
  if (p === 0) failed++
  passed += p
  failed += f
}
if (files.length < 2) failed++
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
