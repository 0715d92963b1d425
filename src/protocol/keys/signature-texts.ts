// The exact texts wallets are asked to personal_sign (spec §3.2, §15.2).
// LF line breaks, no trailing newline; hex is lowercase.
import { toHex } from '../../wire/bytes.ts'

const FOOTER = '\n\nFor more info: https://xmtp.org/signatures/'

/** Authorises an identity key: hex of the protobuf-encoded UNSIGNED legacy key (not the raw point). */
export function createIdentityText(unsignedKeyBytes: Uint8Array): string {
  if (!(unsignedKeyBytes instanceof Uint8Array) || unsignedKeyBytes.length === 0) throw new TypeError('unsignedKeyBytes must be non-empty bytes')
  return `XMTP : Create Identity\n${toHex(unsignedKeyBytes)}${FOOTER}`
}

/** Derives the private-store secret: hex of the 32-byte wallet_pre_key. */
export function enableIdentityText(walletPreKey: Uint8Array): string {
  if (!(walletPreKey instanceof Uint8Array)) throw new TypeError('walletPreKey must be a Uint8Array')
  if (walletPreKey.length !== 32) throw new RangeError('walletPreKey must be 32 bytes')
  return `XMTP : Enable Identity\n${toHex(walletPreKey)}${FOOTER}`
}

/** V2 consent proof text; the time is JavaScript's Date#toUTCString of the ms timestamp. */
export function consentProofText(peerAddress: string, timestampMs: number): string {
  if (typeof peerAddress !== 'string' || peerAddress.length === 0) throw new TypeError('peerAddress must be a non-empty string')
  if (!Number.isSafeInteger(timestampMs) || timestampMs < 0) throw new RangeError('timestampMs must be a non-negative integer')
  return `XMTP : Grant inbox consent to sender\n\nCurrent Time: ${new Date(timestampMs).toUTCString()}\nFrom Address: ${peerAddress}${FOOTER}`
}
