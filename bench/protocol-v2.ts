// V2 crypto benchmark: decrypting V2 messages and opening sealed invitations,
// ours (src/protocol) against @xmtp/xmtp-js 13 in the same run, on the same
// inputs. Inputs are produced by xmtp-js itself (keystore.createInvite,
// ConversationV2.createMessage), so both sides read the reference's bytes.
//
//   npx tsx bench/protocol-v2.ts            (or: npm run bench -- protocol-v2)
//   BENCH_MESSAGES=1000 BENCH_INVITES=1000 BENCH_PEERS=50 BENCH_RUNS=3 BENCH_CHUNK=50
//
// Workloads (all as the invitee "Bob", content decoding excluded on both sides):
//  - messages: one conversation, senders alternating between the two members.
//    xmtp-js: the conversation.messages() path (processEnvelope per envelope,
//    then one keystore.decryptV2 batch and per-message signature checks).
//  - invites, distinct peers: every invite from a different identity (a first
//    listing after install); nothing can be reused between invites.
//  - invites, BENCH_PEERS peers: each peer has several conversations with Bob
//    (different conversation ids), the shape of a long-lived account.
//    xmtp-js: keystore.saveInvites (its listing path), one call per chunk.
// Every run starts cold for us: the verified-bundle memo and the shared-secret
// cache are cleared first, so the figures include the first-sight costs.
// Parley runs twice: on the libsecp256k1 (WebAssembly) secp256k1 backend, as a
// Node host runs it (the verdict), and on the default noble (pure JS) backend,
// as the extension bundles it today (src/protocol/crypto/backend.ts). The
// verification memo is shared by the two, so for the invitation rows the noble
// side opens its own, equally shaped set of invitations from other peers (it
// must never meet a peer the libsecp256k1 side has just verified); xmtp-js
// opens the libsecp256k1 side's set. In the message rows both read the same
// conversation, whose two member bundles each side verifies at its start anyway.
// The implementations take turns chunk by chunk (BENCH_CHUNK inputs), so the
// load of other processes on a shared machine falls on both alike.
import { createRequire } from 'node:module'
import Long from 'long'
import { xmtp } from '../src/gen/proto.js'
import { generatePrivateKey } from '../src/protocol/crypto/secp256k1.ts'
import { PrivateKeyBundleV1 } from '../src/protocol/keys/private-bundle.ts'
import { PrivateKeySigner } from '../src/protocol/keys/signer.ts'
import { utf8 } from '../src/wire/bytes.ts'
import { SharedSecretCache, deriveConversation, openInvitation, sealInvitation } from '../src/protocol/invitations/index.ts'
import { clearCryptoCaches } from '../src/protocol/caches.ts'
import { inviteTopic } from '../src/protocol/topics.ts'
import { decodeMessageV2, type ConversationSecret } from '../src/protocol/messages/v2.ts'
import { setSecp256k1Backend } from '../src/protocol/crypto/backend.ts'
import { nobleBackend } from '../src/protocol/crypto/noble-backend.ts'
import { useLibsecp256k1 } from '../src/protocol/crypto/libsecp256k1.ts'

useLibsecp256k1() // as a Node host runs Parley; the noble side switches per chunk

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const xmtpjs: any = createRequire(import.meta.url)('@xmtp/xmtp-js')
const pb = xmtp.message_contents
const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback)
const MESSAGES = num('BENCH_MESSAGES', 1_000)
const INVITES = num('BENCH_INVITES', 1_000)
const PEERS = num('BENCH_PEERS', 50)
const RUNS = num('BENCH_RUNS', 3)
const CHUNK = num('BENCH_CHUNK', 50)

const log = (line: string) => console.error(line)

