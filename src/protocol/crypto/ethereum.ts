// Ethereum account conventions (spec §3.3): EIP-191 personal messages,
// keccak addresses, EIP-55 checksums and 65-byte r‖s‖v wallet signatures.
import { keccak256 } from './hashes.ts'
import { recoverPublicKey, type RecoverableSignature } from './secp256k1.ts'
import { concatBytes, fromHex, toHex, utf8 } from '../../wire/bytes.ts'
import { SignatureError } from './errors.ts'

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/

function messageBytes(message: string | Uint8Array, label: string): Uint8Array {
  if (typeof message === 'string') return utf8(message)
  if (message instanceof Uint8Array) return message
  throw new TypeError(`${label} must be a string or Uint8Array`)
}

/** EIP-191 version 0x45: keccak256("\x19Ethereum Signed Message:\n" ‖ len ‖ message). */
export function hashPersonalMessage(message: string | Uint8Array): Uint8Array {
  const bytes = messageBytes(message, 'message')
  return keccak256(concatBytes(utf8(`\x19Ethereum Signed Message:\n${bytes.length}`), bytes))
}

/**
 * Checksummed forms already computed, by lowercase body. Opening one invitation asks for the
 * same two addresses (ours and the peer's) about five times (recovery, the §8.2 ordering and
 * derivation), each a keccak256 in JavaScript; an address is public, so remembering it costs
 * nothing but memory, bounded here (oldest first out).
 */
const checksummed = new Map<string, string>()
const CHECKSUM_CACHE_LIMIT = 2048

/** EIP-55 mixed-case checksum of an address given in any case. */
export function toChecksumAddress(address: string): string {
  if (typeof address !== 'string' || !ADDRESS_RE.test(address)) throw new TypeError('address must be 0x followed by 40 hex digits')
  const lower = address.slice(2).toLowerCase()
  const known = checksummed.get(lower)
  if (known !== undefined) return known
  const hash = toHex(keccak256(utf8(lower)))
  let out = '0x'
  for (let i = 0; i < 40; i++) {
    const c = lower[i]!
    out += parseInt(hash[i]!, 16) >= 8 ? c.toUpperCase() : c
  }
  if (checksummed.size >= CHECKSUM_CACHE_LIMIT) checksummed.delete(checksummed.keys().next().value as string)
  checksummed.set(lower, out)
  return out
}

/**
 * True for a 0x-prefixed 40-hex-digit address. All-lowercase or all-uppercase
 * bodies are accepted (no checksum present); mixed case must be valid EIP-55.
 */
export function isAddress(address: unknown): address is string {
  if (typeof address !== 'string' || !ADDRESS_RE.test(address)) return false
  const body = address.slice(2)
  if (body === body.toLowerCase() || body === body.toUpperCase()) return true
  return toChecksumAddress(address) === address
}

/** EIP-55 address of a 65-byte uncompressed public key (keccak of X‖Y, last 20 bytes). */
export function publicKeyToAddress(publicKey: Uint8Array): string {
  if (!(publicKey instanceof Uint8Array)) throw new TypeError('publicKey must be a Uint8Array')
  if (publicKey.length !== 65 || publicKey[0] !== 4) throw new RangeError('publicKey must be 65 bytes (0x04‖X‖Y)')
  return toChecksumAddress('0x' + toHex(keccak256(publicKey.subarray(1)).subarray(12)))
}

/**
 * Splits a wallet's 65-byte signature (0x hex or bytes, r‖s‖v) into the proto
 * form: v ∈ {0,1} is first lifted to 27/28; recovery = 1 − (v mod 2) (§3.3).
 */
export function parseWalletSignature(signature: string | Uint8Array): RecoverableSignature {
  const bytes = typeof signature === 'string' ? fromHex(signature, 'signature') : signature
  if (!(bytes instanceof Uint8Array)) throw new TypeError('signature must be a hex string or Uint8Array')
  if (bytes.length !== 65) throw new RangeError('signature must be 65 bytes (r‖s‖v)')
  let v = bytes[64]!
  if (v === 0 || v === 1) v += 27
  if (v !== 27 && v !== 28) throw new SignatureError(`unsupported signature v value ${bytes[64]}`)
  return { bytes: bytes.slice(0, 64), recovery: v === 27 ? 0 : 1 }
}

/** The inverse of parseWalletSignature: 0x hex r‖s‖v with v = 27 + recovery. */
export function formatWalletSignature(signature: RecoverableSignature): string {
  if (!(signature?.bytes instanceof Uint8Array) || signature.bytes.length !== 64) throw new RangeError('signature.bytes must be 64 bytes')
  if (signature.recovery !== 0 && signature.recovery !== 1) throw new RangeError('signature.recovery must be 0 or 1')
  return '0x' + toHex(signature.bytes) + (27 + signature.recovery).toString(16)
}

/** EIP-55 address that personal_signed `message` producing `signature`. */
export function recoverWalletAddress(message: string | Uint8Array, signature: string | Uint8Array | RecoverableSignature): string {
  const parsed =
    typeof signature === 'string' || signature instanceof Uint8Array ? parseWalletSignature(signature) : signature
  return publicKeyToAddress(recoverPublicKey(hashPersonalMessage(message), parsed))
}
