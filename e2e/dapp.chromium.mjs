// Dapp e2e in Debian's Chromium: the built extension's real background, a real node process,
// the example dapp on two 127.0.0.1 origins, and an xmtp-js 13 peer in this process (see
// e2e/lib/dapp-scenario.mjs for what is checked). Usage: npm run e2e:dapp (builds dist/chrome).
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { assert, assertEqual, createReporter, OUTPUT_DIR } from './harness.mjs'
import { startExampleServer } from '../scripts/serve-example.mjs'
import { launchExtension, startNodeProcess } from './lib/extension-browser.mjs'
import { PASSWORD, RECORDER_SCRIPT, runDappScenario } from './lib/dapp-scenario.mjs'

const report = createReporter('dapp chromium e2e')
const within = (promise, ms, what) => {
  let timer
  const late = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)))
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}
let ext
let node
let dataDir

try {
  dataDir = await mkdtemp(join(tmpdir(), 'parley-e2e-dapp-'))
  node = await startNodeProcess({ db: join(dataDir, 'node.db') })
  ext = await launchExtension()
  const { context, worker, base } = ext
  // Records every runtime message and events-port message the background receives from web
  // pages' content scripts (Parley's own pages, e.g. the test's wallet_import, are not the bridge).
  await worker.evaluate(() => {
    globalThis.__parleyRecord = []
    const fromPage = (sender) => !(sender?.url ?? '').startsWith(chrome.runtime.getURL(''))
    chrome.runtime.onMessage.addListener((message, sender) => {
      if (fromPage(sender)) globalThis.__parleyRecord.push(JSON.stringify(message))
    })
    chrome.runtime.onConnect.addListener((port) => {
      if (fromPage(port.sender)) port.onMessage.addListener((m) => globalThis.__parleyRecord.push(JSON.stringify(m)))
    })
  })
  const approvalUrl = `${base}src/approval/index.html`
  const driver = {
    rpc: ext.rpc,
    async openPage(url) {
      const page = await context.newPage()
      await page.addInitScript(RECORDER_SCRIPT)
      await page.goto(url)
      return { evaluate: (fn, arg) => page.evaluate(fn, arg), close: () => page.close() }
    },
    async nextApproval() {
      const page = await context.waitForEvent('page', { predicate: (p) => p.url().startsWith(approvalUrl), timeout: 20_000 })
      await page.waitForLoadState('domcontentloaded')
      const closed = new Promise((resolve) => page.once('close', resolve))
      return {
        evaluate: (fn, arg) => page.evaluate(fn, arg),
        close: () => page.close({ runBeforeUnload: false }),
        closed,
        screenshot: async (name) => {
          await mkdir(OUTPUT_DIR, { recursive: true })
          await page.setViewportSize({ width: 400, height: 600 })
          await page.screenshot({ path: join(OUTPUT_DIR, name) })
        },
      }
    },
    workerMessages: () => worker.evaluate(() => globalThis.__parleyRecord ?? []),
  }
  await runDappScenario({ report, driver, nodeUrl: node.url, label: 'chromium' })

  await report.check('chromium: a pending approval survives a worker stop; approving it afterwards connects the site', async () => {
    await ext.call('wallet_unlock', { password: PASSWORD })
    const site = await startExampleServer({ host: '127.0.0.1' })
    try {
      const page = await driver.openPage(site.url)
      const approvalNext = driver.nextApproval()
      const asked = page.evaluate(() => window.xmtp.request({ method: 'xmtp_requestAccounts' }).then((r) => ({ ok: true, r }), (e) => ({ ok: false, code: e.code })))
      const approval = await approvalNext
      await ext.waitFor(() => approval.evaluate(() => document.querySelector('[data-testid="approval"]') !== null), { what: 'the approval to render' })
      // Each wait is bounded and named, so a hang says where it hung.
      await within(ext.stopWorker(), 15_000, 'the worker to report stopped')
      const outcome = await within(asked, 15_000, "the site's waiting request to fail after the stop")
      assert(!outcome.ok && outcome.code === 4900, `the waiting request after the stop: ${JSON.stringify(outcome)}`)
      // The window is still there; answering wakes a new worker, which finds the request in storage.session.
      const clicked = await approval.evaluate(() => {
        const button = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Approve')
        if (!button || button.disabled) return `no enabled Approve button; the window shows: ${document.body.innerText}`
        button.click()
        return 'clicked'
      })
      assertEqual(clicked, 'clicked', 'Approve in the window that outlived the worker')
      await within(approval.closed, 20_000, 'the approval window to close after Approve')
      const accounts = await ext.waitFor(async () => {
        const answer = await page.evaluate(() => window.xmtp.request({ method: 'xmtp_accounts' }))
        return answer.length === 1 && answer
      }, { what: 'the site to be connected after the restart' })
      const status = await ext.call('wallet_status')
      assertEqual(accounts, [status.accounts[0].address], 'accounts after the restart')
      await page.close()
    } finally {
      await site.close()
    }
  }, 60_000)
} catch (error) {
  report.fail('dapp chromium e2e setup', error)
} finally {
  await ext?.close()
  await node?.stop()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
}

process.exitCode = report.finish()