async function identity(): Promise<PrivateKeyBundleV1> {
  return PrivateKeyBundleV1.generate(new PrivateKeySigner(generatePrivateKey()))
}
function theirBundle(ours: PrivateKeyBundleV1) {
  return new xmtpjs.PrivateKeyBundleV1(pb.PrivateKeyBundle.decode(ours.encode()).v1)
}
async function theirKeystore(ours: PrivateKeyBundleV1) {
  return xmtpjs.InMemoryKeystore.create(theirBundle(ours), xmtpjs.InMemoryPersistence.create())
}
function theirSignedBundle(ours: PrivateKeyBundleV1) {
  return xmtpjs.SignedPublicKeyBundle.fromBytes(pb.SignedPublicKeyBundle.encode(ours.getSignedPublicKeyBundle()).finish())
}
function theirConversation(ours: PrivateKeyBundleV1, keystore: unknown, topic: string, peerAddress: string) {
  const client = {
    address: ours.walletAddress,
    keystore,
    signedPublicKeyBundle: theirSignedBundle(ours),
    decodeContent: async (payload: Uint8Array) => ({ content: payload, contentType: undefined }),
  }
  return new xmtpjs.ConversationV2(client, topic, peerAddress, new Date(), undefined, undefined)
}
const toLong = (ns: bigint) => Long.fromString(ns.toString(), true)

async function time(fn: () => Promise<void>): Promise<number> {
  const start = performance.now()
  await fn()
  return performance.now() - start
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** Runs one chunk (or begin) with the noble backend installed, then puts libsecp256k1 back. */
async function onNoble<R>(fn: () => R | Promise<R>): Promise<R> {
  const previous = setSecp256k1Backend(nobleBackend)
  try {
    return await fn()
  } finally {
    setSecp256k1Backend(previous)
  }
}
/** The same implementation on the noble backend. */
function noble<T>(impl: Impl<T>): Impl<T> {
  return { begin: () => onNoble(() => impl.begin()), chunk: (items) => onNoble(() => impl.chunk(items)) }
}

/** One implementation under test: `begin` resets its state for a run, `chunk` processes part of the input. */
interface Impl<T> {
  begin(): Promise<void> | void
  chunk(items: T[]): Promise<void>
}

/**
 * Runs every implementation over the same inputs in chunks of CHUNK, taking
 * turns chunk by chunk (order rotating), so load from other processes on this
 * shared machine lands on all of them alike. One untimed warm-up pass over a
 * tenth of the input (JIT), then RUNS timed passes; returns per-implementation
 * medians of the summed chunk times.
 */
async function compare<T>(items: T[], impls: Record<string, Impl<T>>): Promise<Record<string, number>> {
  const names = Object.keys(impls)
  const pass = async (input: T[]) => {
    const totals: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]))
    for (const n of names) await impls[n]!.begin()
    for (let offset = 0, turn = 0; offset < input.length; offset += CHUNK, turn++) {
      const chunk = input.slice(offset, offset + CHUNK)
      for (let i = 0; i < names.length; i++) {
        const name = names[(i + turn) % names.length]!
        totals[name]! += await time(() => impls[name]!.chunk(chunk))
      }
    }
    return totals
  }
  await pass(items.slice(0, Math.max(1, Math.ceil(items.length / 10))))
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
  for (let r = 0; r < RUNS; r++) {
    const totals = await pass(items)
    for (const n of names) samples[n]!.push(totals[n]!)
  }
  return Object.fromEntries(names.map((n) => [n, median(samples[n]!)]))
}

interface Row {
  workload: string
  /** Parley on libsecp256k1 (wasm) */
  lib: number
  /** Parley on noble (pure JS) */
  noble: number
  theirs: number
}
const rows: Row[] = []

