// Settings: the node (with its live status), auto-lock, notifications, connected sites, the
// recovery phrase behind the password, and locking now.
import { useEffect, useState } from 'preact/hooks'
import { FormError } from '../components/FormError.tsx'
import type { SettingsView } from '../../extension/views.ts'
import { TopBar } from '../components/TopBar.tsx'
import { useAppState, useServices } from '../context.ts'
import { describeNode, describeWorker } from '../status.ts'
import { errorText } from '../lib/error-sentence.ts'
import { NodeSetting } from './settings/NodeSetting.tsx'
import { BlockedList } from './settings/BlockedList.tsx'
import { RevealSecret } from './settings/RevealSecret.tsx'
import { SiteSettings } from './settings/SiteSettings.tsx'

const AUTO_LOCK_CHOICES = [
  [1, '1 minute'],
  [5, '5 minutes'],
  [15, '15 minutes'],
  [60, '1 hour'],
  [240, '4 hours'],
  [0, 'Never'],
] as const

export function Settings() {
  const { store } = useServices()
  const worker = useAppState((s) => s.worker)
  const node = useAppState((s) => s.node)
  const settings = useAppState((s) => s.settings)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    store.settings.load().catch((e) => setError(errorText(e)))
    void store.checkNode()
    // Live status: check the node every few seconds while Settings is open.
    const t = setInterval(() => void store.checkNode(), 5000)
    return () => clearInterval(t)
  }, [store])

  const update = async (change: Partial<SettingsView>) => {
    setError(null)
    try {
      await store.settings.update(change)
    } catch (e) {
      setError(errorText(e))
      throw e
    }
  }

  const workerLine = describeWorker(worker)
  const nodeLine = describeNode(node)

  return (
    <div class="screen settings-screen">
      <TopBar title={<h1>Settings</h1>} back="#/" />
      <div class="screen-body">
        <section class="card" aria-labelledby="s-status">
          <h2 id="s-status">Status</h2>
          <p class={`health tone-${workerLine.tone}`} data-testid="worker-status">
            <span class="dot" aria-hidden="true" />
            {workerLine.detail}
          </p>
          <p class={`health tone-${nodeLine.tone}`} data-testid="node-status">
            <span class="dot" aria-hidden="true" />
            {nodeLine.detail}
          </p>
        </section>

        {settings && <NodeSetting key={settings.nodeUrl} current={settings.nodeUrl} onSave={async (nodeUrl) => { await update({ nodeUrl }); await store.checkNode() }} />}

        {settings && (
          <section class="card" aria-labelledby="s-security">
            <h2 id="s-security">Security</h2>
            <div class="field">
              <label for="auto-lock">Auto-lock</label>
              <select id="auto-lock" value={String(settings.autoLockMinutes)} onChange={(e) => void update({ autoLockMinutes: Number(e.currentTarget.value) }).catch(() => {})}>
                {AUTO_LOCK_CHOICES.map(([n, label]) => (
                  <option key={n} value={String(n)}>
                    {label}
                  </option>
                ))}
              </select>
            </div>
            <label class="switch-row">
              <span>Notifications for new messages</span>
              <input type="checkbox" role="switch" checked={settings.notifications} onChange={(e) => void update({ notifications: e.currentTarget.checked }).catch(() => {})} />
            </label>
            <label class="switch-row">
              <span>Notifications for all accounts, not only the one in use</span>
              <input type="checkbox" role="switch" checked={settings.notifyAllAccounts} disabled={!settings.notifications} onChange={(e) => void update({ notifyAllAccounts: e.currentTarget.checked }).catch(() => {})} />
            </label>
            <label class="switch-row">
              <span>
                Send read receipts
                <span class="muted small block">People you accepted see when you have read their messages. Never sent for requests.</span>
              </span>
              <input type="checkbox" role="switch" checked={settings.readReceipts} onChange={(e) => void update({ readReceipts: e.currentTarget.checked }).catch(() => {})} />
            </label>
            <button
              type="button"
              class="button secondary full"
              onClick={async () => {
                try {
                  await store.wallet.lock()
                } catch (e) {
                  setError(errorText(e))
                }
              }}
            >
              Lock now
            </button>
          </section>
        )}

        <SiteSettings onError={setError} />

        <BlockedList />

        <RevealSecret />

        <FormError message={error} />
      </div>
    </div>
  )
}
