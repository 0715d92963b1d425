// Byte helpers shared by the whole protocol library. Pure, no Buffer (the
// library runs in an MV3 service worker as well as in Node).

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** Lowercase hex without a 0x prefix. */
export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!]
  return out
}

/** Parses hex with or without a 0x prefix; throws a labelled TypeError on bad input. */
export function fromHex(hex: string, label = 'hex'): Uint8Array {
  if (typeof hex !== 'string') throw new TypeError(`${label} must be a hex string`)
  const body = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex
  if (body.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(body)) throw new TypeError(`${label} must be even-length hex`)
  const out = new Uint8Array(body.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(body.slice(i * 2, i * 2 + 2), 16)
  return out
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0
  for (const p of parts) length += p.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

export function utf8(text: string): Uint8Array {
  return encoder.encode(text)
}

/** Decodes UTF-8, throwing on malformed input rather than inserting U+FFFD. */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes)
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const B64_LOOKUP = new Int16Array(128).fill(-1)
for (let i = 0; i < B64.length; i++) B64_LOOKUP[B64.charCodeAt(i)] = i
// protojson also accepts the URL-safe alphabet on input.
B64_LOOKUP['-'.charCodeAt(0)] = 62
B64_LOOKUP['_'.charCodeAt(0)] = 63

// In Node (the XMTP node, tests, benchmarks) Buffer's native codec is several times
// faster than the portable one; the service worker has no Buffer and uses the portable path.
const NodeBuffer = (globalThis as { Buffer?: typeof import('node:buffer').Buffer }).Buffer

/** Standard base64 with '=' padding (what the XMTP HTTP API and its clients expect). */
export function toBase64(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
  return toBase64Portable(bytes)
}

/** The Buffer-free encoder (exported for tests). */
export function toBase64Portable(bytes: Uint8Array): string {
  let out = ''
  let i = 0
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!
  }
  const rest = bytes.length - i
  if (rest === 1) {
    const n = bytes[i]! << 16
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + '=='
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8)
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + '='
  }
  return out
}

/**
 * Decodes standard or URL-safe base64, padded or not (as protojson accepts).
 * Throws a labelled TypeError on any other character or an impossible length.
 */
export function fromBase64(text: string, label = 'base64'): Uint8Array {
  if (typeof text !== 'string') throw new TypeError(`${label} must be a base64 string`)
  if (NodeBuffer) {
    // Buffer's decoder silently skips bad characters, so the alphabet and length are checked first.
    if (!BASE64_SHAPE.test(text) || text.replace(/=+$/, '').length % 4 === 1) throw new TypeError(`${label} is not valid base64`)
    const decoded = NodeBuffer.from(text, 'base64')
    return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength)
  }
  return fromBase64Portable(text, label)
}

const BASE64_SHAPE = /^[A-Za-z0-9+/_-]*={0,2}$/

/** The Buffer-free decoder (exported for tests). */
export function fromBase64Portable(text: string, label = 'base64'): Uint8Array {
  if (typeof text !== 'string') throw new TypeError(`${label} must be a base64 string`)
  let body = text
  while (body.endsWith('=')) body = body.slice(0, -1)
  if (text.length - body.length > 2 || body.length % 4 === 1) throw new TypeError(`${label} is not valid base64`)
  const out = new Uint8Array(Math.floor((body.length * 3) / 4))
  let bits = 0
  let value = 0
  let o = 0
  for (let i = 0; i < body.length; i++) {
    const code = body.charCodeAt(i)
    const v = code < 128 ? B64_LOOKUP[code]! : -1
    if (v < 0) throw new TypeError(`${label} is not valid base64`)
    value = (value << 6) | v
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[o++] = (value >> bits) & 0xff
    }
  }
  return out
}
