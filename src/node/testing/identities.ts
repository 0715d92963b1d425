// Wallet identities and publish tokens for tests, made by xmtp-js 13 itself (interop: the
// node must accept exactly what the reference client sends) and, for the negative cases, by
// our own token builder (src/protocol/auth).

import { createRequire } from 'node:module'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { createAuthToken } from '../../protocol/auth/index.ts'

// xmtp-js's ESM build does not import in plain Node; its CommonJS build does.
const require = createRequire(import.meta.url)
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const xmtpjs: any = require('@xmtp/xmtp-js')

export interface TestWallet {
  address: string
  getAddress(): Promise<string>
  signMessage(message: string | Uint8Array): Promise<string>
}

/** A fresh random wallet in the shape xmtp-js accepts (getAddress + signMessage). */
export function randomWallet(): TestWallet {
  const account = privateKeyToAccount(generatePrivateKey())
  return {
    address: account.address,
    getAddress: async () => account.address,
    signMessage: (message) => account.signMessage({ message: typeof message === 'string' ? message : { raw: message } }),
  }
}

export interface TestIdentity {
  wallet: TestWallet
  /** EIP-55 address. */
  address: string
  /** A token as xmtp-js creates it (LocalAuthenticator), optionally back-dated. */
  token(createdAt?: Date): Promise<string>
  /** A correctly signed token whose AuthData claims another wallet (node must refuse). */
  tokenClaiming(otherWallet: string): string
}

/** A wallet with an identity key signed by it, as xmtp-js generates one. */
export async function createIdentity(): Promise<TestIdentity> {
  const wallet = randomWallet()
  const bundle = await xmtpjs.PrivateKeyBundleV1.generate(wallet)
  const authenticator = new xmtpjs.LocalAuthenticator(bundle.identityKey)
  return {
    wallet,
    address: wallet.address,
    token: async (createdAt?: Date) => (await authenticator.createToken(createdAt)).toBase64(),
    tokenClaiming: (otherWallet: string) =>
      createAuthToken({
        identityPrivateKey: bundle.identityKey.secp256k1.bytes,
        identityPublicKey: bundle.identityKey.publicKey,
        walletAddress: otherWallet,
      }),
  }
}
