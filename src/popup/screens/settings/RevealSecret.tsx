import { useState } from 'preact/hooks'
import { Field } from '../../components/Field.tsx'
import { useAppState, useServices } from '../../context.ts'
import { errorText } from '../../lib/error-sentence.ts'

/** Shows the active account's phrase or key after the password, hidden again on demand. */
export function RevealSecret() {
  const { store } = useServices()
  const accountId = useAppState((s) => s.wallet?.activeAccountId ?? null)
  // An imported key has no phrase: say "private key" for it, from the heading on.
  const isKey = useAppState((s) => s.wallet?.accounts.find((a) => a.id === s.wallet?.activeAccountId)?.kind === 'privateKey')
  const what = isKey ? 'private key' : 'recovery phrase'
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | undefined>(undefined)
  const [secret, setSecret] = useState<{ kind: 'phrase' | 'privateKey'; secret: string } | null>(null)
  if (!accountId) return null
  return (
    <section class="card" aria-labelledby="s-reveal">
      <h2 id="s-reveal">{isKey ? 'Private key' : 'Recovery phrase'}</h2>
      {secret ? (
        <div class="stack">
          <p class="muted small">{secret.kind === 'phrase' ? 'Your recovery phrase. Never share it.' : 'This account’s private key. Never share it.'}</p>
          <p class="secret mono" data-testid="revealed-secret">
            {secret.secret}
          </p>
          <button type="button" class="button secondary small" onClick={() => setSecret(null)}>
            Hide
          </button>
        </div>
      ) : (
        <form
          class="stack"
          onSubmit={async (e) => {
            e.preventDefault()
            setError(undefined)
            try {
              setSecret(await store.wallet.reveal(password, accountId))
              setPassword('')
            } catch (err) {
              setError(errorText(err))
            }
          }}
        >
          <Field label="Password" type="password" autoComplete="current-password" value={password} onValue={(v) => { setPassword(v); setError(undefined) }} error={error} hint={`Enter your password to show the ${what}.`} />
          <button type="submit" class="button secondary small" disabled={password === ''}>
            Reveal {what}
          </button>
        </form>
      )}
    </section>
  )
}
