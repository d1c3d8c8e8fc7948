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
  // A test file that failed outside its tests (it did not load, a hook threw) counts once;
  // a failed test counts once, not again for its file and its describe blocks.
  const brokenFiles = (report.testResults ?? []).filter(
    (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((t) => t.status === 'failed'),
  ).length
  const f = (report.numFailedTests ?? 0) + brokenFiles
  console.log(`${file}: ${p} passed, ${f} failed, ${report.numPendingTests ?? 0} skipped`)
  if (p === 0) failed++
  passed += p
  failed += f
}
// Both passes (Node 20, Node 24), unless .ci/run left the second out for time and said so.
const expected = Number(process.env.EXPECTED_REPORTS ?? 2)
if (files.length < expected) failed++
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
