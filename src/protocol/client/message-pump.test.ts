import { describe, expect, it } from 'vitest'
import type { Envelope } from '../api/index.ts'
import { AsyncStream } from './async-stream.ts'
import { pumpMessages } from './message-pump.ts'
import type { DecodedMessage } from './types.ts'

const envelope = (n: number): Envelope => ({ contentTopic: '/xmtp/0/m-a/proto', timestampNs: BigInt(n), message: new Uint8Array([n]) })
const decodeAs = (id: (n: number) => string | undefined) => async (e: Envelope) => {
  const value = id(e.message[0]!)
  return value === undefined ? undefined : ({ id: value } as DecodedMessage)
}

async function drain(stream: AsyncStream<DecodedMessage>): Promise<string[]> {
  const ids: string[] = []
  for await (const message of stream) ids.push(message.id)
  return ids
}

describe('pumpMessages', () => {
  it('pushes each decoded message once, skips what does not decode, and ends with its source', async () => {
    async function* source() {
      for (const n of [1, 2, 1, 3, 4]) yield envelope(n)
    }
    const stream = new AsyncStream<DecodedMessage>()
    pumpMessages(source(), stream, decodeAs((n) => (n === 3 ? undefined : `m${n}`)))
    expect(await drain(stream)).toEqual(['m1', 'm2', 'm4'])
  })

  it('fails the stream when its source fails, after what came before', async () => {
    async function* source() {
      yield envelope(1)
      throw new Error('connection lost')
    }
    const stream = new AsyncStream<DecodedMessage>()
    pumpMessages(source(), stream, decodeAs((n) => `m${n}`))
    const ids: string[] = []
    await expect(
      (async () => {
        for await (const message of stream) ids.push(message.id)
      })(),
    ).rejects.toThrow('connection lost')
    expect(ids).toEqual(['m1'])
  })
})
