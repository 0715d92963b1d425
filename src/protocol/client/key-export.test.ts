// Keys leave a client only through its explicit export (issue 24): no `keys` getter, no
// persistence handle, and the key operations handed to the conversation layer hold the
// bundle privately.
import { describe, expect, it } from 'vitest'
import { PrivateKeyBundleV1, PrivateKeySigner } from '../keys/index.ts'
import { toHex } from '../../wire/bytes.ts'
import { Client } from './client.ts'
import { BundleKeyOperations } from './key-operations.ts'

const offline = async () => new Response(JSON.stringify({ code: 14, message: 'offline' }), { status: 503 })

async function client() {
  const keys = await PrivateKeyBundleV1.generate(new PrivateKeySigner(new Uint8Array(32).fill(4)))
  const c = await Client.create(null, { apiUrl: 'http://node.test', fetch: offline, privateKeyOverride: keys.encode(), skipContactPublishing: true })
  return { keys, client: c }
}

describe('Client key export', () => {
  it('has no keys getter and no persistence handle; exportKeyBundle is the one way out', async () => {
    const { keys, client: c } = await client()
    expect('keys' in c).toBe(false)
    expect('persistence' in c).toBe(false)
    const exported = c.exportKeyBundle()
    expect(exported).toEqual(keys.encode())
    expect(PrivateKeyBundleV1.decode(exported).walletAddress).toBe(c.address)
    exported.fill(0) // the caller's copy: zeroing it leaves the client's keys intact
    expect(c.exportKeyBundle()).toEqual(keys.encode())
    await c.close()
  })

  it('the key operations the conversation layer gets expose no key bytes', async () => {
    const { keys } = await client()
    const ops = new BundleKeyOperations(keys)
    expect(Object.keys(ops)).toEqual([])
    const own = [toHex(keys.identityKey.privateKey), ...keys.preKeys.map((k) => toHex(k.privateKey))]
    const visible = JSON.stringify(ops) + JSON.stringify(ops.publicKeyBundle(), (_, v) => (v instanceof Uint8Array ? toHex(v) : typeof v === 'bigint' ? String(v) : v))
    for (const secret of own) expect(visible).not.toContain(secret)
    expect(ops.walletAddress).toBe(keys.walletAddress)
  })
})
