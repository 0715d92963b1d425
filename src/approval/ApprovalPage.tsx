import { useEffect, useState } from 'preact/hooks'
import { ProviderRpcError } from '../extension/rpc-error.ts'
import type { RpcClient } from '../extension/rpc-client.ts'
import type { ApprovalView, WalletStatus } from '../extension/views.ts'
import { conversationLine, headlineOf, scopeLines } from './describe.ts'

type Load = { state: 'loading' } | { state: 'gone' } | { state: 'ready'; view: ApprovalView } | { state: 'error'; message: string }

function messageOf(error: unknown): string {
  return error instanceof ProviderRpcError ? error.message : 'Something went wrong. Close this window and try again.'
}

export function ApprovalPage({ client, id, close }: { client: RpcClient; id: string; close: () => void }) {
  const [load, setLoad] = useState<Load>({ state: 'loading' })
  const [wallet, setWallet] = useState<WalletStatus | null>(null)
  const [password, setPassword] = useState('')
  const [unlockError, setUnlockError] = useState<string | null>(null)
  const [remember, setRemember] = useState(false)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    // Both reads are repeatable: if the worker stops while one is in flight (it may, at any
    // time), the client sends it again, which wakes a new worker; the request is still pending
    // in storage.session.
    void (async () => {
      try {
        const view = id ? await client.call('approvals_get', { id }) : null
        setLoad(view ? { state: 'ready', view } : { state: 'gone' })
      } catch (error) {
        setLoad({ state: 'error', message: messageOf(error) })
        return
      }
      // Without the status the request still shows; only the account line waits for it.
      setWallet(await client.call('wallet_status').catch(() => null))
    })()
  }, [client, id])

  if (load.state === 'loading') return <main class="approval"><p class="muted">Loading…</p></main>
  if (load.state === 'gone' || load.state === 'error') {
    return (
      <main class="approval">
        <p data-testid="approval-gone">{load.state === 'gone' ? 'This request was already answered.' : load.message}</p>
        <button type="button" onClick={close}>Close</button>
      </main>
    )
  }

  const view = load.view
  const uninitialized = wallet !== null && !wallet.initialized
  const locked = !uninitialized && (wallet?.locked ?? false)
  const active = wallet?.accounts.find((a) => a.id === wallet.activeAccountId)
  const account = view.accountAddress ?? active?.address ?? null

  async function unlock(event: Event) {
    event.preventDefault()
    setBusy(true)
    setUnlockError(null)
    try {
      setWallet(await client.call('wallet_unlock', { password }))
      setPassword('')
    } catch (error) {
      setUnlockError(messageOf(error))
    } finally {
      setBusy(false)
    }
  }

  async function answer(decision: 'approve' | 'reject' | 'block') {
    setBusy(true)
    try {
      // Repeatable (the client sends it again after a worker stop): an answer the background
      // already took is refused (-32602), not redone.
      await client.call('approvals_resolve', remember && decision === 'approve' ? { id, decision, remember: 'sendWithoutConfirm' } : { id, decision })
    } catch {
      // Already answered elsewhere, or the request could not be carried out: the site is told.
    }
    close()
  }

  return (
    <main class="approval" data-testid="approval" data-kind={view.kind}>
      <header class="approval-header">
        <img src="/icons/icon-48.png" alt="" width={28} height={28} />
        <span>Parley</span>
      </header>
      <h1>
        <span class="origin" data-testid="approval-origin">{view.origin}</span>
        <span class="headline">{headlineOf(view)}</span>
      </h1>
      <dl class="facts">
        <dt>Account</dt>
        <dd data-testid="approval-account">{account ?? 'Unlock Parley to choose'}</dd>
        {view.send && (
          <>
            <dt>To</dt>
            <dd data-testid="approval-peer">{view.send.peerAddress}</dd>
            <dt>In</dt>
            <dd class="conversation" data-testid="approval-conversation">{conversationLine(view.send)}</dd>
          </>
        )}
      </dl>
      {view.send && (
        <section>
          <h2 id="approval-message-label">Message</h2>
          {/* The whole message, never cut: long ones scroll inside the box (focusable for the keyboard). */}
          <div class="preview" data-testid="approval-preview" tabIndex={0} role="region" aria-labelledby="approval-message-label">
            {view.send.text}
          </div>
          {view.send.attachment && view.send.attachment.mimeType.startsWith('image/') && (
            <img
              class="attachment-preview"
              data-testid="approval-attachment"
              src={`data:${view.send.attachment.mimeType};base64,${view.send.attachment.dataBase64}`}
              alt={`Preview of ${view.send.attachment.filename}`}
            />
          )}
        </section>
      )}
      {view.scopes && view.scopes.length > 0 && (
        <section>
          <h2>It will be able to</h2>
          <ul class="scopes" data-testid="approval-scopes">
            {scopeLines(view.scopes).map((line) => <li key={line}>{line}</li>)}
          </ul>
          <p class="muted">You can revoke this any time in Parley’s settings.</p>
        </section>
      )}
      {view.kind === 'send' && (
        <label class="remember">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember((e.target as HTMLInputElement).checked)} />
          Don’t ask again for this site
        </label>
      )}
      {uninitialized && (
        <p class="error" role="alert" data-testid="approval-no-wallet">
          Parley has no wallet yet. Set it up from the toolbar button, then try again from the site.
        </p>
      )}
      {locked && (
        <form class="unlock" onSubmit={unlock}>
          <label for="password">Parley is locked. Enter your password to continue.</label>
          <input id="password" type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
          {unlockError && <p class="error" role="alert">{unlockError}</p>}
          <button type="submit" disabled={busy || password.length === 0}>Unlock</button>
        </form>
      )}
      <footer class="actions">
        <button type="button" class="reject" disabled={busy} onClick={() => void answer('reject')}>Reject</button>
        <button type="button" class="approve" disabled={busy || locked || uninitialized} onClick={() => void answer('approve')}>Approve</button>
      </footer>
      <button
        type="button"
        class="block-site"
        disabled={busy}
        aria-describedby="block-site-hint"
        onClick={() => void answer('block')}
      >
        Block this site
      </button>
      <p id="block-site-hint" class="muted">Rejects this and every later request of {view.origin} until you unblock it in Parley’s settings; it is disconnected.</p>
    </main>
  )
}
