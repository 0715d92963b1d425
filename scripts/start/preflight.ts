// `npm start`'s checks before it builds anything: is the port free, and is the database file
// free of another node? When not, one sentence says what holds it and how to choose another.
//
//   node --import tsx scripts/start/preflight.ts --host 127.0.0.1 --port 5555 --db data/parley-node.db
//
// Exit 0 (silent) when both are free, 1 with the sentence on stderr when not, 2 for a bad value.

import { createServer } from 'node:net'
import { parseArgs } from 'node:util'
import { commandOf, pidsHoldingFile, pidsListeningOn, portsOf } from './processes.ts'

export type PortState = { free: true } | { free: false; code: string }

/** Tries to bind, as the node will: the only test that sees every kind of holder. */
export function probePort(host: string, port: number): Promise<PortState> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', (err: NodeJS.ErrnoException) => resolve({ free: false, code: err.code ?? 'UNKNOWN' }))
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve({ free: true })))
  })
}

export interface ParleyHealth {
  envelopes: number
  uptimeSeconds: number
}

/** What a Parley node answers on /healthz; undefined for anything else (or no answer in time). */
export async function parleyHealth(url: string, timeoutMs = 2_000): Promise<ParleyHealth | undefined> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(timeoutMs) })
    if (!response.ok) return undefined
    const body = (await response.json()) as Record<string, unknown>
    if (body.status !== 'ok' || typeof body.envelopes !== 'number' || typeof body.uptimeSeconds !== 'number') return undefined
    return { envelopes: body.envelopes, uptimeSeconds: body.uptimeSeconds }
  } catch {
    return undefined
  }
}

/** The first free port after `port`, to suggest one that works. */
export async function freePortAfter(host: string, port: number): Promise<number | undefined> {
  for (let candidate = port + 1; candidate <= Math.min(port + 100, 65535); candidate++) {
    if ((await probePort(host, candidate)).free) return candidate
  }
  return undefined
}

function uptime(seconds: number): string {
  if (seconds < 120) return `${seconds} s`
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`
  return `${Math.round(seconds / 3600)} h`
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

function who(pid: number): string {
  const command = commandOf(pid)
  return command ? `pid ${pid}: ${command}` : `pid ${pid}`
}

/** Undefined when the port is free; otherwise the sentence to print. */
export async function checkPort(host: string, port: number): Promise<string | undefined> {
  const state = await probePort(host, port)
  if (state.free) return undefined
  if (state.code === 'EACCES') return `Port ${port} needs privileges this user does not have; choose one above 1023: PORT=5555 npm start`
  if (state.code !== 'EADDRINUSE') return `Port ${port} on ${host} cannot be used (${state.code}); choose another: PORT=5555 npm start`
  const free = await freePortAfter(host, port)
  const another = free === undefined ? 'PORT=<another port> npm start' : `PORT=${free} npm start`
  const url = `http://${host}:${port}`
  const pids = pidsListeningOn(port)
  const health = await parleyHealth(url)
  if (health) {
    const facts = [...(pids.length > 0 ? [`pid ${pids.join(', ')}`] : []), `up ${uptime(health.uptimeSeconds)}`, plural(health.envelopes, 'envelope')]
    return `Port ${port} is taken by a Parley node that is already running (${facts.join(', ')}): the extension can use it as it is at ${url}, or start another node on a free port: ${another}`
  }
  const holder = pids.length > 0 ? pids.map(who).join('; ') : 'its process is not visible to this user'
  return `Port ${port} is taken by another program, not a Parley node (${holder}; it does not answer /healthz as one): stop it, or choose a free port: ${another}`
}

/** Undefined when no other node holds the database; otherwise the sentence to print. */
export async function checkDatabase(db: string, suggestion: string): Promise<{ error?: string; note?: string }> {
  if (db === ':memory:' || db === '') return {}
  const holders = pidsHoldingFile(db)
  if (holders.length === 0) return {}
  for (const pid of holders) {
    const urls = portsOf(pid).map((port) => `http://127.0.0.1:${port}`)
    let at: string | undefined
    for (const url of urls) if (await parleyHealth(url)) at = url
    const command = commandOf(pid) ?? ''
    if (at || /\bsrc\/node\/cli\.ts\b|parley-node/.test(command)) {
      const where = at ? `pid ${pid}, at ${at}` : `pid ${pid}`
      return {
        error:
          `The database ${db} is held by another Parley node (${where}); two nodes on one SQLite file would not see each other's ` +
          `subscriptions, so use that node as it is, stop it, or give this one its own file: ${suggestion}`,
      }
    }
  }
  // A reader such as the sqlite3 shell is harmless in WAL mode: say so and go on.
  return { note: `The database ${db} is also open in ${holders.map(who).join('; ')}; SQLite allows that, starting anyway.` }
}

export function dbSuggestion(db: string): string {
  const other = db.replace(/(\.db)?$/, (ext) => `-2${ext || '.db'}`)
  return `PARLEY_DB=${other} npm start`
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { host: { type: 'string' }, port: { type: 'string' }, db: { type: 'string' } } })
  const host = values.host ?? '127.0.0.1'
  const portText = values.port ?? ''
  if (!/^[0-9]+$/.test(portText) || Number(portText) > 65535) {
    process.stderr.write(`error: PORT must be a whole number from 0 to 65535 (0 picks a free one), got "${portText}"\n`)
    return 2
  }
  const port = Number(portText)
  if (port !== 0) {
    const busy = await checkPort(host, port)
    if (busy) {
      process.stderr.write(`error: ${busy}\n`)
      return 1
    }
  }
  const db = values.db ?? ''
  const { error, note } = await checkDatabase(db, dbSuggestion(db))
  if (error) {
    process.stderr.write(`error: ${error}\n`)
    return 1
  }
  if (note) process.stderr.write(`note: ${note}\n`)
  return 0
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`error: the start checks failed: ${err instanceof Error ? err.message : String(err)}\n`)
      process.exit(1)
    },
  )
}
