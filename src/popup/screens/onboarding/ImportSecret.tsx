import { useId, useState } from 'preact/hooks'
import { TopBar } from '../../components/TopBar.tsx'
import { checkSecretInput } from '../../lib/phrase.ts'

export function ImportSecret({ onBack, onNext }: { onBack: () => void; onNext: (secret: string) => void }) {
  const id = useId()
  const [value, setValue] = useState('')
  const [error, setError] = useState<string | null>(null)
  const submit = (e: Event) => {
    e.preventDefault()
    const check = checkSecretInput(value)
    if (check.ok) onNext(check.secret)
    else setError(check.message)
  }
  return (
    <form class="screen onboarding" onSubmit={submit}>
      <TopBar title={<h1>Import a wallet</h1>}>
        <button type="button" class="link-button" onClick={onBack}>
          Cancel
        </button>
      </TopBar>
      <div class="screen-body">
        <p class="lead">Enter the 12 to 24 word recovery phrase of your wallet, or an account's private key.</p>
        <div class={`field${error ? ' has-error' : ''}`}>
          <label for={id}>Recovery phrase or private key</label>
          <textarea
            id={id}
            rows={4}
            value={value}
            autoComplete="off"
            autoCapitalize="off"
            spellcheck={false}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
            onInput={(e) => {
              setValue(e.currentTarget.value)
              setError(null)
            }}
          />
          {error && (
            <p id={`${id}-error`} class="field-error" role="alert">
              {error}
            </p>
          )}
        </div>
        <p class="muted small">It is encrypted with your password and stays in this browser.</p>
      </div>
      <div class="actions">
        <button type="submit" class="button primary" disabled={value.trim() === ''}>
          Continue
        </button>
      </div>
    </form>
  )
}
