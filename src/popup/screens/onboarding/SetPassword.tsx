import { useState } from 'preact/hooks'
import { Field } from '../../components/Field.tsx'
import { TopBar } from '../../components/TopBar.tsx'
import { MIN_PASSWORD_LENGTH, passwordStrength } from '../../lib/password.ts'
import { errorText } from '../../lib/error-sentence.ts'

export function SetPassword({ mode, onBack, onSubmit }: { mode: 'create' | 'import'; onBack: () => void; onSubmit: (password: string) => Promise<void> }) {
  const [password, setPassword] = useState('')
  const [confirm, setConfirm] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const strength = passwordStrength(password)
  const mismatch = confirm.length > 0 && confirm !== password
  const canSubmit = password.length >= MIN_PASSWORD_LENGTH && confirm === password && !busy
  const submit = async (e: Event) => {
    e.preventDefault()
    if (!canSubmit) return
    setBusy(true)
    setError(null)
    try {
      await onSubmit(password)
    } catch (err) {
      setError(errorText(err))
      setBusy(false)
    }
  }
  return (
    <main class="main-landmark">
      <form class="screen onboarding" onSubmit={submit}>
        <TopBar title={<h1>Set a password</h1>}>
          <button type="button" class="link-button" onClick={onBack} disabled={busy}>
            Back
          </button>
        </TopBar>
        <div class="screen-body">
          <p class="lead">The password unlocks Parley on this browser. It cannot be recovered; your recovery phrase can.</p>
          <Field label="Password" type="password" autoComplete="new-password" value={password} onValue={setPassword} />
          <div class={`strength level-${strength.level}`} aria-live="polite" data-testid="password-strength">
            <div class="strength-meter" aria-hidden="true">
              {[1, 2, 3, 4].map((n) => (
                <span key={n} class={n <= strength.level ? 'on' : ''} />
              ))}
            </div>
            {password.length > 0 && (
              <p class="small">
                <strong>{strength.label}.</strong> {strength.hint}
              </p>
            )}
          </div>
          <Field
            label="Confirm password"
            type="password"
            autoComplete="new-password"
            value={confirm}
            onValue={setConfirm}
            error={mismatch ? 'The passwords do not match.' : undefined}
          />
          {error && (
            <p class="form-error" role="alert">
              {error}
            </p>
          )}
        </div>
        <div class="actions">
          <button type="submit" class="button primary" disabled={!canSubmit}>
            {busy ? 'Encrypting…' : mode === 'create' ? 'Create wallet' : 'Import wallet'}
          </button>
        </div>
      </form>
    </main>
  )
}
