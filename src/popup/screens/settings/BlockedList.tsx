// Settings → Blocked: the addresses the user blocked (from their conversations), each with
// Unblock. Unblocking allows the address again: its conversation returns to Messages.
import { useEffect, useState } from 'preact/hooks'
import { useAppState, useServices } from '../../context.ts'
import { errorText } from '../../lib/error-sentence.ts'

export function BlockedList() {
  const { store } = useServices()
  const ready = useAppState((s) => s.wallet?.session.state === 'ready')
  const blocked = useAppState((s) => s.blockedConversations)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    if (!ready) return
    store.conversations.loadBlocked().catch((e) => setError(errorText(e)))
  }, [store, ready])

  // One row per address: blocking is per address, whatever the number of conversations.
  const peers = blocked ? [...new Map(blocked.map((c) => [c.peerAddress.toLowerCase(), c])).values()] : null

  return (
    <section class="card" aria-labelledby="s-blocked">
      <h2 id="s-blocked">Blocked</h2>
      {error ? (
        <p class="form-error" role="alert">
          {error}
        </p>
      ) : !ready ? (
        <p class="muted small">Shown once your XMTP session is ready.</p>
      ) : peers === null ? (
        <p class="muted small">Loading…</p>
      ) : peers.length === 0 ? (
        <p class="muted small">You have not blocked anyone. Blocking a request hides its messages; unblock here.</p>
      ) : (
        <ul class="site-list" aria-label="Blocked addresses">
          {peers.map((c) => (
            <li key={c.peerAddress} class="site-row">
              <span class="site-origin mono blocked-address">{c.peerAddress}</span>
              <button
                type="button"
                class="button secondary small"
                aria-label={`Unblock ${c.peerAddress}`}
                onClick={async () => {
                  setError(null)
                  try {
                    await store.conversations.setConsent(c, 'allowed')
                  } catch (e) {
                    setError(errorText(e))
                  }
                }}
              >
                Unblock
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
