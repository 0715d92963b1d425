// The DevTools and RPC helpers bench/extension.ts measures the extension's worker with: one RPC
// as the popup sends it, polling, stopping the worker, its heap, its User Timing marks (start-up
// and offload), whether the offscreen document is open, and an empty extension's wake as the
// browser's own floor.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { chromiumArgs } from '../../e2e/harness.mjs'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** One RPC from an extension page, exactly as the popup sends it. */
export async function rpc<T = any>(page: Page, method: string, params?: unknown): Promise<T> {
  const response = await page.evaluate(
    async ([method, params]) => chrome.runtime.sendMessage({ tag: 'parley/rpc@1', request: params === undefined ? { method } : { method, params } }),
    [method, params] as const,
  )
  if (!response?.ok) throw new Error(`${method}: ${JSON.stringify(response?.error)}`)
  return response.result as T
}

export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(everyMs)
  }
}

export async function stopWorker(context: BrowserContext, page: Page, extensionId: string): Promise<void> {
  const cdp = await context.newCDPSession(page)
  const stopped = new Promise<void>((resolve) => {
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }: { versions: Array<{ scriptURL: string; runningStatus: string }> }) => {
      if (versions.some((v) => v.scriptURL.includes(extensionId) && v.runningStatus === 'stopped')) resolve()
    })
  })
  await cdp.send('ServiceWorker.enable')
  await cdp.send('ServiceWorker.stopAllWorkers')
  await stopped
  await cdp.detach()
}

/** The worker's JS heap, through a browser-level DevTools session attached to its target. */
export async function workerHeap(context: BrowserContext): Promise<{ used: number; total: number } | null> {
  const browser = context.browser()
  if (!browser) return null
  const cdp = await browser.newBrowserCDPSession()
  try {
    const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: Array<{ targetId: string; type: string; url: string }> }
    const worker = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith('chrome-extension://'))
    if (!worker) return null
    const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false })) as { sessionId: string }
    const answer = new Promise<{ usedSize: number; totalSize: number }>((resolve) => {
      cdp.on('Target.receivedMessageFromTarget', (event: { sessionId: string; message: string }) => {
        const message = JSON.parse(event.message)
        if (event.sessionId === sessionId && message.id === 1) resolve(message.result)
      })
    })
    await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: 1, method: 'Runtime.getHeapUsage' }) })
    const heap = await answer
    return { used: heap.usedSize, total: heap.totalSize }
  } finally {
    await cdp.detach().catch(() => {})
  }
}

/** The background's offload marks (src/background/index.ts), counted by name: "offload-batch ×10, …". */
export async function offloadMarks(context: BrowserContext): Promise<string> {
  const send = await workerDevtools(context)
  if (!send) return 'n/a'
  const expression = `JSON.stringify(performance.getEntriesByType('mark').filter((m) => m.name.startsWith(${JSON.stringify(process.env.BENCH_MARKS ?? 'parley:offload-')})).map((m) => [m.name.slice(7), m.startTime]))`
  const answer = await send('Runtime.evaluate', { expression, returnByValue: true })
  const marks: Array<[string, number]> = answer?.result?.value ? JSON.parse(answer.result.value) : []
  const counts = new Map<string, { n: number; first: number }>()
  for (const [name, at] of marks) counts.set(name, { n: (counts.get(name)?.n ?? 0) + 1, first: counts.get(name)?.first ?? at })
  return [...counts].map(([name, { n, first }]) => `${name}${n > 1 ? ` ×${n}` : ''} (first at ${first.toFixed(0)} ms)`).join(', ') || 'none'
}

/** Whether the extension's offscreen document (src/offscreen, the invitation workers' host) is open. */
export async function offscreenOpen(context: BrowserContext): Promise<boolean> {
  const cdp = await context.browser()?.newBrowserCDPSession()
  if (!cdp) return false
  try {
    const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: Array<{ url: string }> }
    return targetInfos.some((t) => t.url.startsWith('chrome-extension://') && t.url.includes('/offscreen/'))
  } finally {
    await cdp.detach().catch(() => {})
  }
}

