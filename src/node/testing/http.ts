// Small HTTP helpers for node tests: POST JSON, read JSON, read stream lines.

export interface JsonResponse {
  status: number
  headers: Headers
  body: any // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** POSTs a body (an object is JSON-encoded; a string is sent as is, like xmtp-js: text/plain). */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<JsonResponse> {
  const response = await fetch(url, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers })
  const text = await response.text()
  let parsed: unknown
  try {
    parsed = text === '' ? undefined : JSON.parse(text)
  } catch {
    parsed = text
  }
  return { status: response.status, headers: response.headers, body: parsed }
}

export interface OpenStream {
  /** Waits for the next `n` lines (parsed JSON). */
  next(n?: number, timeoutMs?: number): Promise<any[]> // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Raw text received so far. */
  raw(): string
  /** Resolves when the server ends the stream. */
  ended: Promise<void>
  close(): void
}

/** Opens a subscribe stream; resolves once the response headers arrived (node: subscribed). */
export async function openStream(url: string, body: unknown): Promise<OpenStream> {
  const controller = new AbortController()
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body), signal: controller.signal })
  if (response.status !== 200) throw new Error(`stream answered ${response.status}: ${await response.text()}`)
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  const chunks: string[] = []
  const lines: string[] = []
  let partial = ''
  let finished = false
  let wake: (() => void) | undefined
  const ended = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        const text = decoder.decode(value, { stream: true })
        chunks.push(text)
        const parts = (partial + text).split('\n')
        partial = parts.pop()!
        lines.push(...parts)
        wake?.()
      }
    } catch {
      // aborted
    }
    finished = true
    wake?.()
  })()
  return {
    raw: () => chunks.join(''),
    ended,
    close: () => controller.abort(),
    async next(n = 1, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs
      while (lines.length < n) {
        if (finished) throw new Error(`stream ended after ${lines.length} of ${n} lines`)
        const left = deadline - Date.now()
        if (left <= 0) throw new Error(`timed out waiting for ${n} stream lines (have ${lines.length})`)
        await new Promise<void>((resolve) => {
          wake = resolve
          setTimeout(resolve, Math.min(left, 100))
        })
      }
      return lines.splice(0, n).map((l) => JSON.parse(l))
    },
  }
}
