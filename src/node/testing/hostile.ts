// Helpers for the hostile-input tests: a process's resident memory, raw sockets from a chosen
// loopback address, and a latency probe that keeps asking /healthz while an attack runs.

import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { connect, type Socket } from 'node:net'

/** Resident set size of a process in MiB (Linux /proc). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1])
  return kb / 1024
}

/** A raw TCP connection to the node, from `localAddress` (any 127.x.y.z on Linux). */
export function rawSocket(port: number, options: { localAddress?: string; allowHalfOpen?: boolean } = {}): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress: options.localAddress, allowHalfOpen: options.allowHalfOpen ?? false })
    socket.once('connect', () => resolve(socket))
    socket.once('error', reject)
  })
}

/** Resolves when the socket is fully closed (by either side), or rejects after `timeoutMs`. */
export function closed(socket: Socket, timeoutMs: number): Promise<void> {
  if (socket.destroyed) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms`)), timeoutMs)
    socket.once('close', () => {
      clearTimeout(timer)
      resolve()
    })
    socket.on('error', () => {}) // a reset is a close too
  })
}

export interface Reply {
  status: number
  body: string
}

/** One HTTP request from `localAddress` on a fresh connection (fetch cannot choose its source address). */
export function requestFrom(url: string, options: { localAddress?: string; method?: string; body?: string; timeoutMs?: number; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', localAddress: options.localAddress, agent: false, headers: options.headers, timeout: options.timeoutMs ?? 10_000 },
      (res) => {
        let body = ''
        res.setEncoding('utf8').on('data', (d: string) => (body += d))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs ?? 10_000} ms`)))
    req.on('error', reject)
    req.end(options.body)
  })
}

/**
 * Asks /healthz every `everyMs` until stopped; `stop()` resolves with the slowest answer's
 * latency in ms (an answer that never came counts as the time it was outstanding).
 */
export function healthProbe(baseUrl: string, everyMs = 50): { stop(): Promise<{ maxMs: number; answers: number }> } {
  let running = true
  let maxMs = 0
  let answers = 0
  const loop = (async () => {
    while (running) {
      const started = Date.now()
      const reply = await requestFrom(`${baseUrl}/healthz`, { localAddress: '127.0.0.3', timeoutMs: 60_000 }).catch(() => undefined)
      maxMs = Math.max(maxMs, Date.now() - started)
      if (reply?.status === 200) answers++
      await new Promise((r) => setTimeout(r, everyMs))
    }
  })()
  return {
    async stop() {
      running = false
      await loop
      return { maxMs, answers }
    },
  }
}

/** A fast deterministic PRNG (mulberry32), so a failing fuzz run can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
