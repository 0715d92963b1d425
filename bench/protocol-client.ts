// Client layer: a cold `conversations.list()` of 1,000 V2 conversations, Parley against
// @xmtp/xmtp-js 13, on the same node (a real node process) in the same run. "Cold" =
// a fresh client holding only the keys: every invitation is fetched and opened.
//
// Cold means cold on both sides. xmtp-js keeps nothing across clients in a process
// (its caches live on the client and keystore instances; @noble/secp256k1 only keeps
// the base-point table, as noble-curves does for us). Parley keeps module-level
// caches of verified bundles, pre-key tables and peer points, which setup and earlier
// runs would fill, so clearCryptoCaches() runs before every Parley client is created.
//
// Scenarios, each with its own invitee so their invite topics do not mix:
//  - N conversations with one peer: one inviter, N conversationIds. Flattering for
//    per-peer caches (one bundle to verify, one peer point); kept as a best case.
//  - N conversations with 100 peers: 100 inviters, N/100 conversations each.
//  - N conversations from N distinct inviters: every invitation carries a bundle and
//    a peer key seen nowhere else, as when strangers write to a new user.
// Inviter identities are generated locally (PrivateKeyBundleV1.generate) and their
// invitations sealed with sealInvitation + deriveConversation, published in batches;
// the inviters publish no contacts (listing does not read them).
//
// Prints, per scenario, the median of RUNS runs that alternate between the two sides
// (who goes first alternates too), and the ratio Parley ÷ xmtp-js against the target ≤ 0.5×.
// Run: npx tsx bench/protocol-client.ts [conversations] [runs]
import { createRequire } from 'node:module'
import { startNode } from '../src/node/testing/nodeProcess.ts'
import { Client, PrivateKeySigner, clearCryptoCaches } from '../src/protocol/index.ts'
import { PrivateKeyBundleV1 } from '../src/protocol/keys/index.ts'
import { randomBytes } from '../src/protocol/crypto/random.ts'
import { deriveConversation, sealInvitation, SharedSecretCache } from '../src/protocol/invitations/index.ts'
import type { Envelope } from '../src/protocol/api/index.ts'

const xmtpjs = createRequire(import.meta.url)('@xmtp/xmtp-js')
const COUNT = Number(process.argv[2] ?? 1000)
const RUNS = Number(process.argv[3] ?? 3)
const TARGET_RATIO = 0.5
const PUBLISH_BATCH = 100 // envelopes per publish request

interface Scenario {
  label: string
  peers: number
  targetKeys?: Uint8Array
}

const count = COUNT.toLocaleString('en-US')
const scenarios: Scenario[] = [
  { label: `${count} conversations with one peer`, peers: 1 },
  { label: `${count} conversations with 100 peers`, peers: Math.min(100, COUNT) },
  { label: `${count} conversations from ${count} distinct inviters`, peers: COUNT },
]

const log = (line: string) => console.log(line)

/** A fresh invitee on the network and `scenario.peers` inviters who, between them, invite it COUNT times. */
async function setUp(scenario: Scenario, apiUrl: string): Promise<void> {
  const start = performance.now()
  const invitee = await Client.create(new PrivateKeySigner(randomBytes(32)), { apiUrl })
  const recipient = invitee.keys.getSignedPublicKeyBundle()
  const inviters: PrivateKeyBundleV1[] = []
  for (let p = 0; p < scenario.peers; p++) inviters.push(await PrivateKeyBundleV1.generate(new PrivateKeySigner(randomBytes(32))))
  const secrets = new SharedSecretCache()
  let batch: Envelope[] = []
  for (let i = 0; i < COUNT; i++) {
    const sender = inviters[i % inviters.length]!
    const context = { conversationId: `bench.parley/${i}`, metadata: {} }
    const derived = deriveConversation(sender, recipient, { conversationId: context.conversationId, secrets })
    const sealed = await sealInvitation({ sender, recipient, invitation: { topic: derived.topic, keyMaterial: derived.keyMaterial, context }, secrets })
    batch.push(...sealed.envelopes)
    if (batch.length >= PUBLISH_BATCH || i === COUNT - 1) {
      await invitee.api.publish(batch)
      batch = []
    }
  }
  scenario.targetKeys = invitee.keys.encode()
  await invitee.close()
  log(`setup: ${scenario.label}: ${scenario.peers} inviter(s), ${COUNT} invitations published in ${(performance.now() - start).toFixed(0)} ms`)
}

