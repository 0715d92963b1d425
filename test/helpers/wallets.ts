// Test wallets: viem local accounts, shaped as the Signer both xmtp-js 13 and Parley
// accept ({ getAddress, signMessage } returning 0x-hex 65-byte EIP-191 signatures).
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'

export interface TestWallet {
  address: string
  /** 0x-hex 32-byte private key. */
  privateKey: `0x${string}`
  getAddress(): Promise<string>
  signMessage(message: string | Uint8Array): Promise<string>
  /** How many signatures this wallet has produced (to assert "no wallet prompt"). */
  signatures: number
}

export function newWallet(privateKey: `0x${string}` = generatePrivateKey()): TestWallet {
  const account = privateKeyToAccount(privateKey)
  const wallet: TestWallet = {
    address: account.address,
    privateKey,
    signatures: 0,
    getAddress: async () => account.address,
    signMessage: async (message) => {
      wallet.signatures++
      return account.signMessage({ message: typeof message === 'string' ? message : { raw: message } })
    },
  }
  return wallet
}
