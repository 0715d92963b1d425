import { FormError } from '../../components/FormError.tsx'
import { NewPasswordFields } from '../../components/NewPasswordFields.tsx'
import { TopBar } from '../../components/TopBar.tsx'
import { useAction } from '../../hooks/use-action.ts'
import { useNewPassword } from '../../hooks/use-new-password.ts'

export function SetPassword({ mode, onBack, onSubmit }: { mode: 'create' | 'import'; onBack: () => void; onSubmit: (password: string) => Promise<void> }) {
  const fields = useNewPassword()
  const { busy, error, run } = useAction()
  const canSubmit = fields.acceptable && !busy
  const submit = (e: Event) => {
    e.preventDefault()
    if (!canSubmit) return
    void run(() => onSubmit(fields.password))
  }
  return (
    <main class="main-landmark">
      <form class="screen onboarding" onSubmit={submit}>
        <TopBar title={<h1>Set a password</h1>}>
          <button type="button" class="link-button" onClick={onBack} disabled={busy}>
            Back
          </button>
        </TopBar>
        <div class="screen-body">
          <p class="lead">The password unlocks Parley on this browser. It cannot be recovered; your recovery phrase can.</p>
          <NewPasswordFields fields={fields} labels={{ password: 'Password', confirm: 'Confirm password' }} strength="meter" />
          <FormError message={error} />
        </div>
        <div class="actions">
          <button type="submit" class="button primary" disabled={!canSubmit}>
            {busy ? 'Encrypting…' : mode === 'create' ? 'Create wallet' : 'Import wallet'}
          </button>
        </div>
      </form>
    </main>
  )
}