// ---------------------------------------------------------------- messages
async function benchMessages(bob: PrivateKeyBundleV1) {
  const alice = await identity()
  const derived = deriveConversation(bob, alice.getSignedPublicKeyBundle(), { conversationId: 'bench' })
  const conversation: ConversationSecret = { topic: derived.topic, keyMaterial: derived.keyMaterial }
  const sealed = await sealInvitation({ sender: alice, recipient: bob.getSignedPublicKeyBundle(), invitation: conversation })
  const keystores = new Map<PrivateKeyBundleV1, any>() // eslint-disable-line @typescript-eslint/no-explicit-any
  for (const who of [alice, bob]) {
    const keystore = await theirKeystore(who)
    await keystore.saveInvites({ requests: [{ payload: sealed.payload, timestampNs: toLong(sealed.createdNs), contentTopic: inviteTopic(who.walletAddress) }] })
    keystores.set(who, keystore)
  }
  const senders = [theirConversation(alice, keystores.get(alice), conversation.topic, bob.walletAddress), theirConversation(bob, keystores.get(bob), conversation.topic, alice.walletAddress)]
  const content = pb.EncodedContent.encode({ type: { authorityId: 'xmtp.org', typeId: 'text', versionMajor: 1 }, content: utf8('gm, this is a benchmark message of ordinary chat length.') }).finish()
  log(`messages: producing ${MESSAGES} with xmtp-js…`)
  const envelopes: { contentTopic: string; message: Uint8Array; timestampNs: string }[] = []
  const base = Date.now() - MESSAGES
  for (let i = 0; i < MESSAGES; i++) {
    const msg = await senders[i % 2]!.createMessage(content, true, new Date(base + i))
    envelopes.push({ contentTopic: conversation.topic, message: msg.toBytes(), timestampNs: (BigInt(base + i) * 1_000_000n).toString() })
  }
  const members = [alice.walletAddress, bob.walletAddress]
  const reader = theirConversation(bob, keystores.get(bob), conversation.topic, alice.walletAddress)

  // sanity: both sides agree on every message
  const ourIds = await Promise.all(envelopes.slice(0, 10).map(async (e) => (await decodeMessageV2({ conversation, members, bytes: e.message })).id))
  const theirProcessed = await Promise.all(envelopes.slice(0, 10).map((e) => reader.processEnvelope(e)))
  const theirDecoded = await reader.decryptBatch(theirProcessed, true)
  if (theirDecoded.map((m: { id: string }) => m.id).join() !== ourIds.join()) throw new Error('ours and xmtp-js disagree on message ids')

  type Envelope = (typeof envelopes)[number]
  const ours: Impl<Envelope> = {
    begin: () => clearCryptoCaches(),
    chunk: async (batch) => {
      for (const e of batch) await decodeMessageV2({ conversation, members, bytes: e.message })
    },
  }
  const oursNoMemo: Impl<Envelope> = {
    begin: () => clearCryptoCaches(),
    chunk: async (batch) => {
      for (const e of batch) {
        clearCryptoCaches()
        await decodeMessageV2({ conversation, members, bytes: e.message })
      }
    },
  }
  const t = await compare(envelopes, {
    ours,
    oursNoble: noble(ours),
    oursNoMemo,
    oursNoMemoNoble: noble(oursNoMemo),
    theirs: {
      begin: () => undefined,
      chunk: async (batch) => {
        const processed = await Promise.all(batch.map((e) => reader.processEnvelope(e)))
        const decoded = await reader.decryptBatch(processed, true)
        if (decoded.length !== batch.length) throw new Error('xmtp-js dropped messages')
      },
    },
  })
  rows.push({ workload: `decrypt ${MESSAGES} V2 messages (1 conversation)`, lib: t.ours!, noble: t.oursNoble!, theirs: t.theirs! })
  rows.push({ workload: `  same, ours with every crypto cache cleared before every message`, lib: t.oursNoMemo!, noble: t.oursNoMemoNoble!, theirs: t.theirs! })
}

// ---------------------------------------------------------------- invitations
async function invitesFrom(bob: PrivateKeyBundleV1, peers: PrivateKeyBundleV1[], count: number) {
  const bobSigned = theirSignedBundle(bob)
  const keystores = await Promise.all(peers.map(theirKeystore))
  const envelopes: { payload: Uint8Array; timestampNs: bigint }[] = []
  let ns = BigInt(Date.now() - count) * 1_000_000n
  for (let i = 0; i < count; i++) {
    const p = i % peers.length
    ns += 1_000_000n
    const response = await keystores[p].createInvite({
      recipient: bobSigned,
      createdNs: toLong(ns),
      context: { conversationId: `bench/${Math.floor(i / peers.length)}`, metadata: {} },
      consentProof: undefined,
    })
    envelopes.push({ payload: response.payload, timestampNs: ns })
  }
  return envelopes
}

