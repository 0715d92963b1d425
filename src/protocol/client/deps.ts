// The narrow dependencies of the conversation layer. Conversations, listings, conversation
// objects and consent take these instead of the whole Client: the message API calls they
// make, the codec registry, key operations (key-operations.ts), peer lookups, consent, and
// where streams are registered and skipped envelopes reported. client.ts builds them; nothing
// here imports the Client, so the layer has no import circle.
import type { ApiClient } from '../api/index.ts'
import type { ConsentState } from '../consent/index.ts'
import type { ContentCodecRegistry } from '../content/index.ts'
import type { AsyncStream } from './async-stream.ts'
import type { PeerContact } from './contact-payloads.ts'
import type { EnvelopeSkippedError } from './errors.ts'
import type { KeyOperations } from './key-operations.ts'

/** The message API calls the conversation layer makes (ApiClient provides them). */
export type MessageApi = Pick<ApiClient, 'publish' | 'query' | 'queryIterator' | 'queryBoundedPage' | 'subscribe'>

/** Peers' contact bundles (ContactDirectory provides it). */
export interface PeerDirectory {
  get(address: string): Promise<PeerContact | undefined>
}

/** Consent of peer addresses (ConsentContacts provides it). */
export interface ConsentOperations {
  consentState(address: string): ConsentState
  allow(addresses: string[]): Promise<void>
  deny(addresses: string[]): Promise<void>
  /** Loads the list once, so "allow on first send" sees other clients' choices. */
  ensureLoaded(): Promise<void>
}

/** Registers a stream so Client.close() ends it. */
export interface StreamTracker {
  track<T>(stream: AsyncStream<T>): AsyncStream<T>
}

/** Receives envelopes that could not be opened; the client counts them and keeps going. */
export type SkipReporter = (error: EnvelopeSkippedError) => void

/** What consent (ConsentContacts) needs. */
export interface ConsentDeps {
  readonly api: MessageApi
  readonly keys: KeyOperations
  readonly streams: StreamTracker
  readonly reportSkipped: SkipReporter
}

/** What conversation objects and listings need. */
export interface ConversationDeps extends ConsentDeps {
  /** This wallet's address (checksummed). */
  readonly address: string
  readonly registry: ContentCodecRegistry
  readonly directory: PeerDirectory
  readonly consent: ConsentOperations
}
