// Starts a conversation: the address is checked in the page (format and EIP-55 checksum), then
// on the network (peers_canMessage) before anything is created or sent.
import { useState } from 'preact/hooks'
import { TopBar } from '../components/TopBar.tsx'
import { useAppState, useServices } from '../context.ts'
import { checkAddressInput } from '../lib/address.ts'
import { navigate } from '../router.ts'
import { errorText } from '../lib/error-sentence.ts'

export function NewConversation() {
  const { store } = useServices()
  const me = useAppState((s) => s.wallet?.accounts.find((a) => a.id === s.wallet?.activeAccountId)?.address)
  const [value, setValue] = useState('')
  const [error, setError] = useState<string | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  const submit = async (e: Event) => {
    e.preventDefault()
    const check = checkAddressInput(value)
    if (!check.ok) {
      setError(check.message)
      return
    }
    if (me && check.address.toLowerCase() === me.toLowerCase()) {
      setError('That is your own address. Enter the address of the person you want to message.')
      return
    }
    setBusy(true)
    setError(undefined)
    try {
      const conversation = await store.conversations.start(check.address)
      if (!conversation) {
        setError('This address is not on the XMTP network yet. They need to use an XMTP app (such as Parley) once before you can message them.')
        setBusy(false)
        return
      }
      navigate({ name: 'conversation', topic: conversation.topic })
    } catch (err) {
      setError(errorText(err))
      setBusy(false)
    }
  }
  return (
    <form class="screen" onSubmit={submit}>
      <TopBar title={<h1>New conversation</h1>} back="#/" />
      <div class="screen-body">
        {/* A two-line field: the whole 42-character address stays visible in the popup's width. */}
        <div class={`field${error ? ' has-error' : ''}`}>
          <label for="new-address">Address</label>
          <textarea
            id="new-address"
            class="mono address-input"
            rows={2}
            placeholder="0x…"
            autoFocus
            autoComplete="off"
            autoCapitalize="off"
            spellcheck={false}
            value={value}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? 'new-address-error' : 'new-address-hint'}
            onInput={(e) => {
              setValue(e.currentTarget.value)
              setError(undefined)
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault()
                e.currentTarget.form?.requestSubmit()
              }
            }}
          />
          {error ? (
            <p id="new-address-error" class="field-error" role="alert">
              {error}
            </p>
          ) : (
            <p id="new-address-hint" class="field-hint">
              The Ethereum address of the person you want to message. Any case; spaces are ignored.
            </p>
          )}
        </div>
      </div>
      <div class="actions">
        <button type="submit" class="button primary" disabled={busy || value.trim() === ''}>
          {busy ? 'Checking the network…' : 'Start conversation'}
        </button>
      </div>
    </form>
  )
}