/** The worker's start-up marks (src/background/boot-marks.ts), ms since it started. */
export async function workerBootMarks(context: BrowserContext): Promise<Array<{ step: string; at: number }>> {
  const send = await workerDevtools(context)
  if (!send) return []
  const expression = `JSON.stringify(performance.getEntriesByType('mark').filter((m) => m.name.startsWith('parley:')).map((m) => ({ step: m.name.slice(7), at: m.startTime })))`
  const answer = await send('Runtime.evaluate', { expression, returnByValue: true })
  return answer?.result?.value ? JSON.parse(answer.result.value) : []
}

/**
 * Sends DevTools commands to the extension's worker (browser-level session, like workerHeap);
 * used for an optional CPU profile of the cold sync (BENCH_PROFILE=file.cpuprofile).
 */
export async function workerDevtools(context: BrowserContext): Promise<((method: string, params?: object) => Promise<any>) | null> {
  const browser = context.browser()
  if (!browser) return null
  const cdp = await browser.newBrowserCDPSession()
  const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: Array<{ targetId: string; type: string; url: string }> }
  const worker = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith('chrome-extension://'))
  if (!worker) return null
  const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false })) as { sessionId: string }
  const waiting = new Map<number, (result: any) => void>()
  cdp.on('Target.receivedMessageFromTarget', (event: { sessionId: string; message: string }) => {
    const message = JSON.parse(event.message)
    if (event.sessionId === sessionId) waiting.get(message.id)?.(message.result)
  })
  let next = 1
  return (method, params = {}) => {
    const id = next++
    const answer = new Promise((resolve) => waiting.set(id, resolve))
    void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) })
    return answer
  }
}

/**
 * The floor under every wake: the same Chromium waking an extension whose worker does nothing
 * but answer (no bundle to load, no vault), measured the same way as Parley's wake rows.
 */
export async function emptyExtensionWake(runs: number, chromiumPath: string): Promise<number[]> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-bench-empty-ext-'))
  const emptyProfile = await mkdtemp(join(tmpdir(), 'parley-bench-empty-profile-'))
  const { writeFile } = await import('node:fs/promises')
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ manifest_version: 3, name: 'empty', version: '1', background: { service_worker: 'worker.js' } })) // classic, like Parley's
  await writeFile(join(dir, 'worker.js'), 'chrome.runtime.onMessage.addListener((message, sender, reply) => { reply({ ok: true, result: null }) })\n')
  await writeFile(join(dir, 'page.html'), '<!doctype html><title>empty</title>')
  const emptyContext = await chromium.launchPersistentContext(emptyProfile, { executablePath: chromiumPath, headless: true, args: chromiumArgs(dir) })
  try {
    const emptyWorker = emptyContext.serviceWorkers()[0] ?? (await emptyContext.waitForEvent('serviceworker'))
    const id = new URL(emptyWorker.url()).host
    const emptyPage = await emptyContext.newPage()
    await emptyPage.goto(`chrome-extension://${id}/page.html`)
    const times: number[] = []
    for (let run = 0; run < runs; run++) {
      await stopWorker(emptyContext, emptyPage, id)
      const t = performance.now()
      await rpc(emptyPage, 'ping')
      times.push(performance.now() - t)
    }
    return times
  } finally {
    await emptyContext.close().catch(() => {})
    await rm(dir, { recursive: true, force: true })
    await rm(emptyProfile, { recursive: true, force: true })
  }
}


/** Every User Timing mark with `prefix`, in order, ms since the worker started (diagnostics). */
export async function rawMarks(context: BrowserContext, prefix: string): Promise<Array<[string, number]>> {
  const send = await workerDevtools(context)
  if (!send) return []
  const expression = `JSON.stringify(performance.getEntriesByType('mark').filter((m) => m.name.startsWith(${JSON.stringify(prefix)})).map((m) => [m.name.slice(7), m.startTime]))`
  const answer = await send('Runtime.evaluate', { expression, returnByValue: true })
  return answer?.result?.value ? JSON.parse(answer.result.value) : []
}
