// Background e2e in Debian's firefox-esr (puppeteer-core over WebDriver BiDi): the built
// extension's module event page against a real node, driven through the RPC table from an
// extension page as the popup does: the curve backend, the vault (create from a generated
// phrase, wrong password, lock and unlock) and one message round trip with an xmtp-js 13 client.
// BiDi only navigates to moz-extension:// pages with -remote-allow-system-access.
// Usage: npm run e2e:background:firefox (builds dist/firefox first).
import puppeteer from 'puppeteer-core'
import { createRequire } from 'node:module'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { privateKeyToAccount } from 'viem/accounts'
import { assert, assertEqual, createReporter, readManifest, ROOT } from './harness.mjs'
import { startNodeProcess } from './lib/extension-browser.mjs'

const require = createRequire(import.meta.url)
const { Client: XmtpClient } = require('@xmtp/xmtp-js')

const DIST = join(ROOT, 'dist', 'firefox')
const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/lib/firefox-esr/firefox-esr'
const UUID = '8d2c4f61-0b7e-4a39-9c15-2e6f1a7b3c40'
const PASSWORD = 'firefox background 42'

const report = createReporter('background firefox e2e')
const check = (name, fn, ms = 90_000) => report.check(name, fn, ms)
let browser
let node
let peer

async function waitFor(fn, what, timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
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
  await waitFor(() => page.evaluate(() => typeof browser?.runtime?.sendMessage === 'function').catch(() => false), 'the extension page')

  const rpc = (method, params) =>
    page.evaluate(
      (m, p) => browser.runtime.sendMessage({ tag: 'parley/rpc@1', request: p === undefined ? { method: m } : { method: m, params: p } }),
      method,
      params,
    )
  const call = async (method, params) => {
    const response = await rpc(method, params)
    if (!response?.ok) throw new Error(`${method} failed: ${JSON.stringify(response?.error ?? response)}`)
    return response.result
  }
  const ready = () => waitFor(async () => (await call('wallet_status')).session.state === 'ready', 'the XMTP session')

  await check('the event page runs the libsecp256k1 (WebAssembly) backend', async () => {
    const diagnostics = await call('diagnostics_get')
    assertEqual(diagnostics.cryptoBackend, 'libsecp256k1 (wasm)', 'crypto backend')
  })

  await check('vault: create from a generated phrase; wrong password refused; lock and unlock', async () => {
    await call('settings_update', { nodeUrl: node.url })
    const { phrase } = await call('wallet_generatePhrase')
    assertEqual(phrase.split(' ').length, 12, 'words')
    const created = await call('wallet_create', { password: PASSWORD, phrase })
    assertEqual([created.initialized, created.locked, created.accounts.length], [true, false, 1], 'after create')
    await ready()
    await call('wallet_lock')
    const wrong = await rpc('wallet_unlock', { password: 'not it at all' })
    assertEqual([wrong.ok, wrong.error?.code], [false, -32602], 'wrong password')
    assertEqual((await call('wallet_status')).locked, true, 'still locked')
    await call('wallet_unlock', { password: PASSWORD })
    await ready()
  })

  await check('one message round trip with an xmtp-js 13 client', async () => {
    const account = privateKeyToAccount(`0x${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex')}`)
    const wallet = { getAddress: async () => account.address, signMessage: (m) => account.signMessage({ message: typeof m === 'string' ? m : { raw: m } }) }
    peer = await XmtpClient.create(wallet, { env: 'local', apiUrl: node.url })
    const { topic } = await call('conversations_new', { peerAddress: peer.address })
    const sent = await call('messages_send', { topic, content: 'hello from Firefox' })
    await waitFor(async () => (await call('messages_list', { topic })).messages.find((m) => m.id === sent.id && m.delivery === 'sent'), 'sent')
    const conversation = await waitFor(async () => (await peer.conversations.list()).find((c) => c.topic === topic), 'the invitation at the peer')
    assertEqual((await conversation.messages()).map((m) => m.content), ['hello from Firefox'], 'peer sees')
    await conversation.send('hello back from xmtp-js')
    await waitFor(async () => {
      await call('sync_now')
      return (await call('messages_list', { topic })).messages.some((m) => m.content.text === 'hello back from xmtp-js')
    }, 'the reply')
  })
} catch (error) {
  report.fail('background firefox e2e setup', error)
} finally {
  await browser?.close().catch(() => {})
  await node?.stop()
}

process.exitCode = report.finish()
process.exit()
