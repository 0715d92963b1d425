// `npm start` (scripts/start.sh) as a newcomer meets it: a taken port or database is named in
// one sentence before anything is built, and the banner shows the port and database in use.

import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { startNode, type NodeProcess } from '../../src/node/testing/node-process.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'parley-start-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs start.sh to its end (the checks make it exit early). */
function start(env: Record<string, string>, args: string[] = ['--no-build']): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['scripts/start.sh', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** Whether something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** A port nobody listens on right now (bound, read, released). */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

let node: NodeProcess | undefined
let socket: Server | undefined
afterEach(async () => {
  await node?.stop()
  node = undefined
  await new Promise((resolve) => (socket ? socket.close(resolve) : resolve(undefined)))
  socket = undefined
})

describe('npm start checks the port first', () => {
  it('names another program on the port and how to choose another, without building', async () => {
    // Reads and never answers: a program that is not a Parley node (resume() lets it see the
    // client's close, so the server can close after the test).
    socket = createServer((connection) => connection.resume())
    await new Promise<void>((resolve) => socket!.listen(0, '127.0.0.1', resolve))
    const port = (socket.address() as { port: number }).port
    const run = await start({ PORT: String(port) }, [])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(new RegExp(`^error: Port ${port} is taken by another program, not a Parley node \\(pid ${process.pid}: \\S*node`, 'm'))
    expect(run.stderr).toMatch(/stop it, or choose a free port: PORT=\d+ npm start\n$/)
    expect(run.stdout).not.toContain('building')
    expect(run.stderr).not.toContain('EADDRINUSE')
  })

  it('recognises a running Parley node by its /healthz and says it can be used as it is', async () => {
    node = await startNode({ auth: false, db: join(dir, 'held.db') })
    const run = await start({ PORT: String(node.port) })
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(
      new RegExp(`^error: Port ${node.port} is taken by a Parley node that is already running \\(pid ${node.pid}, up \\d+ s, 0 envelopes\\): the extension can use it as it is at http://127\\.0\\.0\\.1:${node.port}, or start another node on a free port: PORT=\\d+ npm start\\n$`),
    )
  })

  it('refuses a database file another node holds, naming that node', async () => {
    const db = join(dir, 'shared.db')
    node = await startNode({ auth: false, db })
    const run = await start({ PORT: String(await freePort()), PARLEY_DB: db })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`error: The database ${db} is held by another Parley node (pid ${node.pid}, at http://127.0.0.1:${node.port})`)
    expect(run.stderr).toContain(`give this one its own file: PARLEY_DB=${join(dir, 'shared-2.db')} npm start`)
  })

  it('refuses a PORT that is not a port, and unknown options', async () => {
    const bad = await start({ PORT: 'eighty' })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('error: PORT must be a whole number from 0 to 65535 (0 picks a free one), got "eighty"')
    const unknown = await start({}, ['--frobnicate'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('error: unknown option "--frobnicate"')
    expect(unknown.stderr).toContain('Usage: npm start')
  })
})

describe('the banner', () => {
  it('shows the port and database in use and the node URL to enter when not the default; leaves nothing running', async () => {
    const port = await freePort()
    const examplePort = await freePort()
    const db = join(dir, 'banner.db')
    const env = { ...process.env, PORT: String(port), GRPC_PORT: '0', EXAMPLE_PORT: String(examplePort), PARLEY_DB: db }
    const child = spawn('bash', ['scripts/start.sh', '--no-build'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    child.stdout.setEncoding('utf8')
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line:\n${stdout}`)), 50_000)
      child.stdout.on('data', (d: string) => {
        stdout += d
        if (stdout.includes('Parley node listening on') && stdout.includes('example dapp:')) {
          clearTimeout(timer)
          resolve()
        }
      })
      void exited.then(() => reject(new Error(`start.sh exited:\n${stdout}`)))
    })
    expect(stdout).toContain(`==> example dapp: http://127.0.0.1:${examplePort}/`)
    expect(await listening(examplePort)).toBe(true)
    // start.sh execs the node: its pid is the node's, and SIGTERM stops it cleanly.
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    // The example dapp's server, started in the background, goes with the node (a CI run used
    // to leave it holding its port).
    await expect.poll(() => listening(examplePort), { timeout: 5_000, interval: 100 }).toBe(false)

    expect(stdout).toContain(`${ROOT}dist/chrome\n`)
    expect(stdout).toContain(`${ROOT}dist/firefox/manifest.json\n`)
    expect(stdout).toContain(`==> starting the XMTP node at http://127.0.0.1:${port} (database: ${db}; Ctrl+C to stop)`)
    expect(stdout).toContain(`Not the extension's default node (http://127.0.0.1:5555): enter http://127.0.0.1:${port} as the node URL in Parley's settings.`)
    expect(stdout).not.toContain('5555 (database')
    expect(stdout).toContain(`Parley node listening on http://127.0.0.1:${port}\n`)
  })
})