async function benchInvites(bob: PrivateKeyBundleV1, label: string, peerCount: number) {
  log(`invites (${label}): creating ${peerCount} identities and ${INVITES} invitations with xmtp-js…`)
  const peers: PrivateKeyBundleV1[] = []
  for (let i = 0; i < peerCount; i++) peers.push(await identity())
  const envelopes = await invitesFrom(bob, peers, INVITES)
  const requests = envelopes.map((e) => ({ payload: e.payload, timestampNs: toLong(e.timestampNs), contentTopic: inviteTopic(bob.walletAddress) }))
  log(`invites (${label}): and another ${peerCount} identities and ${INVITES} invitations for the noble side…`)
  const noblePeers: PrivateKeyBundleV1[] = []
  for (let i = 0; i < peerCount; i++) noblePeers.push(await identity())
  const nobleEnvelopes = await invitesFrom(bob, noblePeers, INVITES)

  // sanity: same topics on both sides
  const keystore = await theirKeystore(bob)
  const check = await keystore.saveInvites({ requests: requests.slice(0, 5) })
  const ourTopics = await Promise.all(envelopes.slice(0, 5).map(async (e) => (await openInvitation(bob, { timestampNs: e.timestampNs, message: e.payload })).topic))
  if (check.responses.map((r: { result: { conversation: { topic: string } } }) => r.result.conversation.topic).join() !== ourTopics.join()) {
    throw new Error('ours and xmtp-js disagree on invitation topics')
  }

  let secrets = new SharedSecretCache(4096)
  let nobleSecrets = new SharedSecretCache(4096)
  let fresh: any // eslint-disable-line @typescript-eslint/no-explicit-any
  // Each item carries the libsecp256k1 side's invitation (also xmtp-js's) and the noble side's.
  const indexed = envelopes.map((e, i) => ({ ...e, request: requests[i]!, noble: nobleEnvelopes[i]! }))
  const t = await compare(indexed, {
    ours: {
      begin: () => {
        clearCryptoCaches()
        secrets.clear()
        secrets = new SharedSecretCache(4096)
      },
      chunk: async (batch) => {
        for (const e of batch) await openInvitation(bob, { timestampNs: e.timestampNs, message: e.payload }, { secrets })
      },
    },
    oursNoble: noble({
      begin: () => {
        clearCryptoCaches()
        nobleSecrets.clear()
        nobleSecrets = new SharedSecretCache(4096)
      },
      chunk: async (batch) => {
        for (const { noble: e } of batch) await openInvitation(bob, { timestampNs: e.timestampNs, message: e.payload }, { secrets: nobleSecrets })
      },
    }),
    theirs: {
      begin: async () => {
        fresh = await theirKeystore(bob)
      },
      chunk: async (batch) => {
        const { responses } = await fresh.saveInvites({ requests: batch.map((e) => e.request) })
        if (responses.some((r: { error?: unknown }) => r.error)) throw new Error('xmtp-js failed to open an invite')
      },
    },
  })
  rows.push({ workload: `open ${INVITES} sealed invitations, ${label}`, lib: t.ours!, noble: t.oursNoble!, theirs: t.theirs! })
}

const bob = await identity()
await benchMessages(bob)
await benchInvites(bob, `${INVITES} distinct peers`, INVITES)
await benchInvites(bob, `${PEERS} peers`, PEERS)

const fmt = (ms: number) => ms.toFixed(0).padStart(8)
console.log(`\nV2 crypto, Parley vs @xmtp/xmtp-js 13.0.4 (median of ${RUNS} runs after a warm-up; Node ${process.versions.node})`)
console.log('Parley (libsecp256k1 wasm) = tiny-secp256k1 2.2.4, as Node hosts run it: the verdict; Parley (noble, pure JS) = @noble/curves 2.4, the default backend the extension bundles today\n')
console.log('| workload | Parley (libsecp256k1 wasm) ms | Parley (noble, pure JS) ms | xmtp-js 13 ms | libsecp256k1/xmtp-js | noble/xmtp-js |')
console.log('|---|---:|---:|---:|---:|---:|')
for (const r of rows) {
  console.log(`| ${r.workload} | ${fmt(r.lib)} | ${fmt(r.noble)} | ${fmt(r.theirs)} | ${(r.lib / r.theirs).toFixed(2)}× | ${(r.noble / r.theirs).toFixed(2)}× |`)
}
