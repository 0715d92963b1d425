// Shared launch code for the extension e2e files: a real node process on a free port, Debian's
// Chromium with the built extension on a fresh profile (Playwright), the extension's id and
// worker, an RPC helper that calls the background from an extension page (as the popup does),
// and stopping the worker through the DevTools protocol (../shared/notes/mv3-worker.md §2).
import { chromium } from 'playwright-core'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromiumArgs, poll, ROOT } from '../harness.mjs'

export const CHROME_DIST = join(ROOT, 'dist', 'chrome')
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const LISTENING_LINE = 'Parley node listening on '

/**
 * Starts `src/node/cli.ts` as its own process on a free port. `db` keeps data across restarts
 * (a file path); `port` reuses a port (to bring a stopped node back at the same URL).
 */
export async function startNodeProcess({ db = ':memory:', port = 0, logLevel = 'warn', args = [] } = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/node/cli.ts'), '--host', '127.0.0.1', '--port', String(port), '--grpc-port', '0', '--db', db, '--log-level', logLevel, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node did not start within 30 s:\n${output}`)), 30_000)
    const onData = (chunk) => {
      output += chunk
      const at = output.indexOf(LISTENING_LINE)
      const end = at < 0 ? -1 : output.indexOf('\n', at)
      if (end < 0) return
      clearTimeout(timer)
      resolve(output.slice(at + LISTENING_LINE.length, end).trim())
    }
    child.stdout.setEncoding('utf8').on('data', onData)
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk))
    exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`node exited (${code}) before listening:\n${output}`))
    })
  })
  process.once('exit', () => child.kill('SIGKILL'))
  return {
    url,
    port: Number(new URL(url).port),
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
  }
}

/** Launches Chromium with the built extension on a fresh profile; returns helpers around it. */
export async function launchExtension({ dist = CHROME_DIST } = {}) {
  if (!existsSync(join(dist, 'manifest.json'))) throw new Error(`${dist} is not built: run npm run build:chrome`)
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium`)
  const profile = await mkdtemp(join(tmpdir(), 'parley-e2e-bg-'))
  // Developer mode, so runtime.reload() keeps the unpacked extension enabled (mv3-worker.md §2).
  await mkdir(join(profile, 'Default'), { recursive: true })
  await writeFile(join(profile, 'Default', 'Preferences'), JSON.stringify({ extensions: { ui: { developer_mode: true } } }))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: chromiumArgs(dist),
  })
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 10_000 }))
  const extensionId = new URL(worker.url()).host
  const base = `chrome-extension://${extensionId}/`
  // An extension page to call the background from, as the popup does.
  const page = await context.newPage()
  await page.goto(`${base}src/popup/index.html`)

  /** Calls a background method from the extension page; resolves with { ok, result } or { ok: false, error }. */
  const rpc = (method, params) =>
    page.evaluate(
      ([m, p]) => chrome.runtime.sendMessage({ tag: 'parley/rpc@1', request: p === undefined ? { method: m } : { method: m, params: p } }),
      [method, params],
    )
  /** Like rpc, but throws on an error answer. */
  const call = async (method, params) => {
    const response = await rpc(method, params)
    if (!response?.ok) throw new Error(`${method} failed: ${JSON.stringify(response?.error ?? response)}`)
    return response.result
  }

  const cdp = await context.newCDPSession(page)
  await cdp.send('ServiceWorker.enable')
  let running = 'running'
  const statusWaiters = []
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const v of versions) {
      if (!v.scriptURL.includes(extensionId)) continue
      running = v.runningStatus
      for (const waiter of statusWaiters.splice(0)) waiter(running)
    }
  })
  /** Stops the worker through CDP and waits until it reports stopped. */
  const stopWorker = async () => {
    const stopped = new Promise((resolve) => {
      const wait = (status) => (status === 'stopped' ? resolve() : statusWaiters.push(wait))
      statusWaiters.push(wait)
    })
    await cdp.send('ServiceWorker.stopAllWorkers')
    await stopped
  }

  /** Waits until `fn` (polled) returns a truthy value; returns it. */
  const waitFor = (fn, options = {}) => poll(fn, { timeoutMs: 20_000, intervalMs: 250, ...options })

  return {
    context,
    worker,
    extensionId,
    base,
    page,
    rpc,
    call,
    stopWorker,
    waitFor,
    workerStatus: () => running,
    async close() {
      await context.close().catch(() => {})
      await rm(profile, { recursive: true, force: true })
    },
  }
}
