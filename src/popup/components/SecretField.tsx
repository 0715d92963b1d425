// The multi-line field a recovery phrase or private key is typed into: no autocomplete,
// capitalisation or spellcheck (a spellchecker would send the words to a dictionary), and its
// error tied to it for screen readers.
import { useId } from 'preact/hooks'

export function SecretField({ label, value, onValue, error, rows = 3, autoFocus }: { label: string; value: string; onValue: (v: string) => void; error: string | null; rows?: number; autoFocus?: boolean }) {
  const id = useId()
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={id}>{label}</label>
      <textarea
        id={id}
        rows={rows}
        value={value}
        autoComplete="off"
        autoCapitalize="off"
        spellcheck={false}
        autoFocus={autoFocus}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onInput={(e) => onValue(e.currentTarget.value)}
      />
      {error && (
        <p id={`${id}-error`} class="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  )
}
