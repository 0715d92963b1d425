import { describe, expect, it } from 'vitest'
import { createWalletClient, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { PrivateKeySigner } from '../keys/index.ts'
import { recoverWalletAddress } from '../crypto/ethereum.ts'
import { toSigner } from './signer-adapter.ts'

const KEY = `0x${'11'.repeat(32)}` as const

describe('toSigner', () => {
  it('passes a getAddress/signMessage wallet through unchanged', () => {
    const signer = new PrivateKeySigner(new Uint8Array(32).fill(0x11))
    expect(toSigner(signer)).toBe(signer)
  })

  it('adapts a viem local account: same address, EIP-191 signatures over text and raw bytes', async () => {
    const account = privateKeyToAccount(KEY)
    const signer = toSigner(account)
    expect(await signer.getAddress()).toBe(account.address)
    expect(recoverWalletAddress('hello', await signer.signMessage('hello'))).toBe(account.address)
    const raw = new Uint8Array([1, 2, 3])
    expect(recoverWalletAddress(raw, await signer.signMessage(raw))).toBe(account.address)
  })

  it('adapts a viem WalletClient with an account', async () => {
    const account = privateKeyToAccount(KEY)
    const client = createWalletClient({ account, transport: http('http://127.0.0.1:1') })
    const signer = toSigner(client as never)
    expect(await signer.getAddress()).toBe(account.address)
    expect(recoverWalletAddress('text', await signer.signMessage('text'))).toBe(account.address)
  })

  it('rejects anything else', () => {
    expect(() => toSigner(null as never)).toThrow(TypeError)
    expect(() => toSigner({ signMessage: () => '' } as never)).toThrow(/getAddress/)
  })
})
