// The two fields of a new password (onboarding, restoring a wallet): the password with how hard
// it is to guess, as a meter (onboarding teaches it) or as the field's hint (compact), then its
// confirmation, which says when it differs.
import type { NewPassword } from '../hooks/use-new-password.ts'
import { MIN_PASSWORD_LENGTH } from '../lib/password.ts'
import { Field } from './Field.tsx'

export function NewPasswordFields({ fields, labels, strength }: { fields: NewPassword; labels: { password: string; confirm: string }; strength: 'meter' | 'hint' }) {
  const { password, confirm, mismatch } = fields
  const hint = password ? `${fields.strength.label}. ${fields.strength.hint}` : `At least ${MIN_PASSWORD_LENGTH} characters.`
  return (
    <>
      <Field label={labels.password} type="password" autoComplete="new-password" value={password} onValue={fields.setPassword} {...(strength === 'hint' ? { hint } : {})} />
      {strength === 'meter' && <StrengthMeter fields={fields} />}
      <Field label={labels.confirm} type="password" autoComplete="new-password" value={confirm} onValue={fields.setConfirm} error={mismatch ? 'The passwords do not match.' : undefined} />
    </>
  )
}

function StrengthMeter({ fields }: { fields: NewPassword }) {
  const { level, label, hint } = fields.strength
  return (
    <div class={`strength level-${level}`} aria-live="polite" data-testid="password-strength">
      <div class="strength-meter" aria-hidden="true">
        {[1, 2, 3, 4].map((n) => (
          <span key={n} class={n <= level ? 'on' : ''} />
        ))}
      </div>
      {fields.password.length > 0 && (
        <p class="small">
          <strong>{label}.</strong> {hint}
        </p>
      )}
    </div>
  )
}
