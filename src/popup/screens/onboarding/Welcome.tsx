import { FormError } from '../../components/FormError.tsx'
import { useAction } from '../../hooks/use-action.ts'

export function Welcome({ onCreate, onImport }: { onCreate: () => Promise<void>; onImport: () => void }) {
  const { busy, error, run } = useAction()
  return (
    <main class="screen onboarding welcome">
      <div class="hero">
        <img class="hero-logo" src="/icons/icon-128.png" alt="" width={72} height={72} />
        <h1>Parley</h1>
        <p class="lead">Message any Ethereum address, end-to-end encrypted on XMTP. Your keys never leave this browser.</p>
      </div>
      <div class="actions stack">
        <button type="button" class="button primary" disabled={busy} onClick={() => void run(onCreate)}>
          Create a new wallet
        </button>
        <button type="button" class="button secondary" onClick={onImport}>
          Import a wallet
        </button>
        <FormError message={error} />
      </div>
    </main>
  )
}
