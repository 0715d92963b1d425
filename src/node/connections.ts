// Connection caps: per client address and on the whole node, so one client cannot hold the
// process's descriptors. A connection over a cap is destroyed at once (no bytes read).
// Timeouts (headers, whole request, keep-alive) are Node's own, set in server.ts; what times
// out there is destroyed by the clientError handler here, not half-closed.

import type { Server, Socket } from 'node:net'
import type { Logger } from 'pino'

export interface ConnectionGuardOptions {
  logger: Logger
  maxConnections: number
  maxConnectionsPerIp: number
}

const STATUS: Record<string, string> = {
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
}

export class ConnectionGuard {
  private readonly byIp = new Map<string, number>()
  private refused = 0
  private total = 0

  constructor(server: Server, private readonly options: ConnectionGuardOptions) {
    // Node refuses (destroys) connections past maxConnections itself.
    server.maxConnections = options.maxConnections
    server.on('drop', () => this.noteRefused('node'))
    server.on('connection', (socket: Socket) => this.admit(socket))
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
      const status = STATUS[err.code ?? ''] ?? '400 Bad Request'
      options.logger.debug({ err: err.message, code: err.code }, 'malformed or timed-out HTTP; connection closed')
      if (socket.destroyed) return
      if (!socket.writable || err.code === 'ECONNRESET') {
        socket.destroy()
        return
      }
      // Answer, then destroy: ending alone would leave a half-closed socket holding its
      // descriptor for as long as the client keeps its side open.
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy())
      setTimeout(() => socket.destroy(), 1_000).unref()
    })
  }

  /** Refused connections so far (both caps). */
  get refusedCount(): number {
    return this.refused
  }

  /** Connections open now (admitted and not yet closed). */
  get openCount(): number {
    return this.total
  }

  private admit(socket: Socket): void {
    this.total++
    socket.once('close', () => this.total--)
    if (this.options.maxConnectionsPerIp === Infinity) return
    const ip = socket.remoteAddress ?? 'ip_unknown'
    const count = (this.byIp.get(ip) ?? 0) + 1
    if (count > this.options.maxConnectionsPerIp) {
      this.noteRefused('address', ip)
      socket.destroy()
      return
    }
    this.byIp.set(ip, count)
    socket.once('close', () => {
      const left = (this.byIp.get(ip) ?? 1) - 1
      if (left <= 0) this.byIp.delete(ip)
      else this.byIp.set(ip, left)
    })
  }

  private noteRefused(cap: 'node' | 'address', ip?: string): void {
    // One warning per 1,000 refusals: a flood must not flood the log too.
    if (this.refused++ % 1_000 === 0) this.options.logger.warn({ cap, ip, refused: this.refused }, 'connection refused: connection cap reached')
  }
}
