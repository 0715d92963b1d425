// The invitation workers in Debian's Chromium (issue 24): the service worker's offscreen
// document (chrome.offscreen, reason WORKERS) starts the workers that open a sync's
// invitations (e2e/lib/offload-checks.mjs). Usage: npm run build:chrome && npx tsx e2e/offload.chromium.mjs
import { createReporter } from './harness.mjs'
import { launchExtension, startNodeProcess } from './lib/extension-browser.mjs'
import { offloadChecks } from './lib/offload-checks.mjs'

const report = createReporter('offload chromium e2e')
let ext
let node
try {
  node = await startNodeProcess()
  ext = await launchExtension()
  const waitFor = (fn, what, timeoutMs) => ext.waitFor(fn, { what, timeoutMs })
  await offloadChecks({ call: ext.call, check: (name, fn, ms) => report.check(name, fn, ms), waitFor, nodeUrl: node.url, password: 'offload e2e password 1' })
} catch (error) {
  report.fail('offload chromium e2e setup', error)
} finally {
  await ext?.close().catch(() => {})
  await node?.stop()
}
process.exitCode = report.finish()
process.exit()
