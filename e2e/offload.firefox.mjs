// The invitation workers in Debian's firefox-esr (issue 24): Firefox has no chrome.offscreen,
// and its background is an event page, which starts the workers that open a sync's
// invitations itself (e2e/lib/offload-checks.mjs). puppeteer-core over WebDriver BiDi, as in
// background.firefox.mjs. Usage: npm run build:firefox && npx tsx e2e/offload.firefox.mjs
import puppeteer from 'puppeteer-core'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createReporter, readManifest, ROOT } from './harness.mjs'
import { startNodeProcess } from './lib/extension-browser.mjs'
import { offloadChecks } from './lib/offload-checks.mjs'

const DIST = join(ROOT, 'dist', 'firefox')
const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/lib/firefox-esr/firefox-esr'
const UUID = '5b0e7c1d-8f3a-4e62-a9d4-1c7b2e9f6a03'
const report = createReporter('offload firefox e2e')
let browser
let node

async function waitFor(fn, what, timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn().catch(() => undefined)
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

try {
  if (!existsSync(join(DIST, 'manifest.json'))) throw new Error(`${DIST} is not built: run npm run build:firefox`)
  if (!existsSync(FIREFOX)) throw new Error(`${FIREFOX} not found: apt-get install -y firefox-esr`)
  const geckoId = (await readManifest(DIST)).browser_specific_settings.gecko.id
  node = await startNodeProcess()
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    args: ['-remote-allow-system-access'],
    extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ [geckoId]: UUID }) },
  })
  await browser.installExtension(DIST)
  const page = await browser.newPage()
  // The load event of an extension page is not reported over BiDi: navigate, then poll.
  await page.goto(`moz-extension://${UUID}/src/popup/index.html`, { timeout: 5000 }).catch(() => {})
  await waitFor(() => page.evaluate(() => typeof browser?.runtime?.sendMessage === 'function'), 'the extension page')
  const call = async (method, params) => {
    const response = await page.evaluate(
      (m, p) => browser.runtime.sendMessage({ tag: 'parley/rpc@1', request: p === undefined ? { method: m } : { method: m, params: p } }),
      method,
      params,
    )
    if (!response?.ok) throw new Error(`${method} failed: ${JSON.stringify(response?.error ?? response)}`)
    return response.result
  }
  await offloadChecks({ call, check: (name, fn, ms) => report.check(name, fn, ms), waitFor, nodeUrl: node.url, password: 'offload firefox e2e 1' })
} catch (error) {
  report.fail('offload firefox e2e setup', error)
} finally {
  await browser?.close().catch(() => {})
  await node?.stop()
}
process.exitCode = report.finish()
process.exit()
