// The messages between the background and its invitation worker(s) (issue 24: the curve work
// of a first sync on a second thread). One table of shapes, checked at both ends: the worker
// checks every request before it decodes a key, the background checks every answer before a
// byte of it reaches the listing, and anything else is a labelled OffloadError (the caller
// then opens the batch on its own thread).
//
// Channels are MessagePorts between two contexts of the extension's own origin (the service
// worker or event page, and a dedicated worker it or its offscreen document started), so the
// structured clone carries bytes and bigints as they are. Key material crosses once per
// batch: the identity bundle the 3DH needs (identity and pre-key scalars with their public
// keys, spec §4.2), transferred, never copied twice, and zeroed by the worker after the batch.
import { isAddress } from '../../protocol/crypto/ethereum.ts'
import type { OpenedInvitationData } from '../../protocol/invitations/batch-opener.ts'
import { BackgroundError } from '../errors.ts'

export const OFFLOAD_TAG = 'parley/offload@1'
/** Envelopes per request: a page of the listing (100) fits; a larger batch is split. */
export const MAX_BATCH = 128
/** The listing drops invite envelopes past 32 KiB unread (conversations.ts MAX_INVITATION_BYTES). */
export const MAX_ENVELOPE_BYTES = 32 * 1024
/** An encoded PrivateKeyBundle with a handful of pre-keys is well under this. */
export const MAX_KEYS_BYTES = 8 * 1024
const MAX_ERROR_TEXT = 200
const MAX_CONTEXT_ENTRIES = 64
const MAX_TEXT = 4096

export type OffloadFailure = 'unavailable' | 'timeout' | 'bad-message' | 'failed' | 'closed'

/** Why a batch was not opened off-thread; never carries key material. */
export class OffloadError extends BackgroundError<OffloadFailure> {
  override readonly name = 'OffloadError'
}

/** An invitation the worker could not open, as it said why (name and labelled message only). */
export class RemoteInvitationError extends Error {
  constructor(name: string, message: string) {
    super(message)
    this.name = name
  }
}

export interface WireEnvelope {
  timestampNs: bigint
  message: Uint8Array
}

/** Background → worker, on the port: open these envelopes for these keys. */
export interface OpenRequest {
  tag: typeof OFFLOAD_TAG
  kind: 'open-invitations'
  id: number
  /** Encoded PrivateKeyBundle (v1): the worker zeroes it once decoded. */
  keys: Uint8Array
  envelopes: WireEnvelope[]
}

export type WireOutcome = { ok: true; invitation: OpenedInvitationData } | { ok: false; error: { name: string; message: string } }

/** Worker → background, on the port. */
export type WorkerMessage =
  | { tag: typeof OFFLOAD_TAG; kind: 'ready'; backend: string }
  | { tag: typeof OFFLOAD_TAG; kind: 'opened'; id: number; outcomes: WireOutcome[] }
  | { tag: typeof OFFLOAD_TAG; kind: 'failed'; id: number; error: string }

/** Creator → worker (offscreen document or event page → dedicated worker): serve on this port. */
export interface ConnectMessage {
  tag: typeof OFFLOAD_TAG
  kind: 'connect'
  /** Which worker of the pool (the offscreen document keeps one per slot). */
  slot: number
}

export const MAX_WORKERS = 4

const bad = (message: string) => new OffloadError('bad-message', message)
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

function isOurs(value: unknown): value is Record<string, unknown> {
  return isObject(value) && value.tag === OFFLOAD_TAG
}

function checkId(value: unknown, label: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw bad(`${label}.id must be a non-negative integer`)
  return value as number
}

/** A connect message, or null for anything else. */
export function asConnectMessage(value: unknown): ConnectMessage | null {
  if (!isOurs(value) || value.kind !== 'connect') return null
  const slot = value.slot
  if (!Number.isInteger(slot) || (slot as number) < 0 || (slot as number) >= MAX_WORKERS) return null
  return { tag: OFFLOAD_TAG, kind: 'connect', slot: slot as number }
}

/** Checks a request in the worker; throws OffloadError('bad-message') naming what is wrong. */
export function checkOpenRequest(value: unknown): OpenRequest {
  if (!isOurs(value)) throw bad('request must be a tagged object')
  if (value.kind !== 'open-invitations') throw bad('request.kind must be "open-invitations"')
  const id = checkId(value.id, 'request')
  const keys = value.keys
  if (!(keys instanceof Uint8Array) || keys.length === 0 || keys.length > MAX_KEYS_BYTES) throw bad(`request.keys must be 1 to ${MAX_KEYS_BYTES} bytes`)
  const envelopes = value.envelopes
  if (!Array.isArray(envelopes) || envelopes.length === 0 || envelopes.length > MAX_BATCH) throw bad(`request.envelopes must hold 1 to ${MAX_BATCH} envelopes`)
  envelopes.forEach((envelope: unknown, i) => {
    if (!isObject(envelope)) throw bad(`request.envelopes[${i}] must be an object`)
    if (typeof envelope.timestampNs !== 'bigint') throw bad(`request.envelopes[${i}].timestampNs must be a bigint`)
    const message = envelope.message
    if (!(message instanceof Uint8Array) || message.length > MAX_ENVELOPE_BYTES) throw bad(`request.envelopes[${i}].message must be at most ${MAX_ENVELOPE_BYTES} bytes`)
  })
  return { tag: OFFLOAD_TAG, kind: 'open-invitations', id, keys, envelopes: envelopes as WireEnvelope[] }
}

