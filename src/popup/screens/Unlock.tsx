import { useState } from 'preact/hooks'
import { Avatar } from '../components/Avatar.tsx'
import { Field } from '../components/Field.tsx'
import { useAppState, useServices } from '../context.ts'
import { shortAddress } from '../lib/address.ts'
import { errorText } from '../lib/error-sentence.ts'
import { RestoreWallet } from './RestoreWallet.tsx'

export function Unlock() {
  const { store } = useServices()
  const wallet = useAppState((s) => s.wallet)
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  const [restoring, setRestoring] = useState(false)
  const account = wallet?.accounts.find((a) => a.id === wallet.activeAccountId) ?? wallet?.accounts[0]
  const submit = async (e: Event) => {
    e.preventDefault()
    if (password.length === 0 || busy) return
    setBusy(true)
    setError(undefined)
    try {
      await store.wallet.unlock(password)
    } catch (err) {
      setError(errorText(err))
      setBusy(false)
    }
  }
  if (restoring) return <RestoreWallet onCancel={() => setRestoring(false)} />
  return (
    <main class="main-landmark">
      <form class="screen onboarding unlock" onSubmit={submit}>
        <div class="hero">
          {account ? <Avatar address={account.address} size={64} /> : <img class="hero-logo" src="/icons/icon-128.png" alt="" width={64} height={64} />}
          <h1>Welcome back</h1>
          {account && (
            <p class="lead">
              {account.label} · <span class="mono">{shortAddress(account.address)}</span>
            </p>
          )}
        </div>
        <div class="screen-body">
          <Field label="Password" type="password" autoComplete="current-password" autoFocus value={password} onValue={(v) => { setPassword(v); setError(undefined) }} error={error} />
        </div>
        <div class="actions stack">
          <button type="submit" class="button primary" disabled={password.length === 0 || busy}>
            {busy ? 'Unlocking…' : 'Unlock'}
          </button>
          <button type="button" class="link-button forgot" onClick={() => setRestoring(true)}>
            Forgot password? Restore from your recovery phrase or key
          </button>
        </div>
      </form>
    </main>
  )
}
