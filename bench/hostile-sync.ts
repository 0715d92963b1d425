// A sync pass under a hostile peer (issue 19), side by side with the same pass without one, in
// one run against one real node process:
//  - hostile: the victim's invite topic holds JUNK envelopes of 1 MB (published through a node
//    run with --max-invite-message-bytes at the message maximum, as an older or hostile node
//    would accept them; the default node refuses them) around INVITES real invitations, and one
//    conversation holds BOMBS maximally compressed texts (each ~10 KB on the wire, inflating to
//    just under 10 MiB);
//  - baseline: another victim with the same INVITES invitations and a conversation of BOMBS
//    ordinary short texts.
// Each victim syncs in a child process of its own (clean memory figures): the extension's data
// layer (AccountData over fake-indexeddb, src/background/data) runs a first pass and, a moment
// later, a second one. Printed per side: peak growth of RSS and of JS heap + external memory
// during the first pass (sampled every 10 ms from a gc'd baseline), the time of each pass, the
// conversations listed and how the bomb conversation's messages were stored.
// Targets (printed, not asserted): peak growth ≤ 150 MB, second pass ≤ 5% of the first, every
// real conversation listed.
// Run: npx tsx bench/hostile-sync.ts [junk=3000] [invites=1000] [bombs=400]
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startNode } from '../src/node/testing/node-process.ts'
import { Client, PrivateKeySigner } from '../src/protocol/index.ts'
import { PrivateKeyBundleV1 } from '../src/protocol/keys/index.ts'
import { deriveConversation, sealInvitation } from '../src/protocol/invitations/index.ts'
import { encodeMessageV2 } from '../src/protocol/messages/v2.ts'
import { Compression, ContentTypeText, createDefaultRegistry, prepareContent } from '../src/protocol/content/index.ts'
import { inviteTopic } from '../src/protocol/topics.ts'
import { randomBytes } from '../src/protocol/crypto/random.ts'
import { fromHex, toHex } from '../src/wire/bytes.ts'
import type { Envelope } from '../src/protocol/api/index.ts'
import { useLibsecp256k1 } from '../src/protocol/crypto/libsecp256k1.ts'
import { inviteMany } from './lib/invitations.ts'
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { openDevice } from '../src/background/data/testing/devices.ts'
import { keysOf } from '../src/protocol/client/testing/exported-keys.ts'

const JUNK = Number(process.argv[2] ?? 3000)
const INVITES = Number(process.argv[3] ?? 1000)
const BOMBS = Number(process.argv[4] ?? 400)
const JUNK_BYTES = 1_000_000
const NS_PER_MS = 1_000_000n
const here = fileURLToPath(import.meta.url)

interface VictimResult {
  firstMs: number
  secondMs: number
  peakRssMb: number
  peakHeapMb: number
  listed: number
  messages: number
  tooLarge: number
  skipped: number
}

// ------------------------------------------------------------------ child: one victim's passes

async function runVictim(apiUrl: string, keysHex: string, address: string): Promise<VictimResult> {
  const device = await openDevice(apiUrl, { address } as never, new IDBFactory(), undefined, {}, { privateKeyOverride: fromHex(keysHex, 'keys') })
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  const base = process.memoryUsage()
  let peakRss = 0
  let peakHeap = 0
  const sample = () => {
    const m = process.memoryUsage()
    peakRss = Math.max(peakRss, m.rss - base.rss)
    peakHeap = Math.max(peakHeap, m.heapUsed + m.external - (base.heapUsed + base.external)) // external includes array buffers
  }
  const timer = setInterval(sample, 10)
  let started = performance.now()
  const first = await device.data.syncNow()
  const firstMs = performance.now() - started
  clearInterval(timer)
  sample()
  if (first.state !== 'idle') throw new Error(`first pass ended ${first.state}: ${first.error}`)
  await new Promise((r) => setTimeout(r, 1000))
  started = performance.now()
  const second = await device.data.syncNow()
  const secondMs = performance.now() - started
  if (second.state !== 'idle') throw new Error(`second pass ended ${second.state}: ${second.error}`)
  const conversations = await device.data.listConversations('all')
  let messages = 0
  let tooLarge = 0
  for (const c of conversations) {
    if (!c.lastMessage) continue
    let before: number | undefined
    for (;;) {
      const page = await device.data.listMessages(c.topic, { limit: 200, ...(before !== undefined ? { before } : {}) })
      messages += page.messages.length
      tooLarge += page.messages.filter((m) => m.content.type === 'unknown' && m.content.reason === 'tooLarge').length
      if (!page.hasMore || page.messages.length === 0) break
      before = page.messages[0]!.sentAt
    }
  }
  const skipped = device.client.conversations.skippedCount
  await device.close()
  return { firstMs, secondMs, peakRssMb: peakRss / 1e6, peakHeapMb: peakHeap / 1e6, listed: conversations.length, messages, tooLarge, skipped }
}

