// The extension's background worker, measured inside headless Chromium against a real node,
// next to xmtp-js 13 in Node on the same node in the same run (issue: background benchmark).
//
// Rows:
//  - cold conversation list: N V2 conversations from N distinct inviters. Parley = from the
//    moment the worker's XMTP session is ready until conversations_list answers all N (the
//    worker syncs: invitations fetched, opened, cached), median of RUNS fresh browser
//    profiles. xmtp-js = a fresh Client's
//    conversations.list() in Node (median of RUNS).
//  - the same list after a worker restart (stopped through the DevTools protocol): time from
//    the waking request to the first answer holding all N, served from the encrypted cache
//    (before the XMTP Client is restored). Also: the first page of 50 the same way, the
//    first page once the restarted worker runs (woken by a request that reads nothing; its
//    session still restoring), the floor under all of them (a request that reads nothing,
//    from a stopped worker), the same wake of an empty extension (Chromium's own floor), and
//    the worker's start-up timeline (src/background/boot-marks.ts).
//  - unlock with the production KDF (PBKDF2-SHA256, 900,000 rounds) in the worker.
//  - worker wake to ready: stop the worker, send one request, until the session is ready.
//  - the worker's JS heap with those N conversations (CDP Runtime.getHeapUsage).
// Every Parley row is measured twice in the same run: for this tree's dist/chrome and for a
// baseline commit's (BENCH_BASELINE, default HEAD~1; `none` skips it), built from `git archive`
// in a temporary directory with this tree's node_modules linked in. The cold runs alternate
// between the two builds (this tree, baseline, this tree, …) so load on the shared machine
// falls on both alike; the other rows run on each build's last cold profile.
// Targets (not asserted; printed): cold ≤ 0.15× xmtp-js (issue 24); cached first data (the
// first page the popup paints) ≤ 100 ms and ≤ 0.02× xmtp-js cold; unlock ≤ 1 s.
// The cold list is timed inside the extension page (one DevTools call waits for it), so this
// process polling over DevTools takes no CPU from the two cores the sync runs on.
// Run: npx tsx bench/extension.ts [conversations] [runs]   (builds dist/chrome first)
// Diagnostics: BENCH_PROFILE=<file> writes the worker's CPU profile of the first cold run;
// BENCH_MARKS=<prefix> prints the worker's User Timing marks with that prefix (default
// parley:offload-); BENCH_EACH=1 prints each cold run with them; BENCH_TIMELINE=1 prints every
// parley: mark of each cold run in order; BENCH_STAMPS=1 prints each cold run's wall-clock
// window (to line up with a CPU sampler outside); BENCH_PAGE_PROFILE=<file> writes the popup
// page's CPU profile of the first cold run (with BENCH_PROFILE).
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { startNode } from '../src/node/testing/node-process.ts'
import { useLibsecp256k1 } from '../src/protocol/crypto/libsecp256k1.ts'
import { toHex } from '../src/wire/bytes.ts'
import { inviteMany, xmtpjsColdList as xmtpjsColdListOf } from './lib/invitations.ts'
import { chromiumArgs } from '../e2e/harness.mjs'
import { emptyExtensionWake, offloadMarks, offscreenOpen, rawMarks, rpc, stopWorker, until, workerBootMarks, workerDevtools, workerHeap } from './lib/extension-devtools.ts'

useLibsecp256k1() // the bench's own setup; the worker runs whatever backend it loads

const COUNT = Number(process.argv[2] ?? 1000)
const RUNS = Number(process.argv[3] ?? 3)
const ROOT = new URL('..', import.meta.url).pathname
const DIST = join(ROOT, 'dist', 'chrome')
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const PASSWORD = 'bench password 1'

const log = (line: string) => console.log(line)
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

const sessionReady = (page: Page) =>
  until('the XMTP session', async () => {
    const status = await rpc(page, 'wallet_status')
    if (status.session.state === 'error') throw new Error(`session error: ${status.session.error}`)
    return status.session.state === 'ready' ? status : undefined
  }, 600_000, 50)

const xmtpjsColdList = (apiUrl: string, keys: Uint8Array) => xmtpjsColdListOf(apiUrl, keys, COUNT)

/** One extension build measured: its dist/chrome and everything measured on it. */
interface Build {
  label: string
  dist: string
  colds: number[]
  /** The worker's offload marks of the last cold run (offload-ready-*, offload-batch ×n, offload-failed-*). */
  offloadMarks?: string
  /** Cold runs after which the offscreen document (the invitation workers' host) was open. */
  offscreenSeen: number
  importMs: number
  backend: string
  later?: LaterRows
}

