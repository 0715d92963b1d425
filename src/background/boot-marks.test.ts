import { describe, expect, it } from 'vitest'
import { firstAnswerMarks } from './boot-marks.ts'

describe('firstAnswerMarks', () => {
  it('marks the first answer of each known method once, and never a made-up name', () => {
    const marks: string[] = []
    const answered = firstAnswerMarks((name) => name === 'ping' || name === 'wallet_status', (step) => marks.push(step))
    answered('ping')
    answered('ping')
    answered('wallet_status')
    answered('nope')
    answered(undefined)
    answered(42)
    expect(marks).toEqual(['answered ping', 'answered wallet_status'])
  })
})
