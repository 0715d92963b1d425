// Test-only: a tiny node:http server for fault injection in the API client's unit
// tests (429s, 401s, malformed bodies, split stream chunks, dropped streams). It
// speaks just enough of the message API (via src/wire/message-api.ts) to be driven by a test; the
// real node is exercised by the *.int.test.ts files.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RecordedRequest {
  path: string
  headers: IncomingMessage['headers']
  body: any
}

export type Handler = (request: RecordedRequest, res: ServerResponse, req: IncomingMessage) => void | Promise<void>

export interface FaultServer {
  url: string
  requests: RecordedRequest[]
  /** Replace the handler mid-test. */
  handle(handler: Handler): void
  close(): Promise<void>
}

export async function startFaultServer(handler: Handler): Promise<FaultServer> {
  let current = handler
  const requests: RecordedRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      let body: unknown
      try {
        body = text ? JSON.parse(text) : undefined
      } catch {
        body = text
      }
      const record = { path: req.url ?? '', headers: req.headers, body }
      requests.push(record)
      Promise.resolve(current(record, res, req)).catch(() => res.destroy())
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle(next) {
      current = next
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Writes a unary JSON answer. */
export function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(typeof body === 'string' ? body : JSON.stringify(body))
}

/** A port nothing listens on (bound, then released). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
