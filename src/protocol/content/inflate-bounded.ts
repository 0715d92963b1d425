// Bounded inflation for compressed EncodedContent (§10.3, issue 19). Streams the compressed
// input into fflate a small slice at a time and stops as soon as the output passes the cap,
// so a deflate bomb is never inflated beyond about one slice's expansion past it; then checks
// the format's own integrity field (zlib Adler-32, gzip CRC-32 and length), as zlib would.
import { Gunzip, Unzlib } from 'fflate'
import { Compression } from './codec.ts'
import { DecompressedSizeError, MalformedContentError } from './errors.ts'

/** Compressed bytes handed to the inflater at a time (≤ ~1 MiB of output each at DEFLATE's worst ratio). */
const SLICE_BYTES = 1024

class OverCap extends Error {}

let crcTable: Uint32Array | undefined
function crc32Table(): Uint32Array {
  if (crcTable) return crcTable
  crcTable = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    crcTable[n] = c >>> 0
  }
  return crcTable
}

/** Inflates `input` (zlib-wrapped DEFLATE or gzip) into at most `maxBytes` bytes. */
export async function inflateBounded(input: Uint8Array, compression: Compression, maxBytes: number): Promise<Uint8Array> {
  const format = compression === Compression.COMPRESSION_GZIP ? 'gzip' : 'deflate'
  const chunks: Uint8Array[] = []
  let total = 0
  let adlerA = 1
  let adlerB = 0
  let crc = 0xffffffff
  const table = format === 'gzip' ? crc32Table() : undefined
  const onData = (chunk: Uint8Array) => {
    total += chunk.length
    if (total > maxBytes) throw new OverCap()
    chunks.push(chunk)
    if (table) {
      for (let i = 0; i < chunk.length; i++) crc = table[(crc ^ chunk[i]!) & 0xff]! ^ (crc >>> 8)
    } else {
      for (let i = 0; i < chunk.length; ) {
        const end = Math.min(chunk.length, i + 3800) // keeps the sums under 2^32 before the modulo
        for (; i < end; i++) {
          adlerA += chunk[i]!
          adlerB += adlerA
        }
        adlerA %= 65521
        adlerB %= 65521
      }
    }
  }
  const inflater = format === 'gzip' ? new Gunzip() : new Unzlib()
  inflater.ondata = (chunk) => onData(chunk)
  try {
    if (input.length === 0) inflater.push(new Uint8Array(0), true)
    for (let offset = 0; offset < input.length; offset += SLICE_BYTES) {
      const end = Math.min(input.length, offset + SLICE_BYTES)
      inflater.push(input.subarray(offset, end), end === input.length)
      // Let other work run between slices of a large input.
      if ((offset / SLICE_BYTES) % 256 === 255) await new Promise((resolve) => setTimeout(resolve, 0))
    }
  } catch (error) {
    if (error instanceof OverCap) throw new DecompressedSizeError(maxBytes)
    throw new MalformedContentError(`content is not valid ${format} data`, { cause: error })
  }
  const out = new Uint8Array(total)
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.length
  }
  checkTrailer(input, format, format === 'gzip' ? (crc ^ 0xffffffff) >>> 0 : ((adlerB << 16) | adlerA) >>> 0, total)
  return out
}

function checkTrailer(input: Uint8Array, format: 'gzip' | 'deflate', sum: number, length: number): void {
  const bad = () => new MalformedContentError(`content is not valid ${format} data (checksum mismatch)`)
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength)
  if (format === 'deflate') {
    if (input.length < 6 || view.getUint32(input.length - 4, false) !== sum) throw bad()
  } else {
    if (input.length < 18 || view.getUint32(input.length - 8, true) !== sum || view.getUint32(input.length - 4, true) !== length >>> 0) throw bad()
  }
}
