// Dapp e2e in Debian's Chromium: the built extension's real background, a real node process,
// the example dapp on two 127.0.0.1 origins, and an xmtp-js 13 peer in this process (see
// e2e/lib/dapp-scenario.mjs for what is checked). Usage: npm run e2e:dapp (builds dist/chrome).
import { assertAccessible } from './lib/axe.mjs'
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
/** What the browser shows, for a failed check: every page, the worker's state, pending approvals. */
async function printDiagnostics() {
  try {
    console.log(`      worker: ${ext.workerStatus()}`)
    for (const page of ext.context.pages()) {
      const shown = await within(page.evaluate(() => document.body?.innerText ?? ''), 2_000, 'page text').catch((e) => `(no text: ${e.message})`)
      console.log(`      page ${page.url()}: ${JSON.stringify(shown.slice(0, 300))}`)
    }
    // Only the approval records: storage.session also holds the vault's derived key.
    const pending = await within(
      ext.page.evaluate(async () =>
        Object.entries(await chrome.storage.session.get(null))
          .filter(([key]) => key.startsWith('dapp/approval/'))
          .map(([key, r]) => ({ key, kind: r.view?.kind, origin: r.view?.origin, windowId: r.windowId })),
      ),
      5_000,
      'the pending approvals',
    ).catch((e) => e.message)
    console.log(`      pending approvals: ${JSON.stringify(pending)}`)
  } catch (error) {
    console.log(`      (diagnostics failed: ${error.message})`)
  }
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
          await assertAccessible(page, `approval window ${name}`) // axe-core, light and dark
          await page.screenshot({ path: join(OUTPUT_DIR, name) })
        },
      }
    },
    workerMessages: () => worker.evaluate(() => globalThis.__parleyRecord ?? []),
    async popupRowNames() {
      const page = await context.newPage()
      try {
        await page.goto(`${base}src/popup/index.html`)
        await page.waitForSelector('a.row-link', { timeout: 20_000 })
        return await page.evaluate(() => [...document.querySelectorAll('a.row-link')].map((a) => a.querySelector('.visually-hidden')?.textContent ?? a.textContent))
      } finally {
        await page.close()
      }
    },
    approvalWindows: async () => context.pages().filter((p) => p.url().startsWith(approvalUrl)).length,
  }
  await runDappScenario({ report, driver, nodeUrl: node.url, label: 'chromium' })

  // The worker-stop checks: every step is bounded and named (a check's timeout says which step
  // it was in), and a failure prints what the browser showed, so a hang in CI says where it hung.
  const boundedSteps = (step) => (label, promise, ms) => {
    step(label)
    return within(promise, ms, label)
  }
  /** A new site asks to connect; resolves once its approval window shows the request. */
  async function askToConnect(bounded, step, siteUrl) {
    const page = await bounded('open the site', driver.openPage(siteUrl), 15_000)
    const approvalNext = driver.nextApproval()
    const asked = page.evaluate(() => window.xmtp.request({ method: 'xmtp_requestAccounts' }).then((r) => ({ ok: true, r }), (e) => ({ ok: false, code: e.code })))
    const approval = await bounded('the approval window to open', approvalNext, 25_000)
    step('the approval to render')
    await ext.waitFor(() => within(approval.evaluate(() => document.querySelector('[data-testid="approval"]') !== null), 3_000, 'a look at the window'), {
      what: 'the approval to render',
    })
    return { page, asked, approval }
  }
  /** Stops the worker; the site's request that was waiting on it fails with 4900. */
  async function stopWorkerUnder(bounded, asked) {
    await bounded('the worker to report stopped', ext.stopWorker(), 15_000)
    const outcome = await bounded("the site's waiting request to fail after the stop", asked, 15_000)
    assertEqual(outcome, { ok: false, code: 4900 }, 'the waiting request after the stop')
  }
  /** Runs `body` against a fresh example-dapp origin; prints diagnostics if it fails. */
  async function onFreshSite(body) {
    const site = await startExampleServer({ host: '127.0.0.1' })
    try {
      await body(site.url)
    } catch (error) {
      await printDiagnostics()
      throw error
    } finally {
      await site.close()
    }
  }
  const sessionRecord = (key) => within(ext.page.evaluate(async (k) => (await chrome.storage.session.get(k))[k] ?? null, key), 5_000, 'the record')

  await report.check('chromium: a pending approval survives a worker stop; approving it afterwards connects the site', async ({ step }) => {
    const bounded = boundedSteps(step)
    await bounded('unlock', ext.call('wallet_unlock', { password: PASSWORD }), 15_000)
    await onFreshSite(async (siteUrl) => {
      const { page, asked, approval } = await askToConnect(bounded, step, siteUrl)
      await stopWorkerUnder(bounded, asked)
      // The window is still there; answering wakes a new worker, which finds the request in storage.session.
      step('click Approve')
      await ext.waitFor(
        () =>
          within(
            approval.evaluate(() => {
              const button = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Approve')
              if (!button || button.disabled) return false
              button.click()
              return true
            }),
            3_000,
            'a look at the window',
          ),
        { what: 'an enabled Approve button in the window that outlived the worker', timeoutMs: 10_000 },
      )
      await bounded('the approval window to close after Approve', approval.closed, 20_000)
      step('the site to be connected after the restart')
      const accounts = await ext.waitFor(
        async () => {
          const answer = await within(page.evaluate(() => window.xmtp.request({ method: 'xmtp_accounts' })), 5_000, 'xmtp_accounts')
          return answer.length === 1 && answer
        },
        { what: 'the site to be connected after the restart' },
      )
      const status = await bounded('wallet_status', ext.call('wallet_status'), 10_000)
      assertEqual(accounts, [status.accounts[0].address], 'accounts after the restart')
      await page.close()
    })
  }, 120_000)

  await report.check('chromium: a worker stopped while its approval window was opening adopts that window; no second one opens', async ({ step }) => {
    const bounded = boundedSteps(step)
    await onFreshSite(async (siteUrl) => {
      const { page, asked, approval } = await askToConnect(bounded, step, siteUrl)
      // What a worker stopped between windows.create and saving the id leaves behind.
      const key = await bounded(
        'rewrite the record as "opening"',
        ext.page.evaluate(async () => {
          const entries = Object.entries(await chrome.storage.session.get(null)).filter(([k]) => k.startsWith('dapp/approval/'))
          if (entries.length !== 1) return `expected one pending approval, found ${entries.length}`
          const [k, { windowId: _, ...rest }] = entries[0]
          await chrome.storage.session.set({ [k]: { ...rest, opening: true } })
          return k
        }),
        5_000,
      )
      assert(key.startsWith('dapp/approval/'), key)
      await stopWorkerUnder(bounded, asked)
      step('a new worker to adopt the window')
      const adopted = await ext.waitFor(() => sessionRecord(key).then((r) => r && r.windowId !== undefined && !r.opening && r), {
        what: 'the record to carry the adopted window id',
      })
      assertEqual(adopted.view.kind, 'connect', 'the adopted request')
      await new Promise((resolve) => setTimeout(resolve, 500))
      assertEqual(ext.context.pages().filter((p) => p.url().startsWith(approvalUrl)).length, 1, 'approval windows open after the restart')
      // The adopted window is the request's: closing it rejects the request.
      await bounded('close the window', approval.close(), 10_000)
      step('the record to go once the window closed')
      await ext.waitFor(() => sessionRecord(key).then((r) => r === null), { what: 'the request to be rejected by the window closing' })
      const accounts = await bounded('xmtp_accounts', page.evaluate(() => window.xmtp.request({ method: 'xmtp_accounts' })), 10_000)
      assertEqual(accounts, [], 'accounts after closing the adopted window')
      await page.close()
    })
  }, 120_000)
} catch (error) {
  report.fail('dapp chromium e2e setup', error)
} finally {
  await ext?.close()
  await node?.stop()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
}

process.exitCode = report.finish()
