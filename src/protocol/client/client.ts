// The XMTP client: one wallet's identity, its message API connection, codecs and
// conversations. Follows xmtp-js 13's surface (Client.create / getKeys / canMessage,
// client.conversations, client.contacts) so XMTP developers feel at home.
import { ApiClient, type FetchFn } from '../api/index.ts'
import { isAddress, toChecksumAddress } from '../crypto/ethereum.ts'
import { ContentCodecRegistry, createDefaultRegistry, type ContentCodec, type ContentTypeIdFields } from '../content/index.ts'
import { PrivateKeyBundleV1, encodeLegacyBundle, type CompleteLegacyBundle } from '../keys/index.ts'
import { ContactDirectory, publishContactsIfNeeded } from './contact-directory.ts'
import { Conversations } from './conversations.ts'
import { ConsentContacts } from './consent-contacts.ts'
import type { ConsentDeps, ConversationDeps } from './deps.ts'
import { BundleKeyOperations } from './key-operations.ts'
import { SkippedEnvelopes } from './skipped-envelopes.ts'
import { StreamRegistry } from './stream-registry.ts'
import { ClientError } from './errors.ts'
import { IdentityAuthenticator, loadOrCreateIdentity } from './identity.ts'
import { PersistenceConversationStore, checkConversationStore, type ConversationStore } from './conversation-store.ts'
import { InMemoryPersistence, NamespacedPersistence, checkPersistence, type Persistence } from './persistence.ts'
import { toSigner, type SignerLike } from './signer-adapter.ts'
import { checkInvitationOpener, type InvitationOpener } from '../invitations/batch-opener.ts'

export interface NetworkOptions {
  /** Base URL of the node's HTTP API, e.g. http://127.0.0.1:5555. */
  apiUrl: string
  fetch?: FetchFn
  /** X-App-Version header, `<app>/<version>`. */
  appVersion?: string
}

export interface ClientOptions extends NetworkOptions {
  /** `PrivateKeyBundle{v1}` bytes (as Client.getKeys / xmtp-js getKeys return); no signer needed then. */
  privateKeyOverride?: Uint8Array
  /** Extra codecs; the standard content types work without registering anything. */
  codecs?: ContentCodec<any>[]
  /** Where conversations and listing watermarks are kept between runs. Default: in memory. */
  persistence?: Persistence
  /**
   * Where conversation records are kept, when the application stores them itself (one record
   * per conversation, written once per change). Default: items in `persistence`. It holds this
   * wallet's conversations only.
   */
  conversationStore?: ConversationStore
  /** Do not check or publish the contact bundles. */
  skipContactPublishing?: boolean
  /**
   * Opens each page of invitations a listing reads (invitations/batch-opener.ts), e.g. on
   * another thread. Default: on this thread.
   */
  openInvitations?: InvitationOpener
}

function checkNetworkOptions(options: unknown): NetworkOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object with an apiUrl')
  const o = options as NetworkOptions
  if (typeof o.apiUrl !== 'string' || o.apiUrl.length === 0) throw new TypeError('options.apiUrl must be a non-empty string')
  if (o.fetch !== undefined && typeof o.fetch !== 'function') throw new TypeError('options.fetch must be a function')
  return o
}

function apiClientFor(options: NetworkOptions, authenticator?: IdentityAuthenticator): ApiClient {
  return new ApiClient({
    apiUrl: options.apiUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.appVersion ? { appVersion: options.appVersion } : {}),
    ...(authenticator ? { authenticator } : {}),
  })
}

/** The legacy public bundle with xmtp-js's `toBytes()` (encoded PublicKeyBundle). */
export interface PublicKeyBundleView extends CompleteLegacyBundle {
  toBytes(): Uint8Array
}

export class Client {
  readonly address: string
  /** The message API client (publish, query, subscribe), e.g. for an application's own sync. */
  readonly api: ApiClient
  readonly conversations: Conversations
  /** Consent (allow/deny) of peer addresses, synced through the private preferences topic (§11). */
  readonly contacts: ConsentContacts
  readonly directory: ContactDirectory
  readonly #keys: PrivateKeyBundleV1
  readonly #registry: ContentCodecRegistry

  private constructor(keys: PrivateKeyBundleV1, api: ApiClient, registry: ContentCodecRegistry, persistence: Persistence, store: ConversationStore) {
    this.#keys = keys
    this.address = keys.walletAddress
    this.api = api
    this.#registry = registry
    this.directory = new ContactDirectory(api)
    // The conversation layer gets narrow dependencies, never this object (deps.ts).
    const streams = new StreamRegistry()
    const skipped = new SkippedEnvelopes()
    const consentDeps: ConsentDeps = { api, keys: new BundleKeyOperations(keys), streams, reportSkipped: skipped.report }
    this.contacts = new ConsentContacts(consentDeps)
    const deps: ConversationDeps = { ...consentDeps, address: this.address, registry, directory: this.directory, consent: this.contacts }
    this.conversations = new Conversations(deps, { store, persistence, streams, skipped })
  }

