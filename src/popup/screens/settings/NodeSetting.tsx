import { useState } from 'preact/hooks'
import { Field } from '../../components/Field.tsx'
import { useServices } from '../../context.ts'
import { checkNodeUrl } from '../../lib/node-url.ts'
import { errorText } from '../../lib/error-sentence.ts'

/** The node URL; a host the extension has no access to yet is asked for first (on this click). */
export function NodeSetting({ current, onSave }: { current: string; onSave: (url: string) => Promise<void> }) {
  const { platform } = useServices()
  const [value, setValue] = useState(current)
  const [error, setError] = useState<string | undefined>(undefined)
  const [saved, setSaved] = useState(false)
  const submit = async (e: Event) => {
    e.preventDefault()
    setSaved(false)
    const check = checkNodeUrl(value)
    if (!check.ok) {
      setError(check.message)
      return
    }
    try {
      if (check.needsPermission && !(await platform.requestHostPermission(check.origin))) {
        setError(`Parley needs your permission to reach ${check.origin}.`)
        return
      }
      await onSave(check.url)
      setSaved(true)
    } catch (err) {
      setError(errorText(err))
    }
  }
  return (
    <form class="card" aria-labelledby="s-node" onSubmit={submit}>
      <h2 id="s-node">XMTP node</h2>
      <Field label="Node URL" class="mono" value={value} spellcheck={false} onValue={(v) => { setValue(v); setError(undefined); setSaved(false) }} error={error} hint={saved ? 'Saved.' : 'Where Parley sends and fetches messages.'} />
      <div class="row-gap end">
        <button type="submit" class="button secondary small" disabled={value.trim() === current}>
          Save node
        </button>
      </div>
    </form>
  )
}
