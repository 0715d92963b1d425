// Popup e2e in Debian's firefox-esr (puppeteer-core over WebDriver BiDi) with the built
// extension and a real node: onboarding (create a wallet, three-word check, password, XMTP
// identity), one message round trip with an xmtp-js 13 client, the read receipt Parley sends
// back, a file previewed before it is sent, and the wallet restored after a forgotten password.
// BiDi only navigates to moz-extension:// pages with -remote-allow-system-access.
// Run: npm run e2e:popup:firefox (builds dist/firefox first).
import puppeteer from 'puppeteer-core'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startNode } from '../src/node/testing/node-process.ts'
import { createReferenceClient } from '../test/helpers/xmtp-js.ts'
import { newWallet } from '../test/helpers/wallets.ts'
import { assert, createReporter, readManifest, ROOT } from './harness.mjs'

const DIST = join(ROOT, 'dist', 'firefox')
const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/lib/firefox-esr/firefox-esr'
const UUID = '3b0e8f52-7c1a-4d2b-9e61-5a4f0c2d8b17'
const NETWORK_MS = 60_000
const PASSWORD = 'firefox fox 42 trot'

const report = createReporter('popup e2e (firefox)')
let browser
let node
let nodeDir
let reference
let conversation
let phrase

const step = (name, fn, ms = 120_000) => report.check(name, fn, ms)

/** Waits until `fn` (run in the page) returns a truthy value. */
async function until(page, fn, arg, timeout = NETWORK_MS) {
  await page.waitForFunction(fn, { timeout, polling: 100 }, arg)
}

const byName = (role, name) => `::-p-aria([name="${name}"][role="${role}"])`

/** The control a <label> with exactly this text points at. */
async function byLabel(page, text) {
  await page.waitForFunction((t) => [...document.querySelectorAll('label[for]')].some((l) => l.textContent.trim() === t), { timeout: NETWORK_MS }, text)
  const id = await page.$$eval('label[for]', (labels, t) => labels.find((l) => l.textContent.trim() === t).htmlFor, text)
  return `[id="${id}"]`
}

async function fill(page, selector, value) {
  const el = await page.waitForSelector(selector, { timeout: NETWORK_MS })
  await el.click({ count: 3 })
  await el.type(value)
}