function checkText(value: unknown, label: string, max = MAX_TEXT): string {
  if (typeof value !== 'string' || value.length > max) throw bad(`${label} must be a string of at most ${max} characters`)
  return value
}

function checkInvitation(value: unknown, label: string): OpenedInvitationData {
  if (!isObject(value)) throw bad(`${label} must be an object`)
  const topic = checkText(value.topic, `${label}.topic`)
  const keyMaterial = value.keyMaterial
  if (!(keyMaterial instanceof Uint8Array) || keyMaterial.length !== 32) throw bad(`${label}.keyMaterial must be 32 bytes`)
  if (value.role !== 'sender' && value.role !== 'recipient') throw bad(`${label}.role must be "sender" or "recipient"`)
  if (!isAddress(value.peerAddress)) throw bad(`${label}.peerAddress must be an address`)
  if (typeof value.deterministic !== 'boolean') throw bad(`${label}.deterministic must be a boolean`)
  const createdNs = value.createdNs
  if (typeof createdNs !== 'bigint' || createdNs <= 0n) throw bad(`${label}.createdNs must be a positive bigint`)
  const invitation: OpenedInvitationData = {
    topic,
    keyMaterial,
    role: value.role,
    peerAddress: value.peerAddress,
    deterministic: value.deterministic,
    createdNs,
    createdAt: new Date(Number(createdNs / 1_000_000n)),
  }
  if (value.context !== undefined) {
    const context = value.context
    if (!isObject(context) || !isObject(context.metadata)) throw bad(`${label}.context must hold a conversationId and metadata`)
    const entries = Object.entries(context.metadata)
    if (entries.length > MAX_CONTEXT_ENTRIES) throw bad(`${label}.context.metadata has more than ${MAX_CONTEXT_ENTRIES} entries`)
    const metadata: Record<string, string> = {}
    for (const [k, v] of entries) metadata[checkText(k, `${label}.context.metadata key`)] = checkText(v, `${label}.context.metadata.${k.slice(0, 40)}`)
    invitation.context = { conversationId: checkText(context.conversationId, `${label}.context.conversationId`), metadata }
  }
  if (value.consentProof !== undefined) {
    const proof = value.consentProof
    if (!isObject(proof) || !Number.isSafeInteger(proof.timestampMs) || !Number.isInteger(proof.payloadVersion)) throw bad(`${label}.consentProof is malformed`)
    invitation.consentProof = { signature: checkText(proof.signature, `${label}.consentProof.signature`, 200), timestampMs: proof.timestampMs as number, payloadVersion: proof.payloadVersion as number }
  }
  return invitation
}

export type OpenedAnswer = { kind: 'opened'; outcomes: Array<{ ok: true; invitation: OpenedInvitationData } | { ok: false; error: Error }> } | { kind: 'failed'; error: string }

/**
 * Checks a worker's message on the background side. Returns null for a message that is not
 * an answer (a late `ready`); throws OffloadError('bad-message') for a malformed one.
 * `expected` is the number of envelopes the request with that id carried.
 */
export function checkWorkerAnswer(value: unknown, expected: (id: number) => number | undefined): { id: number; answer: OpenedAnswer } | null {
  if (!isOurs(value)) throw bad('answer must be a tagged object')
  if (value.kind === 'ready') return null
  const id = checkId(value.id, 'answer')
  const count = expected(id)
  if (count === undefined) return null // an answer to a request given up on (timed out)
  if (value.kind === 'failed') return { id, answer: { kind: 'failed', error: checkText(value.error, 'answer.error', MAX_ERROR_TEXT) } }
  if (value.kind !== 'opened') throw bad('answer.kind must be "opened", "failed" or "ready"')
  const outcomes = value.outcomes
  if (!Array.isArray(outcomes) || outcomes.length !== count) throw bad(`answer.outcomes must hold ${count} outcomes`)
  return {
    id,
    answer: {
      kind: 'opened',
      outcomes: outcomes.map((outcome: unknown, i) => {
        const label = `answer.outcomes[${i}]`
        if (!isObject(outcome)) throw bad(`${label} must be an object`)
        if (outcome.ok === true) return { ok: true as const, invitation: checkInvitation(outcome.invitation, `${label}.invitation`) }
        if (outcome.ok !== false || !isObject(outcome.error)) throw bad(`${label} must be { ok: true, invitation } or { ok: false, error }`)
        const name = checkText(outcome.error.name, `${label}.error.name`, 80)
        return { ok: false as const, error: new RemoteInvitationError(name, checkText(outcome.error.message, `${label}.error.message`, MAX_ERROR_TEXT)) }
      }),
    },
  }
}

/** A worker's `ready` message: the backend it runs, or null for anything else. */
export function asReadyMessage(value: unknown): { backend: string } | null {
  if (!isOurs(value) || value.kind !== 'ready' || typeof value.backend !== 'string') return null
  return { backend: value.backend.slice(0, 80) }
}

/** What the worker says of an invitation it could not open: the error's name and labelled message. */
export function describeFailure(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name.slice(0, 80), message: error.message.slice(0, MAX_ERROR_TEXT) }
  return { name: 'Error', message: 'the invitation could not be opened' }
}
