// Shared pieces of the browser e2e runners: a pass/fail reporter with the summary line the
// team's scripts look for, a tiny dapp page served on 127.0.0.1, and the provider checks that
// run in every browser. Plain .mjs: the checks' functions are sent to the browser as-is.
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
export const OUTPUT_DIR = join(ROOT, 'e2e', 'output')

/** Chromium's command line for a headless run with one unpacked extension loaded (extension-toolchain.md §2). */
export function chromiumArgs(extensionDir) {
  return [
    // Playwright passes --disable-extensions; this re-enables just ours.
    `--disable-extensions-except=${extensionDir}`,
    `--load-extension=${extensionDir}`,
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ]
}

export function createReporter(label) {
  let passed = 0
  let failed = 0
  const started = Date.now()
  return {
    /**
     * Runs one named check; a thrown error or a timeout marks it failed. `fn` gets a
     * `step(label)` marker: a timeout names the last step reached and how long it had run.
     */
    async check(name, fn, timeoutMs = 5000) {
      const t0 = Date.now()
      let at = null
      const step = (label) => {
        at = { label, since: Date.now() }
      }
      const late = () => `timed out after ${timeoutMs} ms${at ? ` (in step "${at.label}" for ${Date.now() - at.since} ms)` : ''}`
      try {
        await withTimeout(Promise.resolve().then(() => fn({ step })), timeoutMs, late)
        passed++
        console.log(`PASS  ${name} (${Date.now() - t0} ms)`)
        return true
      } catch (error) {
        failed++
        console.log(`FAIL  ${name}: ${error instanceof Error ? error.message : String(error)}`)
        return false
      }
    },
    /** Records a failure that happened outside a check (e.g. the browser did not start). */
    fail(name, error) {
      failed++
      console.log(`FAIL  ${name}: ${error instanceof Error ? error.message : String(error)}`)
    },
    /** Prints the summary; returns the process exit code. */
    finish() {
      console.log(`${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`)
      console.log(`${passed} passed, ${failed} failed`)
      return failed === 0 && passed > 0 ? 0 : 1
    },
  }
}

export function withTimeout(promise, ms, message) {
  let timer
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(typeof message === 'function' ? message() : message)), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}

