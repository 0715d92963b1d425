// The XMTP identity being created or restored after onboarding, step by step, with a way out
// of an error. Progress comes from WalletStatus.session (pushed on the events port).
import { useState } from 'preact/hooks'
import { FormError } from '../components/FormError.tsx'
import { Spinner } from '../components/Spinner.tsx'
import { useAppState, useServices } from '../context.ts'
import { SESSION_ERROR_HINT } from '../status.ts'
import { errorText } from '../lib/error-sentence.ts'

export function IdentitySetup() {
  const { store } = useServices()
  const lock = async () => {
    try {
      await store.wallet.lock()
    } catch (e) {
      setRetryError(errorText(e))
    }
  }
  const session = useAppState((s) => s.wallet?.session)
  const [retryError, setRetryError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const failed = session?.state === 'error'
  const title = session?.state === 'restoring' ? 'Restoring your XMTP identity' : 'Creating your XMTP identity'
  return (
    <main class="screen onboarding identity" aria-busy={!failed}>
      <div class="hero">
        {failed ? <span class="hero-badge bad" aria-hidden="true">!</span> : <Spinner />}
        <h1>{failed ? 'Could not set up XMTP' : title}</h1>
        <p class="lead" role="status" aria-live="polite" data-testid="session-step">
          {failed ? session?.error ?? 'Something went wrong.' : session?.step ?? 'Getting ready…'}
        </p>
        {!failed && <p class="muted small">Your keys are signed with your wallet and published to the node, encrypted. This takes a few seconds.</p>}
      </div>
      {failed && (
        <div class="actions stack">
          <button
            type="button"
            class="button primary"
            disabled={busy}
            onClick={async () => {
              setBusy(true)
              setRetryError(null)
              try {
                await store.wallet.retrySession()
              } catch (e) {
                setRetryError(errorText(e))
              } finally {
                setBusy(false)
              }
            }}
          >
            Try again
          </button>
          <p class="muted small">{SESSION_ERROR_HINT}</p>
          <div class="actions-row">
            <a class="button secondary" href="#/settings">
              Settings
            </a>
            <button type="button" class="button secondary" onClick={() => void lock()}>
              Lock
            </button>
          </div>
          <FormError message={retryError} />
        </div>
      )}
    </main>
  )
}
