// Test-only: a client's private key bundle, reached the one way keys leave a client
// (Client.exportKeyBundle), for tests that play a peer or an attacker with its own keys.
import { PrivateKeyBundleV1 } from '../../keys/index.ts'
import type { Client } from '../client.ts'

export function keysOf(client: Client): PrivateKeyBundleV1 {
  return PrivateKeyBundleV1.decode(client.exportKeyBundle())
}