try {
  if (!existsSync(join(DIST, 'manifest.json'))) throw new Error(`${DIST} is not built: run npm run build:firefox`)
  if (!existsSync(FIREFOX)) throw new Error(`${FIREFOX} not found: apt-get install -y firefox-esr`)
  const geckoId = (await readManifest(DIST)).browser_specific_settings.gecko.id
  nodeDir = await mkdtemp(join(tmpdir(), 'parley-ff-node-'))
  node = await startNode({ db: join(nodeDir, 'node.db') })
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    args: ['-remote-allow-system-access'],
    extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ [geckoId]: UUID }) },
  })
  await browser.installExtension(DIST)
  const page = await browser.newPage()
  await page.setViewport({ width: 360, height: 600 })
  const popupUrl = `moz-extension://${UUID}/src/popup/index.html`
  // The load event of an extension page is not reported over BiDi: navigate, then wait for the app.
  await page.goto(popupUrl, { timeout: 5000 }).catch(() => {})

  await step('the popup opens on onboarding and the page reaches the background', async () => {
    await page.waitForSelector(byName('button', 'Create a new wallet'), { timeout: 20_000 })
    const settings = await page.evaluate(
      (url) => browser.runtime.sendMessage({ tag: 'parley/rpc@1', request: { method: 'settings_update', params: { nodeUrl: url } } }),
      node.url,
    )
    assert(settings?.ok && settings.result.nodeUrl === node.url, `settings_update: ${JSON.stringify(settings)}`)
  })

  await step('create a wallet: phrase, three-word check, password, XMTP identity ready', async () => {
    await (await page.waitForSelector(byName('button', 'Create a new wallet'))).click()
    await page.waitForSelector('[data-testid="recovery-phrase"] .word')
    const words = await page.$$eval('[data-testid="recovery-phrase"] .word', (els) => els.map((e) => e.textContent.trim()))
    phrase = words.join(' ')
    assert(words.length === 12, `phrase has ${words.length} words`)
    await (await page.waitForSelector('input[type="checkbox"]')).click()
    await (await page.waitForSelector(byName('button', 'Continue'))).click()
    await page.waitForSelector('label[for]')
    const asked = await page.$$eval('label', (labels) => labels.filter((l) => /^Word #\d+$/.test(l.textContent)).map((l) => ({ id: l.htmlFor, n: Number(l.textContent.slice(6)) })))
    assert(asked.length === 3, `asked for ${asked.length} words`)
    for (const { id, n } of asked) await fill(page, `[id="${id}"]`, words[n - 1])
    await (await page.waitForSelector(byName('button', 'Continue'))).click()
    await fill(page, await byLabel(page, 'Password'), PASSWORD)
    await fill(page, await byLabel(page, 'Confirm password'), PASSWORD)
    await (await page.waitForSelector('button[type="submit"]:not([disabled])')).click()
    await page.waitForSelector(byName('button', 'New conversation'), { timeout: NETWORK_MS })
  })

  await step('one message round trip with an xmtp-js 13 client', async () => {
    const wallet = newWallet()
    reference = await createReferenceClient(wallet, node.url)
    await (await page.waitForSelector(byName('button', 'New conversation'))).click()
    await fill(page, await byLabel(page, 'Address'), wallet.address)
    await (await page.waitForSelector('button[type="submit"]:not([disabled])')).click()
    await fill(page, byName('textbox', 'Message'), 'Hello from Parley on Firefox')
    await page.keyboard.press('Enter')
    await until(page, () => [...document.querySelectorAll('li.bubble-row[data-delivery="sent"]')].some((li) => li.textContent.includes('Hello from Parley on Firefox')))

    const me = (await page.evaluate(() => browser.runtime.sendMessage({ tag: 'parley/rpc@1', request: { method: 'wallet_status' } }))).result
    const address = me.accounts.find((a) => a.id === me.activeAccountId).address
    const deadline = Date.now() + NETWORK_MS
    while (!conversation) {
      conversation = (await reference.conversations.list()).find((c) => c.peerAddress.toLowerCase() === address.toLowerCase())
      if (!conversation && Date.now() > deadline) throw new Error('xmtp-js never saw the conversation')
      if (!conversation) await new Promise((r) => setTimeout(r, 300))
    }
    const texts = (await conversation.messages()).map((m) => m.content)
    assert(texts.includes('Hello from Parley on Firefox'), `xmtp-js got ${JSON.stringify(texts)}`)
    await conversation.send('Hi Firefox, xmtp-js here')
    await until(page, () => [...document.querySelectorAll('li.bubble-row')].some((li) => li.textContent.includes('Hi Firefox, xmtp-js here')))
  })

  await step('reading the reply sends xmtp-js a read receipt (XMTP read-receipt content type)', async () => {
    const deadline = Date.now() + NETWORK_MS
    for (;;) {
      const receipts = (await conversation.messages()).filter((m) => m.contentType?.typeId === 'readReceipt' && m.senderAddress !== reference.address)
      if (receipts.length > 0) break
      if (Date.now() > deadline) throw new Error('xmtp-js never got a read receipt')
      await new Promise((r) => setTimeout(r, 300))
    }
  })

  await step('a picked file is previewed with its exact size before Send, and reaches xmtp-js', async () => {
    const input = await page.waitForSelector('input[type="file"]')
    const file = join(nodeDir, 'notes.txt')
    await writeFile(file, 'hello world')
    await input.uploadFile(file)
    await until(page, () => document.querySelector('[data-testid="draft-size"]')?.textContent === '11 B')
    const sent = await page.$$eval('li.bubble-row', (rows) => rows.some((li) => li.textContent.includes('notes.txt')))
    assert(!sent, 'the file was sent before Send')
    await (await page.waitForSelector(byName('button', 'Send'))).click()
    const deadline = Date.now() + NETWORK_MS
    for (;;) {
      const files = (await conversation.messages()).filter((m) => m.content?.filename === 'notes.txt')
      if (files.length > 0) break
      if (Date.now() > deadline) throw new Error('xmtp-js never got the file')
      await new Promise((r) => setTimeout(r, 300))
    }
  })

  await step('forgot password: the lock screen restores the wallet from its phrase, with a new password', async () => {
    await (await page.waitForSelector(byName('link', 'Back to conversations'))).click()
    await (await page.waitForSelector(byName('button', 'Lock'))).click()
    await (await page.waitForSelector(byName('button', 'Forgot password? Restore from your recovery phrase or key'))).click()
    await fill(page, await byLabel(page, 'Recovery phrase or private key'), phrase)
    await fill(page, await byLabel(page, 'New password'), 'a new firefox password')
    await fill(page, await byLabel(page, 'Confirm new password'), 'a new firefox password')
    await (await page.waitForSelector('input[type="checkbox"]')).click()
    await (await page.waitForSelector(byName('button', 'Replace and restore'))).click()
    // The conversation comes back from the network (the old cache went with the old keys).
    await until(page, (peer) => [...document.querySelectorAll('a.row-link')].some((a) => a.dataset.peer?.toLowerCase() === peer), reference.address.toLowerCase())
    const rpc = (method, params) => page.evaluate((m, p) => browser.runtime.sendMessage({ tag: 'parley/rpc@1', request: p === undefined ? { method: m } : { method: m, params: p } }), method, params)
    await rpc('wallet_lock')
    assert((await rpc('wallet_unlock', { password: PASSWORD }))?.ok === false, 'the old password still opens the wallet')
    assert((await rpc('wallet_unlock', { password: 'a new firefox password' }))?.ok === true, 'the new password does not open the wallet')
  })
} catch (error) {
  report.fail('popup e2e (firefox) setup', error)
} finally {
  await browser?.close().catch(() => {})
  await node?.stop().catch(() => {})
  if (nodeDir) await rm(nodeDir, { recursive: true, force: true })
}

process.exitCode = report.finish()
