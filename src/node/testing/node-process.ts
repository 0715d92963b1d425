// Starts a real node process (`node --import tsx src/node/cli.ts`) for integration and
// interop tests. One OS process, so `pid` is the node itself and kill('SIGKILL') kills it.
//
//   const node = await startNode({ auth: true })
//   ... fetch(`${node.url}/message/v1/query`, …) or Client.create(wallet, { apiUrl: node.url }) ...
//   await node.stop()

import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { DATABASE_URL_ENV, GRPC_LISTENING_LINE, LISTENING_LINE } from '../config.ts'
import { createTestDatabase, testStoreKind } from './postgres.ts'

const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

export interface StartNodeOptions {
  /**
   * SQLite file or `:memory:` (default). Reuse a file to restart on the same data. With
   * PARLEY_TEST_STORE=postgres the node runs on PostgreSQL instead: a fresh database for
   * `:memory:`, and the same database each time for the same file path.
   */
  db?: string
  /** Run on this PostgreSQL database (given to the node in PARLEY_DATABASE_URL), e.g. two nodes on one. */
  databaseUrl?: string
  /** Publish authentication (default true, as in production). */
  auth?: boolean
  /**
   * Rate limits per client IP; false turns them off. Default: the node's defaults
   * (4000/min burst 20000 calls, 600/min burst 3000 published envelopes).
   */
  rateLimits?: false | { default?: { perMinute: number; burst: number }; publish?: { perMinute: number; burst: number } }
  /** Durability mode of SQLite (default full). */
  sync?: 'full' | 'normal'
  /** Extra CLI flags, e.g. ['--max-body-bytes', '4096']. */
  args?: string[]
  /** Extra environment variables for the process. */
  env?: Record<string, string>
  /** Node log level (default warn, to keep test output quiet; 'debug' logs every request). */
  logLevel?: string
  /** Serve gRPC on a free port (default true); false passes --no-grpc. */
  grpc?: boolean
  /** How long to wait for the listening line (default 20 s). */
  timeoutMs?: number
}

export interface NodeProcess {
  /** Base URL, e.g. http://127.0.0.1:40123 (no trailing slash, as xmtp-js wants apiUrl). */
  url: string
  port: number
  /** `127.0.0.1:<port>` of the gRPC API; undefined with `grpc: false`. */
  grpcAddress: string | undefined
  pid: number
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string
  /** SIGTERM and wait for exit; resolves with the exit code (0 on a clean stop). */
  stop(): Promise<number | null>
  /** Sends a signal (default SIGKILL) and waits until the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const running = new Set<ChildProcess>()
let exitHookInstalled = false

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  // Never leave a node behind when the test process ends.
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL')
  })
}

function flag(limit: { perMinute: number; burst: number }): string {
  return `${limit.perMinute}/${limit.burst}`
}

export function nodeArgs(options: StartNodeOptions = {}): string[] {
  const store = options.databaseUrl ? ['--store', 'postgres'] : ['--db', options.db ?? ':memory:']
  const args = ['--port', '0', '--host', '127.0.0.1', ...store, '--log-level', options.logLevel ?? 'warn']
  // Never the default 5556: tests run side by side, and a developer's node may hold it.
  args.push(...(options.grpc === false ? ['--no-grpc'] : ['--grpc-port', '0']))
  if (options.auth === false) args.push('--no-auth')
  if (options.rateLimits === false) args.push('--no-rate-limits')
  else if (options.rateLimits) {
    if (options.rateLimits.default) args.push('--rate-default', flag(options.rateLimits.default))
    if (options.rateLimits.publish) args.push('--rate-publish', flag(options.rateLimits.publish))
  }
  if (options.sync && !options.databaseUrl) args.push('--sync', options.sync) // SQLite's setting
  return [...args, ...(options.args ?? [])]
}

export async function startNode(options: StartNodeOptions = {}): Promise<NodeProcess> {
  if (!options.databaseUrl && testStoreKind() === 'postgres') {
    const db = options.db ?? ':memory:'
    options = { ...options, databaseUrl: await createTestDatabase(db === ':memory:' ? undefined : db) }
  }
  return spawnNode(options)
}

function spawnNode(options: StartNodeOptions): Promise<NodeProcess> {
  installExitHook()
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...nodeArgs(options)], {
    cwd: ROOT,
    env: { ...process.env, ...(options.databaseUrl ? { [DATABASE_URL_ENV]: options.databaseUrl } : {}), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  let output = ''
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child)
      resolve({ code, signal })
    })
  })
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))

  return new Promise((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 20_000
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`node did not start within ${timeoutMs} ms; output:\n${output}`))
    }, timeoutMs)
    const onData = () => {
      const at = output.indexOf(LISTENING_LINE)
      if (at < 0) return
      const end = output.indexOf('\n', at)
      if (end < 0) return
      const url = output.slice(at + LISTENING_LINE.length, end).trim()
      const grpcAt = output.indexOf(GRPC_LISTENING_LINE)
      const grpcAddress = grpcAt < 0 ? undefined : output.slice(grpcAt + GRPC_LISTENING_LINE.length, output.indexOf('\n', grpcAt)).trim()
      clearTimeout(timer)
      child.stdout!.off('data', onData)
      const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal)
        await exited
      }
      resolve({
        url,
        port: Number(new URL(url).port),
        grpcAddress,
        pid: child.pid!,
        output: () => output,
        exited,
        kill,
        stop: async () => {
          await kill('SIGTERM')
          return (await exited).code
        },
      })
    }
    child.stdout!.on('data', onData)
    void exited.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(new Error(`node exited before listening (code ${code}, signal ${signal}); output:\n${output}`))
    })
  })
}
