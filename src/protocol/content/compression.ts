// EncodedContent compression (§10.3) over the Compression Streams API, which Node 20, browsers
// and MV3 service workers all provide. DEFLATE here is the zlib-wrapped "deflate" format.
import { Compression } from './codec.ts'
import { DecompressedSizeError, MalformedContentError } from './errors.ts'
import { inflateBounded } from './inflate-bounded.ts'

/** Default cap on decompressed output: a bomb-sized payload fails instead of exhausting memory. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 10 * 1024 * 1024

/**
 * Cap on one message's decompressed content: the node's message size (1 MiB, spec §13.1),
 * which is what an uncompressed message can carry anyway (issue 19).
 */
export const MAX_MESSAGE_INFLATED_BYTES = 1024 * 1024

/**
 * Bytes a run of decoding (one sync pass) may still inflate, over all its messages: past it,
 * compressed messages are not inflated at all and show as too large (issue 19).
 */
export class InflateBudget {
  #remaining: number

  constructor(bytes: number) {
    if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError('bytes must be a non-negative safe integer')
    this.#remaining = bytes
  }

  get remaining(): number {
    return this.#remaining
  }

  spend(bytes: number): void {
    this.#remaining = Math.max(0, this.#remaining - bytes)
  }
}

function streamFormat(compression: Compression): CompressionFormat {
  switch (compression) {
    case Compression.COMPRESSION_DEFLATE:
      return 'deflate'
    case Compression.COMPRESSION_GZIP:
      return 'gzip'
    default:
      throw new RangeError(`compression ${String(compression)} is not supported`)
  }
}

/** True when the value is one of the Compression enum members. */
export function isCompression(value: unknown): value is Compression {
  return value === Compression.COMPRESSION_DEFLATE || value === Compression.COMPRESSION_GZIP
}

async function collect(readable: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const reader = readable.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.length
    if (total > limit) {
      await reader.cancel().catch(() => undefined)
      throw new DecompressedSizeError(limit)
    }
    chunks.push(value)
  }
  const out = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.length
  }
  return out
}

async function pump(
  transform: CompressionStream | DecompressionStream,
  input: Uint8Array,
  limit: number,
): Promise<Uint8Array> {
  const writer = transform.writable.getWriter()
  // Write and read concurrently: the stream applies backpressure, and a corrupt input
  // surfaces as a rejected read; the write side's own rejection is then redundant.
  const writing = writer
    .write(input as Uint8Array<ArrayBuffer>)
    .then(() => writer.close())
    .catch(() => undefined)
  try {
    return await collect(transform.readable as ReadableStream<Uint8Array>, limit)
  } finally {
    await writing
  }
}

/** Compresses bytes with the given algorithm. */
export async function compress(input: Uint8Array, compression: Compression): Promise<Uint8Array> {
  if (!(input instanceof Uint8Array)) throw new TypeError('input must be a Uint8Array')
  if (!isCompression(compression)) throw new RangeError(`compression ${String(compression)} is not supported`)
  return pump(new CompressionStream(streamFormat(compression)), input, Number.MAX_SAFE_INTEGER)
}

/**
 * Decompresses bytes, failing with DecompressedSizeError once the output passes `maxBytes`
 * and with MalformedContentError when the input is not a valid stream of that format.
 *
 * Inflation is streamed a slice of input at a time (fflate), so a bomb stops within one
 * slice's worth of output past the cap: DEFLATE expands at most ~1032:1, and a slice is
 * 1 KiB, so no more than about 1 MiB beyond `maxBytes` is ever produced (issue 19). The
 * zlib Adler-32 and the gzip CRC-32 and length are checked at the end.
 */
export async function decompress(
  input: Uint8Array,
  compression: Compression,
  maxBytes: number = DEFAULT_MAX_DECOMPRESSED_BYTES,
): Promise<Uint8Array> {
  if (!(input instanceof Uint8Array)) throw new TypeError('input must be a Uint8Array')
  if (!isCompression(compression)) throw new RangeError(`compression ${String(compression)} is not supported`)
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RangeError('maxBytes must be a non-negative safe integer')
  return inflateBounded(input, compression, maxBytes)
}
