// Ethereum addresses as people see them: EIP-55 checksums checked in the page (so a typo in a
// mixed-case address is caught before anything is sent) and a short form for lists.
import { keccak_256 } from '@noble/hashes/sha3.js'

const HEX_ADDRESS = /^0x[0-9a-fA-F]{40}$/

/** The EIP-55 mixed-case form of a 0x-prefixed 40-hex-digit address (any case in). */
export function toChecksumAddress(address: string): string {
  if (!HEX_ADDRESS.test(address)) throw new TypeError('address must be 0x and 40 hex digits')
  const lower = address.slice(2).toLowerCase()
  const hash = keccak_256(new TextEncoder().encode(lower))
  let out = '0x'
  for (let i = 0; i < 40; i++) {
    const c = lower[i] as string
    // Nibble i of the hash decides the case of hex digit i (EIP-55).
    const nibble = ((hash[i >> 1] as number) >> (i % 2 === 0 ? 4 : 0)) & 0x0f
    out += nibble >= 8 ? c.toUpperCase() : c
  }
  return out
}

export type AddressCheck =
  | { ok: true; address: string }
  | { ok: false; reason: 'empty' | 'format' | 'checksum'; message: string }

/**
 * Checks what a person typed into the "Address" field. All-lowercase and all-uppercase
 * addresses carry no checksum and are accepted; a mixed-case one must match EIP-55 exactly.
 */
export function checkAddressInput(input: string): AddressCheck {
  // Pasted addresses often carry spaces or line breaks (copied from a wrapped line): drop them.
  const value = input.replace(/\s+/g, '')
  if (value.length === 0) return { ok: false, reason: 'empty', message: 'Enter an Ethereum address.' }
  if (!HEX_ADDRESS.test(value)) {
    return { ok: false, reason: 'format', message: 'An address is 0x followed by 40 hexadecimal characters.' }
  }
  const checksummed = toChecksumAddress(value)
  const digits = value.slice(2)
  const uniformCase = digits === digits.toLowerCase() || digits === digits.toUpperCase()
  if (!uniformCase && checksummed !== value) {
    return { ok: false, reason: 'checksum', message: 'This address has a typo: its checksum (the mix of capital letters) does not match.' }
  }
  return { ok: true, address: checksummed }
}

/** 0x1234…abcd */
export function shortAddress(address: string): string {
  return address.length <= 12 ? address : `${address.slice(0, 6)}…${address.slice(-4)}`
}

export function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}
