import { createRequire } from 'node:module'
import { describe, expect, it, beforeAll } from 'vitest'
import Long from 'long'
import { xmtp } from '../../gen/proto.js'
import { fromBase64, toBase64 } from '../../wire/bytes.ts'
import { keccak256 } from '../crypto/hashes.ts'
import { signDigest } from '../crypto/secp256k1.ts'
import { PrivateKeySigner } from '../keys/signer.ts'
import { signatureToProto } from '../keys/public-keys.ts'
import { AuthTokenError, createAuthToken, tokenFromAuthorizationHeader, verifyAuthToken, verifyAuthTokenDetailed } from './token.ts'

const xmtpjs = createRequire(import.meta.url)('@xmtp/xmtp-js')
const api = xmtp.message_api.v1

const HOUR_NS = 3_600_000_000_000n
const WALLET_KEY = new Uint8Array(32).fill(0x11)

interface Identity {
  privateKey: Uint8Array
  publicKey: xmtp.message_contents.PublicKey
  address: string
  xmtpjsIdentity: unknown
}

// External vector: an identity created and wallet-signed by xmtp-js 13 itself.
async function xmtpjsIdentity(walletKey: Uint8Array): Promise<Identity> {
  const signer = new PrivateKeySigner(walletKey)
  const bundle = await xmtpjs.PrivateKeyBundleV1.generate(signer)
  const decoded = xmtp.message_contents.PrivateKeyBundle.decode(bundle.encode()).v1!
  return {
    privateKey: decoded.identityKey!.secp256k1!.bytes!,
    publicKey: xmtp.message_contents.PublicKey.create(decoded.identityKey!.publicKey!),
    address: signer.address,
    xmtpjsIdentity: bundle.identityKey,
  }
}

function forge(identity: Identity, authData: { walletAddr: string; createdNs: bigint }, signWith = identity.privateKey): string {
  const authDataBytes = api.AuthData.encode({ walletAddr: authData.walletAddr, createdNs: Long.fromString(authData.createdNs.toString(), true) }).finish()
  return toBase64(
    api.Token.encode({
      identityKey: identity.publicKey,
      authDataBytes,
      authDataSignature: signatureToProto(signDigest(keccak256(authDataBytes), signWith), 'ecdsaCompact'),
    }).finish(),
  )
}

