// Popup e2e in real Chromium with the built extension and a real node process. Two browser
// profiles (A creates a wallet, B imports a key) and an xmtp-js 13 client:
//   A starts a conversation with B and sends → B sees it with an unread badge and replies →
//   A sees the reply without reopening (stream) → a reaction and a reply show on both sides →
//   the xmtp-js client messages A and A answers → a non-XMTP address and a wrong password show
//   their errors → lock and unlock → after a browser restart (node stopped) the list shows from
//   the cache. Each screen is captured (popup and tab, light and dark) into e2e/output/screenshots/, or
//   into docs/screenshots/ (what the README shows) with UPDATE_SCREENSHOTS=1.
// Run: npm run e2e:popup (builds dist/chrome first). Needs tsx: it uses the node test helpers.
import { mkdtemp, rm } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { startNode } from '../src/node/testing/node-process.ts'
import { createReferenceClient } from '../test/helpers/xmtp-js.ts'
import { newWallet } from '../test/helpers/wallets.ts'
import { assert, createReporter, OUTPUT_DIR } from './harness.mjs'
import { restoreForgottenPassword, strangerRequest } from './lib/popup-daily-use.mjs'
import {
  bubble,
  CHROMIUM,
  conversationLink,
  conversationRow,
  DIST,
  launchProfile,
  NETWORK_MS,
  onboardCreate,
  onboardImport,
  openPopup,
  rpc,
  sendText,
  shot,
  waitForMessenger,
} from './lib/popup-driver.mjs'

const report = createReporter('popup e2e (chromium)')
const PASSWORD_A = 'alpha centauri 4 ever'
const PASSWORD_B = 'bravo November 9 lima'
const temp = []
const contexts = []
let node

const step = (name, fn, ms = 120_000) => report.check(name, fn, ms)

async function tempDir(prefix) {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  temp.push(dir)
  return dir
}

async function activeAddress(page) {
  const status = await rpc(page, 'wallet_status')
  return status.accounts.find((a) => a.id === status.activeAccountId).address
}

