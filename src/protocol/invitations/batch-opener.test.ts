// The in-thread opener (issue 24): a page's invitations are opened a slice at a time, and the
// tasks already queued (a fetch's answer, a merge's IndexedDB events, a worker's reply, an
// RPC) run between slices instead of waiting for the whole page's curve work.
import { afterEach, describe, expect, it } from 'vitest'
import { secp256k1Backend, setSecp256k1Backend } from '../crypto/backend.ts'
import type { Secp256k1Backend } from '../crypto/secp256k1-backend.ts'
import { deriveConversation, sealInvitation } from './index.ts'
import { OPEN_SLICE, openInvitationsInThread } from './batch-opener.ts'
import { newIdentity } from './testing/fixtures.ts'

let restore: Secp256k1Backend | undefined
afterEach(() => {
  if (restore) setSecp256k1Backend(restore)
  restore = undefined
})

/** The current backend with its ECDH calls counted (three per invitation opened). */
function countingEcdh(): { count: () => number } {
  const backend = secp256k1Backend()
  let calls = 0
  restore = setSecp256k1Backend({ ...backend, name: backend.name, ecdh: (priv, pub) => (calls++, backend.ecdh(priv, pub)) })
  return { count: () => calls }
}

describe('openInvitationsInThread', () => {
  it('runs queued tasks between slices of curve work, and still opens every invitation in order', async () => {
    const bob = await newIdentity()
    const peers = await Promise.all(Array.from({ length: 3 * OPEN_SLICE }, () => newIdentity()))
    const envelopes = await Promise.all(
      peers.map(async (peer, i) => {
        const { topic, keyMaterial } = deriveConversation(peer, bob.getSignedPublicKeyBundle())
        const createdNs = 1_700_000_000_000_000_000n + BigInt(i)
        const sealed = await sealInvitation({ sender: peer, recipient: bob.getSignedPublicKeyBundle(), invitation: { topic, keyMaterial }, createdNs })
        return { timestampNs: createdNs, message: new Uint8Array(sealed.payload), topic }
      }),
    )
    const ecdh = countingEcdh()
    // A task queued before the page starts opening: it runs after the first slice, not the page.
    let seenAt: number | undefined
    setTimeout(() => (seenAt = ecdh.count()), 0)
    await new Promise((resolve) => setImmediate(resolve)) // the timer is due
    const outcomes = await openInvitationsInThread(bob, envelopes)
    expect(seenAt).toBe(3 * OPEN_SLICE)
    expect(ecdh.count()).toBe(3 * envelopes.length)
    expect(outcomes.map((o) => (o.ok ? o.invitation.topic : o.error.message))).toEqual(envelopes.map((e) => e.topic))
  })

  it('one bad envelope is its own failed outcome; the others open', async () => {
    const bob = await newIdentity()
    const peer = await newIdentity()
    const { topic, keyMaterial } = deriveConversation(peer, bob.getSignedPublicKeyBundle())
    const createdNs = 1_700_000_000_000_000_000n
    const sealed = await sealInvitation({ sender: peer, recipient: bob.getSignedPublicKeyBundle(), invitation: { topic, keyMaterial }, createdNs })
    const good = { timestampNs: createdNs, message: new Uint8Array(sealed.payload) }
    const outcomes = await openInvitationsInThread(bob, [good, { timestampNs: createdNs, message: new Uint8Array([1, 2, 3]) }, ...Array(OPEN_SLICE).fill(good)])
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, ...Array(OPEN_SLICE).fill(true)])
  })
})
