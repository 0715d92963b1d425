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
// Parley runs twice: on the libsecp256k1 (WebAssembly) secp256k1 backend, as a Node
// host runs it (the verdict), and on the default noble (pure JS) backend, as the
// extension bundles it today (src/protocol/crypto/backend.ts). The node process runs
// on libsecp256k1 for every side alike (its CLI installs it).
//
// Prints, per scenario, the median of RUNS runs that rotate between the three sides
// (who goes first rotates too), and the ratios Parley ÷ xmtp-js against the target ≤ 0.5×.
// Run: npx tsx bench/protocol-client.ts [conversations] [runs]
import { startNode } from '../src/node/testing/node-process.ts'
import { Client, clearCryptoCaches } from '../src/protocol/index.ts'
import { inviteMany, xmtpjsColdList as xmtpjsColdListOf } from './lib/invitations.ts'
import { setSecp256k1Backend, type Secp256k1Backend } from '../src/protocol/crypto/backend.ts'
import { nobleBackend } from '../src/protocol/crypto/noble-backend.ts'
import { libsecp256k1Backend, useLibsecp256k1 } from '../src/protocol/crypto/libsecp256k1.ts'

useLibsecp256k1() // as a Node host runs Parley (setup included); the noble side switches per run

const COUNT = Number(process.argv[2] ?? 1000)
const RUNS = Number(process.argv[3] ?? 3)
const TARGET_RATIO = 0.5

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
  scenario.targetKeys = (await inviteMany(apiUrl, COUNT, scenario.peers)).keys
  log(`setup: ${scenario.label}: ${scenario.peers} inviter(s), ${COUNT} invitations published in ${(performance.now() - start).toFixed(0)} ms`)
}

async function parleyColdList(apiUrl: string, keys: Uint8Array, backend: Secp256k1Backend): Promise<number> {
  const previous = setSecp256k1Backend(backend)
  try {
    clearCryptoCaches()
    const client = await Client.create(null, { apiUrl, privateKeyOverride: keys, skipContactPublishing: true })
    const start = performance.now()
    const list = await client.conversations.list()
    const ms = performance.now() - start
    if (list.length !== COUNT) throw new Error(`Parley listed ${list.length}, expected ${COUNT}`)
    await client.close()
    return ms
  } finally {
    setSecp256k1Backend(previous)
  }
}

const xmtpjsColdList = (apiUrl: string, keys: Uint8Array) => xmtpjsColdListOf(apiUrl, keys, COUNT)

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const ms = (value: number) => `${value.toFixed(0)} ms`

const node = await startNode({ auth: true, rateLimits: false })
try {
  for (const scenario of scenarios) await setUp(scenario, node.url)

  // Warm-up (JIT, HTTP keep-alive) for both sides, on the mixed scenario: it exercises
  // first-seen and repeat peers alike. Not counted.
  const warm = scenarios[1]!
  await parleyColdList(node.url, warm.targetKeys!, libsecp256k1Backend)
  await parleyColdList(node.url, warm.targetKeys!, nobleBackend)
  await xmtpjsColdList(node.url, warm.targetKeys!)

  const rows: Array<{ label: string; lib: number[]; noble: number[]; theirs: number[] }> = []
  for (const scenario of scenarios) {
    const lib: number[] = []
    const noble: number[] = []
    const theirs: number[] = []
    const sides = [
      async () => lib.push(await parleyColdList(node.url, scenario.targetKeys!, libsecp256k1Backend)),
      async () => noble.push(await parleyColdList(node.url, scenario.targetKeys!, nobleBackend)),
      async () => theirs.push(await xmtpjsColdList(node.url, scenario.targetKeys!)),
    ]
    for (let run = 0; run < RUNS; run++) {
      for (let k = 0; k < sides.length; k++) await sides[(run + k) % sides.length]!()
    }
    rows.push({ label: scenario.label, lib, noble, theirs })
    log(`measured: ${scenario.label}`)
  }

  const verdictFor = (ratio: number) =>
    ratio <= TARGET_RATIO ? 'meets target' : ratio < 1 ? 'misses target (faster than xmtp-js, not by enough)' : 'misses target (slower than xmtp-js)'
  log('')
  log(`cold conversations.list() of V2 conversations, Parley vs xmtp-js 13, same node, same run`)
  log(`median of ${RUNS} rotating runs per side; Parley's crypto caches cleared before every Parley client`)
  log(`Parley (libsecp256k1) = tiny-secp256k1 2.2.4 (wasm), as Node hosts run it: the verdict; Parley (noble) = @noble/curves 2.4 (pure JS), the extension's backend today`)
  const width = Math.max(...rows.map((r) => r.label.length))
  log(
    `  ${'scenario'.padEnd(width)}  ${'Parley (libsecp256k1)'.padStart(21)}  ${'Parley (noble)'.padStart(14)}  ${'xmtp-js 13'.padStart(10)}  ${'ratio libsecp'.padStart(13)}  ${'ratio noble'.padStart(11)}  verdict, libsecp256k1 (target ≤ ${TARGET_RATIO}×)`,
  )
  for (const row of rows) {
    const a = median(row.lib)
    const n = median(row.noble)
    const b = median(row.theirs)
    log(
      `  ${row.label.padEnd(width)}  ${ms(a).padStart(21)}  ${ms(n).padStart(14)}  ${ms(b).padStart(10)}  ${((a / b).toFixed(2) + '×').padStart(13)}  ${((n / b).toFixed(2) + '×').padStart(11)}  ${verdictFor(a / b)}`,
    )
  }
  log('')
  log('runs (ms):')
  for (const row of rows) {
    log(`  ${row.label}`)
    log(`    Parley (libsecp256k1) ${row.lib.map((v) => v.toFixed(0)).join(', ')}`)
    log(`    Parley (noble)        ${row.noble.map((v) => v.toFixed(0)).join(', ')}`)
    log(`    xmtp-js 13            ${row.theirs.map((v) => v.toFixed(0)).join(', ')}`)
  }
} finally {
  await node.stop()
}
