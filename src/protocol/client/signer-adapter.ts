// Accepts the wallets apps have: anything with getAddress() + signMessage(message)
// (ethers Wallet, our PrivateKeySigner), or a viem WalletClient / LocalAccount, whose
// signMessage takes `{ message, account }`. Normalises to the library's Signer.
import type { Signer } from '../keys/index.ts'

type ViemMessage = string | { raw: Uint8Array }

interface ViemWalletClient {
  account?: { address: string }
  getAddresses?: () => Promise<string[]>
  signMessage(args: { message: ViemMessage; account?: unknown }): Promise<string>
}

interface ViemLocalAccount {
  address: string
  type: 'local'
  signMessage(args: { message: ViemMessage }): Promise<string>
}

export type SignerLike = Signer | ViemWalletClient | ViemLocalAccount

function viemMessage(message: string | Uint8Array): ViemMessage {
  return typeof message === 'string' ? message : { raw: message }
}

export function toSigner(wallet: SignerLike): Signer {
  if (typeof wallet !== 'object' || wallet === null) throw new TypeError('signer must be an object')
  const w = wallet as Partial<Signer> & Partial<ViemWalletClient> & Partial<ViemLocalAccount>
  if (typeof w.getAddress === 'function' && typeof w.signMessage === 'function') return wallet as Signer
  if (w.type === 'local' && typeof w.address === 'string' && typeof w.signMessage === 'function') {
    const account = wallet as ViemLocalAccount
    return { getAddress: async () => account.address, signMessage: (message) => account.signMessage({ message: viemMessage(message) }) }
  }
  if (typeof w.signMessage === 'function' && (w.account || typeof w.getAddresses === 'function')) {
    const client = wallet as ViemWalletClient
    const address = async () => client.account?.address ?? (await client.getAddresses!())[0] ?? ''
    return {
      getAddress: address,
      signMessage: async (message) => client.signMessage({ message: viemMessage(message), account: client.account ?? (await address()) }),
    }
  }
  throw new TypeError('signer must have getAddress() and signMessage(), or be a viem WalletClient or account')
}