  /**
   * Restores the wallet's identity from the network (publishing nothing when the network
   * already holds it and its contact bundles), or creates and publishes it. With
   * `privateKeyOverride` no signer is needed (pass null).
   */
  static async create(signer: SignerLike | null, options: ClientOptions): Promise<Client> {
    checkNetworkOptions(options)
    if (options.codecs !== undefined && !Array.isArray(options.codecs)) throw new TypeError('options.codecs must be an array')
    const persistence = options.persistence === undefined ? new InMemoryPersistence() : checkPersistence(options.persistence, 'options.persistence')
    const ownStore = options.conversationStore === undefined ? undefined : checkConversationStore(options.conversationStore, 'options.conversationStore')
    const registry = createDefaultRegistry(options.codecs ?? [])
    const auth = new IdentityAuthenticator()
    const api = apiClientFor(options, auth)
    const wallet = signer === null || signer === undefined ? undefined : toSigner(signer)
    let keys: PrivateKeyBundleV1
    if (options.privateKeyOverride !== undefined) {
      if (!(options.privateKeyOverride instanceof Uint8Array)) throw new TypeError('options.privateKeyOverride must be a Uint8Array')
      keys = PrivateKeyBundleV1.decode(options.privateKeyOverride)
      if (wallet && toChecksumAddress(await wallet.getAddress()) !== keys.walletAddress) {
        throw new ClientError('identity-mismatch', 'privateKeyOverride belongs to a different wallet than the signer')
      }
      auth.setKeys(keys)
    } else {
      if (!wallet) throw new ClientError('no-identity', 'a signer or options.privateKeyOverride is required')
      keys = (await loadOrCreateIdentity(api, auth, wallet)).keys
    }
    if (!options.skipContactPublishing) await publishContactsIfNeeded(api, keys)
    const walletPersistence = new NamespacedPersistence(persistence, keys.walletAddress)
    const client = new Client(keys, api, registry, walletPersistence, ownStore ?? new PersistenceConversationStore(walletPersistence))
    if (options.openInvitations !== undefined) client.conversations.v2.openInvitations = checkInvitationOpener(options.openInvitations, 'options.openInvitations')
    await client.conversations.load()
    return client
  }

  /** `PrivateKeyBundle{v1}` bytes of the wallet's identity (creating it if needed), as xmtp-js `getKeys` returns. */
  static async getKeys(signer: SignerLike | null, options: ClientOptions): Promise<Uint8Array> {
    const client = await Client.create(signer, options)
    try {
      return client.exportKeyBundle()
    } finally {
      await client.close()
    }
  }

  /** Whether each address has a valid contact bundle on the network (false for malformed addresses). */
  static async canMessage(peerAddress: string, options: NetworkOptions): Promise<boolean>
  static async canMessage(peerAddress: string[], options: NetworkOptions): Promise<boolean[]>
  static async canMessage(peerAddress: string | string[], options: NetworkOptions): Promise<boolean | boolean[]> {
    checkNetworkOptions(options)
    return canMessageWith(new ContactDirectory(apiClientFor(options)), peerAddress)
  }

  canMessage(peerAddress: string): Promise<boolean>
  canMessage(peerAddress: string[]): Promise<boolean[]>
  canMessage(peerAddress: string | string[]): Promise<boolean | boolean[]> {
    return canMessageWith(this.directory, peerAddress)
  }

  /** The identity and pre-key in legacy form (what ContactBundle v1 and V1 headers carry). */
  get publicKeyBundle(): PublicKeyBundleView {
    const bundle = this.#keys.getPublicKeyBundle()
    return { ...bundle, toBytes: () => encodeLegacyBundle(bundle) }
  }

  /**
   * The one way the private keys leave the client: `PrivateKeyBundle{v1}` bytes (as
   * Client.getKeys and xmtp-js getKeys return), e.g. to keep them sealed for the next start
   * (pass them back as `privateKeyOverride`). The caller owns the copy: zero it after use.
   */
  exportKeyBundle(): Uint8Array {
    return this.#keys.encode()
  }

  /**
   * Publishes this wallet's contact bundles unless the network already holds them (a client
   * created with `skipContactPublishing` calls this once it is online); true when it published.
   */
  publishContactBundles(): Promise<boolean> {
    return publishContactsIfNeeded(this.api, this.#keys)
  }

  get registry(): ContentCodecRegistry {
    return this.#registry
  }

  registerCodec(codec: ContentCodec<any>): this {
    this.#registry.register(codec)
    return this
  }

  codecFor(contentType: ContentTypeIdFields): ContentCodec<unknown> | undefined {
    return this.#registry.codecFor(contentType)
  }

  /** Ends every stream this client opened. The client must not be used afterwards. */
  async close(): Promise<void> {
    await this.conversations.closeStreams()
  }
}

async function canMessageWith(directory: ContactDirectory, peerAddress: string | string[]): Promise<boolean | boolean[]> {
  if (Array.isArray(peerAddress)) {
    const valid = peerAddress.map((a) => isAddress(a))
    const found = await directory.getMany(peerAddress.filter((_, i) => valid[i]).map((a) => toChecksumAddress(a)))
    let next = 0
    return valid.map((ok) => (ok ? found[next++] !== undefined : false))
  }
  if (!isAddress(peerAddress)) return false
  return (await directory.get(toChecksumAddress(peerAddress))) !== undefined
}
