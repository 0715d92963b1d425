// Accounts of the wallet: switch (each keeps its own conversations), add the next one from the
// phrase, import another phrase or key, rename, remove (the password confirms the last two).
import { useEffect, useState } from 'preact/hooks'
import type { AccountView } from '../../extension/views.ts'
import { Avatar } from '../components/Avatar.tsx'
import { CopyButton } from '../components/CopyButton.tsx'
import { Field } from '../components/Field.tsx'
import { FormError } from '../components/FormError.tsx'
import { Icon } from '../components/Icon.tsx'
import { TopBar } from '../components/TopBar.tsx'
import { useAppState, useServices } from '../context.ts'
import { shortAddress } from '../lib/address.ts'
import { navigate } from '../router.ts'
import { errorText } from '../lib/error-sentence.ts'
import { ImportAccountForm, RemoveAccountForm } from './AccountForms.tsx'

export function Accounts() {
  const { store } = useServices()
  const wallet = useAppState((s) => s.wallet)
  const [error, setError] = useState<string | null>(null)
  const [adding, setAdding] = useState<'next' | 'import' | null>(null)
  const [label, setLabel] = useState('')
  const unread = useAppState((s) => s.unreadByAccount)
  const conversations = useAppState((s) => s.conversations)
  // Unread per account: the active one live, the others as of their last sync (from their caches).
  useEffect(() => {
    void store.wallet.loadUnread()
  }, [store, wallet?.accounts.length, wallet?.activeAccountId, conversations])
  if (!wallet) return null
  const run = async (fn: () => Promise<void>) => {
    setError(null)
    try {
      await fn()
    } catch (e) {
      setError(errorText(e))
    }
  }
  return (
    <div class="screen">
      <TopBar title={<h1>Accounts</h1>} back="#/" />
      <div class="screen-body">
        <ul class="account-list" aria-label="Accounts">
          {wallet.accounts.map((a) => (
            <AccountRow
              key={a.id}
              account={a}
              active={a.id === wallet.activeAccountId}
              unread={unread[a.id] ?? 0}
              onSelect={() =>
                run(async () => {
                  await store.wallet.selectAccount(a.id)
                  navigate({ name: 'conversations', tab: 'messages' })
                })
              }
              onRename={(newLabel) =>
                run(() => store.wallet.renameAccount(a.id, newLabel))
              }
              // The last account cannot go (the wallet would have nobody to message as).
              {...(wallet.accounts.length > 1
                ? { onRemove: (password: string) => store.wallet.removeAccount(a, password) }
                : {})}
            />
          ))}
        </ul>
        <FormError message={error} />
        {adding === 'import' ? (
          <ImportAccountForm
            onCancel={() => setAdding(null)}
            onImport={async (args) => {
              await store.wallet.importAccount(args)
              setAdding(null)
            }}
          />
        ) : adding === 'next' ? (
          <form
            class="card stack"
            onSubmit={(e) => {
              e.preventDefault()
              void run(async () => {
                const trimmed = label.trim()
                await store.wallet.addAccount(trimmed || undefined)
                setAdding(null)
                setLabel('')
              })
            }}
          >
            <Field label="Account name" value={label} onValue={setLabel} placeholder="e.g. Work" autoFocus hint="The next account of your recovery phrase." />
            <div class="row-gap end">
              <button type="button" class="button secondary" onClick={() => setAdding(null)}>
                Cancel
              </button>
              <button type="submit" class="button primary">
                Add account
              </button>
            </div>
          </form>
        ) : (
          <div class="stack">
            <button type="button" class="button secondary full" onClick={() => setAdding('next')}>
              <Icon name="plus" size={16} /> Add account
            </button>
            <button type="button" class="button secondary full" onClick={() => setAdding('import')}>
              <Icon name="download" size={16} /> Import account
            </button>
          </div>
        )}
      </div>
    </div>
  )
}

function AccountRow({
  account,
  active,
  unread,
  onSelect,
  onRename,
  onRemove,
}: {
  account: AccountView
  active: boolean
  unread: number
  onSelect: () => Promise<void>
  onRename: (label: string) => Promise<void>
  /** Absent when the account cannot be removed (the last one). */
  onRemove?: (password: string) => Promise<void>
}) {
  const [mode, setMode] = useState<'view' | 'rename' | 'remove'>('view')
  const [label, setLabel] = useState(account.label)
  if (mode === 'remove' && onRemove) {
    return (
      <li class="account-row editing">
        <RemoveAccountForm account={account} onCancel={() => setMode('view')} onRemove={onRemove} />
      </li>
    )
  }
  if (mode === 'rename') {
    return (
      <li class="account-row editing">
        <form
          class="row-gap grow"
          onSubmit={(e) => {
            e.preventDefault()
            if (label.trim() === '') return
            void onRename(label.trim()).then(() => setMode('view'))
          }}
        >
          <Field label={`New name for ${account.label}`} value={label} onValue={setLabel} autoFocus />
          <button type="submit" class="button primary small">
            Save
          </button>
        </form>
      </li>
    )
  }
  return (
    <li class={`account-row${active ? ' active' : ''}`}>
      <button type="button" class="account-select" aria-pressed={active} aria-describedby={unread > 0 ? `unread-${account.id}` : undefined} onClick={() => void onSelect()}>
        <Avatar address={account.address} size={36} />
        <span class="account-text">
          <span class="account-label">
            <span class="visually-hidden">Switch to </span>
            {account.label}
            <span class="visually-hidden"> ({account.address})</span>
            {active && (
              <span class="tag" aria-hidden="true">
                Active
              </span>
            )}
          </span>
          <span class="account-address mono" aria-hidden="true">
            {shortAddress(account.address)}
          </span>
        </span>
        {unread > 0 && (
          <span class="unread-badge" id={`unread-${account.id}`} data-testid="account-unread">
            <span aria-hidden="true">{unread > 99 ? '99+' : unread}</span>
            <span class="visually-hidden">{unread} unread</span>
          </span>
        )}
      </button>
      <CopyButton text={account.address} label={`Copy address ${account.address}`} />
      <button type="button" class="icon-button small" aria-label={`Rename ${account.label}`} onClick={() => setMode('rename')}>
        <Icon name="compose" size={14} />
      </button>
      {onRemove && (
        <button type="button" class="icon-button small" aria-label={`Remove ${account.label}`} onClick={() => setMode('remove')}>
          <Icon name="trash" size={14} />
        </button>
      )}
    </li>
  )
}
