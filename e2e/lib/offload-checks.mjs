// The invitation-worker checks (issue 24) for both browsers, run under tsx: a first sync of
// invitations from distinct inviters, then more invitations in a later sync, and the worker's
// diagnostics saying the workers (Chromium: the offscreen document's; Firefox: the event
// page's) opened them with libsecp256k1 and no failure. Invitations are sealed here with the
// protocol library and published straight to the node (fast), as bench/extension.ts does.
import { assert, assertEqual } from '../harness.mjs'
import { inviteMany } from '../../bench/lib/invitations.ts'
import { PrivateKeyBundleV1, PrivateKeySigner } from '../../src/protocol/keys/index.ts'
import { deriveConversation, sealInvitation } from '../../src/protocol/invitations/index.ts'
import { randomBytes } from '../../src/protocol/crypto/random.ts'
import { toHex } from '../../src/wire/bytes.ts'
import { Client } from '../../src/protocol/index.ts'
import { keysOf } from '../../src/protocol/client/testing/exported-keys.ts'

/** `count` more invitations to the invitee whose PrivateKeyBundle is `inviteeKeys`, each from a new inviter. */
async function inviteMore(apiUrl, inviteeKeys, count) {
  const publisher = await Client.create(null, { apiUrl, privateKeyOverride: inviteeKeys, skipContactPublishing: true })
  const recipient = keysOf(publisher).getSignedPublicKeyBundle()
  const envelopes = []
  for (let i = 0; i < count; i++) {
    const sender = await PrivateKeyBundleV1.generate(new PrivateKeySigner(randomBytes(32)))
    const derived = deriveConversation(sender, recipient)
    const sealed = await sealInvitation({ sender, recipient, invitation: { topic: derived.topic, keyMaterial: derived.keyMaterial } })
    envelopes.push(...sealed.envelopes)
  }
  await publisher.api.publish(envelopes)
  await publisher.close()
}

/**
 * Runs the checks with `call` (an RPC from an extension page), `check` (the reporter's) and
 * `waitFor(fn, what, timeoutMs)`.
 */
export async function offloadChecks({ call, check, waitFor, nodeUrl, password }) {
  const FIRST = 120
  const MORE = 40
  const invitee = await inviteMany(nodeUrl, FIRST, FIRST)
  const listed = async (n) => (await call('conversations_list', { filter: 'all' })).conversations.length >= n

  await check(`a first sync of ${FIRST} invitations from distinct inviters lists them all, and starts the invitation workers`, async () => {
    await call('settings_update', { nodeUrl })
    await call('wallet_import', { password, secret: `0x${toHex(invitee.walletKey)}` })
    await waitFor(async () => (await call('wallet_status')).session.state === 'ready', 'the XMTP session', 60_000)
    await waitFor(() => listed(FIRST), `${FIRST} conversations`, 120_000)
    const workers = await waitFor(async () => {
      const view = (await call('diagnostics_get')).invitationWorkers
      return view?.connected ? view : undefined
    }, 'the invitation workers', 30_000)
    assertEqual(workers.backend, 'libsecp256k1 (wasm)', 'the workers run libsecp256k1')
    assertEqual(workers.failures, 0, 'failures')
  }, 180_000)

  await check(`${MORE} more invitations in a later sync are opened by the workers (no failure, all listed)`, async () => {
    await inviteMore(nodeUrl, invitee.keys, MORE)
    const before = (await call('diagnostics_get')).invitationWorkers
    await waitFor(async () => {
      await call('sync_now')
      return listed(FIRST + MORE)
    }, `${FIRST + MORE} conversations`, 120_000)
    const after = (await call('diagnostics_get')).invitationWorkers
    assert(after.offloaded > before.offloaded, `no batch went to the workers: ${JSON.stringify({ before, after })}`)
    assertEqual(after.failures, 0, 'failures')
  }, 180_000)
}
