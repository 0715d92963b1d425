// "Forgot password?" from the lock screen: restore the wallet from its recovery phrase or a
// private key under a new password. It replaces the wallet in this browser, so it says first
// what goes (the accounts here and their cached messages) and asks for a deliberate confirm.
import { useState } from 'preact/hooks'
import { Field } from '../components/Field.tsx'
import { SecretField } from '../components/SecretField.tsx'
import { TopBar } from '../components/TopBar.tsx'
import { useAppState, useServices } from '../context.ts'
import { checkSecretInput } from '../lib/phrase.ts'
import { MIN_PASSWORD_LENGTH as MIN_PASSWORD, passwordStrength } from '../lib/password.ts'
import { errorText } from '../lib/error-sentence.ts'

export function RestoreWallet({ onCancel }: { onCancel: () => void }) {
  const { store } = useServices()
  const accounts = useAppState((s) => s.wallet?.accounts.length ?? 0)
  const [secret, setSecret] = useState('')
  const [password, setPassword] = useState('')
  const [confirm, setConfirm] = useState('')
  const [understood, setUnderstood] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [secretError, setSecretError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const mismatch = confirm !== '' && confirm !== password
  const ready = secret.trim() !== '' && password.length >= MIN_PASSWORD && confirm === password && understood && !busy
  const submit = async (e: Event) => {
    e.preventDefault()
    const check = checkSecretInput(secret)
    if (!check.ok) {
      setSecretError(check.message)
      return
    }
    if (!ready) return
    setBusy(true)
    setError(null)
    try {
      await store.wallet.restore(password, check.secret)
    } catch (err) {
      setError(errorText(err))
      setBusy(false)
    }
  }
  return (
    <main class="main-landmark">
      <form class="screen onboarding" onSubmit={submit} aria-describedby="restore-warning">
        <TopBar title={<h1>Restore your wallet</h1>}>
          <button type="button" class="link-button" onClick={onCancel}>
            Cancel
          </button>
        </TopBar>
        <div class="screen-body">
          <div class="banner warn" id="restore-warning" role="note">
            <span>
              This replaces the wallet in this browser. Its {accounts === 1 ? 'account' : `${accounts} accounts`} and their cached messages are removed here; whatever your phrase or key restores comes back, and messages are fetched again from the network.
            </span>
          </div>
          <SecretField label="Recovery phrase or private key" value={secret} onValue={(v) => { setSecret(v); setSecretError(null) }} error={secretError} autoFocus />
          <Field label="New password" type="password" autoComplete="new-password" value={password} onValue={setPassword} hint={password ? `${passwordStrength(password).label}. ${passwordStrength(password).hint}` : `At least ${MIN_PASSWORD} characters.`} />
          <Field label="Confirm new password" type="password" autoComplete="new-password" value={confirm} onValue={setConfirm} error={mismatch ? 'The passwords do not match.' : undefined} />
          <label class="check">
            <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.currentTarget.checked)} />
            <span>I understand the wallet in this browser is replaced.</span>
          </label>
          {error && (
            <p class="form-error" role="alert">
              {error}
            </p>
          )}
        </div>
        <div class="actions">
          <button type="submit" class="button primary danger-fill" disabled={!ready}>
            {busy ? 'Restoring…' : 'Replace and restore'}
          </button>
        </div>
      </form>
    </main>
  )
}
