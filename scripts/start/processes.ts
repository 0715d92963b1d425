// Who holds a port or a file, read from Linux's /proc (no lsof/fuser needed). Every function
// answers "unknown" (an empty list, undefined) where /proc is missing or a process belongs to
// another user: the start script then says less, never something false.

import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs'

const PROC = '/proc'

function pids(): number[] {
  try {
    return readdirSync(PROC)
      .filter((name) => /^[0-9]+$/.test(name))
      .map(Number)
  } catch {
    return []
  }
}

/** The targets of a process's open file descriptors (files, `socket:[inode]`, …). */
function openTargets(pid: number): string[] {
  const dir = `${PROC}/${pid}/fd`
  let fds: string[]
  try {
    fds = readdirSync(dir)
  } catch {
    return []
  }
  const targets: string[] = []
  for (const fd of fds) {
    try {
      targets.push(readlinkSync(`${dir}/${fd}`))
    } catch {
      // closed meanwhile
    }
  }
  return targets
}

interface Listener {
  port: number
  inode: string
}

/** Listening TCP sockets (IPv4 and IPv6) of the whole machine, by port and socket inode. */
function listeners(): Listener[] {
  const found: Listener[] = []
  for (const table of ['tcp', 'tcp6']) {
    let text: string
    try {
      text = readFileSync(`${PROC}/net/${table}`, 'utf8')
    } catch {
      continue
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/)
      // sl local_address rem_address st … uid timeout inode; st 0A = LISTEN
      if (fields.length < 10 || fields[3] !== '0A') continue
      const port = parseInt(fields[1]!.split(':')[1]!, 16)
      found.push({ port, inode: fields[9]! })
    }
  }
  return found
}

/** Processes with a socket listening on `port`. */
export function pidsListeningOn(port: number): number[] {
  const inodes = new Set(listeners().filter((l) => l.port === port).map((l) => `socket:[${l.inode}]`))
  if (inodes.size === 0) return []
  return pids().filter((pid) => openTargets(pid).some((target) => inodes.has(target)))
}

/** The TCP ports a process listens on. */
export function portsOf(pid: number): number[] {
  const targets = new Set(openTargets(pid))
  return [...new Set(listeners().filter((l) => targets.has(`socket:[${l.inode}]`)).map((l) => l.port))]
}

/** Processes other than `exceptPid` with `file` (or its SQLite -wal/-shm companions) open. */
export function pidsHoldingFile(file: string, exceptPid = process.pid): number[] {
  let real: string
  try {
    real = realpathSync(file)
  } catch {
    return [] // no such file yet: nobody holds it
  }
  const names = new Set([real, `${real}-wal`, `${real}-shm`])
  return pids().filter((pid) => pid !== exceptPid && openTargets(pid).some((target) => names.has(target)))
}

/** A process's command line, shortened for one sentence; undefined when it cannot be read. */
export function commandOf(pid: number, max = 90): string | undefined {
  let raw: string
  try {
    raw = readFileSync(`${PROC}/${pid}/cmdline`, 'utf8')
  } catch {
    return undefined
  }
  const text = raw.split('\0').filter(Boolean).join(' ')
  if (text === '') return undefined
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
