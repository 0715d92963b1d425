import { describe, expect, it } from 'vitest'
import { checkAddressInput, shortAddress, toChecksumAddress } from './address.ts'

// The test vectors published with EIP-55.
const EIP55 = [
  '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
  '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
  '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
]

describe('EIP-55 addresses', () => {
  it('checksums the EIP-55 vectors from any case', () => {
    for (const a of EIP55) {
      expect(toChecksumAddress(a.toLowerCase())).toBe(a)
      expect(toChecksumAddress(`0x${a.slice(2).toUpperCase()}`)).toBe(a)
    }
  })

  it('accepts correct mixed case and uniform case, returning the checksummed form', () => {
    expect(checkAddressInput(` ${EIP55[0]} `)).toEqual({ ok: true, address: EIP55[0] })
    expect(checkAddressInput((EIP55[1] as string).toLowerCase())).toEqual({ ok: true, address: EIP55[1] })
  })

  it('rejects a mixed-case address with one letter flipped as a checksum typo', () => {
    const typo = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD'
    const check = checkAddressInput(typo)
    expect(check.ok).toBe(false)
    expect(check.ok === false && check.reason).toBe('checksum')
  })

  it('explains empty and malformed input', () => {
    expect(checkAddressInput('  ')).toMatchObject({ ok: false, reason: 'empty' })
    expect(checkAddressInput('0x1234')).toMatchObject({ ok: false, reason: 'format' })
    expect(checkAddressInput('vitalik.eth')).toMatchObject({ ok: false, reason: 'format' })
    expect(() => toChecksumAddress('0xzz')).toThrow(TypeError)
  })

  it('shortens for lists', () => {
    expect(shortAddress(EIP55[0] as string)).toBe('0x5aAe…eAed')
  })
})
