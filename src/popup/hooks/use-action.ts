// A form's submit: busy while the action runs, its failure kept as the sentence to show.
// On success the form stays busy: the action moves the person on (a new screen, a closed form).
import { useState } from 'preact/hooks'
import { errorText } from '../lib/error-sentence.ts'

export interface Action {
  busy: boolean
  /** The last failure, as a sentence; cleared when the action runs again. */
  error: string | null
  run(action: () => Promise<void>): Promise<void>
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const run = async (action: () => Promise<void>) => {
    setBusy(true)
    setError(null)
    try {
      await action()
    } catch (e) {
      setError(errorText(e))
      setBusy(false)
    }
  }
  return { busy, error, run }
}
