// The two account forms that need the wallet password: importing another phrase or private
// key into the vault, and removing an account. The background checks the password and the
// secret again (accounts_import, accounts_remove); these forms only catch a mistyped secret
// early and say what will happen.
import { useState } from 'preact/hooks'
import type { AccountView } from '../../extension/views.ts'
import { Field } from '../components/Field.tsx'
import { FormError } from '../components/FormError.tsx'
import { SecretField } from '../components/SecretField.tsx'
import { checkSecretInput } from '../lib/phrase.ts'
import { useAction } from '../hooks/use-action.ts'

export function ImportAccountForm({ onImport, onCancel }: { onImport: (args: { secret: string; label?: string; password: string }) => Promise<void>; onCancel: () => void }) {
  const [secret, setSecret] = useState('')
  const [secretError, setSecretError] = useState<string | null>(null)
  const [label, setLabel] = useState('')
  const [password, setPassword] = useState('')
  const { busy, error, run } = useAction()
  return (
    <form
      class="card stack"
      aria-label="Import an account"
      onSubmit={(e) => {
        e.preventDefault()
        const check = checkSecretInput(secret)
        if (!check.ok) {
          setSecretError(check.message)
          return
        }
        const trimmed = label.trim()
        void run(() => onImport({ secret: check.secret, password, ...(trimmed ? { label: trimmed } : {}) }))
      }}
    >
      <SecretField
        label="Recovery phrase or private key"
        value={secret}
        error={secretError}
        autoFocus
        onValue={(v) => {
          setSecret(v)
          setSecretError(null)
        }}
      />
      <Field label="Account name" value={label} onValue={setLabel} placeholder="e.g. Hardware wallet" hint="Optional." />
      <Field label="Wallet password" type="password" autoComplete="current-password" value={password} onValue={setPassword} hint="It encrypts the imported key with the rest of your wallet." />
      <FormError message={error} />
      <div class="row-gap end">
        <button type="button" class="button secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" class="button primary" disabled={busy || secret.trim() === '' || password === ''}>
          {busy ? 'Importing…' : 'Import account'}
        </button>
      </div>
    </form>
  )
}

export function RemoveAccountForm({ account, onRemove, onCancel }: { account: AccountView; onRemove: (password: string) => Promise<void>; onCancel: () => void }) {
  const [password, setPassword] = useState('')
  const { busy, error, run } = useAction()
  return (
    <form
      class="stack grow"
      aria-label={`Remove ${account.label}`}
      onSubmit={(e) => {
        e.preventDefault()
        void run(() => onRemove(password))
      }}
    >
      <p class="small">
        Removes <strong>{account.label}</strong> from this wallet and deletes its cached messages in this browser. Its conversations stay on the XMTP network, tied to its address.
      </p>
      <Field label="Wallet password" type="password" autoComplete="current-password" value={password} onValue={setPassword} autoFocus />
      <FormError message={error} />
      <div class="row-gap end">
        <button type="button" class="button secondary small" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" class="button primary danger-fill small" disabled={busy || password === ''}>
          {busy ? 'Removing…' : `Remove ${account.label}`}
        </button>
      </div>
    </form>
  )
}
