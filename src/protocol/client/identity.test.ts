import { describe, expect, it } from 'vitest'
import { ApiClient } from '../api/index.ts'
import { PrivateKeyBundleV1, PrivateKeySigner, encryptPrivateKeyBundle, type Signer } from '../keys/index.ts'
import { toBase64 } from '../../wire/bytes.ts'
import { privateStoreTopic } from '../topics.ts'
import { IdentityAuthenticator, loadOrCreateIdentity } from './identity.ts'

// A node double that answers every query with the given envelopes and records publishes.
function nodeDouble(envelopes: Array<{ contentTopic: string; message: Uint8Array }>) {
  const published: unknown[] = []
  const fetch = async (url: string, init: RequestInit) => {
    if (url.endsWith('/message/v1/publish')) {
      published.push(JSON.parse(String(init.body)))
      return new Response('{}')
    }
    const body = {
      envelopes: envelopes.map((e) => ({ contentTopic: e.contentTopic, timestampNs: '1700000000000000000', message: toBase64(e.message) })),
      pagingInfo: null,
    }
    return new Response(JSON.stringify(body))
  }
  return { fetch, published }
}

describe('loadOrCreateIdentity', () => {
  it('restores the stored identity without publishing anything', async () => {
    const signer = new PrivateKeySigner(new Uint8Array(32).fill(3))
    const bundle = await PrivateKeyBundleV1.generate(signer)
    const stored = await encryptPrivateKeyBundle(bundle, signer)
    const double = nodeDouble([{ contentTopic: privateStoreTopic(signer.address), message: stored }])
    const auth = new IdentityAuthenticator()
    const api = new ApiClient({ apiUrl: 'http://node.test', fetch: double.fetch, authenticator: auth })
    const loaded = await loadOrCreateIdentity(api, auth, signer)
    expect(loaded.created).toBe(false)
    expect(loaded.keys.walletAddress).toBe(signer.address)
    expect(double.published).toHaveLength(0)
    expect(await auth.createToken()).toMatch(/^[A-Za-z0-9+/]+=*$/)
  })

  it('creates and stores a new identity when the network holds none', async () => {
    const signer = new PrivateKeySigner(new Uint8Array(32).fill(4))
    const double = nodeDouble([])
    const auth = new IdentityAuthenticator()
    const api = new ApiClient({ apiUrl: 'http://node.test', fetch: double.fetch, authenticator: auth })
    const loaded = await loadOrCreateIdentity(api, auth, signer)
    expect(loaded.created).toBe(true)
    expect(double.published).toHaveLength(1)
    expect(JSON.stringify(double.published[0])).toContain(privateStoreTopic(signer.address))
  })

  it('refuses an identity of another wallet when the signer misreports its address', async () => {
    const real = new PrivateKeySigner(new Uint8Array(32).fill(5))
    const claimed = new PrivateKeySigner(new Uint8Array(32).fill(6))
    const bundle = await PrivateKeyBundleV1.generate(real)
    const stored = await encryptPrivateKeyBundle(bundle, real)
    const lying: Signer = { getAddress: async () => claimed.address, signMessage: (m) => real.signMessage(m) }
    const double = nodeDouble([{ contentTopic: privateStoreTopic(claimed.address), message: stored }])
    const auth = new IdentityAuthenticator()
    const api = new ApiClient({ apiUrl: 'http://node.test', fetch: double.fetch, authenticator: auth })
    await expect(loadOrCreateIdentity(api, auth, lying)).rejects.toMatchObject({ name: 'ClientError', reason: 'identity-mismatch' })
  })

  it('the authenticator refuses to sign before it has keys', async () => {
    await expect(new IdentityAuthenticator().createToken()).rejects.toThrow(/no identity/)
  })
})
