// Writing responses: CORS headers on everything (spec §12.7), JSON bodies, gzip for queries,
// and error bodies `{code, message, details}` (spec §12.5).

import type { IncomingMessage, ServerResponse } from 'node:http'
import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import { ApiError, GrpcCode } from '../errors.ts'

const gzipAsync = promisify(gzip)

export const CORS_ALLOW_HEADERS =
  'Content-Type,Accept,Authorization,X-Client-Version,X-App-Version,Baggage,DNT,Sec-CH-UA,Sec-CH-UA-Mobile,Sec-CH-UA-Platform,Sentry-Trace,User-Agent,x-libxmtp-version,x-app-version'
export const CORS_ALLOW_METHODS = 'GET,HEAD,POST,PUT,PATCH,DELETE'

export function setCorsHeaders(res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*')
}

/** Answers a CORS preflight with an empty 200. */
export function sendPreflight(res: ServerResponse): void {
  setCorsHeaders(res)
  res.setHeader('Access-Control-Allow-Headers', CORS_ALLOW_HEADERS)
  res.setHeader('Access-Control-Allow-Methods', CORS_ALLOW_METHODS)
  res.setHeader('Content-Length', '0')
  res.writeHead(200).end()
}

const GZIP_MIN_BYTES = 1024

export async function sendJson(req: IncomingMessage, res: ServerResponse, status: number, value: unknown, options: { gzip?: boolean } = {}): Promise<void> {
  let body: Buffer = Buffer.from(JSON.stringify(value), 'utf8')
  setCorsHeaders(res)
  res.setHeader('Content-Type', 'application/json')
  if (options.gzip && body.length >= GZIP_MIN_BYTES && acceptsGzip(req)) {
    // Level 1: most of the size win for a fraction of the CPU (envelopes are mostly ciphertext).
    body = await gzipAsync(body, { level: 1 })
    res.setHeader('Content-Encoding', 'gzip')
    res.setHeader('Vary', 'Accept-Encoding')
  }
  res.setHeader('Content-Length', String(body.length))
  res.writeHead(status).end(body)
}

function acceptsGzip(req: IncomingMessage): boolean {
  const header = req.headers['accept-encoding']
  if (typeof header !== 'string') return false
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().split(';')
    if (coding?.trim().toLowerCase() !== 'gzip') return false
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    return q === undefined || Number(q.slice(2)) > 0
  })
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err
  return new ApiError(GrpcCode.INTERNAL, 'internal error')
}

export function sendError(req: IncomingMessage, res: ServerResponse, error: ApiError): Promise<void> {
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value)
  return sendJson(req, res, error.status, error.toJson())
}
