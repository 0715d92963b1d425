// The malformed-body attacker of bench/node.ts, in a process of its own so its CPU does not
// slow the client that measures: two connections at a time, each sending a maximal body of `[`
// (publish takes the largest body; a query's cap is far smaller), until SIGTERM; then it
// prints `{"attacks": n, "bytes": n}`.
//   tsx bench/lib/attacker.ts <base url> <publish body bytes> <query body bytes>

import { request } from 'node:http'

const [base, publishBytes, queryBytes] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4])]
const fill = Buffer.alloc(1024 * 1024, '[')
let running = true
let attacks = 0
let bytes = 0

function attackOnce(url: string, size: number): Promise<void> {
  return new Promise((resolve) => {
    let sent = 0
    const done = () => {
      bytes += sent
      attacks++
      resolve()
    }
    const req = request(url, { method: 'POST', agent: false, headers: { 'Content-Length': String(size) } }, (res) => {
      res.resume()
      res.on('end', done)
      res.on('error', done)
    })
    req.on('error', done)
    const pump = () => {
      while (sent < size && !req.destroyed) {
        const chunk = fill.subarray(0, Math.min(fill.length, size - sent))
        sent += chunk.length
        if (!req.write(chunk)) return void req.once('drain', pump)
      }
      req.end()
    }
    pump()
  })
}

async function loop(path: string, size: number) {
  while (running) await attackOnce(`${base}/message/v1/${path}`, size)
}

const loops = [loop('publish', publishBytes), loop('query', queryBytes)]
process.on('SIGTERM', () => {
  running = false
  void Promise.all(loops).then(() => {
    process.stdout.write(JSON.stringify({ attacks, bytes }) + '\n')
    process.exit(0)
  })
})
process.stdout.write('ready\n')
