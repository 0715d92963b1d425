import { describe, expect, it } from 'vitest'
import { base64ByteLength, formatSize } from './bytes.ts'

const b64 = (n: number) => Buffer.from(new Uint8Array(n)).toString('base64')

describe('sizes', () => {
  it('counts the bytes behind base64 exactly, padding or not', () => {
    for (const n of [0, 1, 2, 3, 10, 11, 12, 1000, 1001, 1002]) expect(base64ByteLength(b64(n))).toBe(n)
  })

  it('an 11-byte file is "11 B" (it was shown as "12 B")', () => {
    expect(formatSize(base64ByteLength(b64(11)))).toBe('11 B')
  })

  it('reads like a file manager', () => {
    expect(formatSize(1023)).toBe('1023 B')
    expect(formatSize(1024)).toBe('1 KB')
    expect(formatSize(1536)).toBe('1.5 KB')
    expect(formatSize(320 * 1024)).toBe('320 KB')
    expect(formatSize(2.4 * 1024 * 1024)).toBe('2.4 MB')
  })
})
