// Reading a request body as JSON, whatever its Content-Type (xmtp-js sends text/plain). Every
// limit is enforced while reading, chunk by chunk, so an oversized, over-nested, stalled or
// abandoned body is never buffered whole: the size cap, a node-wide budget of buffered body
// bytes, an idle timeout, a per-chunk charge hook (rate limits) and the JSON guard.

import type { IncomingMessage } from 'node:http'
import { ApiError, GrpcCode, invalidArgument } from '../errors.ts'
import { JsonGuard, type JsonGuardLimits } from './json-guard.ts'

/**
 * Oversized bodies get HTTP 413 with code 8 (RESOURCE_EXHAUSTED, what gRPC says for a message
 * over its receive limit). The real gateway would turn code 8 into 429, which tells clients to
 * retry the same request; 413 says that retrying cannot help.
 */
export function bodyTooLarge(limit: number, hint?: string): ApiError {
  return new ApiError(GrpcCode.RESOURCE_EXHAUSTED, `request body is larger than the ${limit}-byte limit${hint ? ` (${hint})` : ''}`, { status: 413 })
}

/** The client closed or reset the connection before its body was complete: not our error. */
export class ClientGoneError extends Error {
  override readonly name = 'ClientGoneError'
}

/** Bytes of request bodies held at once, node-wide. */
export class BodyBudget {
  private held = 0
  constructor(readonly maxBytes: number) {}
  take(bytes: number): boolean {
    if (this.held + bytes > this.maxBytes) return false
    this.held += bytes
    return true
  }
  give(bytes: number): void {
    this.held = Math.max(0, this.held - bytes)
  }
  get heldBytes(): number {
    return this.held
  }
}

export interface ReadBodyOptions {
  maxBytes: number
  /** Said in a 413 (what bounds this endpoint's body). */
  hint?: string
  /** Longest silence between two chunks. */
  idleTimeoutMs: number
  guard: JsonGuardLimits
  /** Taken per chunk and given back by the caller with `body.length` once done with it. */
  budget?: BodyBudget
  /** Called with the running size after each chunk; throwing refuses the body (rate limits). */
  onProgress?: (bytesSoFar: number) => void
}

const busy = () =>
  new ApiError(GrpcCode.RESOURCE_EXHAUSTED, 'the node is reading too many request bodies at once; retry shortly', { headers: { 'Retry-After': '1' } })

export function readBody(req: IncomingMessage, options: ReadBodyOptions): Promise<Buffer> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > options.maxBytes) return Promise.reject(bodyTooLarge(options.maxBytes, options.hint))
  const guard = new JsonGuard(options.guard)
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    let timer: NodeJS.Timeout | undefined
    const armTimer = () => {
      clearTimeout(timer)
      timer = setTimeout(() => finish(new ApiError(GrpcCode.DEADLINE_EXCEEDED, `request body stalled for ${options.idleTimeoutMs} ms`, { status: 408 })), options.idleTimeoutMs)
      timer.unref()
    }
    const cleanup = () => {
      clearTimeout(timer)
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
      req.off('close', onClose)
    }
    const finish = (error?: unknown) => {
      if (settled) return
      settled = true
      cleanup()
      if (error === undefined) return resolve(Buffer.concat(chunks, size))
      options.budget?.give(size)
      chunks.length = 0
      // Stop reading: the caller answers (if the client is still there) and closes the connection.
      req.pause()
      reject(error)
    }
    const onData = (chunk: Buffer) => {
      if (settled) return
      armTimer()
      size += chunk.length
      try {
        if (size > options.maxBytes) throw bodyTooLarge(options.maxBytes, options.hint)
        if (options.budget && !options.budget.take(chunk.length)) {
          size -= chunk.length
          throw busy()
        }
        chunks.push(chunk)
        guard.feed(chunk)
        options.onProgress?.(size)
      } catch (err) {
        finish(err)
      }
    }
    const onEnd = () => finish()
    const onError = (err: Error) => finish(new ClientGoneError(`client went away mid-body: ${err.message}`))
    const onClose = () => {
      if (!req.complete) finish(new ClientGoneError('client went away mid-body'))
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
    req.on('close', onClose)
    armTimer()
  })
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
