// RPC methods of the wallet: vault, accounts, lock, settings and the node's status.
// All `exposure: 'extension'`: only Parley's own pages can reach them (a page gets 4200).
// Handlers: src/background/handlers (the vault lives in src/background/vault).
import { extensionMethod, noParams, REPEATABLE } from '../method-spec.ts'
import {
  objectParams,
  onlyFields,
  optionalBoolean,
  optionalInteger,
  optionalString,
  stringField,
} from '../params.ts'
import type { AccountView, DiagnosticsView, NodeStatusView, SettingsView, WalletStatus } from '../views.ts'

/** Longest password accepted (PBKDF2 hashes it anyway; this only bounds the message). */
const MAX_PASSWORD = 1024
/** A 24-word phrase or a 0x-prefixed 64-hex key fits easily. */
const MAX_SECRET = 1024
const MAX_LABEL = 64

function passwordParams(fields: Record<string, unknown>, name: string, method: string): string {
  return stringField(fields, name, method, { max: MAX_PASSWORD })
}

export const WALLET_METHODS = {
  /** Whether a vault exists, whether it is locked, the accounts, the XMTP session's progress. */
  wallet_status: extensionMethod<undefined, WalletStatus>(noParams, REPEATABLE),
  /** A fresh 12-word BIP-39 phrase for onboarding; nothing is stored until wallet_create. */
  wallet_generatePhrase: extensionMethod<undefined, { phrase: string }>(noParams),
  /** First run: a new vault from a phrase (generated or typed), account 0, unlocked. */
  wallet_create: extensionMethod<{ password: string; phrase: string }, WalletStatus>((raw, m) => {
    const f = objectParams(raw, m)
    onlyFields(f, ['password', 'phrase'], m)
    return { password: passwordParams(f, 'password', m), phrase: stringField(f, 'phrase', m, { max: MAX_SECRET }) }
  }),
  /** First run: a new vault from an imported phrase or raw private key (0x + 64 hex). */
  wallet_import: extensionMethod<{ password: string; secret: string }, WalletStatus>((raw, m) => {
    const f = objectParams(raw, m)
    onlyFields(f, ['password', 'secret'], m)
    return { password: passwordParams(f, 'password', m), secret: stringField(f, 'secret', m, { max: MAX_SECRET }) }
  }),
  /** "Forgot password?": replaces the wallet with one restored from a phrase or key (new password). */
  wallet_restore: extensionMethod<{ password: string; secret: string }, WalletStatus>((raw, m) => {
    const f = objectParams(raw, m)
    onlyFields(f, ['password', 'secret'], m)
    return { password: passwordParams(f, 'password', m), secret: stringField(f, 'secret', m, { max: MAX_SECRET }) }
  }),
  wallet_unlock: extensionMethod<{ password: string }, WalletStatus>((raw, m) => {
    const f = objectParams(raw, m)
    onlyFields(f, ['password'], m)
    return { password: passwordParams(f, 'password', m) }
  }),
  wallet_lock: extensionMethod<undefined, WalletStatus>(noParams, REPEATABLE),
  /** Re-encrypts the vault; a worker killed half-way leaves the old or the new vault, never neither. */
  wallet_changePassword: extensionMethod<{ oldPassword: string; newPassword: string }, { changed: true }>((raw, m) => {
    const f = objectParams(raw, m)
    onlyFields(f, ['oldPassword', 'newPassword'], m)
    return { oldPassword: passwordParams(f, 'oldPassword', m), newPassword: passwordParams(f, 'newPassword', m) }
  }),
  /** The recovery phrase (phrase accounts) or private key (imported keys), after the password. */
  wallet_reveal: extensionMethod<{ password: string; accountId: string }, { kind: 'phrase' | 'privateKey'; secret: string }>((raw, m) => {
    const f = objectParams(raw, m)
    onlyFields(f, ['password', 'accountId'], m)
    return { password: passwordParams(f, 'password', m), accountId: stringField(f, 'accountId', m, { max: 64 }) }
  }),
  /** The next account of the wallet's phrase (m/44'/60'/0'/0/i, i = the next unused index). */
  accounts_add: extensionMethod<{ label?: string }, AccountView>((raw, m) => {
    const f = raw === undefined ? {} : objectParams(raw, m)
    onlyFields(f, ['label'], m)
    const label = optionalString(f, 'label', m, { max: MAX_LABEL })
    return label === undefined ? {} : { label }
  }),
  /** Another phrase or private key into the unlocked vault; the password confirms it. */
  accounts_import: extensionMethod<{ password: string; secret: string; label?: string }, AccountView>((raw, m) => {
    const f = objectParams(raw, m)
    onlyFields(f, ['password', 'secret', 'label'], m)
    const label = optionalString(f, 'label', m, { max: MAX_LABEL })
    return {
      password: passwordParams(f, 'password', m),
      secret: stringField(f, 'secret', m, { max: MAX_SECRET }),
      ...(label === undefined ? {} : { label }),
    }
  }),
  accounts_rename: extensionMethod<{ accountId: string; label: string }, AccountView>((raw, m) => {
    const f = objectParams(raw, m)
    onlyFields(f, ['accountId', 'label'], m)
    return { accountId: stringField(f, 'accountId', m, { max: 64 }), label: stringField(f, 'label', m, { max: MAX_LABEL }) }
  }, REPEATABLE),
  /** Removes an account (its cache too); the password confirms it. The last account cannot go. */
  accounts_remove: extensionMethod<{ accountId: string; password: string }, WalletStatus>((raw, m) => {
    const f = objectParams(raw, m)
    onlyFields(f, ['accountId', 'password'], m)
    return { accountId: stringField(f, 'accountId', m, { max: 64 }), password: passwordParams(f, 'password', m) }
  }),
  /** Makes an account the active one (dapps see accountsChanged). */
  accounts_select: extensionMethod<{ accountId: string }, WalletStatus>((raw, m) => {
    const f = objectParams(raw, m)
    onlyFields(f, ['accountId'], m)
    return { accountId: stringField(f, 'accountId', m, { max: 64 }) }
  }, REPEATABLE),
  /** Unread messages per account id, for the account switcher (others' from their caches). */
  accounts_unread: extensionMethod<undefined, { counts: Record<string, number> }>(noParams, REPEATABLE),
  settings_get: extensionMethod<undefined, SettingsView>(noParams, REPEATABLE),
  /**
   * Changes settings. A node on an origin the extension has no host permission for must be
   * granted first by the page (permissions.request needs the user's click, so the popup asks).
   */
  settings_update: extensionMethod<Partial<SettingsView>, SettingsView>((raw, m) => {
    const f = objectParams(raw, m)
    onlyFields(f, ['nodeUrl', 'autoLockMinutes', 'notifications', 'readReceipts', 'notifyAllAccounts'], m)
    const out: Partial<SettingsView> = {}
    const nodeUrl = optionalString(f, 'nodeUrl', m, { max: 512 })
    if (nodeUrl !== undefined) out.nodeUrl = nodeUrl
    const autoLockMinutes = optionalInteger(f, 'autoLockMinutes', m, 0, 7 * 24 * 60)
    if (autoLockMinutes !== undefined) out.autoLockMinutes = autoLockMinutes
    const notifications = optionalBoolean(f, 'notifications', m)
    if (notifications !== undefined) out.notifications = notifications
    const readReceipts = optionalBoolean(f, 'readReceipts', m)
    if (readReceipts !== undefined) out.readReceipts = readReceipts
    const notifyAllAccounts = optionalBoolean(f, 'notifyAllAccounts', m)
    if (notifyAllAccounts !== undefined) out.notifyAllAccounts = notifyAllAccounts
    return out
  }, REPEATABLE),
  /** Checks the configured node now (GET /healthz) and reports what it found. */
  node_status: extensionMethod<undefined, NodeStatusView>(noParams, REPEATABLE),
  /** Starts the active account's XMTP session again after it ended in state 'error'. */
  session_retry: extensionMethod<undefined, WalletStatus>(noParams),
  /** Records activity (the popup calls it on input) so auto-lock counts from the last use. */
  wallet_touch: extensionMethod<undefined, { autoLockAt: number | null }>(noParams, REPEATABLE),
  /** What the background runs on: the secp256k1 backend (and why it fell back), when it started. */
  diagnostics_get: extensionMethod<undefined, DiagnosticsView>(noParams, REPEATABLE),
} as const
