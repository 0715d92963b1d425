// The list's header: who you are (opens Accounts), node health, and the main actions.
import { useAppState, useServices } from '../context.ts'
import { shortAddress } from '../lib/address.ts'
import { navigate } from '../router.ts'
import { errorText } from '../lib/error-sentence.ts'
import { Avatar } from './Avatar.tsx'
import { NodeDot, NodeStatusText } from './HealthBanner.tsx'
import { Icon } from './Icon.tsx'

export function AppHeader() {
  const { platform, store } = useServices()
  const wallet = useAppState((s) => s.wallet)
  const account = wallet?.accounts.find((a) => a.id === wallet.activeAccountId)
  const lock = async () => {
    try {
      await store.wallet.lock()
    } catch (e) {
      window.alert(errorText(e))
    }
  }
  return (
    <header class="app-header">
      <a class="account-chip" href="#/accounts">
        {account && (
          <span class="avatar-with-status">
            <Avatar address={account.address} size={34} />
            <NodeDot />
          </span>
        )}
        <span class="account-text">
          <span class="visually-hidden">Accounts: </span>
          <span class="account-label">{account?.label ?? 'Parley'}</span>
          {account && (
            <span class="account-address mono" aria-hidden="true">
              {shortAddress(account.address)}
            </span>
          )}
        </span>
      </a>
      <NodeStatusText />
      <div class="header-actions">
        <button type="button" class="icon-button" aria-label="New conversation" title="New conversation" onClick={() => navigate({ name: 'new' })}>
          <Icon name="compose" />
        </button>
        {platform.view === 'popup' && (
          <button type="button" class="icon-button" aria-label="Open in tab" title="Open in tab" onClick={() => void store.openInTab()}>
            <Icon name="expand" />
          </button>
        )}
        <a class="icon-button" href="#/settings" aria-label="Settings" title="Settings">
          <Icon name="settings" />
        </a>
        <button type="button" class="icon-button" aria-label="Lock" title="Lock" onClick={() => void lock()}>
          <Icon name="lock" />
        </button>
      </div>
    </header>
  )
}
