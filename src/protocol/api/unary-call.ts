// How one unary call of the message API reaches the node: the headers (X-Client-Version
// always, X-App-Version when set, `Authorization: Bearer <token>` on publish only, §12.6),
// the timeout, the auth token cache, and the retry loop — the API layer's one retry policy
// (retry.ts). The request methods (client.ts) say what to send; this module says how.
//
// The token comes from a pluggable authenticator, is cached for just under an hour like
// xmtp-js, and on UNAUTHENTICATED is refreshed and the call retried exactly once (that
// refresh is not a retry of the policy: it does not count as an attempt).

import { UnauthenticatedError } from './errors.ts'
import { abortReason, postJson, type FetchFn } from './http.ts'
import { checkRetryPolicy, retryDelay, type RetryPolicy } from './retry.ts'
import { MESSAGE_API, type MessageApiMethod } from '../../wire/message-api.ts'

/** Creates auth tokens for publish (src/protocol/auth). */
export interface Authenticator {
  /** A fresh token: standard base64 of an encoded `Token` (§12.6). */
  createToken(): Promise<string>
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

export interface CallOptions {
  signal?: AbortSignal
}

export const defaultSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal))
    const onAbort = () => {
      clearTimeout(timer)
      reject(abortReason(signal))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })

export interface UnaryCallerOptions {
  apiUrl: string
  fetch: FetchFn
  authenticator: Authenticator | undefined
  clientVersion: string
  appVersion: string | undefined
  retry: RetryPolicy
  timeoutMs: number
  tokenTtlMs: number
  now: () => number
  sleep: Sleep
  random: () => number
}

export interface UnaryCallOptions extends CallOptions {
  /** Send the auth token (publish). */
  auth?: boolean
  maxResponseBytes?: number
  /** Overrides of the client's retry policy for this call only (checked like the client's). */
  retry?: Partial<RetryPolicy>
}

export class UnaryCaller {
  readonly #o: UnaryCallerOptions
  #token: { value: string; expiresAt: number } | undefined
  #tokenInFlight: Promise<string> | undefined

  constructor(options: UnaryCallerOptions) {
    this.#o = options
  }

  /** Forgets the cached auth token (e.g. after the identity changed). */
  clearAuthToken(): void {
    this.#token = undefined
  }

  headers(token: string | undefined): Record<string, string> {
    const headers: Record<string, string> = { 'X-Client-Version': this.#o.clientVersion }
    if (this.#o.appVersion !== undefined) headers['X-App-Version'] = this.#o.appVersion
    if (token !== undefined) headers.Authorization = `Bearer ${token}`
    return headers
  }

  /** One unary call with retries; with `auth`, one token refresh after UNAUTHENTICATED. */
  async call(method: MessageApiMethod, body: unknown, options: UnaryCallOptions): Promise<unknown> {
    const url = this.#o.apiUrl + MESSAGE_API[method].path
    const policy = options.retry === undefined ? this.#o.retry : checkRetryPolicy({ ...this.#o.retry, ...options.retry }, 'options.retry')
    let refreshed = false
    for (let attempt = 0; ; ) {
      if (options.signal?.aborted) throw abortReason(options.signal)
      const token = options.auth ? await this.#authToken() : undefined
      try {
        return await postJson(
          this.#o.fetch,
          url,
          body,
          {
            method,
            headers: this.headers(token),
            timeoutMs: this.#o.timeoutMs,
            ...(options.signal ? { signal: options.signal } : {}),
            ...(token ? { secret: token } : {}),
            ...(options.maxResponseBytes !== undefined ? { maxResponseBytes: options.maxResponseBytes } : {}),
          },
          this.#o.now,
        )
      } catch (error) {
        if (error instanceof UnauthenticatedError && token !== undefined && !refreshed) {
          refreshed = true
          if (this.#token?.value === token) this.#token = undefined
          continue
        }
        const delay = retryDelay(error, attempt, policy, this.#o.random)
        if (delay === undefined) throw error
        attempt++
        await this.#o.sleep(delay, options.signal)
      }
    }
  }

  async #authToken(): Promise<string | undefined> {
    const authenticator = this.#o.authenticator
    if (!authenticator) return undefined
    if (this.#token && this.#o.now() < this.#token.expiresAt) return this.#token.value
    this.#tokenInFlight ??= (async () => {
      try {
        const value = await authenticator.createToken()
        if (typeof value !== 'string' || value.length === 0) throw new TypeError('authenticator.createToken() must resolve to a non-empty string')
        this.#token = { value, expiresAt: this.#o.now() + this.#o.tokenTtlMs }
        return value
      } finally {
        this.#tokenInFlight = undefined
      }
    })()
    return this.#tokenInFlight
  }
}
