// First run: create (phrase shown, three words asked back) or import (phrase or key), then the
// password, then the XMTP identity's progress. Each step is its own small component.
import { useState } from 'preact/hooks'
import { useServices } from '../../context.ts'
import { ConfirmPhrase } from './ConfirmPhrase.tsx'
import { ImportSecret } from './ImportSecret.tsx'
import { SetPassword } from './SetPassword.tsx'
import { ShowPhrase } from './ShowPhrase.tsx'
import { Welcome } from './Welcome.tsx'

type Step =
  | { name: 'welcome' }
  | { name: 'show'; phrase: string }
  | { name: 'confirm'; phrase: string }
  | { name: 'import' }
  | { name: 'password'; mode: 'create' | 'import'; secret: string; back: Step }

export function Onboarding() {
  const { store } = useServices()
  const [step, setStep] = useState<Step>({ name: 'welcome' })

  switch (step.name) {
    case 'welcome':
      return (
        <Welcome
          onCreate={async () => {
            const phrase = await store.wallet.generatePhrase()
            setStep({ name: 'show', phrase })
          }}
          onImport={() => setStep({ name: 'import' })}
        />
      )
    case 'show':
      return <ShowPhrase phrase={step.phrase} onBack={() => setStep({ name: 'welcome' })} onNext={() => setStep({ name: 'confirm', phrase: step.phrase })} />
    case 'confirm':
      return (
        <ConfirmPhrase
          phrase={step.phrase}
          onBack={() => setStep({ name: 'show', phrase: step.phrase })}
          onNext={() => setStep({ name: 'password', mode: 'create', secret: step.phrase, back: step })}
        />
      )
    case 'import':
      return <ImportSecret onBack={() => setStep({ name: 'welcome' })} onNext={(secret) => setStep({ name: 'password', mode: 'import', secret, back: step })} />
    case 'password':
      return (
        <SetPassword
          mode={step.mode}
          onBack={() => setStep(step.back)}
          onSubmit={(password) => (step.mode === 'create' ? store.wallet.create(password, step.secret) : store.wallet.importWallet(password, step.secret))}
        />
      )
  }
}