describe('auth token', () => {
  let alice: Identity
  let bob: Identity
  const now = 1_760_000_000_000_000_000n

  beforeAll(async () => {
    alice = await xmtpjsIdentity(WALLET_KEY)
    bob = await xmtpjsIdentity(new Uint8Array(32).fill(0x22))
  })

  it('verifies a token produced by xmtp-js 13 LocalAuthenticator and returns the EIP-55 wallet', async () => {
    const created = new Date(Number(now / 1_000_000n))
    const theirs = await new xmtpjs.LocalAuthenticator(alice.xmtpjsIdentity).createToken(created)
    const wallet = verifyAuthToken(theirs.toBase64(), now + 1_000n)
    expect(wallet).toBe(alice.address)
  })

  it('creates tokens that xmtp-js decodes identically and our verifier accepts', () => {
    const token = createAuthToken({
      identityPrivateKey: alice.privateKey,
      identityPublicKey: alice.publicKey,
      walletAddress: alice.address.toLowerCase(),
      createdNs: now,
    })
    const detail = verifyAuthTokenDetailed(token, now + HOUR_NS)
    expect(detail.walletAddress).toBe(alice.address)
    expect(detail.createdNs).toBe(now)
    const decoded = api.Token.decode(fromBase64(token))
    expect(api.AuthData.decode(decoded.authDataBytes).walletAddr).toBe(alice.address)
    // The identity key is sent verbatim (legacy form, ecdsa_compact wallet signature).
    expect(api.Token.decode(fromBase64(token)).identityKey!.signature!.ecdsaCompact).toBeTruthy()
    // Deterministic: same inputs, same bytes (RFC 6979).
    expect(createAuthToken({ identityPrivateKey: alice.privateKey, identityPublicKey: alice.publicKey, walletAddress: alice.address, createdNs: now })).toBe(token)
  })

  it('accepts the identity wallet signature in the wallet_ecdsa_compact arm too', () => {
    const sig = alice.publicKey.signature!.ecdsaCompact!
    const moved = { ...alice, publicKey: xmtp.message_contents.PublicKey.create({ ...alice.publicKey, signature: { walletEcdsaCompact: sig } }) }
    expect(verifyAuthToken(forge(moved, { walletAddr: alice.address, createdNs: now }), now)).toBe(alice.address)
  })

  const reject = (token: string, reason: string, message: RegExp, at = now) => {
    let caught: unknown
    try {
      verifyAuthToken(token, at)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(AuthTokenError)
    expect((caught as AuthTokenError).reason).toBe(reason)
    expect((caught as AuthTokenError).message).toMatch(message)
  }

  it('rejects wrong-case or foreign wallet addresses (exact EIP-55 match)', () => {
    reject(forge(alice, { walletAddr: alice.address.toLowerCase(), createdNs: now }), 'wallet-mismatch', /^validating token: wallet address mismatch$/)
    reject(forge(alice, { walletAddr: bob.address, createdNs: now }), 'wallet-mismatch', /wallet address mismatch/)
  })

  it('rejects expired tokens but not future-dated ones', () => {
    const token = forge(alice, { walletAddr: alice.address, createdNs: now })
    expect(verifyAuthToken(token, now + HOUR_NS)).toBe(alice.address)
    reject(token, 'expired', /token expired/, now + HOUR_NS + 1n)
    expect(verifyAuthToken(token, now - HOUR_NS)).toBe(alice.address)
  })

  it('rejects auth data signed by another key, and an identity key claimed by a forged wallet signature', () => {
    reject(forge(alice, { walletAddr: alice.address, createdNs: now }, bob.privateKey), 'bad-signature', /invalid auth data signature/)
    // Bob's key presented with Alice's wallet signature recovers some unrelated address.
    const stolen = { ...bob, publicKey: xmtp.message_contents.PublicKey.create({ ...bob.publicKey, signature: alice.publicKey.signature }) }
    reject(forge(stolen, { walletAddr: alice.address, createdNs: now }), 'wallet-mismatch', /wallet address mismatch/)
  })

  it('rejects malformed tokens with typed errors', () => {
    reject('not base64!', 'malformed', /extracting token/)
    reject(toBase64(Uint8Array.of(0x0a, 0x09, 1)), 'malformed', /extracting token/)
    reject(toBase64(api.Token.encode({ authDataBytes: Uint8Array.of(1) }).finish()), 'malformed', /missing identity key/)
    const unsigned = { ...alice, publicKey: xmtp.message_contents.PublicKey.create({ timestamp: alice.publicKey.timestamp, secp256k1Uncompressed: alice.publicKey.secp256k1Uncompressed }) }
    reject(forge(unsigned, { walletAddr: alice.address, createdNs: now }), 'malformed', /missing identity key signature/)
    const badRecovery = { ...alice, publicKey: xmtp.message_contents.PublicKey.create({ ...alice.publicKey, signature: { ecdsaCompact: { bytes: alice.publicKey.signature!.ecdsaCompact!.bytes, recovery: 5 } } }) }
    reject(forge(badRecovery, { walletAddr: alice.address, createdNs: now }), 'bad-signature', /recovery must be 0 or 1/)
    expect(() => verifyAuthToken('x', 5 as never)).toThrow(TypeError)
  })

  it('parses the Authorization header like the node', () => {
    expect(tokenFromAuthorizationHeader('Bearer abc=')).toBe('abc=')
    expect(() => tokenFromAuthorizationHeader(undefined)).toThrow(/authorization token is not provided/)
    expect(() => tokenFromAuthorizationHeader('bearer abc')).toThrow(AuthTokenError)
    expect(() => tokenFromAuthorizationHeader('Bearerabc')).toThrow(AuthTokenError)
  })

  it('refuses to create a token whose key pair does not match', () => {
    expect(() =>
      createAuthToken({ identityPrivateKey: bob.privateKey, identityPublicKey: alice.publicKey, walletAddress: alice.address }),
    ).toThrow(RangeError)
    expect(() => createAuthToken({ identityPrivateKey: alice.privateKey, identityPublicKey: alice.publicKey, walletAddress: 'nope' })).toThrow(TypeError)
  })
})