/** Polls `fn` until it returns a truthy value (thrown errors count as "not yet"); returns it. */
export async function poll(fn, { timeoutMs = 30_000, intervalMs = 200, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs
  let last
  while (Date.now() < deadline) {
    try {
      last = await fn()
      if (last) return last
    } catch (error) {
      last = error
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`)
}

export function assert(condition, message) {
  if (!condition) throw new Error(message)
}

export function assertEqual(actual, expected, what) {
  const a = JSON.stringify(actual)
  const e = JSON.stringify(expected)
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`)
}

export async function readManifest(distDir) {
  return JSON.parse(await readFile(join(distDir, 'manifest.json'), 'utf8'))
}

// The dapp page. Its first <head> script records what existed at parse time and starts a ping
// right away, before any other script or the DOM exists.
const DAPP_PAGE = `<!doctype html>
<html>
<head>
<script>
  window.__atParse = {
    hasProvider: typeof window.xmtp === 'object' && window.xmtp !== null,
    isParley: !!(window.xmtp && window.xmtp.isParley === true),
    scriptsSoFar: document.scripts.length,
    bodyExists: document.body !== null,
  };
  window.__connects = 0;
  if (window.xmtp) {
    window.xmtp.on('connect', function () { window.__connects++; });
    window.__earlyPing = window.xmtp.request({ method: 'ping' }).then(
      function (result) { return { ok: true, result: result }; },
      function (error) { return { ok: false, code: error.code, message: error.message }; });
  }
</script>
<title>Parley e2e dapp</title>
</head>
<body><h1>dapp</h1></body>
</html>`

/** Serves the dapp page on 127.0.0.1 (random port). */
export async function startDappServer() {
  const server = createServer((req, res) => {
    if (req.url === '/' || req.url?.startsWith('/?')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      res.end(DAPP_PAGE)
    } else {
      res.writeHead(404).end()
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  return { url: `http://127.0.0.1:${port}/`, close: () => closeServer(server) }
}

/** Calls window.xmtp.request in the page and returns a plain outcome (functions run in the page). */
export const requestInPage = (args) =>
  window.xmtp.request(args).then(
    (result) => ({ ok: true, result }),
    (error) => ({ ok: false, code: error.code, message: error.message, name: error.name }),
  )

export const readParseTimeState = () => window.__atParse ?? null
export const awaitParseTimePing = () => window.__earlyPing ?? null

/**
 * The provider checks every browser runs against the served dapp page. `evaluate(fn, arg)`
 * runs fn in the page and returns its result.
 */
export async function runProviderChecks(report, evaluate, manifestVersion, timeoutMs = 3000) {
  const check = (name, fn) => report.check(name, fn, timeoutMs)
  await check('window.xmtp exists when the first inline <head> script runs', async () => {
    const atParse = await evaluate(readParseTimeState)
    assert(atParse, 'the head script did not run')
    assert(atParse.hasProvider, 'window.xmtp was not defined at parse time')
    assert(atParse.isParley, 'window.xmtp is not Parley')
    assertEqual(atParse.scriptsSoFar, 1, 'scripts in the document when the head script ran')
    assertEqual(atParse.bodyExists, false, 'body exists at parse time')
  })

  await check('ping sent at parse time is answered by the background', async () => {
    const earlyPing = await evaluate(awaitParseTimePing)
    assert(earlyPing?.ok, `ping failed: ${JSON.stringify(earlyPing)}`)
    assertEqual(earlyPing.result.pong, true, 'pong')
    assertEqual(earlyPing.result.version, manifestVersion, 'version')
    assert(typeof earlyPing.result.startedAt === 'number', 'startedAt is not a number')
  })

  await check('ping through window.xmtp round-trips page → content → background', async () => {
    const outcome = await evaluate(requestInPage, { method: 'ping', params: [] })
    assert(outcome.ok, `ping failed: ${JSON.stringify(outcome)}`)
    assertEqual(outcome.result.version, manifestVersion, 'version')
  })

  await check('connect fired exactly once across several answers', async () => {
    await evaluate(requestInPage, { method: 'ping' })
    assertEqual(await evaluate(() => window.__connects), 1, 'connect events')
  })

  await check('a page script cannot replace window.xmtp or its request()', async () => {
    const outcome = await evaluate(() => {
      const before = window.xmtp
      try { window.xmtp = { fake: true } } catch {}
      try { window.xmtp.request = () => 'hijacked' } catch {}
      return { same: window.xmtp === before, requestIntact: window.xmtp.request.toString().indexOf('hijacked') === -1 }
    })
    assertEqual(outcome, { same: true, requestIntact: true }, 'provider after tampering')
  })

  await check('unknown method is rejected with 4200', async () => {
    const outcome = await evaluate(requestInPage, { method: 'eth_sendTransaction', params: [] })
    assertEqual([outcome.ok, outcome.code, outcome.name], [false, 4200, 'ProviderRpcError'], 'outcome')
  })

  await check('malformed requests are rejected with -32600', async () => {
    const outcomes = await evaluate(async () => {
      const attempt = (args) =>
        Promise.resolve()
          .then(() => window.xmtp.request(args))
          .then(() => 'resolved', (error) => error.code)
      return Promise.all([
        attempt('ping'),
        attempt(null),
        attempt({ method: '' }),
        attempt({ method: 7 }),
        attempt({ method: 'ping', params: 'x' }),
      ])
    })
    assertEqual(outcomes, [-32600, -32600, -32600, -32600, -32600], 'codes')
  })
}

/**
 * Stops the server without waiting on the browser: Chromium keeps idle and preconnected
 * sockets open, and server.close() alone then waits until Node's headers timeout drops
 * them (seen: 105 s, which failed a 60 s e2e check).
 */
function closeServer(server) {
  const closed = new Promise((resolve) => server.close(resolve))
  server.closeAllConnections()
  return closed
}