interface LaterRows {
  heap: { used: number; total: number } | null
  cached: number[]
  firstPage: number[]
  wakeToReady: number[]
  wakeFloor: number[]
  bootTimelines: Array<Array<{ step: string; at: number }>>
  restartedTimelines: Array<Array<{ step: string; at: number }>>
  firstPageRestarted: number[]
  restoringDuringPage: boolean[]
  unlocks: number[]
}

/** A fresh browser profile with one build loaded. */
interface Session {
  context: BrowserContext
  profile: string
  page: Page
  extensionId: string
}

/** Builds the baseline commit's dist/chrome in a temporary directory; null when BENCH_BASELINE=none. */
function buildBaseline(): { label: string; rev: string; dist: string; dir: string } | null {
  const rev = process.env.BENCH_BASELINE ?? 'HEAD~1'
  if (rev === 'none') return null
  const commit = execFileSync('git', ['rev-parse', '--short', `${rev}^{commit}`], { cwd: ROOT, encoding: 'utf8' }).trim()
  const dir = execFileSync('mktemp', ['-d', join(tmpdir(), 'parley-bench-baseline-XXXXXX')], { encoding: 'utf8' }).trim()
  log(`building the baseline ${rev} (${commit}) in ${dir}`)
  execFileSync('bash', ['-c', 'git -C "$1" archive "$2" | tar -x -C "$3"', 'archive', ROOT, commit, dir], { stdio: ['ignore', 'ignore', 'inherit'] })
  return { label: `base ${commit}`, rev, dist: join(dir, 'dist', 'chrome'), dir }
}

async function openSession(dist: string): Promise<Session> {
  const profile = await mkdtemp(join(tmpdir(), 'parley-bench-'))
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: chromiumArgs(dist) })
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'))
  const extensionId = new URL(worker.url()).host
  const page = await context.newPage()
  await page.goto(`chrome-extension://${extensionId}/${process.env.BENCH_PAGE ?? 'src/popup/index.html'}`)
  return { context, profile, page, extensionId }
}

async function closeSession(session: Session): Promise<void> {
  await session.context.close().catch(() => {})
  await rm(session.profile, { recursive: true, force: true })
}

/**
 * The cold list, timed inside the extension page: waits there for the session to be ready, then
 * from that moment until conversations_list answers all COUNT. Waiting happens in the page (one
 * DevTools call for the whole wait) so this process, its DevTools traffic and the browser's relay
 * of it take no CPU from the two cores the sync runs on. It waits cheaply (sync_status reads no
 * records) until the sync pass has cached the conversations (it reports per-conversation
 * progress, or is done), then asks for the full list; a list still short keeps waiting. Polling
 * the full list itself would decrypt every cached record every 50 ms in the worker's one thread
 * and slow the sync it measures.
 */
async function timeColdList(page: Page): Promise<number> {
  // A string, not a function: tsx's transform would wrap the inner functions in a helper the page lacks.
  const answer: { ms: number; listMs: number; window?: [number, number] } = await page.evaluate(`(async ({ count, tag, stamps }) => {
      const call = async (method, params) => {
        const response = await chrome.runtime.sendMessage({ tag, request: params === undefined ? { method } : { method, params } })
        if (!response?.ok) throw new Error(\`\${method}: \${JSON.stringify(response?.error)}\`)
        return response.result
      }
      const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
      const deadline = Date.now() + 900_000
      const due = (what) => {
        if (Date.now() > deadline) throw new Error(\`timed out waiting for \${what}\`)
      }
      for (;;) {
        const status = await call('wallet_status')
        if (status.session.state === 'error') throw new Error(\`session error: \${status.session.error}\`)
        if (status.session.state === 'ready') break
        due('the XMTP session')
        await sleep(50)
      }
      const start = performance.now()
      const startedAt = Date.now()
      for (;;) {
        const status = await call('sync_status')
        const listed = status.state === 'idle' ? status.lastSyncAt !== undefined : status.progress?.what === 'Syncing conversations'
        if (listed) {
          const asked = performance.now()
          const { conversations } = await call('conversations_list', { filter: 'all' })
          if (conversations.length >= count) return { ms: performance.now() - start, listMs: performance.now() - asked, window: stamps ? [startedAt, Date.now()] : undefined }
        }
        due('all conversations listed')
        await sleep(50)
      }
    })(${JSON.stringify({ count: COUNT, tag: 'parley/rpc@1', stamps: Boolean(process.env.BENCH_STAMPS) })})`)
  if (answer.window) console.log(`STAMP cold-start ${answer.window[0]}\nSTAMP cold-end ${answer.window[1]} list ${answer.listMs}`)
  return answer.ms
}

