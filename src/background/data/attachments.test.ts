import { describe, expect, it } from 'vitest'
import { DECLARED_SIZE_SLACK_BYTES, downloadAttachment, type AttachmentFetch } from './attachments.ts'

interface Call {
  url: string
  init: RequestInit | undefined
}

function fakeFetch(answer: (url: string, init?: RequestInit) => Response | Promise<Response>) {
  const calls: Call[] = []
  const fetch: AttachmentFetch = async (url, init) => {
    calls.push({ url, init })
    return answer(url, init)
  }
  return { calls, fetch }
}

/** A body that yields `chunks` chunks of `size` bytes and counts how many were pulled. */
function countingBody(chunks: number, size: number) {
  const state = { pulled: 0 }
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled >= chunks) return controller.close()
      state.pulled++
      controller.enqueue(new Uint8Array(size))
    },
  })
  return { body, state }
}

describe('downloadAttachment', () => {
  it('fetches an allowed link without credentials, referrer or automatic redirects', async () => {
    const net = fakeFetch(() => new Response(new Uint8Array([1, 2, 3])))
    expect(await downloadAttachment(net.fetch, 'https://files.example/a.bin', { contentLength: 3 })).toEqual(new Uint8Array([1, 2, 3]))
    expect(net.calls).toHaveLength(1)
    expect(net.calls[0]!.init).toMatchObject({ credentials: 'omit', redirect: 'manual', referrerPolicy: 'no-referrer' })
    expect(net.calls[0]!.init!.signal).toBeInstanceOf(AbortSignal)
  })

  it('never fetches a refused link, and says why', async () => {
    const net = fakeFetch(() => new Response('secret'))
    for (const url of ['http://files.example/a', 'https://127.0.0.1:5555/message/v1/query', 'https://2130706433/', 'https://[::ffff:10.0.0.1]/', 'https://localhost/x']) {
      await expect(downloadAttachment(net.fetch, url)).rejects.toThrow(/^Not downloaded: /)
    }
    expect(net.calls).toEqual([])
  })

  it('follows a redirect only to an allowed link', async () => {
    const hop = fakeFetch((url) =>
      url === 'https://a.example/x'
        ? new Response(null, { status: 302, headers: { location: 'https://b.example/y' } })
        : new Response(new Uint8Array([9])),
    )
    expect(await downloadAttachment(hop.fetch, 'https://a.example/x')).toEqual(new Uint8Array([9]))
    expect(hop.calls.map((c) => c.url)).toEqual(['https://a.example/x', 'https://b.example/y'])

    const inward = fakeFetch(() => new Response(null, { status: 307, headers: { location: 'http://169.254.169.254/latest/meta-data' } }))
    await expect(downloadAttachment(inward.fetch, 'https://a.example/x')).rejects.toThrow(/redirected to a refused link/)
    expect(inward.calls).toHaveLength(1)

    const loop = fakeFetch(() => new Response(null, { status: 301, headers: { location: '/again' } }))
    await expect(downloadAttachment(loop.fetch, 'https://a.example/x')).rejects.toThrow(/redirected too often/)
  })

  it('stops reading past the declared size (plus the encoding overhead) and past the hard cap', async () => {
    const big = countingBody(1000, 64 * 1024)
    const net = fakeFetch(() => new Response(big.body))
    await expect(downloadAttachment(net.fetch, 'https://files.example/a', { contentLength: 100 })).rejects.toThrow(/larger than its message declared \(100 bytes\)/)
    expect(big.state.pulled).toBeLessThanOrEqual(4) // 100 B + 64 KiB of slack: a couple of chunks, not 64 MB
    const header = fakeFetch(() => new Response(new Uint8Array(10), { headers: { 'content-length': String(50 * 1024 * 1024) } }))
    await expect(downloadAttachment(header.fetch, 'https://files.example/a')).rejects.toThrow(/larger than 26214400 bytes/)
    const capped = countingBody(1000, 64 * 1024)
    const noDeclaration = fakeFetch(() => new Response(capped.body))
    await expect(downloadAttachment(noDeclaration.fetch, 'https://files.example/a', { maxBytes: 256 * 1024 })).rejects.toThrow(/larger than 262144 bytes/)
    expect(capped.state.pulled).toBeLessThanOrEqual(6)
    const exact = fakeFetch(() => new Response(new Uint8Array(100 + DECLARED_SIZE_SLACK_BYTES)))
    expect((await downloadAttachment(exact.fetch, 'https://files.example/a', { contentLength: 100 })).length).toBe(100 + DECLARED_SIZE_SLACK_BYTES)
  })

  it('gives up after the timeout with a clear error', async () => {
    const hanging = fakeFetch(
      (_url, init) =>
        new Promise<Response>((_, reject) => init!.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))),
    )
    await expect(downloadAttachment(hanging.fetch, 'https://slow.example/a', { timeoutMs: 20 })).rejects.toThrow(/took longer than/)
  })

  it('reports a failed answer with its status', async () => {
    const net = fakeFetch(() => new Response('no', { status: 404 }))
    await expect(downloadAttachment(net.fetch, 'https://files.example/a')).rejects.toThrow(/HTTP 404/)
  })
})
