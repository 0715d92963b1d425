import { useState } from 'preact/hooks'
import { SecretField } from '../../components/SecretField.tsx'
import { TopBar } from '../../components/TopBar.tsx'
import { checkSecretInput } from '../../lib/phrase.ts'

export function ImportSecret({ onBack, onNext }: { onBack: () => void; onNext: (secret: string) => void }) {
  const [value, setValue] = useState('')
  const [error, setError] = useState<string | null>(null)
  const submit = (e: Event) => {
    e.preventDefault()
    const check = checkSecretInput(value)
    if (check.ok) onNext(check.secret)
    else setError(check.message)
  }
  return (
    <main class="main-landmark">
      <form class="screen onboarding" onSubmit={submit}>
        <TopBar title={<h1>Import a wallet</h1>}>
          <button type="button" class="link-button" onClick={onBack}>
            Cancel
          </button>
        </TopBar>
        <div class="screen-body">
          <p class="lead">Enter the 12 to 24 word recovery phrase of your wallet, or an account's private key.</p>
          <SecretField
            label="Recovery phrase or private key"
            rows={4}
            value={value}
            error={error}
            onValue={(v) => {
              setValue(v)
              setError(null)
            }}
          />
          <p class="muted small">It is encrypted with your password and stays in this browser.</p>
        </div>
        <div class="actions">
          <button type="submit" class="button primary" disabled={value.trim() === ''}>
            Continue
          </button>
        </div>
      </form>
    </main>
  )
}
