// A labelled input with its hint or error tied to it for screen readers.
import { useId } from 'preact/hooks'

interface InputProps {
  type?: 'text' | 'password' | 'search' | 'url'
  placeholder?: string
  autoComplete?: string
  autoCapitalize?: 'off' | 'none'
  autoFocus?: boolean
  spellcheck?: boolean
  class?: string
  disabled?: boolean
}

export function Field(props: InputProps & { label: string; value: string; onValue: (v: string) => void; hint?: string; error?: string | undefined }) {
  const { label, value, onValue, hint, error, ...rest } = props
  const id = useId()
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={id}>{label}</label>
      <input
        id={id}
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy}
        {...(rest as Record<string, unknown>)}
      />
      {error ? (
        <p id={`${id}-error`} class="field-error" role="alert">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} class="field-hint">
          {hint}
        </p>
      ) : null}
    </div>
  )
}
