// client.contacts: the consent list of peer addresses (spec §11), shaped as xmtp-js 13's
// Contacts (allow / deny / isAllowed / isDenied / consentState / loadConsentList /
// refreshConsentList / streamConsentList). The state lives on the wallet's private
// preferences topic, encrypted to the identity key, so every client of the same wallet
// (Parley or xmtp-js) reads the same list.
import { ConsentList, type ConsentState, type PreferencesAction } from '../consent/index.ts'
import { isAddress, toChecksumAddress } from '../crypto/ethereum.ts'
import { AsyncStream } from './async-stream.ts'
import type { ConsentDeps, ConsentOperations } from './deps.ts'
import { EnvelopeSkippedError } from './errors.ts'
import { nowNs } from './identity.ts'
import { listingStartNs } from './conversation-index.ts'
import type { Envelope } from '../api/index.ts'

export type { ConsentState, PreferencesAction }

function checkAddresses(addresses: unknown, label: string): string[] {
  if (!Array.isArray(addresses) || addresses.length === 0) throw new TypeError(`${label} must be a non-empty array of addresses`)
  return addresses.map((a, i) => {
    if (!isAddress(a)) throw new TypeError(`${label}[${i}] must be an Ethereum address`)
    return toChecksumAddress(a)
  })
}

export class ConsentContacts implements ConsentOperations {
  readonly #deps: ConsentDeps
  #list = new ConsentList()
  /** Start (ns) of the last completed load; the next load starts a skew window before it. */
  #lastLoadNs: bigint | undefined

  constructor(deps: ConsentDeps) {
    this.#deps = deps
  }

  get topic(): string {
    return this.#deps.keys.preferencesTopic()
  }

  /**
   * Applies the actions published since `startTime` — by default since the previous load
   * minus a skew window (everything on the first load) — in order; returns address → state.
   * Replaying the overlap in order is harmless: the last action per address still wins.
   */
  async loadConsentList(startTime?: Date): Promise<Map<string, ConsentState>> {
    if (startTime !== undefined && !(startTime instanceof Date)) throw new TypeError('startTime must be a Date')
    const startedNs = nowNs()
    const fromNs = startTime ? BigInt(startTime.getTime()) * 1_000_000n : listingStartNs(this.#lastLoadNs)
    const envelopes = await this.#deps.api.query({ contentTopic: this.topic, direction: 'ascending', ...(fromNs !== undefined ? { startTime: fromNs } : {}) })
    this.#list.applyAll(await this.#decryptAll(envelopes))
    this.#lastLoadNs = startedNs
    return this.#snapshot()
  }

  /** Rebuilds the list from the whole topic (picks up changes made by other clients of this wallet). */
  async refreshConsentList(): Promise<Map<string, ConsentState>> {
    const startedNs = nowNs()
    const envelopes = await this.#deps.api.query({ contentTopic: this.topic, direction: 'ascending' })
    this.#list = ConsentList.fromActions(await this.#decryptAll(envelopes))
    this.#lastLoadNs = startedNs
    return this.#snapshot()
  }

  /** Loads the list once per client, so decisions like "allow on first send" see other clients' choices. */
  async ensureLoaded(): Promise<void> {
    if (this.#lastLoadNs === undefined) await this.loadConsentList()
  }

  /** Live consent changes (from any client of this wallet), applied as they arrive; end with `return()`. */
  async streamConsentList(): Promise<AsyncStream<PreferencesAction>> {
    const subscription = await this.#deps.api.subscribe([this.topic])
    const stream = this.#deps.streams.track(new AsyncStream<PreferencesAction>(() => subscription.close()))
    void (async () => {
      try {
        for await (const envelope of subscription) {
          const [action] = await this.#decryptAll([envelope])
          if (!action) continue
          this.#list.apply(action)
          stream.push(action)
        }
        await stream.return()
      } catch (error) {
        stream.fail(error)
      }
    })()
    return stream
  }

  consentState(address: string): ConsentState {
    if (typeof address !== 'string') throw new TypeError('address must be a string')
    return this.#list.state(address)
  }

  isAllowed(address: string): boolean {
    return this.consentState(address) === 'allowed'
  }

  isDenied(address: string): boolean {
    return this.consentState(address) === 'denied'
  }

  /** Allows addresses here and for every client of this wallet (one published action). */
  async allow(addresses: string[]): Promise<void> {
    await this.#publish(this.#list.allow(checkAddresses(addresses, 'addresses')))
  }

  async deny(addresses: string[]): Promise<void> {
    await this.#publish(this.#list.deny(checkAddresses(addresses, 'addresses')))
  }

  async #publish(action: PreferencesAction): Promise<void> {
    const message = await this.#deps.keys.encryptPreferencesAction(action)
    await this.#deps.api.publish([{ contentTopic: this.topic, timestampNs: nowNs(), message }])
  }

  async #decryptAll(envelopes: Envelope[]): Promise<PreferencesAction[]> {
    const out: PreferencesAction[] = []
    for (const envelope of envelopes) {
      try {
        out.push(await this.#deps.keys.decryptPreferencesAction(envelope.message))
      } catch (cause) {
        this.#deps.reportSkipped(new EnvelopeSkippedError(envelope.contentTopic, 'a consent action could not be decrypted', { cause }))
      }
    }
    return out
  }

  #snapshot(): Map<string, ConsentState> {
    const map = new Map<string, ConsentState>()
    for (const entry of this.#list.entries()) if (entry.entryType === 'address') map.set(entry.value, entry.state)
    return map
  }
}
