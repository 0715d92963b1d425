// The wallet vault: accounts from BIP-39 phrases and private keys, an encrypted vault, the lock.
export { Wallet, DEFAULT_AUTOLOCK_MINUTES, MIN_PASSWORD_LENGTH, type WalletOptions } from './wallet.ts'
export { VaultError, type VaultErrorReason } from './errors.ts'
export { MIN_PBKDF2_ITERATIONS } from './crypto.ts'
export { isValidPhrase, normalizePhrase } from './secrets.ts'