async function parleyColdList(apiUrl: string, keys: Uint8Array): Promise<number> {
  clearCryptoCaches()
  const client = await Client.create(null, { apiUrl, privateKeyOverride: keys, skipContactPublishing: true })
  const start = performance.now()
  const list = await client.conversations.list()
  const ms = performance.now() - start
  if (list.length !== COUNT) throw new Error(`Parley listed ${list.length}, expected ${COUNT}`)
  await client.close()
  return ms
}

async function xmtpjsColdList(apiUrl: string, keys: Uint8Array): Promise<number> {
  const client = await xmtpjs.Client.create(null, { env: 'local', apiUrl, privateKeyOverride: keys, skipContactPublishing: true })
  const start = performance.now()
  const list = await client.conversations.list()
  const ms = performance.now() - start
  if (list.length !== COUNT) throw new Error(`xmtp-js listed ${list.length}, expected ${COUNT}`)
  await client.close()
  return ms
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const ms = (value: number) => `${value.toFixed(0)} ms`

const node = await startNode({ auth: true, rateLimits: false })
try {
  for (const scenario of scenarios) await setUp(scenario, node.url)

  // Warm-up (JIT, HTTP keep-alive) for both sides, on the mixed scenario: it exercises
  // first-seen and repeat peers alike. Not counted.
  const warm = scenarios[1]!
  await parleyColdList(node.url, warm.targetKeys!)
  await xmtpjsColdList(node.url, warm.targetKeys!)

  const rows: Array<{ label: string; ours: number[]; theirs: number[] }> = []
  for (const scenario of scenarios) {
    const ours: number[] = []
    const theirs: number[] = []
    for (let run = 0; run < RUNS; run++) {
      if (run % 2 === 0) {
        ours.push(await parleyColdList(node.url, scenario.targetKeys!))
        theirs.push(await xmtpjsColdList(node.url, scenario.targetKeys!))
      } else {
        theirs.push(await xmtpjsColdList(node.url, scenario.targetKeys!))
        ours.push(await parleyColdList(node.url, scenario.targetKeys!))
      }
    }
    rows.push({ label: scenario.label, ours, theirs })
    log(`measured: ${scenario.label}`)
  }

  log('')
  log(`cold conversations.list() of V2 conversations, Parley vs xmtp-js 13, same node, same run`)
  log(`median of ${RUNS} alternating runs per side; Parley's crypto caches cleared before every Parley client`)
  const width = Math.max(...rows.map((r) => r.label.length))
  log(`  ${'scenario'.padEnd(width)}  ${'Parley'.padStart(9)}  ${'xmtp-js 13'.padStart(10)}  ${'ratio'.padStart(6)}  verdict (target ≤ ${TARGET_RATIO}×)`)
  for (const row of rows) {
    const a = median(row.ours)
    const b = median(row.theirs)
    const ratio = a / b
    const verdict = ratio <= TARGET_RATIO ? 'meets target' : ratio < 1 ? 'misses target (faster than xmtp-js, not by enough)' : 'misses target (slower than xmtp-js)'
    log(`  ${row.label.padEnd(width)}  ${ms(a).padStart(9)}  ${ms(b).padStart(10)}  ${(ratio.toFixed(2) + '×').padStart(6)}  ${verdict}`)
  }
  log('')
  log('runs (ms):')
  for (const row of rows) {
    log(`  ${row.label}`)
    log(`    Parley     ${row.ours.map((v) => v.toFixed(0)).join(', ')}`)
    log(`    xmtp-js 13 ${row.theirs.map((v) => v.toFixed(0)).join(', ')}`)
  }
} finally {
  await node.stop()
}
