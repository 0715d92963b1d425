// Firefox smoke e2e: installs dist/firefox into Debian's firefox-esr (headless, WebDriver
// BiDi via puppeteer-core) and checks the provider round trip on a 127.0.0.1 page: window.xmtp
// at parse time, ping answered by the background event page, 4200 and -32600.
// Usage: npm run e2e:firefox  (builds dist/firefox first). Exits non-zero on any failure.
import puppeteer from 'puppeteer-core'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { assert, assertEqual, createReporter, readManifest, ROOT, runProviderChecks, startDappServer } from './harness.mjs'

const DIST = join(ROOT, 'dist', 'firefox')
const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/lib/firefox-esr/firefox-esr'

const report = createReporter('firefox e2e')
let browser
let server

try {
  if (!existsSync(join(DIST, 'manifest.json'))) throw new Error(`${DIST} is not built: run npm run build:firefox`)
  if (!existsSync(FIREFOX)) throw new Error(`${FIREFOX} not found: apt-get install -y firefox-esr`)
  const manifest = await readManifest(DIST)
  const geckoId = manifest.browser_specific_settings?.gecko?.id

  await report.check('manifest: background.scripts (one classic script), gecko id, strict_min_version 140.0', () => {
    assertEqual(manifest.background, { scripts: ['background.js'] }, 'background')
    assert(typeof geckoId === 'string' && geckoId.includes('@'), `gecko id: ${geckoId}`)
    assertEqual(manifest.browser_specific_settings.gecko.strict_min_version, '140.0', 'strict_min_version')
    assertEqual(manifest.web_accessible_resources, undefined, 'web_accessible_resources')
  })

  server = await startDappServer()
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
  })

  await report.check('extension installs as a temporary add-on', async () => {
    const id = await browser.installExtension(DIST)
    assertEqual(id, geckoId, 'installed add-on id')
  })

  const page = await browser.newPage()
  await page.goto(server.url)
  await runProviderChecks(report, (fn, arg) => page.evaluate(fn, arg), manifest.version)
} catch (error) {
  report.fail('firefox e2e setup', error)
} finally {
  await browser?.close().catch(() => {})
  await server?.close()
}

process.exitCode = report.finish()