/** One cold run on a fresh profile: import the key, wait for the session, time the full list. */
async function coldRun(build: Build, session: Session, profileTo: string | undefined): Promise<void> {
  const { context, page } = session
  build.backend = (await rpc<{ cryptoBackend: string }>(page, 'diagnostics_get').catch(() => ({ cryptoBackend: 'unknown' }))).cryptoBackend
  const devtools = profileTo ? await workerDevtools(context) : null
  if (devtools) {
    await devtools('Profiler.enable')
    await devtools('Profiler.setSamplingInterval', { interval: 1000 })
    await devtools('Profiler.start')
  }
  const pageCdp = process.env.BENCH_PAGE_PROFILE && profileTo ? await context.newCDPSession(page) : null
  if (pageCdp) {
    await pageCdp.send('Profiler.enable')
    await pageCdp.send('Profiler.start')
  }
  await rpc(page, 'settings_update', { nodeUrl: node.url })
  const importStart = performance.now()
  await rpc(page, 'wallet_import', { password: PASSWORD, secret: `0x${toHex(invitee.walletKey)}` })
  build.importMs = performance.now() - importStart
  build.colds.push(await timeColdList(page))
  if (await offscreenOpen(context)) build.offscreenSeen++
  build.offloadMarks = await offloadMarks(context)
  if (process.env.BENCH_TIMELINE) log(`TIMELINE ${JSON.stringify(await rawMarks(context, 'parley:'))}`)
  if (process.env.BENCH_EACH) log(`cold ${build.colds.at(-1)!.toFixed(0)} ms; ${build.offloadMarks}`)
  if (pageCdp) {
    const { profile } = await pageCdp.send('Profiler.stop')
    const { writeFile } = await import('node:fs/promises')
    await writeFile(process.env.BENCH_PAGE_PROFILE!, JSON.stringify(profile))
  }
  if (devtools && profileTo) {
    const { profile: cpu } = await devtools('Profiler.stop')
    const { writeFile } = await import('node:fs/promises')
    await writeFile(profileTo, JSON.stringify(cpu))
    log(`worker CPU profile (import → cold list) written to ${profileTo}`)
  }
}

/** The rows after the cold list, on the last cold profile: restarts, wakes, unlock, heap. */
async function laterRows(session: Session): Promise<LaterRows> {
  const { context: browserContext, page, extensionId } = session
  const heap = await workerHeap(browserContext)
  // Restart: stop the worker, then one request wakes it; the answer comes from the cache.
  const rows: LaterRows = {
    heap,
    cached: [],
    firstPage: [],
    wakeToReady: [],
    wakeFloor: [],
    bootTimelines: [],
    restartedTimelines: [],
    firstPageRestarted: [],
    restoringDuringPage: [],
    unlocks: [],
  }
  for (let run = 0; run < RUNS; run++) {
    // The floor under any answer from a stopped worker: starting it (its bundle parsed and
    // run, the vault resumed) and one request that reads nothing.
    await stopWorker(browserContext, page, extensionId)
    const tw = performance.now()
    await rpc(page, 'sync_status')
    rows.wakeFloor.push(performance.now() - tw)
    await sessionReady(page)
    await stopWorker(browserContext, page, extensionId)
    const tp = performance.now()
    const page50 = await rpc(page, 'conversations_list', { filter: 'all', limit: 50 })
    rows.firstPage.push(performance.now() - tp)
    rows.bootTimelines.push(await workerBootMarks(browserContext))
    if (page50.conversations.length !== Math.min(50, COUNT)) throw new Error(`the first page after restart had ${page50.conversations.length}`)
    await sessionReady(page)
    // The cache path alone: the worker restarted (woken by a request that reads nothing), its
    // session still being restored, then the popup's first page.
    await stopWorker(browserContext, page, extensionId)
    await rpc(page, 'sync_status')
    const tr = performance.now()
    const restartedPage = await rpc(page, 'conversations_list', { filter: 'all', limit: 50 })
    rows.firstPageRestarted.push(performance.now() - tr)
    rows.restartedTimelines.push(await workerBootMarks(browserContext))
    rows.restoringDuringPage.push((await rpc(page, 'wallet_status')).session.state !== 'ready')
    if (restartedPage.conversations.length !== Math.min(50, COUNT)) throw new Error(`the first page after the restart had ${restartedPage.conversations.length}`)
    await sessionReady(page)
    await stopWorker(browserContext, page, extensionId)
    const t0 = performance.now()
    const { conversations } = await rpc(page, 'conversations_list', { filter: 'all' })
    const first = performance.now() - t0
    if (conversations.length < COUNT) throw new Error(`after restart the first answer had ${conversations.length} of ${COUNT}`)
    rows.cached.push(first)
    await stopWorker(browserContext, page, extensionId)
    const t1 = performance.now()
    await sessionReady(page)
    rows.wakeToReady.push(performance.now() - t1)
  }
  for (let run = 0; run < RUNS; run++) {
    await rpc(page, 'wallet_lock')
    const t = performance.now()
    await rpc(page, 'wallet_unlock', { password: PASSWORD })
    rows.unlocks.push(performance.now() - t)
  }
  return rows
}

