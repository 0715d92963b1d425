// Chromium e2e: loads dist/chrome into Debian's Chromium (headless, fresh profile) with
// Playwright and checks the four worlds: service worker, popup, MAIN-world provider, relay.
// Usage: npm run e2e  (builds dist/chrome first). Exits non-zero on any failure.
import { chromium } from 'playwright-core'
import { mkdtemp, mkdir, readFile, rm } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { Script } from 'node:vm'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  assert,
  assertEqual,
  chromiumArgs,
  createReporter,
  OUTPUT_DIR,
  readManifest,
  ROOT,
  runProviderChecks,
  startDappServer,
} from './harness.mjs'

const DIST = join(ROOT, 'dist', 'chrome')
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const SCREENSHOT = join(OUTPUT_DIR, 'popup-chromium.png')

const report = createReporter('chromium e2e')
let context
let profile
let server

try {
  if (!existsSync(join(DIST, 'manifest.json'))) throw new Error(`${DIST} is not built: run npm run build:chrome`)
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium`)
  const manifest = await readManifest(DIST)

  await report.check('manifest: classic service worker, no web-accessible chunks', () => {
    // One classic script (scripts/build/classic-background.ts): Chromium code-caches it.
    assertEqual(manifest.background, { service_worker: 'background.js' }, 'background')
    assertEqual(manifest.web_accessible_resources, undefined, 'web_accessible_resources')
    const main = manifest.content_scripts.find((script) => script.world === 'MAIN')
    assert(main && main.run_at === 'document_start', 'no document_start MAIN-world content script')
  })

  await report.check('background script is self-contained (no module imports) and the loader is gone', async () => {
    const code = await readFile(join(DIST, 'background.js'), 'utf8')
    // Compiles as a classic script: an import declaration or import.meta would be a SyntaxError.
    new Script(code, { filename: 'background.js' })
    assert(!existsSync(join(DIST, 'service-worker-loader.js')), 'service-worker-loader.js is still shipped')
  })

  await report.check('page-world script is self-contained and polyfill-free', async () => {
    const main = manifest.content_scripts.find((script) => script.world === 'MAIN')
    const code = await readFile(join(DIST, main.js[0]), 'utf8')
    for (const banned of ['webextension-polyfill', 'chrome.runtime', 'browser.runtime', 'import(', 'import ']) {
      assert(!code.includes(banned), `${main.js[0]} contains "${banned}"`)
    }
  })

  profile = await mkdtemp(join(tmpdir(), 'parley-e2e-chromium-'))
  server = await startDappServer()
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: chromiumArgs(DIST),
  })

  let extensionId
  await report.check('background service worker starts', async () => {
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 5000 }))
    const url = new URL(worker.url())
    assertEqual(url.pathname, '/background.js', 'worker script')
    extensionId = url.host
    assertEqual(await worker.evaluate(() => chrome.runtime.getManifest().version), manifest.version, 'version in worker')
  })

  await report.check('popup renders and opens on onboarding for a fresh profile (wallet_status from the background)', async () => {
    assert(extensionId, 'no extension id (service worker did not start)')
    const popup = await context.newPage()
    await popup.setViewportSize({ width: 360, height: 600 })
    await popup.goto(`chrome-extension://${extensionId}/src/popup/index.html`)
    await popup.getByRole('button', { name: 'Create a new wallet', exact: true }).waitFor({ timeout: 10_000 })
    assertEqual(await popup.locator('h1').textContent(), 'Parley', 'header')
    assert((await popup.getByRole('button', { name: 'Import a wallet', exact: true }).count()) === 1, 'import button missing')
    await mkdir(OUTPUT_DIR, { recursive: true })
    await popup.screenshot({ path: SCREENSHOT })
    await popup.close()
  })

  const page = await context.newPage()
  await page.goto(server.url)
  await runProviderChecks(report, (fn, arg) => page.evaluate(fn, arg), manifest.version)

  await report.check('a stopped service worker is woken by a page request and answers', async () => {
    const ping = () => page.evaluate(() => window.xmtp.request({ method: 'ping' }))
    const before = await ping()
    const cdp = await context.newCDPSession(page)
    const stopped = new Promise((resolve) => {
      cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
        if (versions.some((v) => v.scriptURL.includes(extensionId) && v.runningStatus === 'stopped')) resolve()
      })
    })
    await cdp.send('ServiceWorker.enable')
    await cdp.send('ServiceWorker.stopAllWorkers')
    await stopped
    const after = await ping()
    assert(after.startedAt > before.startedAt, `startedAt did not change (${before.startedAt} → ${after.startedAt})`)
    await cdp.detach()
  })
} catch (error) {
  report.fail('chromium e2e setup', error)
} finally {
  await context?.close().catch(() => {})
  await server?.close()
  if (profile) await rm(profile, { recursive: true, force: true })
}

process.exitCode = report.finish()
