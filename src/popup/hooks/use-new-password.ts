// A new password typed twice (onboarding, restoring a wallet): long enough and confirmed.
import { useState } from 'preact/hooks'
import { MIN_PASSWORD_LENGTH, passwordStrength, type Strength } from '../lib/password.ts'

export interface NewPassword {
  password: string
  setPassword(value: string): void
  confirm: string
  setConfirm(value: string): void
  /** A confirmation is typed and differs. */
  mismatch: boolean
  /** Long enough and confirmed: ready to submit. */
  acceptable: boolean
  strength: Strength
}

export function useNewPassword(): NewPassword {
  const [password, setPassword] = useState('')
  const [confirm, setConfirm] = useState('')
  return {
    password,
    setPassword,
    confirm,
    setConfirm,
    mismatch: confirm !== '' && confirm !== password,
    acceptable: password.length >= MIN_PASSWORD_LENGTH && confirm === password,
    strength: passwordStrength(password),
  }
}
