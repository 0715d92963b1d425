// A password strength hint for onboarding: rough, honest and explained. It never blocks a
// password of 8+ characters; it tells the person how hard theirs would be to guess.
export type StrengthLevel = 0 | 1 | 2 | 3 | 4

export interface Strength {
  level: StrengthLevel
  label: 'Too short' | 'Weak' | 'Fair' | 'Good' | 'Strong'
  hint: string
}

export const MIN_PASSWORD_LENGTH = 8

const COMMON = new Set(['password', 'password1', '12345678', '123456789', 'qwertyui', 'qwerty123', 'iloveyou', 'letmein1', 'parley123', 'abcdefgh', '11111111', '00000000'])

export function passwordStrength(password: string): Strength {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return { level: 0, label: 'Too short', hint: `Use at least ${MIN_PASSWORD_LENGTH} characters.` }
  }
  if (COMMON.has(password.toLowerCase()) || /^(.)\1+$/.test(password)) {
    return { level: 1, label: 'Weak', hint: 'This is one of the first passwords anyone would try.' }
  }
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length
  const words = password.trim().split(/\s+/).length
  let score = 0
  if (password.length >= 12) score++
  if (password.length >= 16 || words >= 4) score++
  if (classes >= 3) score++
  if (classes >= 2 && password.length >= 10) score++
  if (score <= 1) return { level: 2, label: 'Fair', hint: 'Longer is stronger: a few unrelated words work well.' }
  if (score === 2 || score === 3) return { level: 3, label: 'Good', hint: 'Longer still is better.' }
  return { level: 4, label: 'Strong', hint: 'Hard to guess.' }
}
