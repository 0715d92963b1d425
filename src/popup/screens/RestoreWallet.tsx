// "Forgot password?" from the lock screen: restore the wallet from its recovery phrase or a
// private key under a new password. It replaces the wallet in this browser, so it says first
// what goes (the accounts here and their cached messages) and asks for a deliberate confirm.
import { useState } from 'preact/hooks'
import { FormError } from '../components/FormError.tsx'
import { NewPasswordFields } from '../components/NewPasswordFields.tsx'
import { SecretField } from '../components/SecretField.tsx'
import { TopBar } from '../components/TopBar.tsx'
import { useAppState, useServices } from '../context.ts'
import { useAction } from '../hooks/use-action.ts'
import { useNewPassword } from '../hooks/use-new-password.ts'
import { checkSecretInput } from '../lib/phrase.ts'

export function RestoreWallet({ onCancel }: { onCancel: () => void }) {
  const { store } = useServices()
  const accounts = useAppState((s) => s.wallet?.accounts.length ?? 0)
  const [secret, setSecret] = useState('')
  const fields = useNewPassword()
  const [understood, setUnderstood] = useState(false)
  const [secretError, setSecretError] = useState<string | null>(null)
  const { busy, error, run } = useAction()
  const ready = secret.trim() !== '' && fields.acceptable && understood && !busy
  const submit = (e: Event) => {
    e.preventDefault()
    const check = checkSecretInput(secret)
    if (!check.ok) {
      setSecretError(check.message)
      return
    }
    if (!ready) return
    void run(() => store.wallet.restore(fields.password, check.secret))
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
          <NewPasswordFields fields={fields} labels={{ password: 'New password', confirm: 'Confirm new password' }} strength="hint" />
          <label class="check">
            <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.currentTarget.checked)} />
            <span>I understand the wallet in this browser is replaced.</span>
          </label>
          <FormError message={error} />
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
