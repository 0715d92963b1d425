// Background e2e in Debian's Chromium: the built extension's real worker, a real node process,
// and an xmtp-js 13 client running in this Node process as the peer. Covers the browser
// checks: the worker's curve backend, onboarding to a ready XMTP identity, messages both ways,
// by stream and (stream cut) by the alarm poll, a worker stop that keeps IndexedDB and
// storage.session with no password prompt, no plaintext or key bytes in IndexedDB, a replayed
// envelope shown once, a send while the node is down delivered exactly once, auto-lock on wake,
// clear errors that lose nothing for a wrong password, a corrupt vault record and an
// unreachable node, and a sync over an invite topic full of junk that still lists the real
// invitation and answers the popup meanwhile (issue 19; the node here accepts 1 MB messages on
// invite topics, as an older or hostile node would). Usage: npm run e2e:background (builds dist/chrome first).
import { createRequire } from 'node:module'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { privateKeyToAccount } from 'viem/accounts'
import { assert, assertEqual, createReporter } from './harness.mjs'
import { launchExtension, startNodeProcess } from './lib/extension-browser.mjs'

const require = createRequire(import.meta.url)
const { Client: XmtpClient } = require('@xmtp/xmtp-js')

const PASSWORD = 'e2e password, long enough'
const ACCOUNT_KEY = `0x${'5a'.repeat(31)}01`
/** A node that, unlike the default, lets junk of up to 1 MB onto invite topics. */
const NODE_ARGS = ['--max-invite-message-bytes', '1048214']
const report = createReporter('background chromium e2e')
const check = (name, fn, timeoutMs = 60_000) => report.check(name, fn, timeoutMs)

let ext
let node
let peer
let dataDir

/** An xmtp-js 13 client for a fresh random wallet, against our node. */
async function xmtpJsPeer(apiUrl) {
  const account = privateKeyToAccount(`0x${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex')}`)
  const wallet = { getAddress: async () => account.address, signMessage: (m) => account.signMessage({ message: typeof m === 'string' ? m : { raw: m } }) }
  return XmtpClient.create(wallet, { env: 'local', apiUrl })
}

const texts = (page) => page.messages.map((m) => (m.content.type === 'text' ? m.content.text : `[${m.content.type}]`))

/** Every record of every Parley database, read from an extension page (same origin as the worker). */
const dumpIndexedDb = () =>
  (async () => {
    const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('')
    const plain = (v) => {
      if (v instanceof ArrayBuffer) return `hex:${hex(v)}`
      if (ArrayBuffer.isView(v)) return `hex:${hex(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength))}`
      if (Array.isArray(v)) return v.map(plain)
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
      return v
    }
    const out = {}
    for (const { name } of await indexedDB.databases()) {
      if (!name?.startsWith('parley/')) continue
      const db = await new Promise((resolve, reject) => {
        const r = indexedDB.open(name)
        r.onsuccess = () => resolve(r.result)
        r.onerror = () => reject(r.error)
      })
      for (const store of db.objectStoreNames) {
        out[`${name}#${store}`] = await new Promise((resolve, reject) => {
          const r = db.transaction(store).objectStore(store).getAll()
          r.onsuccess = () => resolve(plain(r.result))
          r.onerror = () => reject(r.error)
        })
      }
      db.close()
    }
    return out
  })()

const countMessageRecords = () =>
  (async () => {
    let total = 0
    for (const { name } of await indexedDB.databases()) {
      if (!name?.startsWith('parley/')) continue
      const db = await new Promise((resolve, reject) => {
        const r = indexedDB.open(name)
        r.onsuccess = () => resolve(r.result)
        r.onerror = () => reject(r.error)
      })
      total += await new Promise((resolve) => {
        const r = db.transaction('messages').objectStore('messages').count()
        r.onsuccess = () => resolve(r.result)
      })
      db.close()
    }
    return total
  })()

