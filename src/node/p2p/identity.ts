// The node's peer identity: an Ed25519 key kept in the data folder (mode 0600), so a restarted
// node keeps its peer id and its peers recognise it. Stored as libp2p's protobuf key encoding.

import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'

export class PeerKeyError extends Error {
  override readonly name = 'PeerKeyError'
}

export interface LoadedPeerKey {
  privateKey: PrivateKey
  /** True when the file did not exist and a new key was written. */
  created: boolean
}

/**
 * Reads the peer key at `path`, or creates one there (readable by the owner only). A file that
 * exists but does not hold a key is an error: replacing it would silently change the peer id.
 */
export async function loadOrCreatePeerKey(path: string): Promise<LoadedPeerKey> {
  let bytes: Buffer | undefined
  try {
    bytes = readFileSync(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new PeerKeyError(`cannot read the peer key ${path}: ${(err as Error).message}`)
  }
  if (bytes) {
    try {
      const privateKey = privateKeyFromProtobuf(new Uint8Array(bytes))
      // Tighten a key file that was copied around with looser permissions.
      if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600)
      return { privateKey, created: false }
    } catch (err) {
      throw new PeerKeyError(`${path} does not hold a libp2p private key (${(err as Error).message}); move it away to create a new identity`)
    }
  }
  const privateKey = await generateKeyPair('Ed25519')
  mkdirSync(dirname(path), { recursive: true })
  // wx: never overwrite a key another process created in the meantime.
  writeFileSync(path, privateKeyToProtobuf(privateKey), { mode: 0o600, flag: 'wx' })
  return { privateKey, created: true }
}

/** A key that lives only as long as the process (in-memory databases, tests). */
export function ephemeralPeerKey(): Promise<PrivateKey> {
  return generateKeyPair('Ed25519')
}
