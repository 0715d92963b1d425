// The dapp e2e scenario, shared by Chromium (Playwright) and Firefox (puppeteer-core): the
// example dapp served on 127.0.0.1 drives window.xmtp against the real background; the peer
// is an xmtp-js 13 client in this Node process. A browser file supplies a driver:
//   driver.rpc(method, params)   → the background's answer, called from an extension page
//   driver.openPage(url)         → { evaluate(fn, arg), close() }
//   driver.nextApproval()        → the next approval window as { evaluate(fn, arg), close(), closed }
//   driver.workerMessages()      → every runtime message the background received so far (JSON strings)
//   driver.popupRowNames()       → the accessible names of the popup's conversation rows (fresh load)
//   driver.approvalWindows?()    → how many approval windows are open (where the browser can tell)
// Every page ↔ content message is recorded in the page (a window listener sees both directions:
// the content script forwards responses and background events verbatim) and every content →
// background message in the worker; at the end none may contain key material in any encoding.
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { privateKeyToAccount } from 'viem/accounts'
import { assert, assertEqual, poll } from '../harness.mjs'
import { startExampleServer } from '../../scripts/serve-example.mjs'
import { xmtp } from '../../src/gen/proto.js'

const require = createRequire(import.meta.url)
const { Client: XmtpClient } = require('@xmtp/xmtp-js')

export const PASSWORD = 'dapp e2e password, long enough'
export const ACCOUNT_KEY = `0x${'6b'.repeat(31)}02`
const OTHER_KEY = `0x${'7c'.repeat(31)}03`

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function walletOf(privateKey) {
  const account = privateKeyToAccount(privateKey)
  return { address: account.address, getAddress: async () => account.address, signMessage: (m) => account.signMessage({ message: typeof m === 'string' ? m : { raw: m } }) }
}

// ─── functions that run in the dapp page ───

/** Installed before the page's scripts: records every window message (both directions). */
export const RECORDER_SCRIPT = `(() => {
  const log = []
  Object.defineProperty(window, '__parleyRecord', { value: log })
  window.addEventListener('message', (event) => { try { log.push(JSON.stringify(event.data)) } catch { log.push(String(event.data)) } })
})()`

const request = ([method, params]) => {
  const provider = window.__found
  return provider.request(params === undefined ? { method } : { method, params }).then(
    (result) => ({ ok: true, result }),
    (error) => ({ ok: false, code: error.code, message: error.message }),
  )
}
/** Finds the provider the way a dapp would (discovery), and records its events. */
const discover = () =>
  new Promise((resolve) => {
    window.__events = { accountsChanged: [], message: [] }
    window.addEventListener('xmtp:announceProvider', (event) => {
      if (window.__found) return
      window.__found = event.detail.provider
      window.__info = event.detail.info
      window.__found.on('accountsChanged', (a) => window.__events.accountsChanged.push(a))
      window.__found.on('message', (m) => window.__events.message.push(m))
      resolve({ info: event.detail.info, frozen: Object.isFrozen(event.detail) && Object.isFrozen(event.detail.info), isEthereum: 'ethereum' in window && window.ethereum === window.xmtp })
    })
    window.dispatchEvent(new Event('xmtp:requestProvider'))
  })
const click = (selector) => document.querySelector(selector).click()
const setValue = ([selector, value]) => {
  document.querySelector(selector).value = value
}
const submit = (selector) => document.querySelector(selector).requestSubmit()
const texts = (selector) => [...document.querySelectorAll(selector)].map((e) => e.textContent)
const text = (selector) => document.querySelector(selector)?.textContent ?? null
const record = () => [...window.__parleyRecord]
const events = () => window.__events
/** A raw window message with an origin field next to the request, skipping the provider. */
const forged = ([origin, method]) =>
  new Promise((resolve) => {
    const id = `forged-${Math.random()}`
    const onMessage = (event) => {
      if (event.data?.kind === 'response' && event.data.id === id) {
        window.removeEventListener('message', onMessage)
        resolve(event.data.response)
      }
    }
    window.addEventListener('message', onMessage)
    window.postMessage({ channel: 'parley-xmtp-provider:v1:7c1f4e', kind: 'request', id, origin, sender: { origin }, request: { method, origin } }, location.origin)
  })

