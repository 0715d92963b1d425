// The background's InvitationOpener that sends a listing's pages to worker threads (issue 24):
// each page is split across the workers' ports, at most MAX_BATCH envelopes per request, and
// every request has a deadline. Whatever goes wrong — no way to start a worker, a timeout, a
// malformed answer, a worker that says it failed, a closed port — that batch is opened on this
// thread instead (the protocol's default opener), the connection is dropped, and the next
// attempt waits `retryAfterMs`. Small batches (a stream's single invitation, an incremental
// listing) stay on this thread: starting a worker would cost more than it saves. While the
// workers start, batches are opened here; they take over once they answered `ready`.
import { openInvitationsInThread, type InvitationEnvelope, type InvitationOpener, type InvitationOutcome } from '../../protocol/invitations/batch-opener.ts'
import type { PrivateKeyBundleV1 } from '../../protocol/keys/private-bundle.ts'
import { checkWorkerAnswer, MAX_BATCH, OFFLOAD_TAG, OffloadError, type OpenedAnswer, type OpenRequest } from './messages.ts'
import type { PortLike } from './serve.ts'
import type { InvitationWorkersView } from '../../extension/views.ts'

/** Workers that answered `ready`, one port each, and how to let them all go. */
export interface OffloadConnection {
  ports: PortLike[]
  /** The secp256k1 backend the workers run (diagnostics). */
  backend: string
  /** Closes whatever hosts the workers (the offscreen document, the workers themselves). */
  release(): void
}

export interface OffloaderOptions {
  connect(): Promise<OffloadConnection>
  /** Opens what is not sent away; default: the protocol's in-thread opener. */
  fallback?: InvitationOpener
  /** Batches smaller than this are opened on this thread. Default 16. */
  minBatch?: number
  /** Envelopes per request, at most MAX_BATCH. */
  maxBatch?: number
  /**
   * The share of each batch this thread opens itself while the workers open the rest (0 to
   * 0.5): the background mostly waits on the workers otherwise. Default 0.
   */
  inThreadShare?: number
  /** Deadline of one request. Default 20 s (a page of 100 takes well under a second). */
  timeoutMs?: number
  /** The workers are let go after this long without a batch. Default 30 s. */
  idleMs?: number
  /** After a failure, batches stay on this thread this long. Default 60 s. */
  retryAfterMs?: number
  /** Told of each failure (a reason and a labelled message; never key material). */
  onFailure?(error: OffloadError): void
  /** Told when the workers answered `ready`, with the secp256k1 backend they run. */
  onConnected?(backend: string): void
  /** Told of each batch (or part) opened by a worker, with its size. */
  onOffloaded?(count: number): void
  now?(): number
}

interface Pending {
  count: number
  settle(answer: OpenedAnswer | OffloadError): void
}

type State = { kind: 'idle' } | { kind: 'connecting' } | { kind: 'connected'; connection: OffloadConnection; pending: Map<number, Pending>; detach: Array<() => void> }

export class InvitationOffloader {
  readonly #o: Required<Omit<OffloaderOptions, 'onFailure' | 'onConnected' | 'onOffloaded'>> & Pick<OffloaderOptions, 'onFailure' | 'onConnected' | 'onOffloaded'>
  #state: State = { kind: 'idle' }
  #nextId = 1
  #blockedUntil = 0
  #idleTimer: ReturnType<typeof setTimeout> | undefined
  /** Batches (or parts) opened by the workers and on this thread, for diagnostics and tests. */
  readonly counts = { offloaded: 0, inThread: 0, failures: 0 }

