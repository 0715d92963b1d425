// Client layer: a cold `conversations.list()` of 1,000 V2 conversations, Parley against
// @xmtp/xmtp-js 13, on the same node (a real node process) in the same run. "Cold" =
// a fresh client holding only the keys: every invitation is fetched and opened.
// Prints the median of a few alternating runs and the ratio (ours ÷ xmtp-js; target ≤ 0.5).
// Run: npx tsx bench/protocol-client.ts [conversations]
import { createRequire } from 'node:module'
import { startNode } from '../src/node/testing/nodeProcess.ts'
import { Client, PrivateKeySigner } from '../src/protocol/index.ts'
import { deriveConversation } from '../src/protocol/invitations/deterministic.ts'
import { sealInvitation } from '../src/protocol/invitations/sealed.ts'
import { SharedSecretCache } from '../src/protocol/invitations/shared-secrets.ts'
import type { Envelope } from '../src/protocol/api/index.ts'

const xmtpjs = createRequire(import.meta.url)('@xmtp/xmtp-js')
const COUNT = Number(process.argv[2] ?? 1000)
const RUNS = 3

const node = await startNode({ auth: true, rateLimits: false })
try {
  const target = new PrivateKeySigner(new Uint8Array(32).fill(0x51))
  const inviter = new PrivateKeySigner(new Uint8Array(32).fill(0x52))
  const targetClient = await Client.create(target, { apiUrl: node.url })
  const inviterClient = await Client.create(inviter, { apiUrl: node.url })
  const targetKeys = targetClient.keys.encode()

  // Setup: COUNT invitations from one inviter, one conversationId each, published in bulk.
  const setupStart = performance.now()
  const secrets = new SharedSecretCache()
  const recipient = targetClient.keys.getSignedPublicKeyBundle()
  let batch: Envelope[] = []
  for (let i = 0; i < COUNT; i++) {
    const context = { conversationId: `bench.parley/${i}`, metadata: {} }
    const derived = deriveConversation(inviterClient.keys, recipient, { conversationId: context.conversationId, secrets })
    const sealed = await sealInvitation({ sender: inviterClient.keys, recipient, invitation: { topic: derived.topic, keyMaterial: derived.keyMaterial, context }, secrets })
    batch.push(...sealed.envelopes)
    if (batch.length >= 100 || i === COUNT - 1) {
      await inviterClient.api.publish(batch)
      batch = []
    }
  }
  console.log(`setup: ${COUNT} invitations published in ${(performance.now() - setupStart).toFixed(0)} ms`)

  async function parleyColdList(): Promise<number> {
    const client = await Client.create(null, { apiUrl: node.url, privateKeyOverride: targetKeys, skipContactPublishing: true })
    const start = performance.now()
    const list = await client.conversations.list()
    const ms = performance.now() - start
    if (list.length !== COUNT) throw new Error(`Parley listed ${list.length}, expected ${COUNT}`)
    await client.close()
    return ms
  }

  async function xmtpjsColdList(): Promise<number> {
    const client = await xmtpjs.Client.create(null, { env: 'local', apiUrl: node.url, privateKeyOverride: targetKeys, skipContactPublishing: true })
    const start = performance.now()
    const list = await client.conversations.list()
    const ms = performance.now() - start
    if (list.length !== COUNT) throw new Error(`xmtp-js listed ${list.length}, expected ${COUNT}`)
    await client.close()
    return ms
  }

  const ours: number[] = []
  const theirs: number[] = []
  await parleyColdList() // warm-up (JIT, HTTP keep-alive) for both sides
  await xmtpjsColdList()
  for (let run = 0; run < RUNS; run++) {
    ours.push(await parleyColdList())
    theirs.push(await xmtpjsColdList())
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
  const a = median(ours)
  const b = median(theirs)
  console.log(`cold list() of ${COUNT} V2 conversations (median of ${RUNS}, same node, same run)`)
  console.log(`  Parley     ${a.toFixed(0).padStart(7)} ms   runs: ${ours.map((v) => v.toFixed(0)).join(', ')}`)
  console.log(`  xmtp-js 13 ${b.toFixed(0).padStart(7)} ms   runs: ${theirs.map((v) => v.toFixed(0)).join(', ')}`)
  console.log(`  ratio Parley ÷ xmtp-js = ${(a / b).toFixed(2)}× (target ≤ 0.5×)`)
} finally {
  await node.stop()
}
