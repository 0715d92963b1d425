// Issue 4 through a real node process (auth on) with real xmtp-js 13: identities move
// between Parley and xmtp-js both ways, contacts are byte-compatible, canMessage agrees.
import { describe, expect, it } from 'vitest'
import { Client, ClientError, PrivateKeySigner } from '../../src/protocol/index.ts'
import { KeyBundleError } from '../../src/protocol/keys/index.ts'
import { toHex } from '../../src/wire/bytes.ts'
import { identityTopicCounts, rawApi } from '../helpers/network.ts'
import { newWallet } from '../helpers/wallets.ts'
import { xmtpJs } from '../helpers/xmtp-js.ts'
import { useNode } from '../helpers/interop-setup.ts'

const env = useNode()

const jsOptions = () => ({ env: 'local', apiUrl: env.node.url })

describe('identity interop (Parley ⇄ xmtp-js 13)', () => {
  it('an identity created by Parley is restored by xmtp-js, which republishes nothing', async () => {
    const wallet = newWallet()
    const parley = await Client.create(wallet, { apiUrl: env.node.url })
    expect(parley.address).toBe(wallet.address)
    const api = rawApi(env.node.url)
    // Parley published like xmtp-js: one private store, a legacy then a V2 contact.
    expect(await identityTopicCounts(api, wallet.address)).toEqual({ contact: 2, privateStore: 1, invite: 0 })

    const js = await xmtpJs.Client.create(wallet, jsOptions())
    expect(js.address).toBe(wallet.address)
    expect(await identityTopicCounts(api, wallet.address)).toEqual({ contact: 2, privateStore: 1, invite: 0 })
    expect(toHex(js.publicKeyBundle.toBytes())).toBe(toHex(parley.publicKeyBundle.toBytes()))

    // Restoring again with Parley publishes nothing either.
    const again = await Client.create(wallet, { apiUrl: env.node.url })
    expect(toHex(again.publicKeyBundle.toBytes())).toBe(toHex(parley.publicKeyBundle.toBytes()))
    expect(await identityTopicCounts(api, wallet.address)).toEqual({ contact: 2, privateStore: 1, invite: 0 })
  })

  it('an identity created by xmtp-js is restored by Parley, which republishes nothing', async () => {
    const wallet = newWallet()
    const js = await xmtpJs.Client.create(wallet, jsOptions())
    const api = rawApi(env.node.url)
    const before = await identityTopicCounts(api, wallet.address)
    expect(before).toEqual({ contact: 2, privateStore: 1, invite: 0 })
    wallet.signatures = 0
    const parley = await Client.create(wallet, { apiUrl: env.node.url })
    expect(wallet.signatures).toBe(1) // only Enable Identity, to open the stored keys
    expect(parley.address).toBe(wallet.address)
    expect(toHex(parley.publicKeyBundle.toBytes())).toBe(toHex(js.publicKeyBundle.toBytes()))
    expect(await identityTopicCounts(api, wallet.address)).toEqual(before)
  })

  it('each side canMessage the other; unknown and malformed addresses cannot be messaged', async () => {
    const parleyWallet = newWallet()
    const jsWallet = newWallet()
    const parley = await Client.create(parleyWallet, { apiUrl: env.node.url })
    const js = await xmtpJs.Client.create(jsWallet, jsOptions())
    const stranger = newWallet().address
    expect(await parley.canMessage(jsWallet.address)).toBe(true)
    expect(await parley.canMessage(jsWallet.address.toLowerCase())).toBe(true)
    expect(await js.canMessage(parleyWallet.address)).toBe(true)
    expect(await xmtpJs.Client.canMessage(parleyWallet.address, jsOptions())).toBe(true)
    expect(await Client.canMessage([jsWallet.address, stranger, 'not-an-address', parleyWallet.address], { apiUrl: env.node.url })).toEqual([
      true,
      false,
      false,
      true,
    ])
    expect(await parley.canMessage(stranger)).toBe(false)
    // Several peers' contacts are read in one batch query (DESC, 5 per topic, as xmtp-js).
    const paths: string[] = []
    let batch: any // eslint-disable-line @typescript-eslint/no-explicit-any
    const recording = async (input: string, init: RequestInit) => {
      paths.push(new URL(input).pathname)
      if (input.endsWith('/batch-query')) batch = JSON.parse(String(init.body))
      return fetch(input, init)
    }
    const peers = [jsWallet.address, stranger, newWallet().address]
    expect(await Client.canMessage(peers, { apiUrl: env.node.url, fetch: recording })).toEqual([true, false, false])
    expect(paths).toEqual(['/message/v1/batch-query'])
    expect(batch.requests.map((r: any) => [r.pagingInfo.limit, r.pagingInfo.direction])).toEqual(Array(3).fill([5, 'SORT_DIRECTION_DESCENDING'])) // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(await parley.canMessage('0x1234')).toBe(false)
  })

  it('keys from getKeys move both ways', async () => {
    const a = newWallet()
    const parleyKeys = await Client.getKeys(a, { apiUrl: env.node.url })
    const jsFromParley = await xmtpJs.Client.create(null, { ...jsOptions(), privateKeyOverride: parleyKeys })
    expect(jsFromParley.address).toBe(a.address)
    const jsKeys: Uint8Array = await xmtpJs.Client.getKeys(a, jsOptions())
    expect(toHex(jsKeys)).toBe(toHex(parleyKeys)) // same identity, same encoding

    const b = newWallet()
    const jsKeysB: Uint8Array = await xmtpJs.Client.getKeys(b, jsOptions())
    b.signatures = 0
    const parleyFromJs = await Client.create(null, { apiUrl: env.node.url, privateKeyOverride: jsKeysB })
    expect(b.signatures).toBe(0) // no wallet needed
    expect(parleyFromJs.address).toBe(b.address)
    expect(toHex(await Client.getKeys(null, { apiUrl: env.node.url, privateKeyOverride: jsKeysB }))).toBe(toHex(jsKeysB))
  })

  it('a PrivateKeySigner wallet works, and bad inputs fail with clear errors', async () => {
    const signer = new PrivateKeySigner(new Uint8Array(32).fill(7))
    const client = await Client.create(signer, { apiUrl: env.node.url })
    expect(client.address).toBe(signer.address)
    await expect(Client.create(null, { apiUrl: env.node.url })).rejects.toBeInstanceOf(ClientError)
    await expect(Client.create(null, { apiUrl: env.node.url, privateKeyOverride: new Uint8Array([1, 2, 3]) })).rejects.toBeInstanceOf(KeyBundleError)
    await expect(Client.create(newWallet(), { apiUrl: '' })).rejects.toThrow(/apiUrl/)
    const other = newWallet()
    const keys = await Client.getKeys(other, { apiUrl: env.node.url })
    await expect(Client.create(newWallet(), { apiUrl: env.node.url, privateKeyOverride: keys })).rejects.toMatchObject({ reason: 'identity-mismatch' })
  })
})
