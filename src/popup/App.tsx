import { useCallback, useEffect, useState } from 'preact/hooks'
import type { RpcClient } from '../extension/rpc-client.ts'
import { checkBackground, describeStatus, type BackgroundStatus } from './status.ts'

const PILL_LABEL: Record<BackgroundStatus['state'], string> = {
  checking: 'Checking',
  online: 'Online',
  offline: 'Offline',
}

export function App({ client }: { client: RpcClient }) {
  const [status, setStatus] = useState<BackgroundStatus>({ state: 'checking' })

  const refresh = useCallback(() => {
    setStatus({ state: 'checking' })
    void checkBackground(client).then(setStatus)
  }, [client])

  useEffect(refresh, [refresh])

  return (
    <div class="popup">
      <header class="header">
        <img class="logo" src="/icons/icon-48.png" alt="" width={28} height={28} />
        <h1>Parley</h1>
        <span class={`pill pill-${status.state}`} data-testid="status-pill">
          <span class="dot" aria-hidden="true" />
          {PILL_LABEL[status.state]}
        </span>
      </header>

      <section class="status" aria-live="polite">
        <p data-testid="background-status" data-state={status.state}>
          {describeStatus(status)}
        </p>
        {status.state === 'offline' && (
          <button type="button" class="retry" onClick={refresh}>
            Retry
          </button>
        )}
      </section>

      <main class="conversations">
        <h2>Conversations</h2>
        <div class="empty" data-testid="conversations-empty">
          <svg viewBox="0 0 64 64" width="56" height="56" aria-hidden="true">
            <rect x="6" y="10" width="40" height="28" rx="10" class="bubble-back" />
            <path d="M18 44 h30 a10 10 0 0 0 10 -10 v-8 a10 10 0 0 0 -10 -10 h-20" class="bubble-line" />
            <path d="M16 38 l-4 12 l12 -8" class="bubble-back" />
          </svg>
          <p class="empty-title">No conversations yet</p>
          <p class="empty-hint">Messages you send and receive with your wallet will show up here.</p>
        </div>
      </main>
    </div>
  )
}
