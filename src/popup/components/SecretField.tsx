// The field a recovery phrase or private key is typed into: masked until the person asks to
// see it (Show / Hide), no autocomplete, capitalisation or spellcheck (a spellchecker would
// send the words to a dictionary), and its error tied to it for screen readers. Masked, it is
// a one-line password field; shown, a textarea where the whole phrase wraps into view.
import { useId, useState } from 'preact/hooks'

export function SecretField({ label, value, onValue, error, rows = 3, autoFocus }: { label: string; value: string; onValue: (v: string) => void; error: string | null; rows?: number; autoFocus?: boolean }) {
  const id = useId()
  const [shown, setShown] = useState(false)
  const common = {
    id,
    value,
    autoComplete: 'off',
    autoCapitalize: 'off' as const,
    spellcheck: false,
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': error ? `${id}-error` : undefined,
    onInput: (e: Event) => onValue((e.currentTarget as HTMLInputElement | HTMLTextAreaElement).value),
  }
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <div class="row-between">
        <label for={id}>{label}</label>
        <button type="button" class="link-button small" aria-pressed={shown} aria-controls={id} onClick={() => setShown((s) => !s)}>
          {shown ? 'Hide' : 'Show'}
        </button>
      </div>
      {shown ? <textarea {...common} rows={rows} autoFocus /> : <input {...common} type="password" class="mono" autoFocus={autoFocus} />}
      {error && (
        <p id={`${id}-error`} class="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  )
}
