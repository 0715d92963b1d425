// Test support only: the Rust/wasm private-preferences implementation xmtp-js 13 uses
// (@xmtp/user-preferences-bindings-wasm, Node build) and @xmtp/proto's ts-proto messages,
// loaded through CommonJS as external references for the consent tests.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

export const userPreferencesWasm = require('@xmtp/user-preferences-bindings-wasm') as {
  user_preferences_encrypt(publicKey: Uint8Array, privateKey: Uint8Array, message: Uint8Array): Uint8Array
  user_preferences_decrypt(publicKey: Uint8Array, privateKey: Uint8Array, message: Uint8Array): Uint8Array
  generate_private_preferences_topic(privateKey: Uint8Array): string
}

export const refPreferencesProto = (
  require('@xmtp/proto') as {
    privatePreferences: {
      PrivatePreferencesAction: {
        encode(message: object): { finish(): Uint8Array }
        decode(bytes: Uint8Array): Record<string, { walletAddresses?: string[]; groupIds?: string[]; inboxIds?: string[] } | undefined>
      }
    }
  }
).privatePreferences
