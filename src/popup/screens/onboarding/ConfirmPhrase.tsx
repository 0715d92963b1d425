import { useMemo, useState } from 'preact/hooks'
import { Field } from '../../components/Field.tsx'
import { FormError } from '../../components/FormError.tsx'
import { TopBar } from '../../components/TopBar.tsx'
import { pickQuizPositions, splitPhrase, wrongAnswers, wrongWordsSentence } from '../../lib/phrase.ts'

export function ConfirmPhrase({ phrase, onBack, onNext }: { phrase: string; onBack: () => void; onNext: () => void }) {
  const words = useMemo(() => splitPhrase(phrase), [phrase])
  const positions = useMemo(() => pickQuizPositions(words.length), [words])
  const [answers, setAnswers] = useState(['', '', ''])
  const [error, setError] = useState<string | null>(null)
  const [wrong, setWrong] = useState<number[]>([])
  const submit = (e: Event) => {
    e.preventDefault()
    const mismatched = wrongAnswers(words, positions, answers)
    setWrong(mismatched)
    if (mismatched.length === 0) onNext()
    else setError(`${wrongWordsSentence(positions, mismatched)} Check your written copy, or go back to see the phrase again.`)
  }
  return (
    <main class="main-landmark">
      <form class="screen onboarding" onSubmit={submit}>
        <TopBar title={<h1>Check your phrase</h1>}>
          <button type="button" class="link-button" onClick={onBack}>
            Show again
          </button>
        </TopBar>
        <div class="screen-body">
          <p class="lead">Type the words at these positions, so we know your copy is right.</p>
          {positions.map((p, i) => (
            <Field
              key={p}
              label={`Word #${p + 1}`}
              value={answers[i] ?? ''}
              autoComplete="off"
              autoCapitalize="off"
              spellcheck={false}
              error={wrong.includes(i) ? 'This word does not match.' : undefined}
              onValue={(v) => {
                setError(null)
                setWrong((w) => w.filter((x) => x !== i))
                setAnswers((a) => a.map((x, j) => (j === i ? v : x)))
              }}
            />
          ))}
          <FormError message={error} />
        </div>
        <div class="actions">
          <button type="submit" class="button primary" disabled={answers.some((a) => a.trim() === '')}>
            Continue
          </button>
        </div>
      </form>
    </main>
  )
}
