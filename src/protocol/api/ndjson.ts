// Newline-delimited JSON over a streaming fetch body (§12.4): bytes arrive in
// arbitrary chunks, so a line (and even a UTF-8 sequence) may be split across them.

import { NetworkError, ResponseFormatError } from './errors.ts'

/**
 * Yields each complete line of `body` (without the newline; a trailing `\r` and blank
 * lines dropped). A final line without a newline is yielded at the end. A line longer
 * than `maxLineChars` is a ResponseFormatError; a body that breaks off is a NetworkError
 * (unless `signal` aborted, in which case the generator just ends).
 */
export async function* readLines(body: ReadableStream<Uint8Array>, maxLineChars: number, signal?: AbortSignal): AsyncGenerator<string, void, undefined> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>
      try {
        chunk = await reader.read()
      } catch (error) {
        if (signal?.aborted) return
        throw new NetworkError('subscribe stream broke off', { method: 'subscribe', httpStatus: 200, cause: error })
      }
      if (chunk.done) break
      buffer += decoder.decode(chunk.value, { stream: true })
      let newline: number
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, '')
        buffer = buffer.slice(newline + 1)
        if (line.trim().length > 0) yield line
      }
      if (buffer.length > maxLineChars) {
        throw new ResponseFormatError(`subscribe stream line exceeds ${maxLineChars} characters`, { method: 'subscribe', httpStatus: 200 })
      }
    }
    buffer += decoder.decode()
    if (buffer.trim().length > 0) yield buffer.replace(/\r$/, '')
  } finally {
    reader.cancel().catch(() => {})
  }
}
