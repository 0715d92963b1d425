import { describe, expect, it } from 'vitest'
import { concatBytes, equalBytes, fromBase64, fromBase64Portable, fromHex, fromUtf8, toBase64, toBase64Portable, toHex, utf8 } from './bytes.ts'

describe('bytes', () => {
  it('hex round trip, with and without 0x', () => {
    expect(toHex(new Uint8Array([0, 15, 255]))).toBe('000fff')
    expect(fromHex('0x000fff')).toEqual(new Uint8Array([0, 15, 255]))
    expect(() => fromHex('abc', 'key')).toThrow('key must be even-length hex')
    expect(() => fromHex('zz')).toThrow(TypeError)
  })

  it('base64 matches the RFC 4648 test vectors and decodes the URL-safe alphabet', () => {
    const vectors: Array<[string, string]> = [['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy']]
    for (const [plain, encoded] of vectors) {
      expect(toBase64(utf8(plain))).toBe(encoded)
      expect(fromUtf8(fromBase64(encoded))).toBe(plain)
      expect(fromUtf8(fromBase64(encoded.replace(/=+$/, '')))).toBe(plain)
    }
    expect(fromBase64('-_8')).toEqual(fromBase64('+/8='))
    expect(() => fromBase64('ab$c', 'message')).toThrow('message is not valid base64')
    expect(() => fromBase64('a')).toThrow(TypeError)
  })

  it('the Buffer fast path and the portable codec agree, including on rejects', () => {
    for (let n = 0; n < 70; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 73 + n) & 0xff)
      const encoded = toBase64(bytes)
      expect(toBase64Portable(bytes)).toBe(encoded)
      expect(fromBase64Portable(encoded)).toEqual(fromBase64(encoded))
      expect(fromBase64(encoded.replace(/\+/g, '-').replace(/\//g, '_'))).toEqual(bytes)
    }
    for (const bad of ['ab$c', 'a', 'abcde', 'ab==c', 'Zg===', ' Zg==']) {
      expect(() => fromBase64(bad), bad).toThrow(TypeError)
      expect(() => fromBase64Portable(bad), bad).toThrow(TypeError)
    }
    expect(fromBase64('Zg==').constructor).toBe(Uint8Array)
  })

  it('concat and constant-shape equality', () => {
    expect(concatBytes(new Uint8Array([1]), new Uint8Array([2, 3]))).toEqual(new Uint8Array([1, 2, 3]))
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true)
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false)
    expect(equalBytes(new Uint8Array([1]), new Uint8Array([1, 3]))).toBe(false)
  })

  it('rejects malformed UTF-8', () => {
    expect(() => fromUtf8(new Uint8Array([0xff]))).toThrow()
  })
})