log(`building dist/chrome`)
execFileSync('npm', ['run', '--silent', 'build:chrome'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
const baseline = buildBaseline()
if (baseline) {
  await symlink(join(ROOT, 'node_modules'), join(baseline.dir, 'node_modules'))
  execFileSync('npx', ['vite', 'build'], { cwd: baseline.dir, stdio: ['ignore', 'ignore', 'inherit'] })
}
const builds: Build[] = [
  { label: 'this tree', dist: DIST, colds: [], offscreenSeen: 0, importMs: 0, backend: 'unknown' },
  ...(baseline ? [{ label: baseline.label, dist: baseline.dist, colds: [], offscreenSeen: 0, importMs: 0, backend: 'unknown' }] : []),
]

const node = await startNode({ auth: true, rateLimits: false })
let invitee!: Awaited<ReturnType<typeof inviteMany>>
let open: Session | undefined
try {
  const setupStart = performance.now()
  invitee = await inviteMany(node.url, COUNT, COUNT)
  log(`setup: ${COUNT} invitations from ${COUNT} distinct inviters published in ${(performance.now() - setupStart).toFixed(0)} ms`)

  await xmtpjsColdList(node.url, invitee.keys) // warm-up, not counted
  const theirs: number[] = []
  for (let run = 0; run < RUNS; run++) theirs.push(await xmtpjsColdList(node.url, invitee.keys))
  const xmtpjsCold = median(theirs)

  // Cold: RUNS times per build, each in a fresh browser profile (an empty vault and cache), the
  // same node, the builds alternating; the last profile of each build serves its later rows.
  const loads: string[] = []
  for (let run = 0; run < RUNS; run++) {
    for (const build of builds) {
      open = await openSession(build.dist)
      loads.push((await import('node:os')).loadavg()[0]!.toFixed(2))
      await coldRun(build, open, run === 0 && build === builds[0] ? process.env.BENCH_PROFILE : undefined)
      if (run === RUNS - 1) build.later = await laterRows(open)
      await closeSession(open)
      open = undefined
    }
  }

  const emptyWakes = await emptyExtensionWake(Math.max(RUNS, 5), CHROMIUM)

  const ratio = (a: number, b: number) => `${(a / b).toFixed(3)}×`
  const ms = (v: number) => `${v.toFixed(0)} ms`
  const [mine, base] = builds as [Build, Build | undefined]
  /** One row: each build's figure, xmtp-js's, and each build's ratio to it. */
  const row = (measure: string, of: (b: Build) => number | undefined, theirsMs: number | undefined, note = '') => {
    const values = builds.map(of)
    const cells = values.map((v) => (v === undefined ? '' : ms(v)).padEnd(13)).join(' ')
    const ratios = theirsMs === undefined ? '' : values.map((v) => (v === undefined ? '' : ratio(v, theirsMs)).padEnd(9)).join(' ')
    log(`  ${measure.padEnd(46)} ${cells} ${(theirsMs === undefined ? '' : ms(theirsMs)).padEnd(13)} ${ratios.padEnd(builds.length * 10)} ${note}`)
  }
  const later = (b: Build, pick: (l: LaterRows) => number[]) => (b.later ? median(pick(b.later)) : undefined)
  log('')
  log(`Parley's background worker in headless Chromium vs xmtp-js 13 in Node, same node, same run; this tree beside ${baseline ? `the baseline ${baseline.rev} (${baseline.label})` : 'no baseline'}`)
  log(`secp256k1 backend: ${builds.map((b) => `${b.label} ${b.backend}`).join('; ')}`)
  log(`offscreen document (invitation workers) open after the cold list: ${builds.map((b) => `${b.label} ${b.offscreenSeen} of ${b.colds.length} runs`).join('; ')}`)
  log(`worker's offload marks, last cold run: ${builds.map((b) => `${b.label}: ${b.offloadMarks ?? 'n/a'}`).join('; ')}`)
  log(`${COUNT.toLocaleString('en-US')} V2 conversations from ${COUNT.toLocaleString('en-US')} distinct inviters; medians of ${RUNS}; 1-min load average at each cold run: ${loads.join(', ')}`)
  log(`  ${'measure'.padEnd(46)} ${builds.map((b) => b.label.slice(0, 13).padEnd(13)).join(' ')} ${'xmtp-js 13'.padEnd(13)} ${builds.map((b) => `ratio ${b === mine ? 'this' : 'base'}`.padEnd(9)).join(' ')} target`)
  row('cold conversation list', (b) => median(b.colds), xmtpjsCold, '≤ 0.15×')
  row('first page (50) after a worker restart', (b) => later(b, (l) => l.firstPage), xmtpjsCold, '≤ 100 ms, ≤ 0.02× (first data: the popup\'s first paint)')
  row(`whole list (${COUNT}) after a worker restart`, (b) => later(b, (l) => l.cached), xmtpjsCold)
  row('any request after a restart (wake floor)', (b) => later(b, (l) => l.wakeFloor), undefined)
  log(`    the same wake of an empty extension's worker (Chromium's own floor): ${ms(median(emptyWakes))}`)
  row('first page (50) once a restarted worker runs', (b) => later(b, (l) => l.firstPageRestarted), xmtpjsCold,
    `(from the cache; session still restoring in ${builds.map((b) => `${b.later?.restoringDuringPage.filter(Boolean).length ?? 0} of ${b.later?.restoringDuringPage.length ?? 0}`).join(' / ')} runs)`)
  /** Each start-up step at its median time over the runs, in order. */
  const timelineOf = (runs: Array<Array<{ step: string; at: number }>>) =>
    [...new Set(runs.flat().map((m) => m.step))]
      .map((step) => ({ step, at: median(runs.map((marks) => marks.find((m) => m.step === step)?.at).filter((at): at is number => at !== undefined)) }))
      .filter(({ at }) => at !== undefined)
      .sort((a, b) => a.at - b.at)
      .map(({ step, at }) => `${step} ${at.toFixed(0)}`)
      .join(', ')
  for (const b of builds) {
    if (!b.later) continue
    log(`    where a wake's time goes, ${b.label} (ms after the worker started; first page run): ${timelineOf(b.later.bootTimelines)}`)
    log(`    the same, "once a restarted worker runs" (woken by sync_status): ${timelineOf(b.later.restartedTimelines)}`)
  }
  row('unlock (PBKDF2-SHA256, 900,000 rounds)', (b) => later(b, (l) => l.unlocks), undefined, '≤ 1 s')
  row('worker wake to session ready', (b) => later(b, (l) => l.wakeToReady), undefined)
  row('import key → vault written (incl. PBKDF2)', (b) => b.importMs, undefined)
  const mib = (heap: LaterRows['heap'] | undefined) => (heap ? `${(heap.used / 2 ** 20).toFixed(1)} of ${(heap.total / 2 ** 20).toFixed(1)} MiB` : 'n/a')
  log(`  worker JS heap with ${COUNT} conversations        ${builds.map((b) => `${b.label}: ${mib(b.later?.heap)}`).join('; ')}`)
  log('')
  log(`cold list vs xmtp-js 13: this tree ${ratio(median(mine.colds), xmtpjsCold)}${base ? `, baseline ${ratio(median(base.colds), xmtpjsCold)} (this tree / baseline: ${ratio(median(mine.colds), median(base.colds))})` : ''}`)
  log(`runs (ms): xmtp-js cold ${theirs.map((v) => v.toFixed(0)).join(', ')}`)
  for (const b of builds) {
    const l = b.later
    log(`  ${b.label}: cold ${b.colds.map((v) => v.toFixed(0)).join(', ')}${l ? `; cached ${l.cached.map((v) => v.toFixed(0)).join(', ')}; first page ${l.firstPage.map((v) => v.toFixed(0)).join(', ')}; first page, restarted ${l.firstPageRestarted.map((v) => v.toFixed(0)).join(', ')}; wake floor ${l.wakeFloor.map((v) => v.toFixed(0)).join(', ')}; wake→ready ${l.wakeToReady.map((v) => v.toFixed(0)).join(', ')}; unlock ${l.unlocks.map((v) => v.toFixed(0)).join(', ')}` : ''}`)
  }
  log(`  empty extension wake ${emptyWakes.map((v) => v.toFixed(0)).join(', ')}`)
} finally {
  if (open) await closeSession(open)
  await node.stop()
  if (baseline) await rm(baseline.dir, { recursive: true, force: true })
}
