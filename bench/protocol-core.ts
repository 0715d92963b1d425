// Protocol core: our implementation against @xmtp/xmtp-js 13 in the same process,
// same wallets, same inputs. Prints mean time per operation and the ratio
// (xmtp-js ÷ ours; > 1 means we are faster). Run: npx tsx bench/protocol-core.ts
import { createRequire } from 'node:module'
import { xmtp } from '../src/gen/proto.js'
import { utf8 } from '../src/protocol/utils/bytes.ts'
import { PrivateKeySigner } from '../src/protocol/keys/signer.ts'
import { PrivateKeyBundleV1 } from '../src/protocol/keys/private-bundle.ts'
import { encodeLegacyBundle } from '../src/protocol/keys/bundles.ts'
import { legacyPublicKeyPoint } from '../src/protocol/keys/public-keys.ts'
import { createAuthToken } from '../src/protocol/auth/token.ts'
import { decodeMessageV1, decryptMessageV1, encodeMessageV1 } from '../src/protocol/messages/v1.ts'

const xmtpjs = createRequire(import.meta.url)('@xmtp/xmtp-js')
const pb = xmtp.message_contents

async function time(iterations: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < Math.min(20, iterations); i++) await fn() // warm-up (JIT, caches)
  const start = performance.now()
  for (let i = 0; i < iterations; i++) await fn()
  return (performance.now() - start) / iterations
}

const rows: Array<{ operation: string; ours: number; xmtpjs: number }> = []
async function compare(operation: string, iterations: number, ours: () => unknown, theirs: () => unknown) {
  const a = await time(iterations, ours)
  const b = await time(iterations, theirs)
  rows.push({ operation, ours: a, xmtpjs: b })
}

const aliceWallet = new PrivateKeySigner(new Uint8Array(32).fill(0x71))
const bobWallet = new PrivateKeySigner(new Uint8Array(32).fill(0x72))
const alice = await PrivateKeyBundleV1.generate(aliceWallet)
const bob = await PrivateKeyBundleV1.generate(bobWallet)
const theirAlice = new xmtpjs.PrivateKeyBundleV1(pb.PrivateKeyBundle.decode(alice.encode()).v1)
const theirBob = new xmtpjs.PrivateKeyBundleV1(pb.PrivateKeyBundle.decode(bob.encode()).v1)
const alicePublic = xmtpjs.PublicKeyBundle.fromBytes(encodeLegacyBundle(alice.getPublicKeyBundle()))
const bobPublic = xmtpjs.PublicKeyBundle.fromBytes(encodeLegacyBundle(bob.getPublicKeyBundle()))
const aliceKeystore = await xmtpjs.InMemoryKeystore.create(theirAlice, xmtpjs.InMemoryPersistence.create())
const bobKeystore = await xmtpjs.InMemoryKeystore.create(theirBob, xmtpjs.InMemoryPersistence.create())
const content = new Uint8Array(pb.EncodedContent.encode({ type: { authorityId: 'xmtp.org', typeId: 'text', versionMajor: 1 }, content: utf8('gm '.repeat(40)) }).finish())

await compare(
  'identity creation (bundle + wallet sig + pre-key sig)',
  100,
  () => PrivateKeyBundleV1.generate(aliceWallet),
  () => xmtpjs.PrivateKeyBundleV1.generate(aliceWallet),
)
const myPreKey = legacyPublicKeyPoint(alice.currentPreKey.publicKey)
await compare(
  '3DH shared secret (incl. peer pre-key check)',
  300,
  () => alice.sharedSecret(bob.getPublicKeyBundle(), myPreKey, false),
  () => theirAlice.sharedSecret(bobPublic, theirAlice.getCurrentPreKey().publicKey, false),
)
await compare(
  'V1 message encrypt (160-byte text)',
  200,
  () => encodeMessageV1({ sender: alice, recipient: bob.getPublicKeyBundle(), content }),
  () => xmtpjs.MessageV1.encode(aliceKeystore, content, alicePublic, bobPublic, new Date()),
)
const sample = (await encodeMessageV1({ sender: alice, recipient: bob.getPublicKeyBundle(), content })).bytes
await compare(
  'V1 message decode + decrypt (recipient)',
  200,
  () => decryptMessageV1(decodeMessageV1(sample), bob),
  async () => (await xmtpjs.MessageV1.fromBytes(sample)).decrypt(bobKeystore, bobPublic),
)
const authenticator = new xmtpjs.LocalAuthenticator(theirAlice.identityKey)
await compare(
  'auth token creation',
  300,
  () => createAuthToken({ identityPrivateKey: alice.identityKey.privateKey, identityPublicKey: alice.identityKey.publicKey, walletAddress: alice.walletAddress }),
  async () => (await authenticator.createToken()).toBase64(),
)

console.log(`Node ${process.version}, ${new Date().toISOString()}`)
console.log('operation'.padEnd(56), 'ours ms'.padStart(9), 'xmtp-js ms'.padStart(11), 'ratio'.padStart(7))
for (const r of rows) {
  console.log(r.operation.padEnd(56), r.ours.toFixed(3).padStart(9), r.xmtpjs.toFixed(3).padStart(11), `${(r.xmtpjs / r.ours).toFixed(2)}x`.padStart(7))
}
