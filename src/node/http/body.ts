// Reading a request body as JSON, whatever its Content-Type (xmtp-js sends text/plain), with a
// size cap enforced while reading so an oversized body is never buffered whole.

import type { IncomingMessage } from 'node:http'
import { ApiError, GrpcCode, invalidArgument } from '../errors.ts'

/**
 * Oversized bodies get HTTP 413 with code 8 (RESOURCE_EXHAUSTED, what gRPC says for a message
 * over its receive limit). The real gateway would turn code 8 into 429, which tells clients to
 * retry the same request; 413 says that retrying cannot help.
 */
export function bodyTooLarge(limit: number): ApiError {
  return new ApiError(GrpcCode.RESOURCE_EXHAUSTED, `request body is larger than the ${limit}-byte limit`, { status: 413 })
}

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) throw bodyTooLarge(limit)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw bodyTooLarge(limit)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks, size)
}

/** Parses a JSON body; an empty body is the empty message `{}` as grpc-gateway treats it. */
export function parseJsonBody(body: Buffer): unknown {
  const text = body.toString('utf8').trim()
  if (text === '') return {}
  try {
    return JSON.parse(text)
  } catch (err) {
    const detail = err instanceof SyntaxError ? `: ${err.message}` : ''
    throw invalidArgument(`request body is not valid JSON${detail}`)
  }
}
