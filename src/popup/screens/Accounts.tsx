// Accounts of the wallet: switch (each keeps its own conversations), add the next one from the
// phrase, rename.
import { useState } from 'preact/hooks'
import type { AccountView } from '../../extension/views.ts'
import { Avatar } from '../components/Avatar.tsx'
import { CopyButton } from '../components/CopyButton.tsx'
import { Field } from '../components/Field.tsx'
import { Icon } from '../components/Icon.tsx'
import { TopBar } from '../components/TopBar.tsx'
import { useAppState, useServices } from '../context.ts'
import { shortAddress } from '../lib/address.ts'
import { navigate } from '../router.ts'
import { errorText } from '../store.ts'

export function Accounts() {
  const { platform, store } = useServices()
  const wallet = useAppState((s) => s.wallet)
  const [error, setError] = useState<string | null>(null)
  const [adding, setAdding] = useState(false)
  const [label, setLabel] = useState('')
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
              onSelect={() =>
                run(async () => {
                  store.setWallet(await platform.rpc.call('accounts_select', { accountId: a.id }))
                  navigate({ name: 'conversations', tab: 'messages' })
                })
              }
              onRename={(newLabel) =>
                run(async () => {
                  await platform.rpc.call('accounts_rename', { accountId: a.id, label: newLabel })
                  store.setWallet(await platform.rpc.call('wallet_status'))
                })
              }
            />
          ))}
        </ul>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        {adding ? (
          <form
            class="card stack"
            onSubmit={(e) => {
              e.preventDefault()
              void run(async () => {
                const trimmed = label.trim()
                await platform.rpc.call('accounts_add', trimmed ? { label: trimmed } : {})
                store.setWallet(await platform.rpc.call('wallet_status'))
                setAdding(false)
                setLabel('')
              })
            }}
          >
            <Field label="Account name" value={label} onValue={setLabel} placeholder="e.g. Work" autoFocus hint="The next account of your recovery phrase." />
            <div class="row-gap end">
              <button type="button" class="button secondary" onClick={() => setAdding(false)}>
                Cancel
              </button>
              <button type="submit" class="button primary">
                Add account
              </button>
            </div>
          </form>
        ) : (
          <button type="button" class="button secondary full" onClick={() => setAdding(true)}>
            <Icon name="plus" size={16} /> Add account
          </button>
        )}
      </div>
    </div>
  )
}

function AccountRow({ account, active, onSelect, onRename }: { account: AccountView; active: boolean; onSelect: () => Promise<void>; onRename: (label: string) => Promise<void> }) {
  const [editing, setEditing] = useState(false)
  const [label, setLabel] = useState(account.label)
  if (editing) {
    return (
      <li class="account-row editing">
        <form
          class="row-gap grow"
          onSubmit={(e) => {
            e.preventDefault()
            if (label.trim() === '') return
            void onRename(label.trim()).then(() => setEditing(false))
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
      <button type="button" class="account-select" aria-pressed={active} aria-label={`Switch to ${account.label} (${account.address})`} onClick={() => void onSelect()}>
        <Avatar address={account.address} size={36} />
        <span class="account-text">
          <span class="account-label">
            {account.label}
            {active && <span class="tag">Active</span>}
          </span>
          <span class="account-address mono">{shortAddress(account.address)}</span>
        </span>
      </button>
      <CopyButton text={account.address} label={`Copy address ${account.address}`} />
      <button type="button" class="icon-button small" aria-label={`Rename ${account.label}`} onClick={() => setEditing(true)}>
        <Icon name="compose" size={14} />
      </button>
    </li>
  )
}
