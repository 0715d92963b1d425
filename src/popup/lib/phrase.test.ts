import { describe, expect, it } from 'vitest'
import { checkSecretInput, pickQuizPositions, quizAnswered, splitPhrase, wrongAnswers, wrongWordsSentence } from './phrase.ts'

const PHRASE = 'orbit lunar canvas velvet pigeon harbor frost mango ticket silent remind anchor'

describe('recovery phrase quiz', () => {
  it('picks three distinct sorted positions inside the phrase', () => {
    let n = 0
    const seq = [0.99, 0.99, 0.1, 0.5]
    const positions = pickQuizPositions(12, () => seq[n++ % seq.length] as number)
    expect(positions).toEqual([1, 6, 11])
    for (let i = 0; i < 50; i++) {
      const p = pickQuizPositions(12)
      expect(new Set(p).size).toBe(3)
      expect(p.every((x) => x >= 0 && x < 12)).toBe(true)
    }
  })
  it('accepts the right words in any case and spacing, and nothing else', () => {
    const words = splitPhrase(PHRASE)
    expect(quizAnswered(words, [0, 4, 11], [' Orbit', 'pigeon ', 'ANCHOR'])).toBe(true)
    expect(quizAnswered(words, [0, 4, 11], ['orbit', 'pigeon', 'remind'])).toBe(false)
  })
})

describe('what someone pastes into "Recovery phrase or private key"', () => {
  it('recognises a phrase and normalises spacing and case', () => {
    expect(checkSecretInput(`  ${PHRASE.toUpperCase().replace(/ /g, '   ')}\n`)).toEqual({ ok: true, kind: 'phrase', secret: PHRASE })
  })
  it('recognises a private key with or without 0x', () => {
    const key = 'ab'.repeat(32)
    expect(checkSecretInput(key)).toEqual({ ok: true, kind: 'privateKey', secret: `0x${key}` })
    expect(checkSecretInput(`0x${key.toUpperCase()}`)).toEqual({ ok: true, kind: 'privateKey', secret: `0x${key}` })
  })
  it('says what is wrong', () => {
    expect(checkSecretInput('orbit lunar canvas')).toMatchObject({ ok: false, message: expect.stringContaining('this one has 3') })
    expect(checkSecretInput('0xabc')).toMatchObject({ ok: false, message: expect.stringContaining('64 hexadecimal') })
    expect(checkSecretInput('')).toMatchObject({ ok: false })
  })
})

describe('the word check says which word', () => {
  it('names the wrong positions (1-based)', () => {
    const words = 'a b c d e f g h i j k l'.split(' ')
    const positions = [1, 4, 8]
    expect(wrongAnswers(words, positions, ['b', 'x', 'i'])).toEqual([1])
    expect(wrongWordsSentence(positions, [1])).toBe('Word #5 does not match.')
    expect(wrongWordsSentence(positions, wrongAnswers(words, positions, ['x', 'e', 'y']))).toBe('Words #2 and #9 do not match.')
    expect(wrongWordsSentence(positions, [0, 1, 2])).toBe('Words #2, #5 and #9 do not match.')
  })
})
