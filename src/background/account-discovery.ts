// Account discovery after a wallet is imported or restored from a phrase (BIP-44's rule for
// accounts): the phrase's next derived addresses are checked on the node, a batch at a time,
// and every one that has an XMTP identity is added, in order, until the first that has none.
// Bounded: at most MAX_ACCOUNTS addresses are asked about, in batches of BATCH.
export const BATCH = 5
export const MAX_ACCOUNTS = 20

export interface DiscoveryDeps {
  /** The phrase's next `count` addresses, not yet accounts (Wallet.nextDerivedAddresses). */
  nextDerivedAddresses(count: number): Promise<string[]>
  /** Adds the next derived account (Wallet.addAccount). */
  addAccount(): Promise<unknown>
  /** Which addresses have an XMTP identity on the node (Client.canMessage). */
  onXmtp(addresses: string[]): Promise<boolean[]>
}

/** Adds the accounts found; resolves with how many. Network errors end the scan quietly. */
export async function discoverAccounts(deps: DiscoveryDeps): Promise<number> {
  let added = 0
  while (added < MAX_ACCOUNTS) {
    const addresses = await deps.nextDerivedAddresses(Math.min(BATCH, MAX_ACCOUNTS - added))
    if (addresses.length === 0) return added
    const found = await deps.onXmtp(addresses)
    for (const inUse of found) {
      if (!inUse) return added
      await deps.addAccount()
      added++
    }
  }
  return added
}

export interface DiscovererDeps {
  nextDerivedAddresses(count: number): Promise<string[]>
  /** Adds the next derived account without making it the active one. */
  addAccount(): Promise<unknown>
  /** Which addresses have an XMTP identity on the node at `apiUrl` (Client.canMessage). */
  canMessage(addresses: string[], apiUrl: string): Promise<boolean[]>
  nodeUrl(): Promise<string>
}

/** accounts_discover's action: discovery on the node in use when it is asked. */
export function accountDiscoverer(deps: DiscovererDeps): () => Promise<number> {
  return async () => {
    const apiUrl = await deps.nodeUrl()
    return discoverAccounts({
      nextDerivedAddresses: deps.nextDerivedAddresses,
      addAccount: deps.addAccount,
      onXmtp: (addresses) => deps.canMessage(addresses, apiUrl),
    })
  }
}
