// Recovery phrase helpers for onboarding: which words to ask back, and a first look at what
// someone pasted into "Recovery phrase or private key" (the background checks it fully).
export function splitPhrase(phrase: string): string[] {
  return phrase.trim().toLowerCase().split(/\s+/).filter((w) => w.length > 0)
}

/** Three distinct word positions (0-based, ascending) to ask back. */
export function pickQuizPositions(wordCount: number, random: () => number = Math.random): number[] {
  if (wordCount < 3) throw new RangeError('a phrase has at least 3 words')
  const chosen = new Set<number>()
  while (chosen.size < 3) chosen.add(Math.floor(random() * wordCount) % wordCount)
  return [...chosen].sort((a, b) => a - b)
}

export function quizAnswered(words: string[], positions: number[], answers: string[]): boolean {
  return wrongAnswers(words, positions, answers).length === 0
}

/** The indexes (into `answers`) of the words that do not match. */
export function wrongAnswers(words: string[], positions: number[], answers: string[]): number[] {
  return positions.flatMap((p, i) => ((answers[i] ?? '').trim().toLowerCase() === words[p] ? [] : [i]))
}

/** "Word #5 does not match." / "Words #2 and #9 do not match." / "Words #2, #5 and #9 …" */
export function wrongWordsSentence(positions: number[], wrong: number[]): string {
  const names = wrong.map((i) => `#${(positions[i] as number) + 1}`)
  if (names.length === 1) return `Word ${names[0]} does not match.`
  return `Words ${names.slice(0, -1).join(', ')} and ${names.at(-1)} do not match.`
}

export type SecretCheck = { ok: true; kind: 'phrase' | 'privateKey'; secret: string } | { ok: false; message: string }

const WORD_COUNTS = new Set([12, 15, 18, 21, 24])

export function checkSecretInput(input: string): SecretCheck {
  const value = input.trim()
  if (value.length === 0) return { ok: false, message: 'Paste your recovery phrase or private key.' }
  const hex = value.startsWith('0x') || value.startsWith('0X') ? value.slice(2) : value
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return { ok: true, kind: 'privateKey', secret: `0x${hex.toLowerCase()}` }
  if (/^[0-9a-fA-Fx]+$/.test(value) && !/\s/.test(value)) {
    return { ok: false, message: 'A private key is 64 hexadecimal characters (with or without 0x).' }
  }
  const words = splitPhrase(value)
  if (!words.every((w) => /^[a-z]+$/.test(w))) return { ok: false, message: 'A recovery phrase is made of words separated by spaces.' }
  if (!WORD_COUNTS.has(words.length)) {
    return { ok: false, message: `A recovery phrase has 12, 15, 18, 21 or 24 words; this one has ${words.length}.` }
  }
  return { ok: true, kind: 'phrase', secret: words.join(' ') }
}