/** Opens the row for `address` from whichever tab it is in; returns whether it was a request. */
async function openConversationWith(page, address) {
  await page.goto(page.url().replace(/#.*$/, '') + '#/')
  const inMessages = conversationLink(page, address)
  if ((await inMessages.count()) === 0) await page.getByRole('tab', { name: /Requests/ }).click()
  await conversationLink(page, address).click()
  await page.getByRole('heading', { level: 1 }).waitFor()
}

try {
  if (!existsSync(join(DIST, 'manifest.json'))) throw new Error(`${DIST} is not built: run npm run build:chrome`)
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium`)
  const nodeDir = await tempDir('parley-popup-node-')
  const nodeDb = join(nodeDir, 'node.db')
  node = await startNode({ db: nodeDb })
  const profileA = await tempDir('parley-popup-a-')
  const profileB = await tempDir('parley-popup-b-')
  let A = await launchProfile(profileA)
  const B = await launchProfile(profileB)
  contexts.push(A.context, B.context)
  let pageA = await openPopup(A)
  const pageB = await openPopup(B)
  const keyB = generatePrivateKey()
  const addressB = privateKeyToAccount(keyB).address
  let addressA

  await step('both profiles point at the test node (settings_update from the page)', async () => {
    for (const page of [pageA, pageB]) {
      const settings = await rpc(page, 'settings_update', { nodeUrl: node.url })
      assert(settings.nodeUrl === node.url, `nodeUrl is ${settings.nodeUrl}`)
    }
  })

  await step('welcome screen (popup and tab, light and dark)', async () => {
    await pageB.getByRole('button', { name: 'Create a new wallet', exact: true }).waitFor()
    await shot(pageB, 'welcome')
    const tab = await openPopup(B, { view: 'tab' })
    await tab.getByRole('button', { name: 'Import a wallet', exact: true }).waitFor()
    await shot(tab, 'welcome')
    await tab.close()
  })

  await step('A creates a wallet: phrase, three-word check, password, XMTP identity', async () => {
    await onboardCreate(pageA, PASSWORD_A, { screenshots: true })
    await waitForMessenger(pageA)
    addressA = await activeAddress(pageA)
    await pageA.getByText('No conversations yet').waitFor()
    await shot(pageA, 'conversations-empty')
  })

  await step('B imports a private key and gets its identity', async () => {
    await onboardImport(pageB, keyB, PASSWORD_B, { screenshots: true })
    await waitForMessenger(pageB)
    assert((await activeAddress(pageB)) === addressB, 'B imported a different address')
  })

  await step('an address not on XMTP is refused before anything is sent', async () => {
    await pageA.getByRole('button', { name: 'New conversation', exact: true }).click()
    await pageA.getByLabel('Address', { exact: true }).fill(privateKeyToAccount(generatePrivateKey()).address)
    await pageA.getByRole('button', { name: 'Start conversation' }).click()
    await pageA.getByText('This address is not on the XMTP network yet', { exact: false }).waitFor({ timeout: NETWORK_MS })
    await shot(pageA, 'new-conversation-not-on-xmtp')
  })

  await step('A starts a conversation with B and sends', async () => {
    await pageA.getByLabel('Address', { exact: true }).fill(addressB)
    await pageA.getByRole('button', { name: 'Start conversation' }).click()
    await pageA.getByRole('textbox', { name: 'Message', exact: true }).waitFor({ timeout: NETWORK_MS })
    await sendText(pageA, 'Hi B, this is A from Parley 👋')
  })

  await step('B sees it in the list with an unread badge, opens it, accepts and replies', async () => {
    await pageB.getByRole('tab', { name: /Requests/ }).click()
    const link = conversationLink(pageB, addressA)
    await link.waitFor({ timeout: NETWORK_MS })
    const row = conversationRow(pageB, addressA)
    await row.getByTestId('unread-badge').waitFor({ timeout: NETWORK_MS })
    assert((await row.getByTestId('unread-badge').textContent()).trim() === '1', 'unread badge is not 1')
    await shot(pageB, 'requests')
    await link.click()
    await bubble(pageB, 'Hi B, this is A from Parley').waitFor({ timeout: NETWORK_MS })
    await shot(pageB, 'conversation-request')
    await pageB.getByRole('button', { name: 'Accept' }).click()
    await sendText(pageB, 'Hey A! Got it, loud and clear.')
  })

  await step('A sees the reply without reopening (stream)', async () => {
    await bubble(pageA, 'Hey A! Got it, loud and clear.').waitFor({ timeout: NETWORK_MS })
  })

  await step('a reaction from A and a quoting reply from B show on both sides', async () => {
    const reply = bubble(pageA, 'Hey A! Got it, loud and clear.')
    await reply.hover()
    await reply.getByRole('button', { name: 'React' }).click()
    await pageA.getByRole('button', { name: 'React with 👍' }).click()
    await reply.getByRole('button', { name: /^👍 1/ }).waitFor({ timeout: NETWORK_MS })
    await bubble(pageB, 'Hey A! Got it, loud and clear.').getByRole('button', { name: /^👍 1/ }).waitFor({ timeout: NETWORK_MS })

    const original = bubble(pageB, 'Hi B, this is A from Parley')
    await original.hover()
    await original.getByRole('button', { name: 'Reply' }).click()
    await sendText(pageB, 'Replying to your first message')
    const quoted = bubble(pageA, 'Replying to your first message')
    await quoted.waitFor({ timeout: NETWORK_MS })
    const quote = (await quoted.locator('.quote-text').textContent()) ?? ''
    assert(quote.includes('Hi B, this is A from Parley'), `A sees the quote as "${quote}"`)
    await shot(pageA, 'conversation')
    await shot(pageB, 'conversation-peer', { dark: false })
  })

  await step('B reads a new message from A: A sees it marked read (a read receipt from B)', async () => {
    await sendText(pageA, 'Did you read this?')
    await bubble(pageB, 'Did you read this?').waitFor({ timeout: NETWORK_MS })
    await bubble(pageA, 'Did you read this?').getByLabel('Read', { exact: true }).waitFor({ timeout: NETWORK_MS })
  })

  await step('a picked file is previewed (name, exact size, caption) before Send; B receives it', async () => {
    await pageA.locator('input[type="file"]').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello world') })
    const draft = pageA.getByRole('group', { name: 'Attachment to send: notes.txt' })
    await draft.waitFor()
    const size = (await draft.getByTestId('draft-size').textContent()) ?? ''
    assert(size === '11 B', `draft size "${size}"`)
    await draft.getByRole('textbox', { name: 'Caption' }).fill('the notes from today')
    await shot(pageA, 'conversation-attachment-preview')
    await draft.getByRole('button', { name: 'Send' }).click()
    await bubble(pageA, 'the notes from today', 'sent').waitFor({ timeout: NETWORK_MS })
    await bubble(pageB, 'notes.txt').waitFor({ timeout: NETWORK_MS })
    await bubble(pageB, 'the notes from today').waitFor({ timeout: NETWORK_MS })
  })

  await step('an xmtp-js 13 client messages A, and A answers it', async () => {
    const wallet = newWallet()
    const reference = await createReferenceClient(wallet, node.url)
    const conversation = await reference.conversations.newConversation(addressA)
    await conversation.send('Hello from xmtp-js 13')
    await openConversationWith(pageA, wallet.address).catch(async () => {
      await conversationLink(pageA, wallet.address).waitFor({ timeout: NETWORK_MS })
      await openConversationWith(pageA, wallet.address)
    })
    await bubble(pageA, 'Hello from xmtp-js 13').waitFor({ timeout: NETWORK_MS })
    const accept = pageA.getByRole('button', { name: 'Accept' })
    if (await accept.count()) await accept.click()
    await sendText(pageA, 'Hi xmtp-js, Parley here')
    const deadline = Date.now() + NETWORK_MS
    for (;;) {
      const texts = (await conversation.messages()).map((m) => m.content)
      if (texts.includes('Hi xmtp-js, Parley here')) break
      if (Date.now() > deadline) throw new Error(`xmtp-js never got the answer (has ${JSON.stringify(texts)})`)
      await new Promise((r) => setTimeout(r, 300))
    }
  })

  await step('list, accounts, settings and new conversation screens (popup and tab)', async () => {
    await pageA.goto(pageA.url().replace(/#.*$/, '') + '#/')
    await conversationLink(pageA, addressB).waitFor()
    await shot(pageA, 'conversations')
    // One focus ring on the search field: on its pill, not a second one on the input inside.
    await pageA.getByRole('searchbox', { name: 'Search' }).focus()
    const rings = await pageA.getByRole('searchbox', { name: 'Search' }).evaluate((input) => [getComputedStyle(input).boxShadow, getComputedStyle(input.parentElement).boxShadow])
    assert(rings[0] === 'none' && rings[1] !== 'none', `search focus rings: input ${rings[0]}, pill ${rings[1]}`)
    await pageA.goto(pageA.url().replace(/#.*$/, '') + '#/accounts')
    await pageA.getByRole('heading', { name: 'Accounts' }).waitFor()
    await shot(pageA, 'accounts')
    await pageA.goto(pageA.url().replace(/#.*$/, '') + '#/settings')
    await pageA.getByTestId('node-status').filter({ hasText: 'online' }).waitFor({ timeout: NETWORK_MS })
    await shot(pageA, 'settings')
    await pageA.goto(pageA.url().replace(/#.*$/, '') + '#/new')
    await shot(pageA, 'new-conversation')
    const topic = (await rpc(pageA, 'conversations_list', { filter: 'all' })).conversations.find((c) => c.peerAddress === addressB).topic
    const tab = await openPopup(A, { view: 'tab', hash: `#/conversation/${encodeURIComponent(topic)}` })
    await bubble(tab, 'Replying to your first message').waitFor({ timeout: NETWORK_MS })
    await shot(tab, 'conversation')
    await tab.goto(tab.url().replace(/#.*$/, '') + '#/settings')
    await tab.getByTestId('node-status').filter({ hasText: 'online' }).waitFor({ timeout: NETWORK_MS })
    await shot(tab, 'settings')
    await tab.close()
  })

  await step('accounts screen: import a private key, then remove that account, the password confirming each', async () => {
    await pageA.goto(pageA.url().replace(/#.*$/, '') + '#/accounts')
    await pageA.getByRole('button', { name: 'Import account', exact: true }).click()
    const importForm = pageA.getByRole('form', { name: 'Import an account' })
    const key = generatePrivateKey()
    const imported = privateKeyToAccount(key).address
    await importForm.getByLabel('Recovery phrase or private key').fill(key)
    await importForm.getByLabel('Account name').fill('Imported')
    await importForm.getByLabel('Wallet password').fill(PASSWORD_A)
    await shot(pageA, 'accounts-import')
    await importForm.getByRole('button', { name: 'Import account' }).click()
    await pageA.getByRole('button', { name: `Switch to Imported (${imported})` }).waitFor({ timeout: NETWORK_MS })
    let status = await rpc(pageA, 'wallet_status')
    assert(status.accounts.length === 2 && status.accounts.find((a) => a.id === status.activeAccountId).address === imported, `after import: ${JSON.stringify(status.accounts)}`)
    await shot(pageA, 'accounts-imported')

    await pageA.getByRole('button', { name: 'Remove Imported', exact: true }).click()
    const removeForm = pageA.getByRole('form', { name: 'Remove Imported' })
    await removeForm.getByLabel('Wallet password').fill('not my password')
    await removeForm.getByRole('button', { name: 'Remove Imported' }).click()
    await removeForm.getByRole('alert').waitFor({ timeout: NETWORK_MS })
    assert(/password/i.test((await removeForm.getByRole('alert').textContent()) ?? ''), 'no wrong-password message')
    await shot(pageA, 'accounts-remove-wrong-password')
    assert((await rpc(pageA, 'wallet_status')).accounts.length === 2, 'a wrong password removed the account')
    await removeForm.getByLabel('Wallet password').fill(PASSWORD_A)
    await removeForm.getByRole('button', { name: 'Remove Imported' }).click()
    await pageA.getByRole('button', { name: `Switch to Imported (${imported})` }).waitFor({ state: 'detached', timeout: NETWORK_MS })
    status = await rpc(pageA, 'wallet_status')
    assert(status.accounts.length === 1 && status.accounts[0].address === addressA, `after remove: ${JSON.stringify(status.accounts)}`)
    assert(status.activeAccountId === status.accounts[0].id, 'the remaining account is not active')
    assert((await pageA.getByRole('button', { name: /^Remove / }).count()) === 0, 'the last account offers removal')
    // The remaining account's conversations are back.
    await pageA.goto(pageA.url().replace(/#.*$/, '') + '#/')
    await conversationLink(pageA, addressB).waitFor({ timeout: NETWORK_MS })
  })

  await step('"Open in tab" opens the conversation in a full tab (ui_openTab) and closes the popup', async () => {
    const topic = (await rpc(pageA, 'conversations_list', { filter: 'all' })).conversations.find((c) => c.peerAddress === addressB).topic
    const popup = await openPopup(A, { hash: `#/conversation/${encodeURIComponent(topic)}` })
    await bubble(popup, 'Replying to your first message').waitFor({ timeout: NETWORK_MS })
    const opened = A.context.waitForEvent('page', { timeout: 15_000 })
    const closed = popup.waitForEvent('close', { timeout: 15_000 })
    await popup.getByRole('button', { name: 'Open in tab', exact: true }).click()
    const tab = await opened
    await closed
    await tab.waitForLoadState()
    const url = new URL(tab.url())
    assert(url.searchParams.get('view') === 'tab', `tab url ${tab.url()}`)
    assert(decodeURIComponent(url.hash) === `#/conversation/${topic}`, `tab hash ${url.hash}`)
    await tab.setViewportSize({ width: 1100, height: 720 })
    await bubble(tab, 'Replying to your first message').waitFor({ timeout: NETWORK_MS })
    await conversationLink(tab, addressB).waitFor()
    await tab.close()
  })

  await step('a stranger\'s request stays a request: reacting asks first; Block asks to confirm; Settings lists it to unblock', () =>
    strangerRequest({ pageB, addressB, node }),
  )

  await step('B forgot its password: the lock screen restores the wallet from its private key', () =>
    restoreForgottenPassword({ pageB, keyB, addressA, PASSWORD_B }),
  )

  await step('a wrong node URL keeps the app: the list, one banner saying what to do, Settings and Lock', async () => {
    // pageA did the onboarding: it used to turn into a full-screen "Could not set up XMTP".
    await pageA.goto(pageA.url().replace(/#.*$/, '') + '#/settings')
    const field = pageA.getByLabel('Node URL', { exact: true })
    await field.fill('http://127.0.0.1:9')
    await pageA.getByRole('button', { name: 'Save node' }).click()
    await pageA.getByRole('link', { name: 'Back' }).click()
    const banner = pageA.getByTestId('session-error')
    await banner.waitFor({ timeout: NETWORK_MS })
    const text = (await banner.textContent()) ?? ''
    assert(text.includes('http://127.0.0.1:9') && text.includes('Check the node address in Settings'), `banner: "${text}"`)
    await conversationLink(pageA, addressB).waitFor()
    assert((await pageA.getByText('Could not set up XMTP').count()) === 0, 'the identity screen hid the app')
    assert((await pageA.getByTestId('node-offline').count()) === 0, 'two banners')
    await pageA.getByRole('button', { name: 'Lock', exact: true }).waitFor()
    await shot(pageA, 'conversations-session-error')
    await banner.getByRole('link', { name: 'Settings' }).click()
    await field.fill(node.url)
    await pageA.getByRole('button', { name: 'Save node' }).click()
    await pageA.getByTestId('node-status').filter({ hasText: 'online' }).waitFor({ timeout: NETWORK_MS })
    await pageA.getByRole('link', { name: 'Back' }).click()
    await banner.waitFor({ state: 'detached', timeout: NETWORK_MS })
    await conversationLink(pageA, addressB).waitFor({ timeout: NETWORK_MS })
  })

  await step('lock, a wrong password is refused, the right one unlocks', async () => {
    await pageA.goto(pageA.url().replace(/#.*$/, '') + '#/')
    await pageA.getByRole('button', { name: 'Lock', exact: true }).click()
    const password = pageA.getByLabel('Password', { exact: true })
    await password.fill('not my password')
    await pageA.getByRole('button', { name: 'Unlock', exact: true }).click()
    await pageA.getByRole('alert').waitFor({ timeout: NETWORK_MS })
    const message = (await pageA.getByRole('alert').textContent()) ?? ''
    assert(/password/i.test(message), `wrong-password message: "${message}"`)
    await shot(pageA, 'unlock-wrong-password')
    await password.fill(PASSWORD_A)
    await pageA.getByRole('button', { name: 'Unlock', exact: true }).click()
    await conversationLink(pageA, addressB).waitFor({ timeout: NETWORK_MS })
  })

  await step('after a browser restart with the node stopped, the list shows from the cache', async () => {
    await A.context.close()
    contexts.splice(contexts.indexOf(A.context), 1)
    await node.stop()
    A = await launchProfile(profileA)
    contexts.push(A.context)
    pageA = await openPopup(A)
    const password = pageA.getByLabel('Password', { exact: true })
    // The popup first shows the unlock screen (the browser restart cleared storage.session) or,
    // if the worker kept its session, the list: wait for whichever comes (isVisible does not wait).
    await password.or(conversationLink(pageA, addressB)).first().waitFor({ timeout: NETWORK_MS })
    if (await password.isVisible()) {
      await shot(pageA, 'unlock')
      await password.fill(PASSWORD_A)
      await pageA.getByRole('button', { name: 'Unlock', exact: true }).click()
    }
    await conversationLink(pageA, addressB)
      .waitFor({ timeout: NETWORK_MS })
      .catch(async (error) => {
        // What the person would see: kept for the failure report.
        await pageA.screenshot({ path: join(OUTPUT_DIR, 'popup-restart-failure.png') }).catch(() => {})
        console.log(`page text at failure: ${(await pageA.locator('body').innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 400)}`)
        throw error
      })
    const preview = (await conversationRow(pageA, addressB).textContent()) ?? ''
    assert(preview.includes('the notes from today'), `cached preview: "${preview}"`)
    await pageA.getByTestId('node-offline').waitFor({ timeout: NETWORK_MS })
    await shot(pageA, 'conversations-node-offline')
  })

  await step('node status is pushed to the open popup both ways: back online, then offline on the next attempt', async () => {
    // Same port and data: the popup is not reopened, nothing is clicked.
    node = await startNode({ db: nodeDb, args: ['--port', String(node.port)] })
    await pageA.locator('[data-testid="node-dot"][data-tone="ok"]').waitFor({ timeout: NETWORK_MS })
    await pageA.getByTestId('node-offline').waitFor({ state: 'detached', timeout: NETWORK_MS })
    await node.stop()
    await openConversationWith(pageA, addressB)
    const box = pageA.getByRole('textbox', { name: 'Message', exact: true })
    await box.fill('sent while the node is down')
    await box.press('Enter')
    await pageA.getByTestId('node-offline').waitFor({ timeout: NETWORK_MS })
  })
} catch (error) {
  report.fail('popup e2e setup', error)
} finally {
  for (const context of contexts) await context.close().catch(() => {})
  await node?.stop().catch(() => {})
  for (const dir of temp) await rm(dir, { recursive: true, force: true })
}

process.exitCode = report.finish()
