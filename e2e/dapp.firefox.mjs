// Dapp e2e in firefox-esr (puppeteer-core over WebDriver BiDi): the built extension's real
// background event page, a real node process, the example dapp on two 127.0.0.1 origins and an
// xmtp-js 13 peer in this process; the same scenario as Chromium (e2e/lib/dapp-scenario.mjs).
// The extension's internal UUID is pinned by pref so the test can open its pages.
// Usage: npm run e2e:dapp:firefox (builds dist/firefox first).
import puppeteer from 'puppeteer-core'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createReporter, poll, readManifest, ROOT } from './harness.mjs'
import { startNodeProcess } from './lib/extension-browser.mjs'
import { RECORDER_SCRIPT, runDappScenario } from './lib/dapp-scenario.mjs'
import { startExampleServer } from '../scripts/serve-example.mjs'

const DIST = join(ROOT, 'dist', 'firefox')
const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/lib/firefox-esr/firefox-esr'
const UUID = '0f6b2c1e-8d4a-4c3b-9e7f-5a1d2b3c4d5e'
const BASE = `moz-extension://${UUID}/`

const report = createReporter('dapp firefox e2e')
let browser
let node
let dataDir

try {
  if (!existsSync(join(DIST, 'manifest.json'))) throw new Error(`${DIST} is not built: run npm run build:firefox`)
  if (!existsSync(FIREFOX)) throw new Error(`${FIREFOX} not found: apt-get install -y firefox-esr`)
  const geckoId = (await readManifest(DIST)).browser_specific_settings.gecko.id
  dataDir = await mkdtemp(join(tmpdir(), 'parley-e2e-dapp-ff-'))
  node = await startNodeProcess({ db: join(dataDir, 'node.db') })
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ [geckoId]: UUID }) },
  })
  await browser.installExtension(DIST)

  // Pages the extension opens report about:blank as their URL over BiDi; their location is right.
  const claimed = new Set()
  async function findExtensionPage(prefix, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      for (const target of browser.targets()) {
        if (target.type() !== 'page') continue
        const page = await target.page().catch(() => null)
        if (!page || claimed.has(page)) continue
        const href = await Promise.race([page.evaluate(() => location.href).catch(() => ''), new Promise((r) => setTimeout(() => r(''), 1000))])
        if (href.startsWith(prefix)) {
          claimed.add(page)
          return page
        }
      }
      await new Promise((r) => setTimeout(r, 200))
    }
    throw new Error(`no extension page ${prefix} opened within ${timeoutMs} ms`)
  }

  // An extension page to call the background from, as the popup does. WebDriver BiDi may not
  // navigate to moz-extension: URLs, so a page asks to connect, the approval window that opens
  // (an extension page) opens the popup page in a tab, and the request is rejected.
  const bootstrapSite = await startExampleServer({ host: '127.0.0.1' })
  const bootstrap = await browser.newPage()
  await bootstrap.goto(bootstrapSite.url)
  const asked = bootstrap.evaluate(() => window.xmtp.request({ method: 'xmtp_requestAccounts' }).catch((e) => e.code))
  const approvalPage = await findExtensionPage(`${BASE}src/approval/`)
  await approvalPage.evaluate(() => browser.tabs.create({ url: browser.runtime.getURL('src/popup/index.html') }))
  const extPage = await findExtensionPage(`${BASE}src/popup/`)
  await approvalPage.evaluate(() => [...document.querySelectorAll('button')].find((b) => b.textContent === 'Reject').click())
  if ((await asked) !== 4001) throw new Error('bootstrap request was not rejected')
  // Records what the background event page receives from web pages' content scripts: a
  // listener registered on the background page's runtime from this extension page.
  const recording = await extPage.evaluate(async () => {
    const bg = await browser.runtime.getBackgroundPage().catch(() => null)
    if (!bg) return false
    window.__parleyRecord = []
    const fromPage = (sender) => !(sender?.url ?? '').startsWith(browser.runtime.getURL(''))
    bg.browser.runtime.onMessage.addListener((message, sender) => {
      if (fromPage(sender)) window.__parleyRecord.push(JSON.stringify(message))
    })
    bg.browser.runtime.onConnect.addListener((port) => {
      if (fromPage(port.sender)) port.onMessage.addListener((m) => window.__parleyRecord.push(JSON.stringify(m)))
    })
    return true
  })
  await bootstrap.close()
  await bootstrapSite.close()
  const rpc = (method, params) =>
    extPage.evaluate(
      (m, p) => browser.runtime.sendMessage({ tag: 'parley/rpc@1', request: p === undefined ? { method: m } : { method: m, params: p } }),
      method,
      params,
    )

  const approvalUrl = `${BASE}src/approval/index.html`
  const driver = {
    rpc,
    async openPage(url) {
      const page = await browser.newPage()
      await page.evaluateOnNewDocument(RECORDER_SCRIPT)
      await page.goto(url)
      return { evaluate: (fn, arg) => page.evaluate(fn, arg), close: () => page.close() }
    },
    async nextApproval() {
      const page = await findExtensionPage(approvalUrl)
      // The close event does not always arrive over BiDi for a window the page closed itself.
      const closed = (async () => {
        for (let i = 0; i < 100; i++) {
          if (page.isClosed()) return
          const alive = await Promise.race([page.evaluate(() => true).catch(() => false), new Promise((r) => setTimeout(() => r(false), 1000))])
          if (!alive) return
          await new Promise((r) => setTimeout(r, 200))
        }
        throw new Error('the approval window did not close')
      })()
      return { evaluate: (fn, arg) => page.evaluate(fn, arg), close: () => page.close(), closed }
    },
    // Without a background page to listen on, the page-side recorder still sees every request the
    // content script forwards and every answer and event it passes back.
    workerMessages: async () => (recording ? extPage.evaluate(() => window.__parleyRecord) : []),
    // The popup page this test opened: a fresh load shows the list as it is now. (Reloading it
    // would lose the recorder above, so the rows come from a second popup page in a new tab.)
    async popupRowNames() {
      await extPage.evaluate(() => browser.tabs.create({ url: browser.runtime.getURL('src/popup/index.html#/') }))
      const page = await findExtensionPage(`${BASE}src/popup/`)
      try {
        return await poll(() => page.evaluate(() => {
          const rows = [...document.querySelectorAll('a.row-link')].map((a) => a.querySelector('.visually-hidden')?.textContent ?? a.textContent)
          return rows.length > 0 && rows
        }), { what: 'popup rows', timeoutMs: 20_000 })
      } finally {
        await page.close().catch(() => {})
      }
    },
  }
  await runDappScenario({ report, driver, nodeUrl: node.url, label: 'firefox' })
} catch (error) {
  report.fail('dapp firefox e2e setup', error)
} finally {
  await browser?.close().catch(() => {})
  await node?.stop()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
}

process.exitCode = report.finish()
