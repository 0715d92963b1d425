import { createRequire } from 'node:module'
import Long from 'long'
import { xmtp } from '../src/gen/proto.js'
import { PrivateKeyBundleV1 } from '../src/protocol/keys/private-bundle.ts'
import { PrivateKeySigner } from '../src/protocol/keys/index.ts'
import { generatePrivateKey } from '../src/protocol/crypto/index.ts'
import { openInvitationsInThread } from '../src/protocol/invitations/batch-opener.ts'
import { useLibsecp256k1 } from '../src/protocol/crypto/libsecp256k1.ts'
import { secp256k1Backend, setSecp256k1Backend } from '../src/protocol/crypto/backend.ts'
useLibsecp256k1()
const xmtpjs: any = createRequire(import.meta.url)('@xmtp/xmtp-js')
const pb = xmtp.message_contents
const N = Number(process.env.N ?? 300)
const identity = () => PrivateKeyBundleV1.generate(new PrivateKeySigner(generatePrivateKey()))
const theirBundle = (ours: PrivateKeyBundleV1) => new xmtpjs.PrivateKeyBundleV1(pb.PrivateKeyBundle.decode(ours.encode()).v1)
const bob = await identity()
const bobSigned = xmtpjs.SignedPublicKeyBundle.fromBytes(pb.SignedPublicKeyBundle.encode(bob.getSignedPublicKeyBundle()).finish())
const envelopes: { message: Uint8Array; timestampNs: bigint }[] = []
let ns = BigInt(Date.now() - N) * 1_000_000n
for (let i = 0; i < N; i++) {
  const ks = await xmtpjs.InMemoryKeystore.create(theirBundle(await identity()), xmtpjs.InMemoryPersistence.create())
  ns += 1_000_000n
  const r = await ks.createInvite({ recipient: bobSigned, createdNs: Long.fromString(ns.toString(), true), context: undefined, consentProof: undefined })
  envelopes.push({ message: r.payload, timestampNs: ns })
}
// count curve time
const b = secp256k1Backend()
let curve = 0
const wrap: any = {}
for (const k of Object.keys(Object.getPrototypeOf(b) === Object.prototype ? b : { ...b }) as any) wrap[k] = (b as any)[k]
for (const k of ['ecdh', 'recoverPublicKey', 'verifyDigest', 'getPublicKey']) wrap[k] = (...a: any[]) => { const t = performance.now(); try { return (b as any)[k](...a) } finally { curve += performance.now() - t } }
wrap.name = b.name
setSecp256k1Backend(wrap)
const W = 200
for (let round = 0; round < 2; round++) {
  curve = 0
  const t = performance.now()
  const set = round === 0 ? envelopes.slice(0, W) : envelopes.slice(W)
  const out = await openInvitationsInThread(bob, set)
  const N = set.length
  const total = performance.now() - t
  if (!out.every((o: any) => o.ok)) throw new Error('not all opened')
  console.log(`round ${round}: ${(total / N * 1000).toFixed(0)} us/invitation, curve ${(curve / N * 1000).toFixed(0)} us, other ${((total - curve) / N * 1000).toFixed(0)} us`)
}
