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
          <svg viewBox="0 0 72 64" width="72" height="64" aria-hidden="true">
            <path class="bubble-back" d="M14 6h30a10 10 0 0 1 10 10v14a10 10 0 0 1-10 10H26l-10 8v-8h-2A10 10 0 0 1 4 30V16A10 10 0 0 1 14 6z" />
            <path class="bubble-front" d="M34 22h24a10 10 0 0 1 10 10v10a10 10 0 0 1-10 10h-1v8l-10-8H34a10 10 0 0 1-10-10V32a10 10 0 0 1 10-10z" />
            <circle class="bubble-dot" cx="38" cy="37" r="2.5" />
            <circle class="bubble-dot" cx="46" cy="37" r="2.5" />
            <circle class="bubble-dot" cx="54" cy="37" r="2.5" />
          </svg>
          <p class="empty-title">No conversations yet</p>
          <p class="empty-hint">Messages you send and receive with your wallet will show up here.</p>
        </div>
      </main>
    </div>
  )
}
