// The popup e2e's daily-use steps on profile B (kept apart so the script stays readable):
// a stranger's request that stays a request, Block with its confirmation and the blocked list,
// and the wallet restored after a forgotten password.
import { createReferenceClient } from '../../test/helpers/xmtp-js.ts'
import { newWallet } from '../../test/helpers/wallets.ts'
import { assert } from '../harness.mjs'
import { bubble, conversationLink, NETWORK_MS, rpc, shot } from './popup-driver.mjs'

/** A stranger's request: reacting asks first (Cancel sends nothing); Block asks to confirm; Settings lists it to unblock. */
export async function strangerRequest({ pageB, addressB, node }) {
  const stranger = newWallet()
  const reference = await createReferenceClient(stranger, node.url)
  const conversation = await reference.conversations.newConversation(addressB)
  await conversation.send('Hello B, want to buy a rare NFT?')
  await pageB.goto(pageB.url().replace(/#.*$/, '') + '#/requests')
  await conversationLink(pageB, stranger.address).click({ timeout: NETWORK_MS })
  const offer = bubble(pageB, 'want to buy a rare NFT')
  await offer.waitFor({ timeout: NETWORK_MS })
  await offer.hover()
  await offer.getByRole('button', { name: 'React' }).click()
  await pageB.getByRole('button', { name: 'React with 👍' }).click()
  const ask = pageB.getByRole('alertdialog', { name: 'Accept this request to react?' })
  await ask.waitFor()
  await shot(pageB, 'conversation-request-ask', { dark: false })
  await ask.getByRole('button', { name: 'Cancel' }).click()
  await pageB.getByRole('region', { name: 'Message request' }).getByRole('button', { name: 'Block' }).click()
  const confirm = pageB.getByRole('alertdialog', { name: /^Block / })
  await confirm.waitFor()
  await shot(pageB, 'conversation-block-confirm', { dark: false })
  await confirm.getByRole('button', { name: 'Block' }).click()
  await pageB.getByRole('tab', { name: /Requests/, selected: true }).waitFor({ timeout: NETWORK_MS })
  const status = (await rpc(pageB, 'conversations_list', { filter: 'all' })).conversations.find((c) => c.peerAddress === stranger.address)
  assert(status === undefined, 'the blocked conversation is still listed')
  const sent = (await conversation.messages()).filter((m) => m.senderAddress !== stranger.address)
  assert(sent.length === 0, `the stranger received ${sent.length} message(s) from B`)
  await pageB.goto(pageB.url().replace(/#.*$/, '') + '#/settings')
  const blocked = pageB.getByRole('list', { name: 'Blocked addresses' })
  await blocked.getByText(stranger.address).waitFor({ timeout: NETWORK_MS })
  await blocked.scrollIntoViewIfNeeded()
  await shot(pageB, 'settings-blocked')
  await blocked.getByRole('button', { name: `Unblock ${stranger.address}` }).click()
  await pageB.getByText('You have not blocked anyone', { exact: false }).waitFor({ timeout: NETWORK_MS })
  await pageB.goto(pageB.url().replace(/#.*$/, '') + '#/')
  await conversationLink(pageB, stranger.address).waitFor({ timeout: NETWORK_MS })
}

/** B forgot its password: the lock screen restores the wallet from B's private key, with a new password. */
export async function restoreForgottenPassword({ pageB, keyB, addressA, PASSWORD_B }) {
  await pageB.goto(pageB.url().replace(/#.*$/, '') + '#/')
  await pageB.getByRole('button', { name: 'Lock', exact: true }).click()
  await pageB.getByRole('button', { name: 'Forgot password? Restore from your recovery phrase or key' }).click()
  await pageB.getByRole('heading', { name: 'Restore your wallet' }).waitFor()
  await pageB.getByLabel('Recovery phrase or private key', { exact: true }).fill(keyB)
  await pageB.getByLabel('New password', { exact: true }).fill('a new password for B')
  await pageB.getByLabel('Confirm new password', { exact: true }).fill('a new password for B')
  await pageB.getByLabel('I understand the wallet in this browser is replaced.').check()
  await shot(pageB, 'restore-wallet')
  await pageB.getByRole('button', { name: 'Replace and restore' }).click()
  // The old cache is gone with the old keys: the conversation with A comes back from the network.
  await conversationLink(pageB, addressA).waitFor({ timeout: NETWORK_MS })
  await pageB.getByRole('button', { name: 'Lock', exact: true }).click()
  await pageB.getByLabel('Password', { exact: true }).fill(PASSWORD_B)
  await pageB.getByRole('button', { name: 'Unlock', exact: true }).click()
  await pageB.getByRole('alert').waitFor({ timeout: NETWORK_MS }) // the old password no longer opens it
  await pageB.getByLabel('Password', { exact: true }).fill('a new password for B')
  await pageB.getByRole('button', { name: 'Unlock', exact: true }).click()
  await conversationLink(pageB, addressA).waitFor({ timeout: NETWORK_MS })
}
