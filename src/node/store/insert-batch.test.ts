import { describe, expect, it } from 'vitest'
import { packBatch, unpackBatch } from './insert-batch.ts'

const enc = new TextEncoder()

describe('insert batches for the SQLite writer', () => {
  it('carries every request, envelope, time, message and proof through one transferred buffer', () => {
    // Messages as the JSON decoder makes them: small views into one shared pool buffer.
    const pool = Buffer.alloc(8192)
    const view = (offset: number, text: string) => {
      pool.write(text, offset)
      return new Uint8Array(pool.buffer, pool.byteOffset + offset, Buffer.byteLength(text))
    }
    const requests = [
      [{ contentTopic: '/xmtp/0/m-a/proto', timestampNs: 1n, message: view(0, 'first') }],
      [
        { contentTopic: '/xmtp/0/contact-0xA/proto', timestampNs: (1n << 64n) - 1n, message: view(100, 'second'), proof: 'Bearer t' },
        { contentTopic: '/xmtp/0/m-b/proto', timestampNs: 3n, message: new Uint8Array(0) },
      ],
    ]
    const { batch, transfer } = packBatch(requests)
    // Only the messages' own bytes travel, not the 8 KiB pool they sat in.
    expect(transfer).toHaveLength(1)
    expect(transfer[0]!.byteLength).toBe(enc.encode('firstsecond').length)
    const copy = structuredClone(batch, { transfer })
    expect(unpackBatch(copy)).toEqual([
      [{ contentTopic: '/xmtp/0/m-a/proto', timestampNs: 1n, message: enc.encode('first') }],
      [
        { contentTopic: '/xmtp/0/contact-0xA/proto', timestampNs: (1n << 64n) - 1n, message: enc.encode('second'), proof: 'Bearer t' },
        { contentTopic: '/xmtp/0/m-b/proto', timestampNs: 3n, message: new Uint8Array(0) },
      ],
    ])
  })

  it('keeps a time outside uint64 as it is, for the writer to refuse (never wrapped)', () => {
    const { batch } = packBatch([[{ contentTopic: 't', timestampNs: 1n << 64n, message: new Uint8Array(1) }]])
    expect(unpackBatch(batch)[0]![0]!.timestampNs).toBe(1n << 64n)
  })
})
