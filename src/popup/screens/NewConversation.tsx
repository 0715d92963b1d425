// Starts a conversation: the address is checked in the page (format and EIP-55 checksum), then
// on the network (peers_canMessage) before anything is created or sent.
import { useState } from 'preact/hooks'
import { Field } from '../components/Field.tsx'
import { TopBar } from '../components/TopBar.tsx'
import { useServices } from '../context.ts'
import { checkAddressInput } from '../lib/address.ts'
import { navigate } from '../router.ts'
import { errorText } from '../store.ts'

export function NewConversation() {
  const { platform, store } = useServices()
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
    setBusy(true)
    setError(undefined)
    try {
      const { canMessage } = await platform.rpc.call('peers_canMessage', { peerAddress: check.address })
      if (!canMessage) {
        setError('This address is not on the XMTP network yet. They need to use an XMTP app (such as Parley) once before you can message them.')
        setBusy(false)
        return
      }
      const conversation = await platform.rpc.call('conversations_new', { peerAddress: check.address })
      store.apply({ type: 'conversation', conversation })
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
        <Field
          label="Address"
          placeholder="0x…"
          autoFocus
          autoComplete="off"
          spellcheck={false}
          class="mono"
          value={value}
          onValue={(v) => {
            setValue(v)
            setError(undefined)
          }}
          hint="The Ethereum address of the person you want to message."
          error={error}
        />
      </div>
      <div class="actions">
        <button type="submit" class="button primary" disabled={busy || value.trim() === ''}>
          {busy ? 'Checking the network…' : 'Start conversation'}
        </button>
      </div>
    </form>
  )
}
