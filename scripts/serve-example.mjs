// Serves the example dapp (examples/dapp) on 127.0.0.1 and prints its URL.
// Usage: node scripts/serve-example.mjs [--port N] [--exit-with PID]
//   --port N         default 5580 ($EXAMPLE_PORT); 0 picks a free port. Not 5556: that is the
//                    node's gRPC port, as on node-go.
//   --exit-with PID  stop when process PID is gone (npm start passes its own pid, which becomes
//                    the node's: the dapp server then never outlives the node, however it ends)
// Also importable: startExampleServer({ port, host }) → { url, close } (the e2e tests use it).
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { dirname, extname, join, normalize, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

export const DEFAULT_EXAMPLE_PORT = 5580
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'dapp')
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' }

export async function startExampleServer({ port = 0, host = '127.0.0.1' } = {}) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    const file = normalize(join(ROOT, path === '/' ? 'index.html' : path))
    if (!file.startsWith(ROOT + sep) || !(extname(file) in TYPES)) return void res.writeHead(404).end('not found')
    try {
      const body = await readFile(file)
      res.writeHead(200, { 'content-type': TYPES[extname(file)], 'cache-control': 'no-store' }).end(body)
    } catch {
      res.writeHead(404).end('not found')
    }
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, resolve)
  })
  const url = `http://${host}:${server.address().port}/`
  return { url, close: () => closeServer(server) }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--port')
  const port = i > 0 ? Number(process.argv[i + 1]) : Number(process.env.EXAMPLE_PORT || DEFAULT_EXAMPLE_PORT)
  const w = process.argv.indexOf('--exit-with')
  if (w > 0) exitWith(Number(process.argv[w + 1]))
  try {
    const { url } = await startExampleServer({ port })
    console.log(`==> example dapp: ${url}  (open it in the browser with Parley loaded)`)
  } catch (error) {
    console.error(`example dapp: could not listen on 127.0.0.1:${port} (${error.code ?? error.message}); set EXAMPLE_PORT to another port`)
    process.exit(1)
  }
}

/** Exits once process `pid` has ended (checked twice a second; signal 0 only probes). */
function exitWith(pid) {
  if (!Number.isInteger(pid) || pid <= 0) {
    console.error(`example dapp: --exit-with needs a process id, got "${process.argv[process.argv.indexOf('--exit-with') + 1]}"`)
    process.exit(2)
  }
  setInterval(() => {
    try {
      process.kill(pid, 0)
    } catch (error) {
      if (error.code === 'ESRCH') process.exit(0)
    }
  }, 500)
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