if (process.argv[2] === '--victim') {
  const [apiUrl, keysHex, address] = process.argv.slice(3)
  const result = await runVictim(apiUrl!, keysHex!, address!)
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`)
  process.exit(0)
}

// ------------------------------------------------------------------ parent: setup and report

useLibsecp256k1()
const log = (line: string) => console.log(line)

function victimInChild(apiUrl: string, keys: Uint8Array, address: string): Promise<VictimResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', here, '--victim', apiUrl, toHex(keys), address], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '))
      if (code === 0 && line) resolve(JSON.parse(line.slice(7)))
      else reject(new Error(`victim process exited ${code}: ${out}`))
    })
  })
}

/** A peer who opens a conversation with the victim and publishes `count` messages of `payload` into it. */
async function conversationOf(apiUrl: string, victimKeys: Uint8Array, count: number, payload: Uint8Array): Promise<void> {
  const sender = await PrivateKeyBundleV1.generate(new PrivateKeySigner(randomBytes(32)))
  const victim = await Client.create(null, { apiUrl, privateKeyOverride: victimKeys, skipContactPublishing: true })
  const recipient = keysOf(victim).getSignedPublicKeyBundle()
  const derived = deriveConversation(sender, recipient, {})
  const sealed = await sealInvitation({ sender, recipient, invitation: { topic: derived.topic, keyMaterial: derived.keyMaterial } })
  await victim.api.publish(sealed.envelopes)
  let batch: Envelope[] = []
  const start = BigInt(Date.now()) * NS_PER_MS
  for (let i = 0; i < count; i++) {
    const message = await encodeMessageV2({ sender, conversation: derived, payload, shouldPush: true, createdNs: start + BigInt(i) * NS_PER_MS })
    batch.push(message.envelope())
    if (batch.length === 100 || i === count - 1) {
      await victim.api.publish(batch)
      batch = []
    }
  }
  await victim.close()
}

async function publishJunk(apiUrl: string, address: string, count: number): Promise<void> {
  const client = await Client.create(new PrivateKeySigner(randomBytes(32)), { apiUrl, skipContactPublishing: true }) // the attacker
  const topic = inviteTopic(address)
  const body = new Uint8Array(JUNK_BYTES).map((_, i) => (i * 131) & 0xff)
  for (let i = 0; i < count; i += 20) {
    const n = Math.min(20, count - i)
    await client.api.publish(Array.from({ length: n }, (_, k) => ({ contentTopic: topic, timestampNs: BigInt(Date.now()) * NS_PER_MS + BigInt(k), message: body })))
  }
  await client.close()
}

const dir = await mkdtemp(join(tmpdir(), 'parley-hostile-sync-'))
const node = await startNode({
  db: join(dir, 'node.db'),
  sync: 'normal',
  auth: true,
  rateLimits: false,
  args: ['--max-invite-message-bytes', '1048214'],
  timeoutMs: 60_000,
})
try {
  const registry = createDefaultRegistry()
  const bomb = (await prepareContent('\u0000'.repeat(10 * 1024 * 1024 - 64), { contentType: ContentTypeText, compression: Compression.COMPRESSION_DEFLATE }, registry)).payload
  const ordinary = (await prepareContent('an ordinary message of a few words', { contentType: ContentTypeText }, registry)).payload

  let t = performance.now()
  const calm = await inviteMany(node.url, INVITES, 100)
  await conversationOf(node.url, calm.keys, BOMBS, ordinary)
  log(`setup: baseline victim: ${INVITES} invitations and a conversation of ${BOMBS} short texts in ${((performance.now() - t) / 1000).toFixed(1)} s`)

  t = performance.now()
  const hostile = await inviteMany(node.url, 0, 1) // an identity only; its invitations follow between the junk
  await publishJunk(node.url, hostile.address, Math.floor(JUNK / 2))
  const invitesAt = performance.now()
  await invitesTo(node.url, hostile.keys, INVITES)
  const invitesMs = performance.now() - invitesAt
  await publishJunk(node.url, hostile.address, JUNK - Math.floor(JUNK / 2))
  await conversationOf(node.url, hostile.keys, BOMBS, bomb)
  const junkSeconds = (performance.now() - t - invitesMs) / 1000
  log(`setup: hostile victim: ${JUNK} junk envelopes of 1 MB (${((JUNK * JUNK_BYTES) / 1e9).toFixed(1)} GB) published in ${junkSeconds.toFixed(1)} s, ${INVITES} invitations between them, ${BOMBS} bombs of ${bomb.length} bytes (each inflates to 10 MiB)`)
  // Passes in the extension are a minute apart; the skew window (10 s) would otherwise re-read the setup's last seconds.
  await new Promise((r) => setTimeout(r, 11_000))

  const base = await victimInChild(node.url, calm.keys, calm.address)
  const bad = await victimInChild(node.url, hostile.keys, hostile.address)
  const expected = INVITES + 1
  const row = (label: string, r: VictimResult) =>
    `  ${label.padEnd(26)} ${r.peakRssMb.toFixed(0).padStart(8)} MB ${r.peakHeapMb.toFixed(0).padStart(8)} MB ${(r.firstMs / 1000).toFixed(2).padStart(8)} s ${(r.secondMs / 1000).toFixed(2).padStart(8)} s ${((100 * r.secondMs) / r.firstMs).toFixed(1).padStart(6)} % ${`${r.listed}/${expected}`.padStart(10)} ${String(r.messages).padStart(6)} ${String(r.tooLarge).padStart(6)} ${String(r.skipped).padStart(7)}`
  log('')
  log(`one sync pass of the extension's data layer (AccountData, fake-indexeddb), each victim in its own process, same node, same run`)
  log(`  ${'side'.padEnd(26)} ${'peak RSS+'.padStart(11)} ${'peak heap+'.padStart(11)} ${'pass 1'.padStart(10)} ${'pass 2'.padStart(10)} ${'2 ÷ 1'.padStart(8)} ${'listed'.padStart(10)} ${'msgs'.padStart(6)} ${'large'.padStart(6)} ${'skipped'.padStart(7)}`)
  log(row('no junk (baseline)', base))
  log(row(`${JUNK} × 1 MB junk + ${BOMBS} bombs`, bad))
  log('')
  const verdict = (ok: boolean) => (ok ? 'meets target' : 'MISSES target')
  log(`hostile side: peak memory growth ${bad.peakRssMb.toFixed(0)} MB RSS (target ≤ 150 MB): ${verdict(bad.peakRssMb <= 150)}`)
  log(`hostile side: second pass ${((100 * bad.secondMs) / bad.firstMs).toFixed(1)} % of the first (target ≤ 5 %): ${verdict(bad.secondMs <= bad.firstMs * 0.05)}`)
  log(`hostile side: ${bad.listed} of ${expected} real conversations listed: ${verdict(bad.listed === expected)}`)
} finally {
  await node.stop()
  await rm(dir, { recursive: true, force: true })
}

/** `count` invitations from 100 inviters to the identity behind `keys` (as bench/lib/invitations.ts, to an existing identity). */
async function invitesTo(apiUrl: string, keys: Uint8Array, count: number): Promise<void> {
  const client = await Client.create(null, { apiUrl, privateKeyOverride: keys, skipContactPublishing: true })
  const recipient = keysOf(client).getSignedPublicKeyBundle()
  const inviters: PrivateKeyBundleV1[] = []
  for (let p = 0; p < Math.min(100, count); p++) inviters.push(await PrivateKeyBundleV1.generate(new PrivateKeySigner(randomBytes(32))))
  let batch: Envelope[] = []
  for (let i = 0; i < count; i++) {
    const sender = inviters[i % inviters.length]!
    const context = { conversationId: `bench.parley/${i}`, metadata: {} }
    const derived = deriveConversation(sender, recipient, { conversationId: context.conversationId })
    const sealed = await sealInvitation({ sender, recipient, invitation: { topic: derived.topic, keyMaterial: derived.keyMaterial, context } })
    batch.push(...sealed.envelopes)
    if (batch.length >= 100 || i === count - 1) {
      await client.api.publish(batch)
      batch = []
    }
  }
  await client.close()
}
