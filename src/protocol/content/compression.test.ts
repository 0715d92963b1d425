import { describe, expect, it, vi } from 'vitest'
import { Unzlib } from 'fflate'
import { deflateSync, gzipSync, inflateSync, gunzipSync } from 'node:zlib'
import { Compression } from './codec.ts'
import { compress, decompress } from './compression.ts'
import { DecompressedSizeError, MalformedContentError } from './errors.ts'

const sample = new TextEncoder().encode('parley '.repeat(500))

describe('compress / decompress', () => {
  it('DEFLATE is zlib-wrapped (RFC 1950) and GZIP is RFC 1952, both readable by zlib', async () => {
    const deflated = await compress(sample, Compression.COMPRESSION_DEFLATE)
    expect(deflated[0]).toBe(0x78) // zlib header, not raw deflate
    expect(new Uint8Array(inflateSync(deflated))).toEqual(sample)
    const gzipped = await compress(sample, Compression.COMPRESSION_GZIP)
    expect([gzipped[0], gzipped[1]]).toEqual([0x1f, 0x8b])
    expect(new Uint8Array(gunzipSync(gzipped))).toEqual(sample)
  })

  it('decompresses what zlib produced', async () => {
    expect(await decompress(deflateSync(sample), Compression.COMPRESSION_DEFLATE)).toEqual(sample)
    expect(await decompress(gzipSync(sample), Compression.COMPRESSION_GZIP)).toEqual(sample)
    expect(await decompress(deflateSync(new Uint8Array(0)), Compression.COMPRESSION_DEFLATE)).toEqual(new Uint8Array(0))
  })

  it('stops at the output cap with DecompressedSizeError, also for a compression bomb', async () => {
    const deflated = deflateSync(sample)
    await expect(decompress(deflated, Compression.COMPRESSION_DEFLATE, sample.length - 1)).rejects.toBeInstanceOf(
      DecompressedSizeError,
    )
    expect(await decompress(deflated, Compression.COMPRESSION_DEFLATE, sample.length)).toEqual(sample)
    const bomb = deflateSync(new Uint8Array(12 * 1024 * 1024)) // 12 MiB of zeros in ~12 KiB
    const error = await decompress(bomb, Compression.COMPRESSION_DEFLATE).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DecompressedSizeError)
    expect((error as DecompressedSizeError).limit).toBe(10 * 1024 * 1024)
  })

  it('stops inflating a deflate bomb right past the cap: the rest of its input is never read', async () => {
    const bomb = deflateSync(new Uint8Array(256 * 1024 * 1024)) // 256 MiB of zeros in ~256 KiB
    const push = vi.spyOn(Unzlib.prototype, 'push')
    try {
      const error = await decompress(bomb, Compression.COMPRESSION_DEFLATE, 1024 * 1024).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(DecompressedSizeError)
      const fed = push.mock.calls.reduce((n, [chunk]) => n + chunk.length, 0)
      // ~1 KiB of this input inflates to 1 MiB: a few slices, not the whole 256 KiB.
      expect(fed).toBeGreaterThan(0)
      expect(fed).toBeLessThanOrEqual(4 * 1024)
      expect(bomb.length).toBeGreaterThan(100 * 1024)
    } finally {
      push.mockRestore()
    }
  })

  it('checks the zlib Adler-32 and the gzip CRC-32', async () => {
    const deflated = new Uint8Array(deflateSync(sample))
    deflated[deflated.length - 1]! ^= 1
    await expect(decompress(deflated, Compression.COMPRESSION_DEFLATE)).rejects.toBeInstanceOf(MalformedContentError)
    const gzipped = new Uint8Array(gzipSync(sample))
    gzipped[gzipped.length - 6]! ^= 1
    await expect(decompress(gzipped, Compression.COMPRESSION_GZIP)).rejects.toBeInstanceOf(MalformedContentError)
  })

  it('reports corrupt, truncated or mislabelled input as MalformedContentError', async () => {
    const deflated = deflateSync(sample)
    await expect(decompress(deflated.subarray(0, deflated.length - 6), Compression.COMPRESSION_DEFLATE)).rejects.toBeInstanceOf(
      MalformedContentError,
    )
    await expect(decompress(deflated, Compression.COMPRESSION_GZIP)).rejects.toBeInstanceOf(MalformedContentError)
    await expect(decompress(new Uint8Array([1, 2, 3, 4, 5]), Compression.COMPRESSION_DEFLATE)).rejects.toBeInstanceOf(
      MalformedContentError,
    )
  })

  it('checks its arguments', async () => {
    await expect(compress('text' as never, Compression.COMPRESSION_GZIP)).rejects.toThrow(TypeError)
    await expect(compress(sample, 7 as never)).rejects.toThrow(RangeError)
    await expect(decompress(sample, Compression.COMPRESSION_GZIP, -1)).rejects.toThrow(RangeError)
  })
})