/**
 * A page served with `Content-Security-Policy: sandbox allow-scripts`: its own origin is opaque
 * while its URL names 127.0.0.1. It asks window.xmtp for its accounts and records the answer.
 */
async function startSandboxedServer() {
  const page = `<!doctype html><html><head><script>
    window.xmtp.request({ method: 'xmtp_accounts' }).then(
      () => { window.__sandboxedAnswer = { origin: String(window.origin), code: 'answered' } },
      (e) => { window.__sandboxedAnswer = { origin: String(window.origin), code: e.code } })
  </script></head><body>sandboxed</body></html>`
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': 'sandbox allow-scripts' })
    res.end(page)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => {
      const closed = new Promise((resolve) => server.close(resolve))
      server.closeAllConnections()
      return closed
    },
  }
}

// ─── functions that run in the approval window ───
const approvalFacts = () => ({
  kind: document.querySelector('[data-testid="approval"]')?.dataset.kind ?? null,
  origin: document.querySelector('[data-testid="approval-origin"]')?.textContent ?? null,
  account: document.querySelector('[data-testid="approval-account"]')?.textContent ?? null,
  preview: document.querySelector('[data-testid="approval-preview"]')?.textContent ?? null,
  conversation: document.querySelector('[data-testid="approval-conversation"]')?.textContent ?? null,
  previewScrolls: (() => {
    const box = document.querySelector('[data-testid="approval-preview"]')
    return box ? getComputedStyle(box).overflowY === 'auto' && box.scrollHeight > box.clientHeight : null
  })(),
  scopes: [...document.querySelectorAll('[data-testid="approval-scopes"] li')].map((li) => li.textContent),
  buttons: [...document.querySelectorAll('button')].map((b) => b.textContent),
})
const pressButton = (label) => {
  const button = [...document.querySelectorAll('button')].find((b) => b.textContent === label && !b.disabled)
  if (!button) return false
  button.click()
  return true
}

/** Encodings a secret could take in a JSON message: hex (both cases), base64, base64url, a JSON byte array. */
function encodings(bytes) {
  const buf = Buffer.from(bytes)
  return [buf.toString('hex'), buf.toString('hex').toUpperCase(), buf.toString('base64'), buf.toString('base64url').replace(/=+$/, ''), JSON.stringify([...buf]).slice(1, -1), JSON.stringify(Object.fromEntries([...buf].map((b, i) => [i, b]))).slice(1, -1)]
}

