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
          await page.screenshot({ path: join(OUTPUT_DIR, name) })
        },
      }
    },
    workerMessages: () => worker.evaluate(() => globalThis.__parleyRecord ?? []),
  }
  await runDappScenario({ report, driver, nodeUrl: node.url, label: 'chromium' })

  await report.check('chromium: a pending approval survives a worker stop; approving it afterwards connects the site', async ({ step }) => {
    // Every step is bounded and named (the check's own timeout says which step it was in), and a
    // failure prints what the browser showed, so a hang on a loaded CI machine says where it hung.
    const bounded = (label, promise, ms) => {
      step(label)
      return within(promise, ms, label)
    }
    await bounded('unlock', ext.call('wallet_unlock', { password: PASSWORD }), 15_000)
    const site = await startExampleServer({ host: '127.0.0.1' })
    try {
      const page = await bounded('open the site', driver.openPage(site.url), 15_000)
      const approvalNext = driver.nextApproval()
      const asked = page.evaluate(() => window.xmtp.request({ method: 'xmtp_requestAccounts' }).then((r) => ({ ok: true, r }), (e) => ({ ok: false, code: e.code })))
      const approval = await bounded('the approval window to open', approvalNext, 25_000)
      try {
        step('the approval to render')
        await ext.waitFor(() => within(approval.evaluate(() => document.querySelector('[data-testid="approval"]') !== null), 3_000, 'a look at the window'), {
          what: 'the approval to render',
        })
        await bounded('the worker to report stopped', ext.stopWorker(), 15_000)
        const outcome = await bounded("the site's waiting request to fail after the stop", asked, 15_000)
        assert(!outcome.ok && outcome.code === 4900, `the waiting request after the stop: ${JSON.stringify(outcome)}`)
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
      } catch (error) {
        await printDiagnostics()
        throw error
      }
      await page.close()
    } finally {
      await site.close()
    }
  }, 120_000)
  await report.check('chromium: a worker stopped while its approval window was opening adopts that window; no second one opens', async ({ step }) => {
    const bounded = (label, promise, ms) => {
      step(label)
      return within(promise, ms, label)
    }
    const site = await startExampleServer({ host: '127.0.0.1' })
    try {
      const page = await bounded('open the site', driver.openPage(site.url), 15_000)
      const approvalNext = driver.nextApproval()
      const asked = page.evaluate(() => window.xmtp.request({ method: 'xmtp_requestAccounts' }).then((r) => ({ ok: true, r }), (e) => ({ ok: false, code: e.code })))
      const approval = await bounded('the approval window to open', approvalNext, 25_000)
      try {
        step('the approval to render')
        await ext.waitFor(() => within(approval.evaluate(() => document.querySelector('[data-testid="approval"]') !== null), 3_000, 'a look at the window'), {
          what: 'the approval to render',
        })
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
        await bounded('the worker to report stopped', ext.stopWorker(), 15_000)
        const outcome = await bounded("the site's waiting request to fail after the stop", asked, 15_000)
        assertEqual(outcome.code, 4900, 'the waiting request after the stop')
        step('a new worker to adopt the window')
        const adopted = await ext.waitFor(
          () =>
            within(
              ext.page.evaluate(async (k) => (await chrome.storage.session.get(k))[k] ?? null, key),
              5_000,
              'the record',
            ).then((r) => r && r.windowId !== undefined && !r.opening && r),
          { what: 'the record to carry the adopted window id' },
        )
        assert(adopted.view.kind === 'connect', `adopted record: ${JSON.stringify(adopted.view)}`)
        await new Promise((resolve) => setTimeout(resolve, 500))
        const windows = ext.context.pages().filter((p) => p.url().startsWith(approvalUrl))
        assertEqual(windows.length, 1, 'approval windows open after the restart')
        // The adopted window is the request's: closing it rejects the request.
        await bounded('close the window', approval.close(), 10_000)
        step('the record to go once the window closed')
        await ext.waitFor(
          () => within(ext.page.evaluate(async (k) => (await chrome.storage.session.get(k))[k] === undefined, key), 5_000, 'the record'),
          { what: 'the request to be rejected by the window closing' },
        )
        const accounts = await bounded('xmtp_accounts', page.evaluate(() => window.xmtp.request({ method: 'xmtp_accounts' })), 10_000)
        assertEqual(accounts, [], 'accounts after closing the adopted window')
      } catch (error) {
        await printDiagnostics()
        throw error
      }
      await page.close()
    } finally {
      await site.close()
    }
  }, 120_000)
} catch (error) {
  report.fail('dapp chromium e2e setup', error)
} finally {
  await ext?.close()
  await node?.stop()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
}

process.exitCode = report.finish()
