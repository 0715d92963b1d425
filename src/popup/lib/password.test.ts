import { describe, expect, it } from 'vitest'
import { passwordStrength } from './password.ts'

describe('password strength hint', () => {
  it('grades from too short to strong', () => {
    expect(passwordStrength('abc').label).toBe('Too short')
    expect(passwordStrength('password').label).toBe('Weak')
    expect(passwordStrength('aaaaaaaaaa').label).toBe('Weak')
    expect(passwordStrength('sunflower').label).toBe('Fair')
    expect(passwordStrength('Sunflower42!').level).toBeGreaterThanOrEqual(3)
    expect(passwordStrength('correct horse battery staple 9').label).toBe('Strong')
  })
})