export async function runDappScenario({ report, driver, nodeUrl, label }) {
  const check = (name, fn, timeoutMs = 60_000) => report.check(`${label}: ${name}`, fn, timeoutMs)
  const call = async (method, params) => {
    const response = await driver.rpc(method, params)
    if (!response?.ok) throw new Error(`${method} failed: ${JSON.stringify(response?.error ?? response)}`)
    return response.result
  }
  const siteA = await startExampleServer({ host: '127.0.0.1' })
  const siteB = await startExampleServer({ host: '127.0.0.1' })
  const originA = new URL(siteA.url).origin
  const originB = new URL(siteB.url).origin
  // The namespace rule: site A owns the conversation ids `hostA` and `hostA/…`.
  const hostA = new URL(siteA.url).host
  const CONVERSATION_ID = `${hostA}/support`
  let peer
  const pages = []
  try {
    let address
    await check('onboarding: import a key, node URL set, identity ready', async () => {
      await call('settings_update', { nodeUrl })
      await call('wallet_import', { password: PASSWORD, secret: ACCOUNT_KEY })
      const ready = await poll(async () => {
        const status = await call('wallet_status')
        return status.session.state === 'ready' && status
      }, { what: 'the XMTP session', timeoutMs: 90_000 })
      address = ready.accounts[0].address
    }, 120_000)
    peer = await XmtpClient.create(walletOf(`0x${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex')}`), { env: 'local', apiUrl: nodeUrl })

    const a = await driver.openPage(siteA.url)
    pages.push(a)
    await check('discovery: announced under xmtp:announceProvider with frozen info; not an Ethereum provider', async () => {
      const found = await a.evaluate(discover)
      assertEqual(found.info.name, 'Parley', 'name')
      assertEqual(found.info.rdns, 'org.parley-messenger', 'rdns')
      assert(found.info.icon.startsWith('data:image/svg+xml;base64,'), 'icon is a data URI')
      assert(/^[0-9a-f-]{36}$/.test(found.info.uuid), `uuid ${found.info.uuid}`)
      assert(found.frozen, 'announcement is not frozen')
      assertEqual(found.isEthereum, false, 'posing as window.ethereum')
      await poll(() => a.evaluate(text, '#provider-status').then((t) => t?.startsWith('Found Parley')), { what: 'the example dapp to find Parley' })
    })

    await check('malformed params → -32602; not connected → 4100', async () => {
      assertEqual((await a.evaluate(request, ['xmtp_getMessages', { topic: 'not a topic' }])).code, -32602, 'bad topic')
      assertEqual((await a.evaluate(request, ['xmtp_newConversation', { peerAddress: '0x12' }])).code, -32602, 'bad address')
      assertEqual((await a.evaluate(request, ['xmtp_listConversations'])).code, 4100, 'not connected')
    })

    await check('connect → the approval window names origin, account and scopes → Approve', async () => {
      const approvalNext = driver.nextApproval()
      await a.evaluate(click, '#connect')
      const approval = await approvalNext
      const facts = await poll(() => approval.evaluate(approvalFacts).then((f) => f.kind && f), { what: 'the approval window to render' })
      assertEqual(facts.kind, 'connect', 'kind')
      assertEqual(facts.origin, originA, 'origin shown')
      assertEqual(facts.account, address, 'account shown')
      assertEqual(facts.buttons, ['Reject', 'Approve', 'Block this site'], 'buttons')
      assert(facts.scopes.length === 3, `scopes: ${facts.scopes}`)
      await approval.screenshot?.('approval-connect.png')
      assert(await approval.evaluate(pressButton, 'Approve'), 'no Approve button')
      await approval.closed
      await poll(() => a.evaluate(text, '#account').then((t) => t === address), { what: 'the dapp to show the account' })
      assertEqual((await a.evaluate(events)).accountsChanged.at(-1), [address], 'accountsChanged after connect')
    })

    let topic
    await check('start a conversation with the xmtp-js peer, send (confirmed in the window) → the peer receives', async () => {
      await a.evaluate(setValue, ['#peer', peer.address])
      await a.evaluate(setValue, ['#conversation-id', CONVERSATION_ID])
      await a.evaluate(submit, '#start-form')
      topic = await poll(() => a.evaluate(() => document.querySelector('#conversations li')?.dataset.topic), { what: 'the conversation in the list' })
      await a.evaluate(setValue, ['#text', 'hello from the example dapp'])
      const approvalNext = driver.nextApproval()
      await a.evaluate(submit, '#send-form')
      const approval = await approvalNext
      const facts = await poll(() => approval.evaluate(approvalFacts).then((f) => f.kind && f), { what: 'the send approval' })
      assertEqual([facts.kind, facts.preview, facts.origin], ['send', 'hello from the example dapp', originA], 'send approval')
      assertEqual(facts.conversation, `This site’s conversation “${CONVERSATION_ID}”`, 'the conversation named')
      await approval.screenshot?.('approval-send.png')
      assert(await approval.evaluate(pressButton, 'Approve'), 'no Approve button')
      await approval.closed
      const received = await poll(async () => {
        const conversations = await peer.conversations.list()
        const conversation = conversations.find((c) => c.context?.conversationId === CONVERSATION_ID)
        const messages = conversation ? await conversation.messages() : []
        return messages.find((m) => m.content === 'hello from the example dapp') && conversation
      }, { what: 'the peer to receive the message', timeoutMs: 45_000 })
      assertEqual(received.topic, topic, 'same topic on both sides')
    }, 90_000)

    await check("the peer's reply arrives live as one message event, though the page subscribed three times", async () => {
      // The example dapp subscribed once on connect; twice more here: still one subscription.
      const ids = new Set()
      for (let i = 0; i < 2; i++) ids.add((await a.evaluate(request, ['xmtp_subscribe'])).result.subscriptionId)
      assertEqual(ids.size, 1, 'subscription ids')
      const conversation = (await peer.conversations.list()).find((c) => c.topic === topic)
      await conversation.send('reply from xmtp-js')
      await poll(async () => (await a.evaluate(texts, '#messages li')).some((t) => t.endsWith('reply from xmtp-js')), { what: 'the reply in the dapp', timeoutMs: 45_000 })
      await sleep(1500)
      const replies = (await a.evaluate(events)).message.filter((e) => e.message.content.text === 'reply from xmtp-js')
      assertEqual(replies.length, 1, 'message events for the reply')
      assert(replies[0].message.topic === topic && ids.has(replies[0].subscriptionId), 'the event names the topic and the subscription')
    }, 60_000)

    const LONG = `${'A long message, shown whole. '.repeat(70).slice(0, 1997)}end`
    let ownTopic
    await check("send by address with 2,000 characters: shown whole and scrollable, lands in the site's conversation, the reply comes back", async () => {
      assertEqual(LONG.length, 2000, 'message length')
      const approvalNext = driver.nextApproval()
      const sending = a.evaluate(request, ['xmtp_sendMessage', { peerAddress: peer.address, content: LONG }])
      const approval = await approvalNext
      const facts = await poll(() => approval.evaluate(approvalFacts).then((f) => f.kind && f), { what: 'the send approval' })
      assertEqual(facts.preview, LONG, 'the whole message in the window')
      assertEqual(facts.previewScrolls, true, 'the message box scrolls')
      assertEqual(facts.conversation, `This site’s conversation “${hostA}”`, 'the conversation named')
      assert(await approval.evaluate(pressButton, 'Approve'), 'no Approve button')
      await approval.closed
      const sent = await sending
      assert(sent.ok, `send failed: ${JSON.stringify(sent)}`)
      ownTopic = sent.result.topic
      assert(ownTopic !== topic, 'sent into the support conversation instead of the site’s own')
      const listed = (await a.evaluate(request, ['xmtp_listConversations'])).result
      assertEqual(listed.find((c) => c.topic === ownTopic)?.context?.conversationId, hostA, "the site's own conversation in its list")
      const theirs = await poll(async () => {
        const conversation = (await peer.conversations.list()).find((c) => c.topic === ownTopic)
        return conversation && (await conversation.messages()).some((m) => m.content === LONG) && conversation
      }, { what: 'the peer to receive the long message', timeoutMs: 45_000 })
      assertEqual(theirs.context?.conversationId, hostA, "the peer sees the site's conversation id")
      await theirs.send('answer to the long one')
      await poll(async () => (await a.evaluate(events)).message.some((e) => e.message.topic === ownTopic && e.message.content.text === 'answer to the long one'), {
        what: 'the reply through xmtp_subscribe',
        timeoutMs: 45_000,
      })
    }, 120_000)

    const b = await driver.openPage(siteB.url)
    pages.push(b)
    await b.evaluate(discover)
    await check('second origin: reject → 4001; closing the window → 4001', async () => {
      let approvalNext = driver.nextApproval()
      const rejected = b.evaluate(request, ['xmtp_requestAccounts'])
      let approval = await approvalNext
      await poll(() => approval.evaluate(approvalFacts).then((f) => f.origin === originB), { what: 'the approval for site B' })
      assert(await approval.evaluate(pressButton, 'Reject'), 'no Reject button')
      assertEqual((await rejected).code, 4001, 'reject')
      await approval.closed
      approvalNext = driver.nextApproval()
      const closed = b.evaluate(request, ['xmtp_requestAccounts'])
      approval = await approvalNext
      await poll(() => approval.evaluate(approvalFacts).then((f) => f.origin === originB), { what: 'the second approval for site B' })
      await approval.close()
      assertEqual((await closed).code, 4001, 'closing the window')
    })

    await check("second origin, connected, cannot read or claim the first origin's conversations", async () => {
      const approvalNext = driver.nextApproval()
      const connecting = b.evaluate(request, ['xmtp_requestAccounts'])
      const approval = await approvalNext
      await poll(() => approval.evaluate(pressButton, 'Approve'), { what: 'Approve for site B' })
      assertEqual((await connecting).result, [address], 'B connected')
      assertEqual((await b.evaluate(request, ['xmtp_listConversations'])).result, [], "B's conversations")
      assertEqual((await b.evaluate(request, ['xmtp_getMessages', { topic }])).code, 4100, "B reads A's topic")
      const squat = await b.evaluate(request, ['xmtp_newConversation', { peerAddress: peer.address, context: { conversationId: CONVERSATION_ID } }])
      assertEqual(squat.code, -32602, "B claims an id in A's namespace")
      assert(squat.message.includes(`"${new URL(siteB.url).host}/"`), `the refusal names the rule: ${squat.message}`)
      assertEqual((await a.evaluate(request, ['xmtp_listConversations'])).result.map((c) => c.topic).sort(), [topic, ownTopic].sort(), "A's conversations")
    }, 60_000)

    await check("one approval window per site: its second request waits behind the first; another site's opens beside it", async () => {
      const readAll = ['xmtp_requestPermissions', [{ readAll: {} }]]
      const firstA = driver.nextApproval()
      const a1 = a.evaluate(request, readAll)
      const windowA = await firstA
      await poll(() => windowA.evaluate(approvalFacts).then((f) => f.origin === originA), { what: "A's first window" })
      const a2 = a.evaluate(request, readAll)
      await sleep(1000)
      if (driver.approvalWindows) assertEqual(await driver.approvalWindows(), 1, "windows while A's second request waits")
      const nextB = driver.nextApproval()
      const b1 = b.evaluate(request, readAll)
      const windowB = await nextB
      await poll(() => windowB.evaluate(approvalFacts).then((f) => f.origin === originB), { what: "B's window beside A's" })
      if (driver.approvalWindows) assertEqual(await driver.approvalWindows(), 2, "windows with B's beside A's")
      const secondA = driver.nextApproval()
      assert(await windowA.evaluate(pressButton, 'Reject'), 'no Reject button')
      assertEqual((await a1).code, 4001, "A's first request")
      const windowA2 = await secondA
      await poll(() => windowA2.evaluate(approvalFacts).then((f) => f.origin === originA && f.kind === 'permissions'), { what: "A's second window" })
      assert(await windowA2.evaluate(pressButton, 'Reject'), 'no Reject button')
      assertEqual((await a2).code, 4001, "A's second request")
      assert(await windowB.evaluate(pressButton, 'Reject'), 'no Reject button')
      assertEqual((await b1).code, 4001, "B's request")
      await Promise.all([windowA.closed, windowA2.closed, windowB.closed])
    }, 90_000)

    await check('a page that forges an origin field gets nothing more', async () => {
      assertEqual((await b.evaluate(request, ['xmtp_listConversations', { origin: originA }])).code, -32602, 'origin param')
      const answer = await b.evaluate(forged, [originA, 'xmtp_listConversations'])
      assertEqual(answer, { ok: true, result: [] }, 'forged raw message answered as B')
      assertEqual((await b.evaluate(forged, [originA, 'xmtp_getMessages'])).error?.code, -32602, 'forged getMessages without a topic')
    })

    await check('three rejections or closed windows in a row → 4001 at once without a window; another site still gets its window', async () => {
      const siteC = await startExampleServer({ host: '127.0.0.1' })
      const c = await driver.openPage(siteC.url)
      try {
        await c.evaluate(discover)
        for (const how of ['reject', 'close', 'reject']) {
          const approvalNext = driver.nextApproval()
          const asked = c.evaluate(request, ['xmtp_requestAccounts'])
          const approval = await approvalNext
          await poll(() => approval.evaluate(approvalFacts).then((f) => f.origin === new URL(siteC.url).origin), { what: 'the approval for site C' })
          if (how === 'reject') assert(await approval.evaluate(pressButton, 'Reject'), 'no Reject button')
          else await approval.close()
          assertEqual((await asked).code, 4001, `after ${how}`)
          await approval.closed
        }
        const windowsBefore = await driver.approvalWindows?.()
        const started = Date.now()
        const refused = await c.evaluate(request, ['xmtp_requestAccounts'])
        assertEqual(refused.code, 4001, 'the fourth request')
        assert(refused.message.includes('declined'), `answered by the embargo, not a window: ${refused.message}`)
        assert(Date.now() - started < 10_000, 'answered at once')
        await sleep(1000)
        if (windowsBefore !== undefined) assertEqual(await driver.approvalWindows(), windowsBefore, 'approval windows after the fourth request')
        // Site B is not affected: its request gets a window.
        const approvalNext = driver.nextApproval()
        const asked = b.evaluate(request, ['xmtp_requestPermissions', [{ readAll: {} }]])
        const approval = await approvalNext
        await poll(() => approval.evaluate(approvalFacts).then((f) => f.origin === originB), { what: "site B's window" })
        assert(await approval.evaluate(pressButton, 'Reject'), 'no Reject button')
        assertEqual((await asked).code, 4001, "B's answer")
        await approval.closed
      } finally {
        await c.close().catch(() => {})
        await siteC.close()
      }
    }, 120_000)

    await check('"Block this site" in the window: 4001 without a window until unblocked in settings', async () => {
      const siteD = await startExampleServer({ host: '127.0.0.1' })
      const originD = new URL(siteD.url).origin
      const d = await driver.openPage(siteD.url)
      try {
        await d.evaluate(discover)
        let approvalNext = driver.nextApproval()
        const asked = d.evaluate(request, ['xmtp_requestAccounts'])
        let approval = await approvalNext
        await poll(() => approval.evaluate(approvalFacts).then((f) => f.origin === originD), { what: 'the approval for site D' })
        assert(await approval.evaluate(pressButton, 'Block this site'), 'no Block this site button')
        assertEqual((await asked).code, 4001, 'the blocked request')
        await approval.closed
        const refused = await d.evaluate(request, ['xmtp_requestAccounts'])
        assertEqual(refused.code, 4001, 'a request after the block')
        assert(refused.message.includes('blocked'), `answered by the block: ${refused.message}`)
        assertEqual((await call('sites_blocked')).blocked.map((x) => x.origin), [originD], 'blocked sites in settings')
        assertEqual((await call('sites_unblock', { origin: originD })).blocked, [], 'after unblock')
        approvalNext = driver.nextApproval()
        const again = d.evaluate(request, ['xmtp_requestAccounts'])
        approval = await approvalNext
        await poll(() => approval.evaluate(approvalFacts).then((f) => f.origin === originD), { what: 'a window for site D again' })
        assert(await approval.evaluate(pressButton, 'Reject'), 'no Reject button')
        assertEqual((await again).code, 4001, 'rejected after the unblock')
        await approval.closed
      } finally {
        await d.close().catch(() => {})
        await siteD.close()
      }
    }, 90_000)

    await check('a sandboxed page (opaque origin) is refused', async () => {
      const sandboxed = await startSandboxedServer()
      const page = await driver.openPage(sandboxed.url)
      try {
        const outcome = await poll(() => page.evaluate(() => window.__sandboxedAnswer ?? null), { what: 'the sandboxed page to get its answer', timeoutMs: 20_000 })
        assertEqual(outcome, { origin: 'null', code: 4100 }, 'the sandboxed page')
      } finally {
        await page.close().catch(() => {})
        await sandboxed.close()
      }
    })

    let topicsBeforeRevoke
    await check('revoke in settings → 4100 at once, accountsChanged [], the subscription stops', async () => {
      topicsBeforeRevoke = (await a.evaluate(request, ['xmtp_listConversations'])).result.map((c) => c.topic).sort()
      const before = (await a.evaluate(events)).message.length
      const { sites } = await call('sites_revoke', { origin: originA })
      assert(!sites.some((s) => s.origin === originA), 'A still listed')
      assertEqual((await a.evaluate(request, ['xmtp_listConversations'])).code, 4100, 'list after revoke')
      await poll(async () => JSON.stringify((await a.evaluate(events)).accountsChanged.at(-1)) === '[]', { what: 'accountsChanged []' })
      const conversation = (await peer.conversations.list()).find((c) => c.topic === topic)
      await conversation.send('after the revoke')
      // It reaches the background (so the silence below means something) but not the revoked site.
      await poll(async () => (await call('messages_list', { topic, limit: 20 })).messages.some((m) => m.content.text === 'after the revoke'), {
        what: 'the background to receive the message sent after the revoke',
        timeoutMs: 70_000,
      })
      await sleep(1500)
      assertEqual((await a.evaluate(events)).message.length, before, 'message events after the revoke')
    }, 90_000)

    await check('reconnecting after the revoke gives back exactly the namespace', async () => {
      const approvalNext = driver.nextApproval()
      const connecting = a.evaluate(request, ['xmtp_requestAccounts'])
      const approval = await approvalNext
      await poll(() => approval.evaluate(pressButton, 'Approve'), { what: 'Approve for site A' })
      assertEqual((await connecting).result, [address], 'A connected again')
      assertEqual((await a.evaluate(request, ['xmtp_listConversations'])).result.map((c) => c.topic).sort(), topicsBeforeRevoke, "A's conversations after reconnecting")
    }, 60_000)

    await check("Parley's popup labels the site's conversations with the site, each row named apart", async () => {
      const names = await poll(async () => {
        const rows = await driver.popupRowNames()
        return rows.some((n) => n.includes(' via ')) && rows
      }, { what: 'the popup rows', timeoutMs: 30_000 })
      assert(names.includes(`${peer.address} via ${hostA}`), `rows: ${JSON.stringify(names)}`)
      assert(names.includes(`${peer.address} via ${CONVERSATION_ID}`), `rows: ${JSON.stringify(names)}`)
      assertEqual(new Set(names).size, names.length, 'distinct accessible names')
    }, 60_000)

    await check('after an account switch, accountsChanged comes once the account answers: a call made at the event succeeds', async () => {
      await a.evaluate(() => {
        window.__afterChange = []
        window.__found.on('accountsChanged', (accounts) => {
          if (accounts.length === 0) return
          window.__afterChange.push(window.__found.request({ method: 'xmtp_listConversations' }).then((r) => ({ ok: true, n: r.length }), (e) => ({ ok: false, code: e.code })))
        })
      })
      const first = (await call('wallet_status')).activeAccountId
      const other = await call('accounts_import', { password: PASSWORD, secret: OTHER_KEY, label: 'Other' })
      await call('accounts_select', { accountId: other.id })
      await poll(async () => JSON.stringify((await a.evaluate(events)).accountsChanged.at(-1)) === '[]', { what: "A's accountsChanged [] on the other account" })
      await call('accounts_select', { accountId: first })
      await poll(async () => JSON.stringify((await a.evaluate(events)).accountsChanged.at(-1)) === JSON.stringify([address]), { what: "A's accountsChanged back", timeoutMs: 60_000 })
      const outcomes = await a.evaluate(() => Promise.all(window.__afterChange))
      assert(outcomes.length >= 1, 'no call was made at the event')
      for (const outcome of outcomes) assertEqual(outcome, { ok: true, n: topicsBeforeRevoke.length }, 'the call made at the event')
    }, 120_000)

    await check('locked → 4900 (and xmtp_accounts is [])', async () => {
      await call('wallet_lock')
      assertEqual((await b.evaluate(request, ['xmtp_listConversations'])).code, 4900, 'list while locked')
      assertEqual((await b.evaluate(request, ['xmtp_accounts'])).result, [], 'accounts while locked')
      await poll(async () => JSON.stringify((await b.evaluate(events)).accountsChanged.at(-1)) === '[]', { what: "B's accountsChanged []" })
    })

    await check('no private key or key bundle bytes crossed page ↔ content ↔ background', async () => {
      const bundleBytes = await XmtpClient.getKeys(walletOf(ACCOUNT_KEY), { env: 'local', apiUrl: nodeUrl })
      const bundle = xmtp.message_contents.PrivateKeyBundle.decode(bundleBytes)
      const v1 = bundle.v1 ?? bundle.v2
      const secrets = [Buffer.from(ACCOUNT_KEY.slice(2), 'hex'), Buffer.from(bundleBytes)]
      for (const key of [v1.identityKey, ...v1.preKeys]) secrets.push(Buffer.from(key.secp256k1.bytes))
      const fromBackground = await driver.workerMessages()
      const crossings = [...(await a.evaluate(record)), ...(await b.evaluate(record)), ...fromBackground]
      assert(crossings.length > 30, `only ${crossings.length} messages recorded`)
      console.log(`      (recorded ${crossings.length} crossings, ${fromBackground.length} of them as the background received them)`)
      assert(crossings.some((m) => m.includes('reply from xmtp-js')), 'the recorder missed the message events')
      const all = crossings.join('\n')
      for (const secret of secrets) for (const form of encodings(secret)) assert(!all.includes(form), `key material (${form.slice(0, 12)}…) crossed the bridge`)
    })
  } finally {
    for (const page of pages) await page.close().catch(() => {})
    await siteA.close()
    await siteB.close()
    await peer?.close?.().catch?.(() => {})
  }
}