  constructor(options: OffloaderOptions) {
    if (typeof options?.connect !== 'function') throw new TypeError('options.connect must be a function')
    const maxBatch = options.maxBatch ?? MAX_BATCH
    if (!Number.isInteger(maxBatch) || maxBatch < 1 || maxBatch > MAX_BATCH) throw new RangeError(`options.maxBatch must be 1 to ${MAX_BATCH}`)
    const share = options.inThreadShare ?? 0
    if (typeof share !== 'number' || !(share >= 0 && share <= 0.5)) throw new RangeError('options.inThreadShare must be 0 to 0.5')
    this.#o = {
      connect: options.connect,
      fallback: options.fallback ?? openInvitationsInThread,
      minBatch: options.minBatch ?? 16,
      inThreadShare: share,
      maxBatch,
      timeoutMs: options.timeoutMs ?? 20_000,
      idleMs: options.idleMs ?? 30_000,
      retryAfterMs: options.retryAfterMs ?? 60_000,
      onFailure: options.onFailure,
      onConnected: options.onConnected,
      onOffloaded: options.onOffloaded,
      now: options.now ?? Date.now,
    }
  }

  /** The InvitationOpener to pass as ClientOptions.openInvitations. */
  readonly open: InvitationOpener = async (keys, envelopes, options) => {
    const inThread = () => {
      this.counts.inThread++
      return this.#o.fallback(keys, envelopes, options)
    }
    if (envelopes.length < this.#o.minBatch || this.#o.now() < this.#blockedUntil) return inThread()
    const state = this.#state
    if (state.kind !== 'connected') {
      if (state.kind === 'idle') this.#connect()
      return inThread()
    }
    this.#touch()
    const here = Math.floor(envelopes.length * this.#o.inThreadShare)
    const away = envelopes.length - here
    const size = Math.min(this.#o.maxBatch, Math.ceil(away / state.connection.ports.length))
    const parts: Array<Promise<InvitationOutcome[]>> = []
    for (let start = 0, i = 0; start < away; start += size, i++) {
      const part = envelopes.slice(start, Math.min(start + size, away))
      parts.push(this.#send(state, i % state.connection.ports.length, keys, part).catch((error: unknown) => {
        this.#fail(error instanceof OffloadError ? error : new OffloadError('failed', 'the batch failed'))
        this.counts.inThread++
        return this.#o.fallback(keys, part, options)
      }))
    }
    if (here > 0) parts.push(this.#o.fallback(keys, envelopes.slice(away), options))
    return (await Promise.all(parts)).flat()
  }

  /**
   * Starts the workers ahead of a large batch (a first sync); resolves true once they answered
   * `ready`, false when they could not be started (then batches stay on this thread).
   */
  async warm(): Promise<boolean> {
    if (this.#o.now() < this.#blockedUntil) return false
    if (this.#state.kind === 'idle') this.#connect()
    await this.#connecting
    return this.#state.kind === 'connected'
  }

  /** What diagnostics_get shows. */
  status(): InvitationWorkersView {
    const state = this.#state
    return {
      connected: state.kind === 'connected',
      ...(state.kind === 'connected' ? { backend: state.connection.backend } : {}),
      ...this.counts,
      ...(this.#lastFailure ? { lastFailure: this.#lastFailure } : {}),
    }
  }

  /** No workers started or starting (nothing to let go). */
  get idle(): boolean {
    return this.#state.kind === 'idle'
  }

  /** Whether batches go to workers now. */
  get connected(): boolean {
    return this.#state.kind === 'connected'
  }

  /** Lets the workers go now (the session closed or locked). */
  close(): void {
    this.#drop(new OffloadError('closed', 'the offloader was closed'))
  }

  #connecting: Promise<void> = Promise.resolve()

  #connect(): void {
    this.#state = { kind: 'connecting' }
    let connect: Promise<OffloadConnection>
    try {
      connect = Promise.resolve(this.#o.connect())
    } catch (error) {
      connect = Promise.reject(error)
    }
    this.#connecting = connect.then(
      (connection) => {
        if (this.#state.kind !== 'connecting') return connection.release()
        if (!Array.isArray(connection.ports) || connection.ports.length === 0) {
          connection.release()
          return this.#fail(new OffloadError('unavailable', 'no worker answered'))
        }
        const pending = new Map<number, Pending>()
        const detach = connection.ports.map((port) => this.#listen(port, pending))
        this.#state = { kind: 'connected', connection, pending, detach }
        this.#touch()
        this.#tell(() => this.#o.onConnected?.(connection.backend))
      },
      (error: unknown) => {
        if (this.#state.kind !== 'connecting') return
        this.#state = { kind: 'idle' }
        this.#fail(error instanceof OffloadError ? error : new OffloadError('unavailable', `no worker could be started (${error instanceof Error ? error.name : typeof error})`))
      },
    )
  }

  #listen(port: PortLike, pending: Map<number, Pending>): () => void {
    const listener = (event: { data: unknown }) => {
      let checked: ReturnType<typeof checkWorkerAnswer>
      try {
        checked = checkWorkerAnswer(event.data, (id) => pending.get(id)?.count)
      } catch (error) {
        // A malformed answer: nothing on this connection can be trusted.
        const failure = error instanceof OffloadError ? error : new OffloadError('bad-message', 'an unreadable answer')
        for (const request of pending.values()) request.settle(failure)
        return
      }
      if (checked) pending.get(checked.id)?.settle(checked.answer)
    }
    port.addEventListener('message', listener)
    port.start?.()
    return () => port.removeEventListener('message', listener)
  }

  async #send(state: Extract<State, { kind: 'connected' }>, portIndex: number, keys: PrivateKeyBundleV1, envelopes: readonly InvitationEnvelope[]): Promise<InvitationOutcome[]> {
    const id = this.#nextId++
    // Fresh buffers, transferred: each crosses once, and structured clone would otherwise copy a
    // whole underlying buffer for every view into it.
    const encoded = keys.encode()
    const keyBytes = new Uint8Array(encoded)
    encoded.fill(0)
    const wire = envelopes.map((e) => ({ timestampNs: e.timestampNs, message: new Uint8Array(e.message) }))
    const request: OpenRequest = { tag: OFFLOAD_TAG, kind: 'open-invitations', id, keys: keyBytes, envelopes: wire }
    const answer = await new Promise<OpenedAnswer | OffloadError>((resolve) => {
      const timer = setTimeout(() => settle(new OffloadError('timeout', `no answer within ${this.#o.timeoutMs} ms`)), this.#o.timeoutMs)
      const settle = (result: OpenedAnswer | OffloadError) => {
        clearTimeout(timer)
        state.pending.delete(id)
        resolve(result)
      }
      state.pending.set(id, { count: envelopes.length, settle })
      try {
        state.connection.ports[portIndex]!.postMessage(request, [keyBytes.buffer, ...wire.map((e) => e.message.buffer)])
      } catch (cause) {
        keyBytes.fill(0)
        settle(new OffloadError('closed', 'the request could not be posted', { cause }))
      }
    })
    if (answer instanceof OffloadError) throw answer
    if (answer.kind === 'failed') throw new OffloadError('failed', `the worker failed: ${answer.error}`)
    this.counts.offloaded++
    this.#tell(() => this.#o.onOffloaded?.(envelopes.length))
    return answer.outcomes
  }

  #lastFailure: OffloadError['reason'] | undefined

  #fail(error: OffloadError): void {
    this.counts.failures++
    this.#lastFailure = error.reason
    this.#blockedUntil = this.#o.now() + this.#o.retryAfterMs
    this.#drop(error)
    this.#tell(() => this.#o.onFailure?.(error))
  }

  #tell(call: () => void): void {
    try {
      call()
    } catch {
      // A failing listener changes nothing here.
    }
  }

  #drop(reason: OffloadError): void {
    clearTimeout(this.#idleTimer)
    const state = this.#state
    this.#state = { kind: 'idle' }
    if (state.kind !== 'connected') return
    for (const request of state.pending.values()) request.settle(reason)
    state.detach.forEach((detach) => detach())
    for (const port of state.connection.ports) port.close()
    state.connection.release()
  }

  #touch(): void {
    clearTimeout(this.#idleTimer)
    this.#idleTimer = setTimeout(() => this.#drop(new OffloadError('closed', 'idle')), this.#o.idleMs)
    ;(this.#idleTimer as { unref?: () => void }).unref?.()
  }
}
