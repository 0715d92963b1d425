// Says out loud when something is wrong: the worker does not answer, or the node is down (a
// live worker with a dead node is still "offline" for messages). Nothing shows when all is well.
import { useAppState, useServices } from '../context.ts'
import { describeNode, describeWorker, SESSION_ERROR_HINT } from '../status.ts'
import { Icon } from './Icon.tsx'

export function HealthBanner() {
  const { store } = useServices()
  const worker = useAppState((s) => s.worker)
  const node = useAppState((s) => s.node)
  const session = useAppState((s) => s.wallet?.session)
  if (worker.state === 'offline') {
    return (
      <div class="banner bad" role="alert">
        <Icon name="alert" size={16} />
        <span>{describeWorker(worker).detail}</span>
        <button type="button" class="link-button" onClick={() => void store.refresh()}>
          Retry
        </button>
      </div>
    )
  }
  if (session?.state === 'error') {
    return (
      <div class="banner bad" role="alert" data-testid="session-error">
        <Icon name="alert" size={16} />
        <span>
          {session.error ?? 'XMTP is not connected.'} {SESSION_ERROR_HINT}
        </span>
        <span class="banner-actions">
          <button type="button" class="link-button" onClick={() => void store.wallet.retrySession().catch(() => {})}>
            Try again
          </button>
          <a class="link-button" href="#/settings">
            Settings
          </a>
        </span>
      </div>
    )
  }
  if (node && !node.reachable) {
    return (
      <div class="banner warn" role="status" data-testid="node-offline">
        <Icon name="alert" size={16} />
        <span title={describeNode(node).detail}>
          <strong>Node offline.</strong> {node.error ? `${capitalize(node.error)}. ` : ''}Messages you send wait until it is back.
        </span>
        <button type="button" class="link-button" onClick={() => void store.checkNode()}>
          Check again
        </button>
      </div>
    )
  }
  if (session && session.state !== 'ready' && session.state !== 'idle') {
    return (
      <div class="banner info" role="status" data-testid="session-progress">
        <span>{session.step ?? 'Connecting to XMTP…'}</span>
      </div>
    )
  }
  return null
}

/** A small dot + label for headers: the node's reachability. */
export function NodePill() {
  const node = useAppState((s) => s.node)
  const line = describeNode(node)
  return (
    <span class={`pill tone-${line.tone}`} title={line.detail} data-testid="node-pill">
      <span class="dot" aria-hidden="true" />
      <span class="visually-hidden">{line.detail}</span>
      <span aria-hidden="true">{line.label}</span>
    </span>
  )
}

/** The node's reachability as a presence dot on the account's avatar (NodeStatusText names it). */
export function NodeDot() {
  const node = useAppState((s) => s.node)
  const line = describeNode(node)
  return (
    <span class={`presence tone-${line.tone}`} title={line.detail} data-testid="node-dot" data-tone={line.tone} aria-hidden="true" />
  )
}

/** The node's state for screen readers, outside any link so it is announced on change. */
export function NodeStatusText() {
  const node = useAppState((s) => s.node)
  return (
    <span class="visually-hidden" role="status" data-testid="node-status-text">
      {describeNode(node).detail}
    </span>
  )
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
