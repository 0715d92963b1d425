import { chromium } from 'playwright-core'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromiumArgs } from '../e2e/harness.mjs'
const dist = process.argv[2]!
const profile = await mkdtemp(join(tmpdir(), 'floor-'))
const context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, args: chromiumArgs(dist) })
const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'))
const id = new URL(worker.url()).host
const page = await context.newPage()
await page.goto(`chrome-extension://${id}/${process.argv[3] ?? 'page.html'}`)
const cdp = await context.newCDPSession(page)
await cdp.send('ServiceWorker.enable')
const out: number[] = []
for (let i = 0; i < 7; i++) {
  const stopped = new Promise<void>((r) => cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }: any) => { if (versions.some((v: any) => v.runningStatus === 'stopped')) r() }))
  await cdp.send('ServiceWorker.stopAllWorkers'); await stopped
  const t = performance.now()
  const answer = await page.evaluate(() => chrome.runtime.sendMessage({ tag: 'parley/rpc@1', request: { method: 'ping' } }))
  out.push(performance.now() - t)
  await new Promise((r) => setTimeout(r, 300))
}
console.log('wake→answer ms:', out.map((v) => v.toFixed(0)).join(', '))
await context.close()