try {
  dataDir = await mkdtemp(join(tmpdir(), 'parley-e2e-node-'))
  node = await startNodeProcess({ db: join(dataDir, 'node.db'), args: NODE_ARGS })
  ext = await launchExtension()
  const { call, rpc, waitFor } = ext
  const readyStatus = () => waitFor(async () => {
    const status = await call('wallet_status')
    return status.session.state === 'ready' && status
  }, { what: 'the XMTP session to be ready', timeoutMs: 45_000 })
  const listMessages = (topic) => call('messages_list', { topic, limit: 100 })

  await check('the worker runs the libsecp256k1 (WebAssembly) backend', async () => {
    const diagnostics = await call('diagnostics_get')
    assertEqual(diagnostics.cryptoBackend, 'libsecp256k1 (wasm)', 'crypto backend')
    assertEqual(diagnostics.cryptoFallbackReason, undefined, 'fallback reason')
  })

  let topic
  await check('onboarding: import a key, the XMTP identity becomes ready with the account key as signer', async () => {
    await call('settings_update', { nodeUrl: node.url })
    const status = await call('wallet_import', { password: PASSWORD, secret: ACCOUNT_KEY })
    assertEqual(status.locked, false, 'locked after import')
    const ready = await readyStatus()
    assert(await XmtpClient.canMessage(ready.accounts[0].address, { env: 'local', apiUrl: node.url }), 'xmtp-js cannot message the account')
  })

  peer = await xmtpJsPeer(node.url)
  await check('a message to an xmtp-js 13 client is delivered', async () => {
    const conversation = await call('conversations_new', { peerAddress: peer.address })
    topic = conversation.topic
    const sent = await call('messages_send', { topic, content: 'hello from the worker' })
    assertEqual(sent.delivery, 'pending', 'shown at once as pending')
    await waitFor(async () => (await listMessages(topic)).messages.find((m) => m.id === sent.id && m.delivery === 'sent'), { what: 'sent' })
    const peerConversation = await waitFor(async () => (await peer.conversations.list()).find((c) => c.topic === topic), { what: 'the invitation at the peer' })
    assertEqual((await peerConversation.messages()).map((m) => m.content), ['hello from the worker'], 'peer sees')
  })

  await check('a message from xmtp-js arrives by stream while a Parley page is connected', async () => {
    await ext.page.evaluate(() => {
      window.__events = []
      window.__port = chrome.runtime.connect({ name: 'parley/events@1' })
      window.__port.onMessage.addListener((event) => window.__events.push(event))
    })
    await waitFor(async () => (await call('sync_status')).streaming, { what: 'the stream to open' })
    const peerConversation = (await peer.conversations.list()).find((c) => c.topic === topic)
    await peerConversation.send('via the stream')
    await waitFor(async () => texts(await listMessages(topic)).includes('via the stream'), { what: 'the streamed message', timeoutMs: 20_000 })
    const events = await ext.page.evaluate(() => window.__events)
    assert(events.some((e) => e.type === 'messages' && e.messages.some((m) => m.content.text === 'via the stream')), 'no messages event on the port')
  })

  await check('with the stream cut (worker stopped), the alarm wakes the worker and its poll brings the message', async () => {
    const before = await ext.page.evaluate(countMessageRecords)
    await ext.stopWorker()
    const peerConversation = (await peer.conversations.list()).find((c) => c.topic === topic)
    await peerConversation.send('while the worker slept')
    // Nothing calls the worker now: only the alarm may wake it (the page reads IndexedDB itself).
    await ext.page.evaluate(() => chrome.alarms.create('parley/poll', { delayInMinutes: 0.05, periodInMinutes: 1 }))
    await waitFor(async () => (await ext.page.evaluate(countMessageRecords)) > before, { what: 'the polled message in IndexedDB', timeoutMs: 45_000 })
    assert(texts(await listMessages(topic)).includes('while the worker slept'), 'polled message not listed')
  }, 90_000)

  await check('IndexedDB and storage.session survive a worker stop: no password prompt, the cache answers', async () => {
    const before = await call('diagnostics_get')
    await ext.stopWorker()
    const status = await call('wallet_status')
    assertEqual(status.locked, false, 'locked after the restart')
    const after = await call('diagnostics_get')
    assert(after.startedAt > before.startedAt, 'the worker did not restart')
    const list = await call('conversations_list', { filter: 'all' })
    assertEqual(list.conversations.map((c) => c.topic), [topic], 'cached conversations')
    await readyStatus()
  })

  await check('a dump of IndexedDB holds no plaintext message text and no key bytes', async () => {
    const dump = JSON.stringify(await ext.page.evaluate(dumpIndexedDb))
    assert(dump.length > 1000, 'the dump is suspiciously small')
    for (const text of ['hello from the worker', 'via the stream', 'while the worker slept']) {
      assert(!dump.includes(text), `plaintext "${text}" in IndexedDB`)
      assert(!dump.includes(Buffer.from(text).toString('hex')), `hex of "${text}" in IndexedDB`)
      assert(!dump.includes(Buffer.from(text).toString('base64').slice(0, 16)), `base64 of "${text}" in IndexedDB`)
    }
    const key = ACCOUNT_KEY.slice(2)
    assert(!dump.includes(key) && !dump.includes(Buffer.from(key, 'hex').toString('base64')), 'the account key is in IndexedDB')
    const local = JSON.stringify(await ext.page.evaluate(() => chrome.storage.local.get(null)))
    assert(!local.includes(key) && !local.includes('hello from the worker'), 'storage.local holds the key or a message')
  })

  await check('a replayed envelope (same bytes, another timestamp) is shown once', async () => {
    const response = await fetch(`${node.url}/message/v1/query`, { method: 'POST', body: JSON.stringify({ contentTopics: [topic] }) })
    const { envelopes } = await response.json()
    const original = envelopes.at(-1)
    await peer.publishEnvelopes([{ contentTopic: topic, message: Buffer.from(original.message, 'base64'), timestamp: new Date(Date.now() + 5000) }])
    // The node really holds the bytes twice now (different timestamps).
    const again = await (await fetch(`${node.url}/message/v1/query`, { method: 'POST', body: JSON.stringify({ contentTopics: [topic] }) })).json()
    assertEqual(again.envelopes.filter((e) => e.message === original.message).length, 2, 'stored copies of the replayed bytes')
    await call('sync_now')
    const page = await listMessages(topic)
    const ids = page.messages.map((m) => m.id)
    assertEqual(ids.length, new Set(ids).size, 'distinct ids')
    assertEqual(texts(page).filter((t) => t === 'while the worker slept').length, 1, 'copies of the replayed message')
  })

  await check('a message sent while the node is down is delivered exactly once after it comes back', async () => {
    const port = node.port
    await node.stop()
    const sent = await call('messages_send', { topic, content: 'sent during the outage' })
    assertEqual(sent.delivery, 'pending', 'pending during the outage')
    await new Promise((resolve) => setTimeout(resolve, 3000))
    node = await startNodeProcess({ db: join(dataDir, 'node.db'), port, args: NODE_ARGS })
    await waitFor(async () => (await listMessages(topic)).messages.find((m) => m.id === sent.id && m.delivery === 'sent'), { what: 'delivery after the outage', timeoutMs: 90_000 })
    const peerConversation = (await peer.conversations.list()).find((c) => c.topic === topic)
    const copies = (await peerConversation.messages()).filter((m) => m.content === 'sent during the outage')
    assertEqual(copies.length, 1, 'copies at the peer')
    assertEqual(texts(await listMessages(topic)).filter((t) => t === 'sent during the outage').length, 1, 'copies on screen')
  }, 120_000)

  await check('an unreachable node gives a clear error and loses nothing', async () => {
    await call('settings_update', { nodeUrl: 'http://127.0.0.1:9' })
    const failed = await waitFor(async () => {
      const s = await call('wallet_status')
      return s.session.state === 'error' && s
    }, { what: 'the session error' })
    assert(failed.session.error.startsWith('Cannot reach the XMTP node at http://127.0.0.1:9.'), `error: ${failed.session.error}`)
    const nodeStatus = await call('node_status')
    assertEqual([nodeStatus.reachable, typeof nodeStatus.error], [false, 'string'], 'node status')
    const listed = await rpc('conversations_list', {})
    assertEqual(listed.error?.code, 4900, 'code while not ready')
    await call('settings_update', { nodeUrl: node.url })
    await readyStatus()
    assert(texts(await listMessages(topic)).includes('sent during the outage'), 'messages lost')
  })

  await check('a wrong password gives a clear error and changes nothing', async () => {
    await call('wallet_lock')
    const before = JSON.stringify(await ext.page.evaluate(() => chrome.storage.local.get(null)))
    const wrong = await rpc('wallet_unlock', { password: 'wrong password!' })
    assertEqual([wrong.ok, wrong.error?.code, wrong.error?.message], [false, -32602, 'Wrong password. Nothing was changed.'], 'answer')
    assertEqual(JSON.stringify(await ext.page.evaluate(() => chrome.storage.local.get(null))), before, 'storage.local')
  })

  await check('a corrupt vault record gives a clear error; restoring it loses nothing', async () => {
    const { 'vault.header': header } = await ext.page.evaluate(() => chrome.storage.local.get('vault.header'))
    await ext.page.evaluate(() => chrome.storage.local.set({ 'vault.header': { version: 1, kdf: 'garbage' } }))
    const answer = await rpc('wallet_unlock', { password: PASSWORD })
    assertEqual(answer.ok, false, 'unlocked a corrupt vault')
    assert(/damaged/.test(answer.error.message), `message: ${answer.error.message}`)
    await ext.page.evaluate((h) => chrome.storage.local.set({ 'vault.header': h }), header)
    await call('wallet_unlock', { password: PASSWORD })
    await readyStatus()
    assertEqual((await call('conversations_list', {})).conversations.length, 1, 'conversations after restore')
  })

  await check('auto-lock: a wake after the deadline finds the wallet locked', async () => {
    await call('settings_update', { autoLockMinutes: 1 })
    const touched = await call('wallet_touch')
    assert(typeof touched.autoLockAt === 'number', 'no deadline')
    await ext.stopWorker()
    // The deadline passes while the worker is stopped (moved back instead of waiting a minute).
    await ext.page.evaluate(() => chrome.storage.session.set({ 'vault.deadline': Date.now() - 1000 }))
    const status = await call('wallet_status')
    assertEqual([status.locked, status.session.state], [true, 'idle'], 'after the deadline')
    const answer = await rpc('conversations_list', {})
    assertEqual(answer.error?.code, 4900, 'messaging while locked')
  })

  await check('with 1 MB junk around a real invitation on its invite topic, the worker lists it and answers the popup while it syncs', async () => {
    await call('wallet_unlock', { password: PASSWORD })
    const address = (await readyStatus()).accounts[0].address
    const invite = `/xmtp/0/invite-${address}/proto`
    const junk = (count, size) =>
      Array.from({ length: count }, (_, k) => ({ contentTopic: invite, message: new Uint8Array(size).fill(k + 1), timestamp: new Date(Date.now() + k) }))
    for (let i = 0; i < 3; i++) await peer.publishEnvelopes(junk(10, 1_000_000))
    await peer.publishEnvelopes([...junk(20, 40_000), ...junk(20, 64)])
    const stranger = await xmtpJsPeer(node.url)
    const conversation = await stranger.conversations.newConversation(address)
    await conversation.send('sent after the junk')
    for (let i = 0; i < 3; i++) await peer.publishEnvelopes(junk(10, 1_000_000))
    const pass = call('sync_now')
    // The popup's own requests are answered while the pass reads the junk.
    const [listed, status] = await Promise.all([call('conversations_list', { filter: 'all' }), call('sync_status')])
    assert(Array.isArray(listed.conversations), 'conversations_list did not answer during the pass')
    assert(['syncing', 'idle'].includes(status.state), `sync_status during the pass: ${status.state}`)
    const after = await pass
    assertEqual(after.state, 'idle', 'state after the pass')
    const all = await waitFor(async () => {
      const list = await call('conversations_list', { filter: 'all' })
      return list.conversations.some((c) => c.topic === conversation.topic) && list
    }, { what: 'the real invitation listed' })
    assert(all.conversations.some((c) => c.topic === topic), 'the earlier conversation is gone')
    assertEqual(texts(await listMessages(conversation.topic)), ['sent after the junk'], 'messages of the new conversation')
    await stranger.close()
  }, 180_000)
} catch (error) {
  report.fail('background e2e setup', error)
} finally {
  await peer?.close?.().catch(() => {})
  await ext?.close()
  await node?.stop()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
}

process.exitCode = report.finish()
process.exit()
