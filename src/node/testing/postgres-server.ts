// A private PostgreSQL server for a test that must stop and restart the database under a
// running node (the shared one from scripts/with-postgres.sh serves other test files at the
// same time). initdb into a temporary folder, pg_ctl on a free loopback port; as root the
// cluster belongs to the `postgres` user, since initdb refuses to run as root.

import { execFile } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

function pgBin(): string {
  const fromScript = process.env.PARLEY_PG_BIN
  if (fromScript && existsSync(join(fromScript, 'pg_ctl'))) return fromScript
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : []
  for (const version of versions) {
    const bin = `/usr/lib/postgresql/${version}/bin`
    if (existsSync(join(bin, 'pg_ctl'))) return bin
  }
  throw new Error('PostgreSQL binaries not found: run the tests through scripts/with-postgres.sh, which installs them')
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

export interface PostgresServer {
  /** Superuser URL of the `postgres` database. */
  url: string
  /** pg_ctl stop -m fast: open connections are terminated, as in a real restart. */
  stop(): Promise<void>
  start(): Promise<void>
  /** Stops the server (if running) and deletes its folder. */
  destroy(): Promise<void>
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = pgBin()
  const dir = mkdtempSync(join(tmpdir(), 'parley-pg-private-'))
  const data = join(dir, 'data')
  const asRoot = userInfo().uid === 0
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres'])
    const { stdout: gid } = await run('id', ['-g', 'postgres'])
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()))
    chmodSync(dir, 0o700)
  }
  const owner = (command: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, command), ...args]) : run(join(bin, command), args))
  await owner('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '-N'])
  const port = await freePort()
  let running = false
  const start = async () => {
    await owner('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}`, 'start'])
    running = true
  }
  const stop = async () => {
    await owner('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop'])
    running = false
  }
  await start()
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    destroy: async () => {
      // Immediate: no shutdown checkpoint for a cluster about to be deleted.
      if (running) await owner('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
